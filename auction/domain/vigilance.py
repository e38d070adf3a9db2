"""Anti-money-laundering vigilance at the checkout (the officer is subject to it, CMF L561-2): what the
rules and the office's own dated thresholds point to for one buyer of a sale, pure.

Five flags, each a function taking the buyer's facts (and the thresholds where the office sets one):

- `cash_near_ceiling`: the cash received from the buyer in the sale, the cash deposit included,
  reaches the office's share of the buyer's CMF D112-3 ceiling;
- `repeated_cash`: the office's number of cash remittances from the same person (this sale and the
  others) within its window of days;
- `third_party`: a payment whose payer is not the buyer (nor, for a business, its company);
- `above_estimates`: a lot bought at the office's ratio of its high estimate or more;
- `cleared_registration`: the registration's identity checks needed the officer's clearance (a homonym
  of a barred person, auction/services/barred_clearances.py).

Without thresholds in force on the day, the three threshold flags are not raised (the office has not
set them: nothing is invented here); the other two always are. Nothing here is shown to the buyer or
to a clerk: the flags are the officer's alone (tipping off is forbidden, CMF L561-18).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InvalidValue
from .identity import fold_name
from .money import format_euros
from .solvency import cash_ceiling_cents

DECISIONS = {"no_action": "Aucune suite", "enhanced_checks": "Vigilance renforcée",
             "suspicion_declared": "Déclaration de soupçon faite (TRACFIN)"}
FLAG_TITLES = {
    "cash_near_ceiling": "Espèces proches du plafond",
    "repeated_cash": "Paiements en espèces répétés",
    "third_party": "Paiement par un tiers",
    "above_estimates": "Prix très au-dessus des estimations",
    "cleared_registration": "Inscription levée par le commissaire de justice",
}
NOTE_MAX = 1000
REFERENCE_MAX = 100


@dataclass(frozen=True)
class Thresholds:
    """The office's vigilance thresholds in force from `effective_from` (a new row for a change)."""

    effective_from: date
    cash_share_percent: int        # cash at this % of the buyer's ceiling or more is flagged
    cash_payments_count: int       # this many cash remittances or more…
    cash_window_days: int          # …within this many days
    estimate_ratio_percent: int    # a hammer at this % of the high estimate or more is flagged
    reference: str = ""

    def __post_init__(self) -> None:
        check_thresholds(self)


def check_thresholds(t: Thresholds) -> None:
    if not 1 <= t.cash_share_percent <= 100:
        raise InvalidValue("Part du plafond : un pourcentage de 1 à 100.", field="cash_share_percent")
    if not 2 <= t.cash_payments_count <= 50:
        raise InvalidValue("Nombre de paiements en espèces : de 2 à 50.", field="cash_payments_count")
    if not 1 <= t.cash_window_days <= 366:
        raise InvalidValue("Période : de 1 à 366 jours.", field="cash_window_days")
    if not 101 <= t.estimate_ratio_percent <= 10_000:
        raise InvalidValue("Rapport à l'estimation haute : de 101 % à 10 000 %.", field="estimate_ratio_percent")
    if len(t.reference) > 300:
        raise InvalidValue("Référence : 300 caractères au plus.", field="reference")


def thresholds_on(rows: Iterable[Thresholds], day: date) -> Thresholds | None:
    """The row in force on `day`: the latest one that started on or before it."""
    found = [row for row in rows if row.effective_from <= day]
    return max(found, key=lambda row: row.effective_from) if found else None


@dataclass(frozen=True)
class CashRemittance:
    """Cash handed over by the person: a payment (not reversed) or a cash deposit at registration."""

    on: date
    amount_cents: int
    sale_reference: str = ""


@dataclass(frozen=True)
class PaymentFact:
    means: str
    amount_cents: int
    received_on: date
    payer: str = ""


@dataclass(frozen=True)
class LotFact:
    label: str
    hammer_cents: int
    estimate_high_cents: int


@dataclass(frozen=True)
class BuyerFacts:
    """What the rules need of one buyer of one sale."""

    paddle: int
    first_name: str
    last_name: str
    company_name: str
    tax_residence: str
    buyer_type: str
    cash_in_sale_cents: int                       # payments in cash (not reversed) + the cash deposit
    payments: Sequence[PaymentFact] = ()
    lots: Sequence[LotFact] = ()
    remittances: Sequence[CashRemittance] = ()    # every cash remittance of the person, all sales
    clearances: Sequence[str] = ()                # the barred entries the officer cleared for this registration


@dataclass(frozen=True)
class Flag:
    code: str
    text: str

    @property
    def title(self) -> str:
        return FLAG_TITLES[self.code]


def cash_near_ceiling(facts: BuyerFacts, t: Thresholds | None, on: date) -> Flag | None:
    if t is None or facts.cash_in_sale_cents <= 0:
        return None
    ceiling = cash_ceiling_cents(facts.tax_residence, facts.buyer_type, on)
    if facts.cash_in_sale_cents * 100 < ceiling * t.cash_share_percent:
        return None
    return Flag("cash_near_ceiling",
                f"{format_euros(facts.cash_in_sale_cents)} reçus en espèces dans la vente (dépôt compris), pour un "
                f"plafond de {format_euros(ceiling, with_cents=False)} (CMF D112-3) : seuil de l'étude "
                f"{t.cash_share_percent} % du plafond.")


def repeated_cash(facts: BuyerFacts, t: Thresholds | None) -> Flag | None:
    """The most cash remittances within any `cash_window_days` days (both ends counted)."""
    if t is None or len(facts.remittances) < t.cash_payments_count:
        return None
    days = sorted(facts.remittances, key=lambda r: r.on)
    best: list[CashRemittance] = []
    start = 0
    for end, last in enumerate(days):
        while last.on - days[start].on >= timedelta(days=t.cash_window_days):
            start += 1
        if end + 1 - start > len(best):
            best = days[start:end + 1]
    if len(best) < t.cash_payments_count:
        return None
    total = sum(r.amount_cents for r in best)
    sales = sorted({r.sale_reference for r in best if r.sale_reference})
    return Flag("repeated_cash",
                f"{len(best)} remises d'espèces en {(best[-1].on - best[0].on).days + 1} jour(s), du "
                f"{best[0].on:%d/%m/%Y} au {best[-1].on:%d/%m/%Y}, {format_euros(total)} au total"
                + (f" (ventes {', '.join(sales)})" if sales else "")
                + f" : seuil de l'étude {t.cash_payments_count} en {t.cash_window_days} jours.")


def _same_person(payer: str, facts: BuyerFacts) -> bool:
    words = set(fold_name(payer).split())
    if not words:
        return True
    own = set(fold_name(f"{facts.first_name} {facts.last_name}").split())
    if words == own:
        return True
    return facts.buyer_type == "company" and bool(facts.company_name) and \
        fold_name(payer) == fold_name(facts.company_name)


def third_party(facts: BuyerFacts) -> Flag | None:
    others = [p for p in facts.payments if p.payer.strip() and not _same_person(p.payer, facts)]
    if not others:
        return None
    listed = "; ".join(f"{format_euros(p.amount_cents)} le {p.received_on:%d/%m/%Y} payés par {p.payer.strip()}"
                       for p in others)
    return Flag("third_party", f"Paiement par une autre personne que l'acheteur : {listed}.")


def above_estimates(facts: BuyerFacts, t: Thresholds | None) -> Flag | None:
    if t is None:
        return None
    high = [lot for lot in facts.lots if lot.estimate_high_cents > 0
            and lot.hammer_cents * 100 >= lot.estimate_high_cents * t.estimate_ratio_percent]
    if not high:
        return None
    listed = "; ".join(f"lot {lot.label} adjugé {format_euros(lot.hammer_cents)} pour une estimation haute de "
                       f"{format_euros(lot.estimate_high_cents)}" for lot in high)
    return Flag("above_estimates", f"{listed} : seuil de l'étude {t.estimate_ratio_percent} % de l'estimation haute.")


def cleared_registration(facts: BuyerFacts) -> Flag | None:
    if not facts.clearances:
        return None
    return Flag("cleared_registration",
                "Contrôles d'identité passés après une levée d'homonymie par le commissaire de justice "
                f"(personne exclue : {', '.join(facts.clearances)}).")


def flags(facts: BuyerFacts, thresholds: Thresholds | None, on: date) -> list[Flag]:
    """Every flag the buyer raises on `on`, in a fixed order."""
    found = (cash_near_ceiling(facts, thresholds, on), repeated_cash(facts, thresholds), third_party(facts),
             above_estimates(facts, thresholds), cleared_registration(facts))
    return [flag for flag in found if flag is not None]


# --- the officer's decision ------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionForm:
    decision: str
    note: str = ""
    declared_on: date | None = None
    declaration_reference: str = ""


def check_decision(form: DecisionForm, flagged: Sequence[Flag], today: date) -> DecisionForm:
    """The decision as it will be recorded, or a named refusal."""
    if form.decision not in DECISIONS:
        raise InvalidValue("Choisissez la décision.", field="decision")
    if not flagged:
        raise InvalidValue("Aucun signalement pour cet acheteur : rien à décider.", field="decision")
    note = " ".join(form.note.split())
    if len(note) > NOTE_MAX:
        raise InvalidValue(f"Motif : {NOTE_MAX} caractères au plus.", field="note")
    if len(note) < 10:
        raise InvalidValue("Indiquez en quelques mots ce qui fonde la décision.", field="note")
    reference = form.declaration_reference.strip()
    if form.decision == "suspicion_declared":
        if form.declared_on is None:
            raise InvalidValue("Indiquez la date de la déclaration de soupçon.", field="declared_on")
        if form.declared_on > today:
            raise InvalidValue("La déclaration ne peut être datée après aujourd'hui.", field="declared_on")
        if not reference:
            raise InvalidValue("Indiquez la référence de la déclaration (accusé de réception TRACFIN).",
                               field="declaration_reference")
        if len(reference) > REFERENCE_MAX:
            raise InvalidValue(f"Référence : {REFERENCE_MAX} caractères au plus.", field="declaration_reference")
        return DecisionForm(form.decision, note, form.declared_on, reference)
    return DecisionForm(form.decision, note, None, "")


def pending(flagged: Sequence[Flag], decided_codes: Sequence[str] | None) -> bool:
    """A decision is awaited when the buyer raises a flag the last decision did not see."""
    if not flagged:
        return False
    return decided_codes is None or not {f.code for f in flagged} <= set(decided_codes)
