"""The dated tariff of C. com. A444-3."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.tariff import DEFAULT_TARIFF, NoTariff, tariff_on, validate_period


def test_a444_3_shipped_rates_of_march_2024():
    tariff = tariff_on(date(2024, 3, 1))
    assert tariff.buyer_fee_rate == Decimal("0.119")
    assert tariff.buyer_fee_rate_incl_vat == Decimal("0.1428")
    assert tariff.seller_fee_rate == Decimal("0.0496")
    assert tariff.seller_fee_minimum_cents == 4563
    assert tariff.withdrawn_lot_divisor == 6
    assert tariff.vacation_half_hour_cents == 2288
    assert tariff.buyer_fees_cents(100_000) == 11_900


def test_no_tariff_before_the_first_period():
    with pytest.raises(NoTariff):
        tariff_on(date(2024, 2, 29))


def test_term_passed_is_flagged_for_the_office():
    tariff = tariff_on(date(2026, 11, 22))
    assert tariff.term_has_passed(date(2026, 11, 22))
    assert not tariff.term_has_passed(date(2026, 2, 28))


def test_office_period_takes_over_from_its_effective_date():
    renewed = replace(DEFAULT_TARIFF[0], effective_from=date(2026, 3, 1), term_ends=date(2028, 2, 29),
                      buyer_fee_rate=Decimal("0.12"), reference="arrêté de renouvellement", shipped=False)
    assert tariff_on(date(2026, 2, 28), [renewed]).buyer_fee_rate == Decimal("0.119")
    assert tariff_on(date(2026, 3, 1), [renewed]).buyer_fee_rate == Decimal("0.12")


def test_office_period_wins_over_a_shipped_one_of_the_same_date():
    correction = replace(DEFAULT_TARIFF[0], seller_fee_minimum_cents=5000, shipped=False)
    assert tariff_on(date(2025, 1, 1), [correction]).seller_fee_minimum_cents == 5000


@pytest.mark.parametrize("change, field", [
    ({"buyer_fee_rate": Decimal("0")}, "buyer_fee_rate"),
    ({"seller_fee_rate": Decimal("0.9")}, "seller_fee_rate"),
    ({"vat_rate": Decimal("0.6")}, "vat_rate"),
    ({"seller_fee_minimum_cents": -1}, "seller_fee_minimum_cents"),
    ({"withdrawn_lot_divisor": 0}, "withdrawn_lot_divisor"),
    ({"term_ends": date(2020, 1, 1)}, "term_ends"),
    ({"reference": "  "}, "reference"),
])
def test_implausible_periods_are_refused(change, field):
    with pytest.raises(InvalidValue) as error:
        validate_period(replace(DEFAULT_TARIFF[0], **change))
    assert error.value.field == field
