"""Adding calendar months to dates and to instants, month ends and leap years included."""
from datetime import date, datetime, timedelta, timezone

import pytest

from auction.domain.months import add_months


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 9, 10), 1, date(2026, 10, 10)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),       # into the next year
    (date(2026, 1, 31), 1, date(2026, 2, 28)),        # no 31 February: the last day of the month
    (date(2028, 1, 31), 1, date(2028, 2, 29)),        # a leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2028, 2, 29), 1, date(2028, 3, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),       # 29 February, a year later
    (date(2028, 2, 29), 48, date(2032, 2, 29)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),       # backwards
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 20), 0, date(2026, 5, 20)),
])
def test_a_month_ends_on_the_same_day_number_or_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_an_instant_keeps_its_time_of_day_and_its_zone():
    paris_summer = timezone(timedelta(hours=2))
    assert add_months(datetime(2026, 1, 31, 23, 59, 30, tzinfo=timezone.utc), 1) == datetime(
        2026, 2, 28, 23, 59, 30, tzinfo=timezone.utc)
    assert add_months(datetime(2028, 2, 29, 10, 0, tzinfo=paris_summer), 12) == datetime(
        2029, 2, 28, 10, 0, tzinfo=paris_summer)
    later = add_months(datetime(2026, 8, 31, 10, 0, tzinfo=timezone.utc), 60)
    assert type(later) is datetime and later == datetime(2031, 8, 31, 10, 0, tzinfo=timezone.utc)
    assert type(add_months(date(2026, 8, 31), 1)) is date
