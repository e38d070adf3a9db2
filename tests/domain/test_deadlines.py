"""The law's delays (CPC 641, 642) around weekends and French public holidays."""
from datetime import date, datetime, timezone

import pytest

from auction.domain.deadlines import (
    cash_banking_due, conciliation_due, contest_period_ends, days_after, distribution_due,
    ended_on_non_working_day, first_working_day_after, holiday_name, is_public_holiday,
    is_working_day, months_after, next_working_day, paris_day, payment_due,
)


@pytest.mark.parametrize("day, name", [
    (date(2026, 1, 1), "Jour de l'an"),
    (date(2026, 4, 6), "Lundi de Pâques"),
    (date(2026, 5, 1), "Fête du Travail"),
    (date(2026, 5, 8), "Fête de la Victoire"),
    (date(2026, 5, 14), "Ascension"),
    (date(2026, 5, 25), "Lundi de Pentecôte"),
    (date(2026, 7, 14), "Fête nationale"),
    (date(2026, 8, 15), "Assomption"),
    (date(2026, 11, 1), "Toussaint"),
    (date(2026, 11, 11), "Armistice"),
    (date(2026, 12, 25), "Noël"),
    (date(2027, 3, 29), "Lundi de Pâques"),        # Easter moves: 28 March 2027
    (date(2027, 5, 6), "Ascension"),
])
def test_the_french_public_holidays_are_known(day, name):
    assert is_public_holiday(day)
    assert not is_working_day(day)
    assert name.lower() in (holiday_name(day) or "").lower()


def test_ordinary_days_and_weekends():
    assert is_working_day(date(2026, 12, 2))         # a Wednesday
    assert not is_working_day(date(2026, 12, 5))     # Saturday
    assert not is_working_day(date(2026, 12, 6))     # Sunday
    assert holiday_name(date(2026, 12, 2)) is None
    assert not is_public_holiday(date(2026, 12, 26))  # only in Alsace-Moselle


def test_next_working_day_is_the_day_itself_or_the_first_after():
    assert next_working_day(date(2026, 12, 2)) == date(2026, 12, 2)
    assert next_working_day(date(2026, 12, 5)) == date(2026, 12, 7)
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)   # Friday Christmas, weekend
    assert first_working_day_after(date(2026, 12, 2)) == date(2026, 12, 3)


@pytest.mark.parametrize("received, last_day", [
    (date(2026, 11, 2), date(2026, 11, 17)),     # the day of receipt does not count (CPC 641)
    (date(2026, 11, 20), date(2026, 12, 7)),     # ends on Saturday 5 December → Monday (CPC 642)
    (date(2026, 11, 21), date(2026, 12, 7)),     # ends on Sunday 6 December → Monday
    (date(2026, 4, 16), date(2026, 5, 4)),       # 1 May (a Friday), then the weekend
    (date(2026, 6, 29), date(2026, 7, 15)),      # 14 July
    (date(2026, 12, 10), date(2026, 12, 28)),    # Christmas on a Friday
    (date(2026, 3, 22), date(2026, 4, 7)),       # Easter Monday
    (date(2026, 4, 29), date(2026, 5, 15)),      # Ascension Thursday
    (date(2026, 5, 10), date(2026, 5, 26)),      # Pentecost Monday
])
def test_r251_contest_period_is_15_days_from_receipt_cpc_641_642(received, last_day):
    assert contest_period_ends(received) == last_day
    assert is_working_day(last_day)


@pytest.mark.parametrize("sale_day, due", [
    (date(2026, 9, 10), date(2026, 10, 12)),     # 10 October 2026 is a Saturday
    (date(2026, 3, 31), date(2026, 4, 30)),      # no 31 April: the month's last day
    (date(2026, 1, 31), date(2026, 3, 2)),       # 28 February 2026 is a Saturday
    (date(2026, 4, 14), date(2026, 5, 15)),      # 14 May 2026 is Ascension
    (date(2026, 6, 14), date(2026, 7, 15)),      # 14 July
    (date(2026, 11, 25), date(2026, 12, 28)),    # Christmas, then the weekend
])
def test_r251_1_and_r251_2_one_month_from_the_sale(sale_day, due):
    assert distribution_due(sale_day) == due


def test_r251_10_eight_days_to_pay_once_final():
    assert payment_due(date(2026, 12, 1)) == date(2026, 12, 9)
    assert payment_due(date(2026, 12, 17)) == date(2026, 12, 28)   # 25 December, weekend
    assert payment_due(date(2026, 4, 23)) == date(2026, 5, 4)      # 1 May


def test_r251_6_conciliation_within_one_month_of_the_first_contest():
    assert conciliation_due(date(2026, 12, 2)) == date(2027, 1, 4)    # 2 January 2027 is a Saturday
    assert conciliation_due(date(2026, 6, 14)) == date(2026, 7, 15)


@pytest.mark.parametrize("received, bank_by", [
    (date(2026, 12, 2), date(2026, 12, 3)),
    (date(2026, 12, 4), date(2026, 12, 7)),      # a Friday: the Monday
    (date(2026, 12, 5), date(2026, 12, 7)),      # a Saturday
    (date(2026, 12, 24), date(2026, 12, 28)),    # Christmas Eve
    (date(2026, 4, 30), date(2026, 5, 4)),       # 1 May
    (date(2026, 5, 22), date(2026, 5, 26)),      # Pentecost Monday
    (date(2026, 5, 13), date(2026, 5, 15)),      # Ascension
])
def test_decret_2022_949_cash_banked_by_the_first_working_day_after_receipt(received, bank_by):
    assert cash_banking_due(received) == bank_by


def test_a_delay_that_ended_on_a_non_working_day_is_flagged():
    assert ended_on_non_working_day(date(2026, 12, 5))
    assert ended_on_non_working_day(date(2026, 7, 14))
    assert not ended_on_non_working_day(date(2026, 12, 2))


def test_generic_delays():
    assert days_after(date(2026, 12, 2), 0) == date(2026, 12, 2)
    assert months_after(date(2026, 12, 31), 2) == date(2027, 3, 1)    # 28 February 2027 is a Sunday
    with pytest.raises(ValueError):
        days_after(date(2026, 12, 2), -1)
    with pytest.raises(ValueError):
        months_after(date(2026, 12, 2), -1)


def test_paris_day_of_an_instant():
    assert paris_day(datetime(2026, 7, 13, 22, 30, tzinfo=timezone.utc)) == date(2026, 7, 14)   # UTC+2
    assert paris_day(datetime(2026, 12, 31, 22, 59, tzinfo=timezone.utc)) == date(2026, 12, 31)  # UTC+1
    assert paris_day(datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)) == date(2027, 1, 1)
    with pytest.raises(ValueError):
        paris_day(datetime(2026, 12, 31, 23, 0))
