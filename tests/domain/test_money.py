from decimal import Decimal

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.money import apply_rate, format_euros, format_rate, parse_euros, parse_rate, round_cents


@pytest.mark.parametrize("amount, cents", [
    ("0.5", 1), ("1.5", 2), ("2.5", 3), ("-0.5", -1), ("1.49", 1), ("1234.5", 1235),
])
def test_round_cents_is_half_up(amount, cents):
    assert round_cents(Decimal(amount)) == cents


def test_buyer_fee_on_a_hammer_price_is_rounded_at_the_lot():
    # 11.90 % of 1 234,56 € = 146,91264 € → 146,91 €
    assert apply_rate(123456, Decimal("0.119")) == 14691
    # 11.90 % of 0,50 € = 0,0595 € → 0,06 €
    assert apply_rate(50, Decimal("0.119")) == 6


def test_format_euros_the_french_way():
    assert format_euros(123456) == "1\u202f234,56\u00a0€"
    assert format_euros(5) == "0,05\u00a0€"
    assert format_euros(-100000) == "-1\u202f000,00\u00a0€"
    assert format_euros(1_000_000_00, with_cents=False) == "1\u202f000\u202f000\u00a0€"
    assert format_euros(12345, with_cents=False) == "123,45\u00a0€"  # cents never hidden when present


@pytest.mark.parametrize("text, cents", [
    ("1234,56", 123456), ("1 234,56 €", 123456), ("1234.5", 123450), ("12", 1200), ("0,01", 1),
    ("1\u202f000", 100000),
])
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "-5", "1,234", "NaN", "Infinity", "1e999", "1e-999"])
def test_parse_euros_refuses_nonsense_with_a_french_message(text):
    with pytest.raises(InvalidValue) as error:
        parse_euros(text, field="amount")
    assert error.value.field == "amount"
    assert "montant" in error.value.message.lower()


def test_amounts_are_typed_the_french_way():
    assert parse_euros("1 234,56") == 1_234_56
    with pytest.raises(InvalidValue, match="illisible"):
        parse_euros("12,34,5")


def test_rates_round_trip():
    assert parse_rate("11,90") == Decimal("0.119")
    assert parse_rate("14,28 %") == Decimal("0.1428")
    assert format_rate(Decimal("0.1428")) == "14,28\u00a0%"
    with pytest.raises(InvalidValue):
        parse_rate("120")
    with pytest.raises(InvalidValue):
        parse_rate("douze")
