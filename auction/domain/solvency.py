"""Solvency: what an office may require of bidders in a sale, the proofs it accepts, the check, and the
cash ceilings of the Code monétaire et financier that limit cash deposits and payments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import CheckFailed, InvalidValue
from .money import format_euros

SOLVENCY_KINDS = {"deposit": "Dépôt de garantie", "bank_letter": "Lettre de banque",
                  "card_preauth": "Pré-autorisation bancaire"}
SOLVENCY_RULES = {"none": "Aucune garantie exigée",
                  "any": "Dépôt de garantie, lettre de banque ou pré-autorisation bancaire",
                  "deposit": "Dépôt de garantie", "bank_letter": "Lettre de banque",
                  "card_preauth": "Pré-autorisation bancaire"}
DEPOSIT_METHODS = {"transfer": "Virement", "cheque": "Chèque de banque", "card": "Carte bancaire",
                   "cash": "Espèces"}


# --- cash ceilings (Code monétaire et financier, art. D112-3) -----------------------------------


@dataclass(frozen=True)
class CashCeiling:
    """The most a buyer may pay in cash, from `effective_from` (configurable: set by decree)."""

    effective_from: date
    resident_or_business_cents: int     # tax home in France, or buying for a business
    non_resident_private_cents: int     # private person whose tax home is abroad
    reference: str


CASH_CEILINGS = (
    CashCeiling(date(2015, 9, 1), 1_000_00, 15_000_00, "CMF art. D112-3 (décret n° 2015-741 du 24 juin 2015)"),
)


def cash_ceiling(tax_residence: str, buyer_type: str, on: date) -> CashCeiling:
    rows = [c for c in CASH_CEILINGS if c.effective_from <= on]
    if not rows:
        raise ValueError(f"no cash ceiling in force on {on}")
    return max(rows, key=lambda c: c.effective_from)


def cash_ceiling_cents(tax_residence: str, buyer_type: str, on: date) -> int:
    ceiling = cash_ceiling(tax_residence, buyer_type, on)
    if tax_residence == "abroad" and buyer_type == "person":
        return ceiling.non_resident_private_cents
    return ceiling.resident_or_business_cents


class SolvencyMissing(CheckFailed):
    kind = "solvency"


class SolvencyWrongKind(CheckFailed):
    kind = "solvency"


class SolvencyIncomplete(CheckFailed):
    kind = "solvency"


class DepositTooLow(CheckFailed):
    kind = "solvency"


class CashAboveCeiling(CheckFailed):
    kind = "solvency"


@dataclass(frozen=True)
class SolvencyRule:
    """What the office requires of bidders in one sale."""

    kind: str = "none"                 # a key of SOLVENCY_RULES
    deposit_minimum_cents: int = 0

    @property
    def label(self) -> str:
        text = SOLVENCY_RULES[self.kind]
        if self.kind != "none" and self.deposit_minimum_cents:
            text += f", d'au moins {format_euros(self.deposit_minimum_cents, with_cents=False)}"
        return text


@dataclass(frozen=True)
class SolvencyProof:
    kind: str                          # a key of SOLVENCY_KINDS
    amount_cents: int | None = None
    method: str | None = None          # deposits: a key of DEPOSIT_METHODS
    reference: str = ""


def check_solvency_rule(rule: SolvencyRule) -> None:
    if rule.kind not in SOLVENCY_RULES:
        raise InvalidValue("Choisissez la garantie exigée.", field="solvency_rule")
    if rule.deposit_minimum_cents < 0:
        raise InvalidValue("Le montant minimum ne peut pas être négatif.", field="deposit_minimum")


def check_solvency(rule: SolvencyRule, proof: SolvencyProof | None, cash_ceiling: int) -> None:
    if rule.kind == "none":
        return
    if proof is None or proof.kind not in SOLVENCY_KINDS:
        raise SolvencyMissing(f"Garantie exigée pour cette vente : {rule.label}.")
    if rule.kind != "any" and proof.kind != rule.kind:
        raise SolvencyWrongKind(f"Cette vente exige : {rule.label} (reçu : {SOLVENCY_KINDS[proof.kind].lower()}).")
    if not proof.reference.strip():
        what = {"deposit": "la référence du dépôt (n° de reçu, de virement ou de chèque)",
                "bank_letter": "la banque et la date de la lettre",
                "card_preauth": "la référence de la pré-autorisation"}[proof.kind]
        raise SolvencyIncomplete(f"Indiquez {what}.")
    if proof.kind == "deposit":
        if proof.method not in DEPOSIT_METHODS:
            raise SolvencyIncomplete("Indiquez le mode de versement du dépôt.")
        if not proof.amount_cents:
            raise SolvencyIncomplete("Indiquez le montant du dépôt.")
    elif proof.kind == "card_preauth" and not proof.amount_cents and rule.deposit_minimum_cents:
        raise SolvencyIncomplete("Indiquez le montant de la pré-autorisation.")
    if rule.deposit_minimum_cents and proof.amount_cents is not None and proof.amount_cents < rule.deposit_minimum_cents:
        raise DepositTooLow(f"Garantie de {format_euros(proof.amount_cents)} : la vente exige au moins "
                            f"{format_euros(rule.deposit_minimum_cents, with_cents=False)}.")
    if proof.kind == "deposit" and proof.method == "cash" and proof.amount_cents > cash_ceiling:
        raise CashAboveCeiling(f"Dépôt en espèces de {format_euros(proof.amount_cents)} : au-delà du plafond de "
                               f"{format_euros(cash_ceiling, with_cents=False)} pour cet enchérisseur "
                               "(CMF D112-3). Demandez un autre moyen de paiement.")
