"""What the rules accept of a buyer's payments: a new payment (its means, its amount against the
balance, CMF D112-3's cash ceilings), a cheque or transfer cleared, a mistake reversed, a refund
paid; each check returns the payload of the settlement log's entry, or a named refusal (nothing
recorded). The buyer's account they check against: auction.domain.buyer_accounts.

Cash is limited by the ceilings of CMF D112-3, on the buyer's whole purchase in the sale, the cash
deposit taken at registration included (`check_cash_ceiling`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .buyer_accounts import MEANS, BuyerAccount, Payment
from .errors import DomainError, InvalidValue
from .money import format_euros
from .solvency import cash_ceiling, cash_ceiling_cents

REFUND_MEANS = {"transfer": "Virement", "cheque": "Chèque", "cash": "Espèces", "card": "Carte bancaire"}
REFERENCE_MAX = 100


class PaymentRefused(DomainError):
    code = "payment_refused"


class CashAboveCeiling(PaymentRefused):
    code = "cash_above_ceiling"


class OverpaymentNotConfirmed(PaymentRefused):
    """A payment above what is still owed: the screen must confirm the refund due it makes."""

    code = "overpayment"

    def __init__(self, message: str, *, refund_cents: int):
        super().__init__(message, field="amount")
        self.refund_cents = refund_cents


class StaleBalance(PaymentRefused):
    """The balance the screen showed is no longer the balance (another screen recorded a payment)."""

    code = "stale_balance"


@dataclass(frozen=True)
class PaymentForm:
    """A payment as the cashier typed it (amount already parsed to cents)."""

    means: str
    amount_cents: int
    reference: str = ""
    bank: str = ""
    cheque_number: str = ""
    payer: str = ""


@dataclass(frozen=True)
class Buyer:
    """What the registration says that the rules need (CMF D112-3 and the deposit)."""

    paddle: int
    registration_id: int
    tax_residence: str          # 'france' or 'abroad'
    buyer_type: str             # 'person' or 'company'
    deposit_cents: int = 0      # the registration deposit held
    deposit_method: str | None = None   # how it was paid ('cash' counts towards the ceiling)

    @property
    def cash_deposit_cents(self) -> int:
        return self.deposit_cents if self.deposit_method == "cash" else 0


def ceiling_reason(buyer: Buyer) -> str:
    if buyer.buyer_type == "company":
        return "achat pour une entreprise"
    if buyer.tax_residence == "abroad":
        return "particulier domicilié fiscalement à l'étranger"
    return "domicile fiscal en France"


def check_cash_ceiling(account: BuyerAccount, buyer: Buyer, amount_cents: int, on: date) -> None:
    """CMF D112-3: cash on the buyer's whole purchase in the sale, the cash deposit included."""
    ceiling = cash_ceiling_cents(buyer.tax_residence, buyer.buyer_type, on)
    already = account.cash_cents + buyer.cash_deposit_cents
    if already + amount_cents > ceiling:
        left = max(0, ceiling - already)
        taken = f" ; déjà reçu en espèces : {format_euros(already)}" if already else ""
        raise CashAboveCeiling(
            f"Paiement en espèces refusé : plafond de {format_euros(ceiling, with_cents=False)} pour cet acheteur "
            f"({ceiling_reason(buyer)}), sur l'ensemble de ses achats de la vente, dépôt en espèces compris "
            f"({cash_ceiling(buyer.tax_residence, buyer.buyer_type, on).reference}){taken}. "
            f"Reste possible en espèces : {format_euros(left)}. Demandez un autre moyen de paiement.",
            field="amount")


def check_payment(account: BuyerAccount, buyer: Buyer, form: PaymentForm, on: date, *,
                  shown_balance_cents: int | None = None, confirm_refund: bool = False) -> dict:
    """The payload of a `payment_received` the rules accept, or a named refusal (nothing recorded)."""
    if form.means not in MEANS:
        raise InvalidValue("Choisissez le moyen de paiement.", field="means")
    if form.amount_cents <= 0:
        raise InvalidValue("Indiquez un montant supérieur à zéro.", field="amount")
    for name, text in (("reference", form.reference), ("bank", form.bank), ("cheque_number", form.cheque_number),
                       ("payer", form.payer)):
        if len(text) > REFERENCE_MAX:
            raise InvalidValue(f"{REFERENCE_MAX} caractères au plus.", field=name)
    if shown_balance_cents is not None and shown_balance_cents != account.outstanding_cents:
        raise StaleBalance(f"Le solde a changé depuis l'affichage (maintenant {format_euros(account.outstanding_cents)}) :"
                           " un autre paiement vient d'être enregistré. Vérifiez avant d'encaisser.")
    if not account.invoices:
        raise PaymentRefused("Aucun bordereau émis pour cet acheteur : émettez-le avant d'encaisser.")
    if form.means == "cheque" and not (form.bank.strip() and form.cheque_number.strip()):
        raise InvalidValue("Chèque : indiquez la banque et le numéro du chèque.", field="cheque_number")
    if form.means == "card" and not form.reference.strip():
        raise InvalidValue("Carte : indiquez la référence du ticket du terminal.", field="reference")
    if form.means == "transfer" and not form.reference.strip():
        raise InvalidValue("Virement : indiquez la référence ou le donneur d'ordre du virement.", field="reference")
    if form.means == "deposit":
        available = buyer.deposit_cents - account.deposit_applied_cents
        if available <= 0:
            raise PaymentRefused("Aucun dépôt de garantie à imputer pour cet acheteur.", field="means")
        if form.amount_cents > available:
            raise PaymentRefused(f"Le dépôt de garantie disponible est de {format_euros(available)}.", field="amount")
    if form.means == "cash":
        check_cash_ceiling(account, buyer, form.amount_cents, on)
    excess = form.amount_cents - max(0, account.outstanding_cents)
    if excess > 0 and not confirm_refund:
        raise OverpaymentNotConfirmed(
            f"Ce paiement dépasse le solde de {format_euros(max(0, account.outstanding_cents))} : "
            f"{format_euros(excess)} seront à rembourser à l'acheteur. Confirmez pour l'enregistrer.",
            refund_cents=excess)
    payload = {"paddle": buyer.paddle, "registration_id": buyer.registration_id, "means": form.means,
               "amount_cents": form.amount_cents, "received_on": on.isoformat(), "reference": form.reference.strip()}
    if form.means == "cheque":
        payload |= {"bank": form.bank.strip(), "cheque_number": form.cheque_number.strip()}
    if form.payer.strip():
        payload["payer"] = form.payer.strip()
    return payload


def check_clearing(payment: Payment | None, on: date) -> dict:
    if payment is None:
        raise PaymentRefused("Paiement introuvable dans cette vente.")
    if payment.reversed:
        raise PaymentRefused("Ce paiement a été annulé : il ne peut plus être encaissé.")
    if payment.cleared_on is not None:
        raise PaymentRefused("Ce paiement est déjà encaissé.")
    if on < payment.received_on:
        raise InvalidValue("La date d'encaissement précède la réception du paiement.", field="cleared_on")
    return {"payment_seq": payment.seq, "cleared_on": on.isoformat()}


def check_reversal(payment: Payment | None, reason: str) -> dict:
    if payment is None:
        raise PaymentRefused("Paiement introuvable dans cette vente.")
    if payment.reversed:
        raise PaymentRefused("Ce paiement est déjà annulé.")
    if payment.banked_slip is not None:
        raise PaymentRefused(f"Ces espèces ont été remises en banque (bordereau n° {payment.banked_slip}) : "
                             "enregistrez un remboursement plutôt qu'une annulation.")
    if not reason.strip():
        raise InvalidValue("Indiquez le motif de l'annulation.", field="reason")
    return {"payment_seq": payment.seq, "reason": reason.strip()[:300]}


def check_refund(account: BuyerAccount, amount_cents: int, means: str, reference: str) -> dict:
    if means not in REFUND_MEANS:
        raise InvalidValue("Choisissez le moyen du remboursement.", field="means")
    if amount_cents <= 0:
        raise InvalidValue("Indiquez un montant supérieur à zéro.", field="amount")
    if amount_cents > account.refund_due_cents:
        raise PaymentRefused(f"Le remboursement dû à cet acheteur est de {format_euros(account.refund_due_cents)}.",
                             field="amount")
    if not reference.strip():
        raise InvalidValue("Indiquez la référence du remboursement (n° de chèque, de virement…).", field="reference")
    return {"paddle": account.paddle, "registration_id": account.registration_id, "amount_cents": amount_cents,
            "means": means, "reference": reference.strip()[:REFERENCE_MAX]}
