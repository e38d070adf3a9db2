"""What each buyer of a sale owes and has paid, derived from the settlement log (never stored).

A buyer (a paddle of the sale) owes the totals of their invoices less their credit notes, plus the
storage fees charged to them. Payments come by several means: cash, card and the registration deposit
applied are cleared at once; a cheque only once marked cashed, a transfer once received (a later
`payment_cleared`). A mistake is reversed by a `payment_reversed` entry, never edited. Money paid
beyond what is owed is a refund due, until a `refund_paid` entry pays it back.

    balance = owed − cleared payments + refunds paid      (> 0: still owed; < 0: refund due)

What the rules accept as a new payment, clearing, reversal or refund: auction.domain.payments; what
cleared money covers, lot by lot: auction.domain.lot_allocation.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from .bidlog import Event
from .deadlines import paris_day
from .invoice_lines import InvoiceLine
from .invoice_numbers import format_number

MEANS = {"cash": "Espèces", "cheque": "Chèque", "transfer": "Virement", "card": "Carte bancaire",
         "deposit": "Dépôt de garantie imputé"}
CLEARED_AT_ONCE = frozenset({"cash", "card", "deposit"})


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
                                           lines=tuple(InvoiceLine.from_payload(line) for line in p["lines"])))
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
                label=format_number(p["number"], _day(p["issued_on"])) if "number" in p else ""))
    return by_paddle


def account_of(events: Iterable[Event], paddle: int) -> BuyerAccount:
    return accounts(events, {paddle}).get(paddle) or BuyerAccount(paddle)


def find_payment(events: Iterable[Event], seq: int) -> Payment | None:
    for holder in accounts(events).values():
        found = holder.payment(seq)
        if found:
            return found
    return None
