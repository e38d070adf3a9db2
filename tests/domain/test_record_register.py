"""The register's lines and the quarterly declaration to the chamber (C. com. R444-48), pure."""
import csv
import io
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from auction.domain import record_register as reg
from auction.domain.errors import InvalidValue
from auction.domain.sale_record import sale_record
from auction.domain.tariff import DEFAULT_TARIFF

from .test_room_resale import sold_then_defaulted
from .test_sale_record import FACTS, held_sale

TARIFF = DEFAULT_TARIFF[-1]
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def line():
    record = sale_record(FACTS, held_sale().events)
    return reg.register_line(record, held_on=date(2026, 12, 12), year=2026, number=7, signed_sessions=1,
                             city="Lyon", tariff=TARIFF)


def test_r444_48_a_line_counts_the_lots_and_totals_the_adjudications(line):
    # held_sale: lot 1 sold (re-offered, sold again: counted once), lot 3 passed, lot 3 bis withdrawn after
    # bidding, lot 4 withdrawn before the sale (withdrawn, not offered), lot 2 never offered.
    assert (line.sessions, line.sessions_closed, line.sessions_signed) == (2, 2, 1)
    assert (line.offered, line.sold, line.passed, line.withdrawn, line.withdrawn_before) == (3, 1, 1, 2, 1)
    assert line.annulled_by_default == 0
    record = sale_record(FACTS, held_sale().events)
    assert line.total_cents == record.total_cents
    sold = [e.amount_cents for p in record.sessions for e in p.sold]
    assert line.buyer_fees_cents == sum(TARIFF.buyer_fees_cents(c) for c in sold)
    assert line.closed and line.register_label == "7 / 2026"


def test_r221_38_a_lot_defaulted_and_resold_in_the_same_sale_counts_once_at_its_resale_price():
    room = sold_then_defaulted(lot_id=3, paddle=1, amount=500_00)      # lot 4 also sold, 20 €
    room.do("put_up_again", lot_id=3)
    room.do("bid", paddle=3, amount_cents=300_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    record = sale_record(FACTS, room.events)
    assert record.sold_count == 3            # the record itself states both adjudications
    found = reg.register_line(record, held_on=date(2026, 12, 12), year=2026, number=8, signed_sessions=0,
                              city="Lyon", tariff=TARIFF, defaulted={3})
    assert (found.offered, found.sold, found.annulled_by_default) == (2, 2, 1)
    assert found.total_cents == 300_00 + 20_00
    assert found.buyer_fees_cents == TARIFF.buyer_fees_cents(300_00) + TARIFF.buyer_fees_cents(20_00)
    assert found.withdrawn == found.withdrawn_before == 1      # "4" (the lamp) withdrawn before the sale
    # the put_up_again entry names the first hammer: annulled even if the default set were not passed
    assert reg.register_line(record, held_on=None, year=None, number=None, signed_sessions=0, city="",
                             tariff=TARIFF).total_cents == 320_00


def test_r221_38_a_lot_defaulted_and_put_up_again_in_a_later_sale_drops_out_of_the_first(line):
    record = sale_record(FACTS, held_sale().events)
    dropped = reg.register_line(record, held_on=date(2026, 12, 12), year=2026, number=7, signed_sessions=1,
                                city="Lyon", tariff=TARIFF, defaulted={1})      # lot 1's 2 900 € in default
    assert (dropped.offered, dropped.sold, dropped.annulled_by_default) == (3, 0, 1)   # offered here all the same
    assert dropped.total_cents == 0 and dropped.buyer_fees_cents == 0
    later = reg.register_line(replace(record, facts=replace(FACTS, sale_id=2)), held_on=date(2027, 1, 20),
                              year=2027, number=1, signed_sessions=0, city="Lyon", tariff=TARIFF)
    found = reg.declaration(2026, 4, [dropped, later], NOW)
    assert (found.sold, found.total_cents, found.withdrawn, found.annulled_by_default) == (0, 0, 2, 1)


def test_without_a_confirmed_tariff_the_fees_are_not_given(line):
    record = sale_record(FACTS, held_sale().events)
    unconfirmed = reg.register_line(record, held_on=date(2026, 12, 12), year=None, number=None, signed_sessions=0,
                                    city="Lyon", tariff=None)
    assert unconfirmed.buyer_fees_cents is None and unconfirmed.register_label == "—"
    found = reg.declaration(2026, 4, [line, unconfirmed], NOW)
    assert found.buyer_fees_cents is None and reg.euros_or_dash(None) == "—"


def test_quarters_and_their_bounds():
    assert reg.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 4, 1))
    assert reg.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    assert reg.quarter_of(date(2026, 12, 31)) == (2026, 4) and reg.quarter_of(date(2026, 4, 1)) == (2026, 2)
    assert reg.parse_quarter("", "", date(2026, 8, 15)) == (2026, 3)
    assert reg.parse_quarter("2025", "2", date(2026, 8, 15)) == (2025, 2)


@pytest.mark.parametrize("year, quarter, field", [("26", "1", "annee"), ("2026", "5", "trimestre"),
                                                  ("2026", "0", "trimestre"), ("abcd", "1", "annee"),
                                                  ("2026", "", "trimestre"), ("1999", "1", "annee"),
                                                  ("２０２６", "1", "annee")])
def test_a_bad_quarter_is_refused_in_french(year, quarter, field):
    with pytest.raises(InvalidValue) as refused:
        reg.parse_quarter(year, quarter, date(2026, 8, 15))
    assert refused.value.field == field


def test_r444_48_the_declaration_keeps_the_quarters_sales_in_order_and_totals_them(line):
    earlier = replace(line, sale_id=2, reference="V-2", number=3, held_on=date(2026, 10, 1), total_cents=1_000_00,
                      sold=1, offered=1, passed=0, withdrawn=0, buyer_fees_cents=119_00)
    outside = replace(line, sale_id=3, reference="V-3", number=1, held_on=date(2026, 9, 30))
    found = reg.declaration(2026, 4, [line, outside, earlier], NOW)
    assert [l.reference for l in found.lines] == ["V-2", "V-2026-12"]
    assert (found.start, found.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert found.total_cents == line.total_cents + 1_000_00 and found.sold == 2 and found.offered == 4
    assert found.buyer_fees_cents == line.buyer_fees_cents + 119_00

    rows = list(csv.reader(io.StringIO(reg.declaration_csv(found)), delimiter=";"))
    assert tuple(rows[0]) == reg.CSV_HEADER
    header = {name: i for i, name in enumerate(rows[0])}
    assert [r[header["vente"]] for r in rows[1:3]] == ["V-2", "V-2026-12"]
    assert rows[1][header["date"]] == "2026-10-01" and rows[1][header["repertoire"]] == "3 / 2026"
    assert int(rows[2][header["adjudications_cents"]]) == line.total_cents
    total = rows[3]
    assert total[header["vente"]] == "TOTAL T4 2026" and int(total[header["adjudications_cents"]]) == found.total_cents
    assert int(total[header["lots_adjuges"]]) == 2 and int(total[header["frais_acheteur_ht_cents"]]) == found.buyer_fees_cents
