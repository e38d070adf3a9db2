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

from .test_sale_record import FACTS, held_sale

TARIFF = DEFAULT_TARIFF[-1]
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def line():
    record = sale_record(FACTS, held_sale().events)
    return reg.register_line(record, held_on=date(2026, 12, 12), year=2026, number=7, signed_sessions=1,
                             city="Lyon", tariff=TARIFF)


def test_r444_48_a_line_counts_the_lots_and_totals_the_adjudications(line):
    # held_sale: lot 1 sold (re-offered, sold again: counted once), lot 3 passed, lot 3 bis withdrawn, lot 2 never offered.
    assert (line.sessions, line.sessions_closed, line.sessions_signed) == (2, 2, 1)
    assert (line.offered, line.sold, line.passed, line.withdrawn) == (3, 1, 1, 1)
    record = sale_record(FACTS, held_sale().events)
    assert line.total_cents == record.total_cents
    sold = [e.amount_cents for p in record.sessions for e in p.sold]
    assert line.buyer_fees_cents == sum(TARIFF.buyer_fees_cents(c) for c in sold)
    assert line.closed and line.register_label == "7 / 2026"


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
