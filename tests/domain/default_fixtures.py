"""A defaulted lot for the resale-on-default tests (auction.domain.defaults, default_statements): the
settlement log of its notice and default act, and the statement once it is sold again."""
from datetime import date, datetime, timezone
from decimal import Decimal

from auction.domain.default_statements import Rates, statement
from auction.domain.defaults import DefaultedLot, Resale, declare_default, formal_notice, procedures
from auction.domain.settlement_log import next_event

AT = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
SALE = 2
# Hammer 1 000 €: buyer's fees 11.90 % = 119 €, VAT 23,80 € → 1 142,80 € owed.
LOT = DefaultedLot(7, "12", "Commode Louis XV", 3, 100_000, 114_280)
RATES = {SALE: Rates(Decimal("0.0496"), Decimal("0.20")), 5: Rates(Decimal("0.0496"), Decimal("0.20"))}


def log(*entries):
    events = []
    for kind, payload in entries:
        events.append(next_event(events, SALE, kind, payload, AT, 1))
    return events


def notice_payload(unpaid=114_280, sent_on=date(2026, 12, 2), days=8, cost=1_250, lots=(LOT,)):
    return formal_notice([], 14, 41, lots, unpaid, sent_on, "registered_letter", days, cost,
                         today=sent_on)


def declared(unpaid=114_280, cost=1_250):
    events = log(("formal_notice_sent", notice_payload(unpaid, cost=cost)))
    act = declare_default(procedures(events)[0], unpaid, date(2026, 12, 11))
    events.append(next_event(events, SALE, "default_declared", act, AT, 1))
    return events


def owed(events, new_hammer, sale_id=SALE, storage=()):
    procedure = procedures(events)[0]
    return statement(procedure, {LOT.lot_id: Resale(LOT.lot_id, sale_id, LOT.lot_id, new_hammer, 3)}, RATES,
                     date(2026, 12, 20), storage, number=1)


STORED = [{"lot_id": 7, "days": 10, "from": "2026-12-10", "through": "2026-12-19", "amount_cents": 2_500,
           "vat_cents": 500, "total_cents": 3_000}]
