from decimal import Decimal

import pytest

from auction.domain.currencies import DisplayCurrency, from_json, parse_currencies
from auction.domain.errors import InvalidValue
from auction.domain.room_view import public_view

from .room_fixtures import SETUP, Room


def test_conversion_rounds_half_up_to_the_unit():
    usd = DisplayCurrency("USD", Decimal("1.0842"))
    assert usd.convert(200_000) == 2168          # 2 000 € → 2 168,40 $ → 2 168 $
    assert DisplayCurrency("JPY", Decimal("0.5")).convert(100) == 1   # 0,50 ¥ → 1 ¥


def test_parse_typed_rows():
    parsed = parse_currencies([("usd", "1,0842"), ("", ""), ("chf", "0.94")])
    assert parsed == (DisplayCurrency("USD", Decimal("1.0842")), DisplayCurrency("CHF", Decimal("0.94")))
    assert from_json([c.to_json() for c in parsed]) == parsed


@pytest.mark.parametrize("rows, words", [
    ([("EUR", "1")], "autre que EUR"), ([("US", "1")], "trois lettres"), ([("USD", "abc")], "illisible"),
    ([("USD", "0")], "positif"), ([("USD", "1"), ("USD", "2")], "deux fois"),
    ([("USD", "1"), ("GBP", "1"), ("CHF", "1"), ("JPY", "1")], "Trois devises"),
])
def test_bad_rows_are_refused_in_french(rows, words):
    with pytest.raises(InvalidValue, match=words):
        parse_currencies(rows)


def test_the_display_shows_the_current_bid_converted():
    from dataclasses import replace
    room = Room(replace(SETUP, currencies=(DisplayCurrency("USD", Decimal("1.1")),)))
    room.do("open_sale")
    room.do("open_lot", lot_id=1)
    assert public_view(room.state, room.setup)["conversions"] == [{"code": "USD", "amount": 110}]
    room.do("bid", paddle=1, amount_cents=200_00)
    assert public_view(room.state, room.setup)["conversions"] == [{"code": "USD", "amount": 220}]


def test_the_public_view_names_nobody():
    room = Room()
    room.do("open_sale")
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    text = repr(public_view(room.state, room.setup))
    assert "Enchérisseur" not in text and "rue de la Paix" not in text
