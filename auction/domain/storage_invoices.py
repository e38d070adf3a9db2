"""Storage invoices (factures de frais de magasinage): the storage fees charged to a buyer, invoiced.

When storage has become due on a buyer's lots (the sale's conditions: free days after the sale, then
an amount per day and lot excl. VAT), the cash desk charges it (`storage_fee_charged`, see
auction/domain/release.py). That one event is also the invoice: it carries a number of the office's
one invoice series (`INVOICE_SERIES`, shared with bordereaux and credit notes), the buyer as declared,
the office and sale details, and per lot the days charged, the rate, the VAT (rounded per line, the
totals summed from the lines) and the bordereau the lot is on. Charge and invoice being one event, the
journal posts the storage once, and storage already invoiced is never invoiced again (`storage_due`
counts only the days after the last charge of each lot).

Charges recorded before storage was invoiced carry no number: they stay charges, not invoices.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .bidlog import Event
from .invoice_buyers import Buyer
from .invoice_numbers import format_number

STORAGE_EVENT = "storage_fee_charged"


@dataclass(frozen=True)
class StorageLine:
    lot_id: int
    label: str
    title: str
    days: int
    first_day: date
    last_day: date
    fee_cents: int                 # per day and lot, excl. VAT
    amount_cents: int              # days × fee
    vat_cents: int
    total_cents: int
    invoice_label: str             # the bordereau the lot is on

    @classmethod
    def from_payload(cls, p: Mapping[str, Any], fee_cents: int) -> "StorageLine":
        return cls(p["lot_id"], str(p.get("label", "")), str(p.get("title", "")), p["days"],
                   date.fromisoformat(p["from"]), date.fromisoformat(p["through"]), int(p.get("fee_cents", fee_cents)),
                   p["amount_cents"], p["vat_cents"], p["total_cents"], str(p.get("invoice_label", "")))


@dataclass(frozen=True)
class StorageInvoice:
    seq: int
    number: int
    paddle: int
    registration_id: int | None
    issued_on: date
    buyer: Buyer
    vat_rate: Decimal
    lines: tuple[StorageLine, ...]
    totals: dict[str, int]
    payload: Mapping[str, Any]
    credit_notes: list = field(default_factory=list)    # none: kept for the documents' common shape

    kind = "storage"

    @property
    def label(self) -> str:
        return format_number(self.number, self.issued_on)

    @property
    def invoice_labels(self) -> list[str]:
        """The bordereaux this invoice refers to, in the order of its lines."""
        return list(dict.fromkeys(line.invoice_label for line in self.lines if line.invoice_label))

    @property
    def amount_due_cents(self) -> int:
        return self.totals["total_cents"]

    @property
    def live_lines(self) -> tuple[StorageLine, ...]:
        return self.lines


def invoice_fields(number: int, issued_on: date, buyer: Buyer, fee_cents: int, vat_rate: Decimal,
                   lines: Iterable[Mapping[str, Any]], lots: Mapping[int, tuple[str, str]],
                   bordereaux: Mapping[int, str], context: Mapping[str, Any]) -> dict[str, Any]:
    """What makes a storage charge's payload an invoice: its number in the office's series, the buyer,
    the rate, per line the lot's label and title (`lots`: id -> (label, title)) and the label of the
    bordereau it is on (`bordereaux`: lot id -> label), and the office and sale as printed."""
    described = []
    for line in lines:
        label, title = lots.get(line["lot_id"], ("", ""))
        described.append({**line, "label": label, "title": title, "fee_cents": fee_cents,
                          "invoice_label": bordereaux.get(line["lot_id"], "")})
    return {"number": number, "issued_on": issued_on.isoformat(), "buyer": buyer.to_payload(),
            "fee_cents": fee_cents, "vat_rate": str(vat_rate), "lines": described,
            **{key: value for key, value in context.items() if key in ("office", "sale")}}


def storage_invoices_of(events: Iterable[Event]) -> list[StorageInvoice]:
    """The sale's storage invoices in the order issued (charges without a number are not invoices)."""
    out = []
    for event in events:
        p = event.payload
        if event.kind != STORAGE_EVENT or "number" not in p:
            continue
        fee = int(p.get("fee_cents", 0))
        out.append(StorageInvoice(event.seq, p["number"], p["paddle"], p.get("registration_id"),
                                  date.fromisoformat(p["issued_on"]), Buyer.from_payload(p["buyer"]),
                                  Decimal(p["vat_rate"]), tuple(StorageLine.from_payload(line, fee)
                                                                for line in p["lines"]),
                                  dict(p["totals"]), p))
    return out


def find_storage_invoice(invoices: Iterable[StorageInvoice], number: int) -> StorageInvoice | None:
    return next((invoice for invoice in invoices if invoice.number == number), None)


__all__ = ["STORAGE_EVENT", "StorageInvoice", "StorageLine", "find_storage_invoice", "invoice_fields",
           "storage_invoices_of"]
