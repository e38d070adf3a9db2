"""Settlement events of the checkout as the contract shapes them (tests only): invoices and credit
notes as the invoices helper issues them, built line by line with the tariff's rounding."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from auction.domain.bidlog import Event
from auction.domain.money import apply_rate
from auction.domain.settlement_log import next_event

AT = datetime(2026, 12, 12, 15, 0, tzinfo=timezone.utc)
SALE_DAY = date(2026, 12, 12)
FEES = Decimal("0.119")
VAT = Decimal("0.20")


def line(lot_id: int, hammer_cents: int, case_id: int = 10, *, hammer_vat_rate: Decimal = Decimal(0)) -> dict:
    fees = apply_rate(hammer_cents, FEES)
    fees_vat = apply_rate(fees, VAT)
    hammer_vat = apply_rate(hammer_cents, hammer_vat_rate)
    return {"lot_id": lot_id, "label": str(lot_id), "title": f"Lot {lot_id}", "case_id": case_id,
            "hammer_cents": hammer_cents, "hammer_vat_cents": hammer_vat, "fees_cents": fees,
            "fees_vat_cents": fees_vat, "total_cents": hammer_cents + hammer_vat + fees + fees_vat}


def totals(lines: list[dict]) -> dict:
    return {key: sum(line[key] for line in lines) for key in
            ("hammer_cents", "hammer_vat_cents", "fees_cents", "fees_vat_cents", "total_cents")}


def invoice_payload(number: int, paddle: int, lines: list[dict], *, registration_id: int | None = None,
                    issued_on: date = SALE_DAY, due_on: date = date(2026, 12, 20), name: str = "Jeanne MARTIN") -> dict:
    return {"number": number, "paddle": paddle, "registration_id": registration_id or 100 + paddle,
            "issued_on": issued_on.isoformat(), "due_on": due_on.isoformat(),
            "buyer": {"name": name, "address": "1 rue de la Paix, 69002 Lyon", "is_company": False, "siren": "",
                      "vat_number": ""},
            "tariff_reference": "C. com. A444-3", "lines": lines, "totals": totals(lines)}


def credit_note_payload(number: int, invoice_number: int, invoice_seq: int, lines: list[dict]) -> dict:
    return {"number": number, "invoice_number": invoice_number, "invoice_seq": invoice_seq, "reason": "Erreur",
            "issued_on": SALE_DAY.isoformat(), "lines": lines, "totals": totals(lines)}


class Log:
    """A settlement log built in memory, event by event."""

    def __init__(self, sale_id: int = 1):
        self.sale_id = sale_id
        self.events: list[Event] = []

    def add(self, kind: str, payload: dict, at: datetime = AT, user_id: int | None = 2) -> Event:
        event = next_event(self.events, self.sale_id, kind, payload, at, user_id)
        self.events.append(event)
        return event

    def invoice(self, number: int, paddle: int, lines: list[dict], **kw) -> Event:
        return self.add("invoice_issued", invoice_payload(number, paddle, lines, **kw))

    def pay(self, paddle: int, means: str, amount_cents: int, on: date = SALE_DAY, **extra) -> Event:
        return self.add("payment_received", {"paddle": paddle, "registration_id": 100 + paddle, "means": means,
                                             "amount_cents": amount_cents, "received_on": on.isoformat(),
                                             "reference": extra.pop("reference", "ref"), **extra})
