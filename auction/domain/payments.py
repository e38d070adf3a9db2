"""What each buyer of a sale owes and has paid, derived from the settlement log (never stored).

A buyer (a paddle of the sale) owes the totals of their invoices less their credit notes, plus the
storage fees charged to them. Payments come by several means: cash, card and the registration deposit
applied are cleared at once; a cheque only once marked cashed, a transfer once received (a later
`payment_cleared`). A mistake is reversed by a `payment_reversed` entry, never edited. Money paid
beyond what is owed is a refund due, until a `refund_paid` entry pays it back.

    balance = owed − cleared payments + refunds paid      (> 0: still owed; < 0: refund due)

Cash is limited by the ceilings of CMF D112-3, on the buyer's whole purchase in the sale, the cash
deposit taken at registration included (`check_cash_ceiling`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from .bidlog import Event
from .deadlines import paris_day
from .errors import DomainError, InvalidValue
from .money import format_euros
from .solvency import cash_ceiling, cash_ceiling_cents

MEANS = {"cash": "Espèces", "cheque": "Chèque", "transfer": "Virement", "card": "Carte bancaire",
         "deposit": "Dépôt de garantie imputé"}
CLEARED_AT_ONCE = frozenset({"cash", "card", "deposit"})
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


# --- what the log says, per buyer ------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceLine:
    lot_id: int
    label: str
    title: str
    case_id: int
    hammer_cents: int
    hammer_vat_cents: int
    fees_cents: int
    fees_vat_cents: int
    total_cents: int
    credited_cents: int = 0     # what credit notes cancelled of this line

    @property
    def due_cents(self) -> int:
        return self.total_cents - self.credited_cents


@dataclass(frozen=True)
class Invoice:
    seq: int
    number: int
    paddle: int
    registration_id: int
    issued_on: date
    due_on: date
    total_cents: int
    lines: tuple[InvoiceLine, ...]
    credited_cents: int = 0

    @property
    def due_cents(self) -> int:
        return self.total_cents - self.credited_cents


@dataclass(frozen=True)
class Payment:
    seq: int
    paddle: int
    registration_id: int
    means: str
    amount_cents: int
    received_on: date
    reference: str = ""
    bank: str = ""
    cheque_number: str = ""
    payer: str = ""
    user_id: int | None = None
    cleared_on: date | None = None
    reversed_seq: int | None = None
    reversal_reason: str = ""
    banked_slip: int | None = None

    @property
    def reversed(self) -> bool:
        return self.reversed_seq is not None

    @property
    def cleared(self) -> bool:
        return self.cleared_on is not None and not self.reversed

    @property
    def pending(self) -> bool:
        return self.cleared_on is None and not self.reversed

    @property
    def means_label(self) -> str:
        return MEANS[self.means]


@dataclass(frozen=True)
class Refund:
    seq: int
    paddle: int
    amount_cents: int
    means: str
    reference: str
    paid_on: date


@dataclass(frozen=True)
class StorageCharge:
    seq: int
    paddle: int
    lots: tuple[tuple[int, int, int], ...]   # (lot_id, days, total_cents incl. VAT)
    through: date
    total_cents: int
    number: int | None = None      # its storage invoice's number (auction/domain/storage_invoices.py)
    label: str = ""


@dataclass
class BuyerAccount:
    paddle: int
    registration_id: int | None = None
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    storage: list[StorageCharge] = field(default_factory=list)
    # What default statements (auction/domain/default_statements.py) charge a defaulter: seq -> owed cents.
    statements: dict[int, int] = field(default_factory=dict)
    # Defaults declared and not yet stated (act seq): what the defaulter paid is kept against what the
    # statement will charge (R221-38), so it is no refund due meanwhile.
    defaults_open: set[int] = field(default_factory=set)

    @property
    def invoiced_cents(self) -> int:
        return sum(invoice.due_cents for invoice in self.invoices)

    @property
    def storage_cents(self) -> int:
        return sum(charge.total_cents for charge in self.storage)

    @property
    def owed_cents(self) -> int:
        return self.invoiced_cents + self.storage_cents + sum(self.statements.values())

    @property
    def cleared_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments if p.cleared)

    @property
    def pending_cents(self) -> int:
        """Cheques and transfers recorded, not cleared yet."""
        return sum(p.amount_cents for p in self.payments if p.pending)

    @property
    def refunded_cents(self) -> int:
        return sum(r.amount_cents for r in self.refunds)

    @property
    def balance_cents(self) -> int:
        """Still owed (> 0) or refund due (< 0), counting cleared payments only."""
        return self.owed_cents - self.cleared_cents + self.refunded_cents

    @property
    def outstanding_cents(self) -> int:
        """What a new payment may cover: the balance less payments still clearing."""
        return self.balance_cents - self.pending_cents

    @property
    def refund_due_cents(self) -> int:
        """Cleared money beyond what is owed, not paid back yet (none while a default awaits its statement)."""
        return 0 if self.defaults_open else max(0, -self.balance_cents)

    @property
    def deposit_applied_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments if p.means == "deposit" and not p.reversed)

    @property
    def cash_cents(self) -> int:
        """Cash received from this buyer in the sale (reversed entries excepted)."""
        return sum(p.amount_cents for p in self.payments if p.means == "cash" and not p.reversed)

    @property
    def settled(self) -> bool:
        return bool(self.invoices) and self.balance_cents == 0 and self.pending_cents == 0

    def payment(self, seq: int) -> Payment | None:
        return next((p for p in self.payments if p.seq == seq), None)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _line(raw: dict) -> InvoiceLine:
    return InvoiceLine(lot_id=raw["lot_id"], label=str(raw.get("label", "")), title=str(raw.get("title", "")),
                       case_id=raw.get("case_id"), hammer_cents=raw["hammer_cents"],
                       hammer_vat_cents=raw.get("hammer_vat_cents", 0), fees_cents=raw["fees_cents"],
                       fees_vat_cents=raw.get("fees_vat_cents", 0), total_cents=raw["total_cents"])


# Kinds whose payload names the buyer's paddle (the others name a payment or an invoice of one).
BUYER_KINDS = frozenset({"invoice_issued", "payment_received", "refund_paid", "default_statement_issued",
                         "storage_fee_charged"})


def accounts(events: Iterable[Event], paddles: set[int] | None = None) -> dict[int, BuyerAccount]:
    """Every buyer's account (or only those of `paddles`), by paddle, folded from the settlement log in order."""
    by_paddle: dict[int, BuyerAccount] = {}
    invoices: dict[int, tuple[int, int]] = {}          # invoice number -> (paddle, index in its account)
    payments: dict[int, tuple[int, int]] = {}          # payment seq -> (paddle, index)

    def account(paddle: int, registration_id: int | None = None) -> BuyerAccount:
        found = by_paddle.setdefault(paddle, BuyerAccount(paddle))
        if registration_id is not None and found.registration_id is None:
            found.registration_id = registration_id
        return found

    def change_payment(seq: int, **changes) -> None:
        if seq in payments:
            paddle, index = payments[seq]
            holder = by_paddle[paddle]
            holder.payments[index] = replace(holder.payments[index], **changes)

    for event in events:
        p = event.payload
        if paddles is not None and event.kind in BUYER_KINDS and p["paddle"] not in paddles:
            continue
        if event.kind == "invoice_issued":
            holder = account(p["paddle"], p.get("registration_id"))
            invoices[p["number"]] = (p["paddle"], len(holder.invoices))
            holder.invoices.append(Invoice(seq=event.seq, number=p["number"], paddle=p["paddle"],
                                           registration_id=p.get("registration_id"), issued_on=_day(p["issued_on"]),
                                           due_on=_day(p["due_on"]), total_cents=p["totals"]["total_cents"],
                                           lines=tuple(_line(line) for line in p["lines"])))
        elif event.kind == "credit_note_issued" and p["invoice_number"] in invoices:
            paddle, index = invoices[p["invoice_number"]]
            holder = by_paddle[paddle]
            invoice = holder.invoices[index]
            credited = {}
            for line in p["lines"]:
                credited[line["lot_id"]] = credited.get(line["lot_id"], 0) + line["total_cents"]
            lines = tuple(replace(line, credited_cents=line.credited_cents + credited.get(line.lot_id, 0))
                          for line in invoice.lines)
            holder.invoices[index] = replace(invoice, lines=lines,
                                             credited_cents=invoice.credited_cents + p["totals"]["total_cents"])
        elif event.kind == "payment_received":
            holder = account(p["paddle"], p.get("registration_id"))
            payments[event.seq] = (p["paddle"], len(holder.payments))
            received_on = _day(p["received_on"])
            holder.payments.append(Payment(
                seq=event.seq, paddle=p["paddle"], registration_id=p.get("registration_id"), means=p["means"],
                amount_cents=p["amount_cents"], received_on=received_on, reference=p.get("reference", ""),
                bank=p.get("bank", ""), cheque_number=p.get("cheque_number", ""), payer=p.get("payer", ""),
                user_id=event.user_id, cleared_on=received_on if p["means"] in CLEARED_AT_ONCE else None))
        elif event.kind == "payment_cleared":
            change_payment(p["payment_seq"], cleared_on=_day(p["cleared_on"]))
        elif event.kind == "payment_reversed":
            change_payment(p["payment_seq"], reversed_seq=event.seq, reversal_reason=p.get("reason", ""))
        elif event.kind == "cash_banked":
            for seq in p["payment_seqs"]:
                change_payment(seq, banked_slip=p["slip_number"])
        elif event.kind == "refund_paid":
            account(p["paddle"], p.get("registration_id")).refunds.append(Refund(
                seq=event.seq, paddle=p["paddle"], amount_cents=p["amount_cents"], means=p["means"],
                reference=p.get("reference", ""), paid_on=paris_day(event.at)))
        elif event.kind == "default_declared":
            account(p["paddle"], p.get("registration_id")).defaults_open.add(event.seq)
        elif event.kind == "default_statement_issued":
            holder = account(p["paddle"], p.get("registration_id"))
            holder.statements[event.seq] = p["totals"]["owed_cents"]
            holder.defaults_open.discard(p["default_seq"])
        elif event.kind == "storage_fee_charged":
            account(p["paddle"], p.get("registration_id")).storage.append(StorageCharge(
                seq=event.seq, paddle=p["paddle"],
                lots=tuple((line["lot_id"], line["days"], line["total_cents"]) for line in p["lines"]),
                through=_day(p["through"]), total_cents=p["totals"]["total_cents"], number=p.get("number"),
                # invoices.format_number (not imported: invoices -> room -> defaults -> payments)
                label=f"{_day(p['issued_on']).year}-{p['number']:06d}" if "number" in p else ""))
    return by_paddle


def account_of(events: Iterable[Event], paddle: int) -> BuyerAccount:
    return accounts(events, {paddle}).get(paddle) or BuyerAccount(paddle)


def find_payment(events: Iterable[Event], seq: int) -> Payment | None:
    for holder in accounts(events).values():
        found = holder.payment(seq)
        if found:
            return found
    return None


# --- a new payment -------------------------------------------------------------------------------

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


# --- what cleared money covers, lot by lot ---------------------------------------------------------

def lot_shares(account: BuyerAccount) -> list[tuple[int, int]]:
    """(lot_id, what the lot still costs the buyer) in lot order: invoice lines less credit notes,
    plus the storage fees charged on the lot."""
    storage: dict[int, int] = {}
    for charge in account.storage:
        for lot_id, _days, cents in charge.lots:
            storage[lot_id] = storage.get(lot_id, 0) + cents
    shares: dict[int, int] = {}
    for invoice in sorted(account.invoices, key=lambda i: i.number):
        for line in invoice.lines:
            shares[line.lot_id] = shares.get(line.lot_id, 0) + line.due_cents
    return [(lot_id, share + storage.get(lot_id, 0)) for lot_id, share in shares.items()]


def allocate(account: BuyerAccount) -> dict[int, int]:
    """Cleared payments (less refunds paid) spread over the buyer's lots in lot order: lot_id → covered."""
    available = account.cleared_cents - account.refunded_cents
    covered = {}
    for lot_id, share in lot_shares(account):
        take = max(0, min(share, available))
        covered[lot_id] = take
        available -= take
    return covered


def paid_lots(account: BuyerAccount) -> set[int]:
    """The lots whose share cleared payments cover (a fully credited lot owes nothing: not counted)."""
    covered = allocate(account)
    return {lot_id for lot_id, share in lot_shares(account) if share > 0 and covered[lot_id] >= share}
