"""The dated tariff of C. com. A444-3."""
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.tariff import (DEFAULT_TARIFF, NoTariff, TariffUnconfirmed, lookup, renewal_of,
                                  started_half_hours, tariff_on, validate_period)


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


def test_a444_3_rates_in_force_up_to_the_last_day_of_their_term():
    assert tariff_on(date(2026, 2, 28)).buyer_fee_rate == Decimal("0.119")
    assert lookup(date(2026, 2, 28)).note is None


def test_a444_3_rates_after_their_term_await_the_officers_confirmation():
    with pytest.raises(TariffUnconfirmed) as error:
        tariff_on(date(2026, 3, 1))
    assert error.value.last is DEFAULT_TARIFF[0]
    assert "attendent la confirmation" in error.value.message
    found = lookup(date(2026, 12, 2))
    assert found.tariff is None and found.awaiting_confirmation
    assert "28/02/2026" in found.note and "02/12/2026" in found.note


def test_a444_3_renewal_of_the_last_period_confirms_the_rates_from_its_date():
    renewal = renewal_of(DEFAULT_TARIFF[0], date(2026, 3, 1), date(2028, 2, 29), "  arrêté du … (JORF)  ")
    assert renewal.reference == "arrêté du … (JORF)" and not renewal.shipped
    assert tariff_on(date(2026, 12, 2), [renewal]) == renewal
    assert tariff_on(date(2026, 2, 28), [renewal]).shipped
    with pytest.raises(TariffUnconfirmed):
        tariff_on(date(2028, 3, 1), [renewal])


def test_a444_3_a_renewal_from_a_later_day_leaves_the_gap_unconfirmed():
    renewal = renewal_of(DEFAULT_TARIFF[0], date(2026, 12, 1), None, "arrêté")
    assert lookup(date(2026, 11, 30), [renewal]).awaiting_confirmation
    assert tariff_on(date(2026, 12, 1), [renewal]) == renewal


def test_a444_3_a_period_without_term_stays_in_force():
    open_ended = replace(DEFAULT_TARIFF[0], effective_from=date(2026, 3, 1), term_ends=None, reference="x", shipped=False)
    assert tariff_on(date(2030, 1, 1), [open_ended]) == open_ended


def test_a444_6_copies_cost_68_cents_a_page():
    tariff = tariff_on(date(2025, 6, 1))
    assert tariff.copies_cents(0) == 0
    assert tariff.copies_cents(1) == 68
    assert tariff.copies_cents(12) == 816
    with pytest.raises(InvalidValue):
        tariff.copies_cents(-1)


def test_a444_7_each_deposit_at_the_caisse_des_depots_costs_6_85():
    tariff = tariff_on(date(2025, 6, 1))
    assert tariff.deposits_cents(1) == 685
    assert tariff.deposits_cents(3) == 2055


def test_a444_8_postponements_at_most_five():
    tariff = tariff_on(date(2025, 6, 1))
    assert tariff.postponements_cents(1) == 685
    assert tariff.postponements_cents(5) == 3425
    with pytest.raises(InvalidValue):
        tariff.postponements_cents(6)


def test_a444_8_the_debtor_pays_and_the_sale_is_cancelled():
    assert tariff_on(date(2025, 6, 1)).postponements_cents(2, cancelled=True) == 6845


def test_a444_3_withdrawn_lot_pays_a_sixth_of_the_rate_on_the_last_bid():
    tariff = tariff_on(date(2025, 6, 1))
    # 4.96 % / 6 on 1 200 € = 9.92 €
    assert tariff.withdrawn_lot_fee_cents(120_000) == 992
    assert tariff.withdrawn_lot_fee_cents(0) == 0


@pytest.mark.parametrize("duration, halves", [
    (timedelta(0), 0), (timedelta(seconds=1), 1), (timedelta(minutes=30), 1), (timedelta(minutes=30, seconds=1), 2),
    (timedelta(minutes=60), 2), (timedelta(minutes=61), 3),
])
def test_a444_3_time_spent_each_started_half_hour_is_due(duration, halves):
    assert started_half_hours(duration) == halves
    assert tariff_on(date(2025, 6, 1)).vacation_cents(duration) == halves * 2288


def test_time_spent_is_never_negative():
    with pytest.raises(InvalidValue):
        started_half_hours(timedelta(minutes=-1))


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
    ({"copy_page_cents": -1}, "copy_page_cents"),
    ({"postponement_max": -1}, "postponement_max"),
    ({"term_ends": date(2020, 1, 1)}, "term_ends"),
    ({"reference": "  "}, "reference"),
])
def test_implausible_periods_are_refused(change, field):
    with pytest.raises(InvalidValue) as error:
        validate_period(replace(DEFAULT_TARIFF[0], **change))
    assert error.value.field == field
