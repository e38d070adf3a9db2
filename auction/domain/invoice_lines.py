"""One lot's line of a buyer's invoice (auction.domain.invoices), as the `invoice_issued` payload
carries it: the hammer price, the VAT on it (only for a taxable seller who says so), the buyer's
fees excl. VAT and the VAT on them, each already rounded to the cent; the total is their sum.

Its own module so that the buyer's account (auction.domain.buyer_accounts), which the invoices
import through the room and the defaults, reads the same line without importing the invoices.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


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
    hammer_vat_rate: Decimal | None = None     # None: the hammer price carries no VAT
    credited_cents: int = 0     # in a buyer's account: what credit notes cancelled of this line (never in the payload)

    @property
    def total_cents(self) -> int:
        return self.hammer_cents + self.hammer_vat_cents + self.fees_cents + self.fees_vat_cents

    @property
    def due_cents(self) -> int:
        return self.total_cents - self.credited_cents

    def to_payload(self) -> dict[str, Any]:
        return {"lot_id": self.lot_id, "label": self.label, "title": self.title, "case_id": self.case_id,
                "hammer_cents": self.hammer_cents, "hammer_vat_cents": self.hammer_vat_cents,
                "fees_cents": self.fees_cents, "fees_vat_cents": self.fees_vat_cents,
                "total_cents": self.total_cents,
                "hammer_vat_rate": str(self.hammer_vat_rate) if self.hammer_vat_rate is not None else ""}

    @classmethod
    def from_payload(cls, p: Mapping[str, Any]) -> InvoiceLine:
        rate = p.get("hammer_vat_rate") or ""
        return cls(p["lot_id"], p["label"], p["title"], p["case_id"], p["hammer_cents"], p["hammer_vat_cents"],
                   p["fees_cents"], p["fees_vat_cents"], Decimal(rate) if rate else None)
