"""The law's delays, in Europe/Paris calendar days (Code de procédure civile 640 to 642).

- CPC 641: a delay in days does not count the day of the act or event that starts it; a delay in
  months ends on the day of the last month with the same number (or on that month's last day,
  `months.add_months`).
- CPC 642: a delay ends at midnight of its last day; one that would end on a Saturday, a Sunday or
  a public holiday runs to the next working day.

Public holidays are those of metropolitan France from the maintained `holidays` library (the
eleven jours fériés of Code du travail L3133-1, Pentecost Monday included). Alsace-Moselle's two
extra days (Good Friday, 26 December) are not counted: an office there may check them by hand.

Every function takes and returns `date`s; `paris_day` turns a UTC instant into its Paris day.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .months import add_months

PARIS = ZoneInfo("Europe/Paris")
ONE_DAY = timedelta(days=1)

CONTEST_DAYS = 15          # R251-3 to R251-5: 15 days from the letter's receipt to contest
PAYMENT_DAYS = 8           # R251-10: 8 days to pay once the plan is final
PLAN_MONTHS = 1            # R251-1 / R251-2: one month from the sale
CONCILIATION_MONTHS = 1    # R251-6 to R251-8: the meeting within one month of the first contest


def paris_day(moment: datetime) -> date:
    """The calendar day in Paris of an aware instant."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(PARIS).date()


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year))


def is_public_holiday(day: date) -> bool:
    """A French public holiday (jour férié légal), metropolitan France."""
    return day in _holidays_of(day.year)


def holiday_name(day: date) -> str | None:
    """The holiday's name (in French) or None."""
    if not is_public_holiday(day):
        return None
    return holidays.France(years=day.year, language="fr").get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday (the days CPC 642 lets a delay end on)."""
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def first_working_day_after(day: date) -> date:
    """The first working day strictly after `day`."""
    return next_working_day(day + ONE_DAY)


def ended_on_non_working_day(nominal_end: date) -> bool:
    """True when a delay's nominal last day is a Saturday, Sunday or holiday (CPC 642 moved it)."""
    return not is_working_day(nominal_end)


def days_after(start: date, days: int) -> date:
    """The last day of a delay of `days` days starting on `start` (CPC 641, 642)."""
    if days < 0:
        raise ValueError("a delay cannot be negative")
    return next_working_day(start + timedelta(days=days))


def months_after(start: date, months: int) -> date:
    """The last day of a delay of `months` months starting on `start` (CPC 641, 642)."""
    if months < 0:
        raise ValueError("a delay cannot be negative")
    return next_working_day(add_months(start, months))


def distribution_due(sale_day: date) -> date:
    """R251-1 (a single creditor paid) and R251-2 (the plan drafted): one month from the sale."""
    return months_after(sale_day, PLAN_MONTHS)


def contest_period_ends(received_on: date) -> date:
    """R251-3 to R251-5: last day to contest the plan, 15 days from the letter's receipt."""
    return days_after(received_on, CONTEST_DAYS)


def payment_due(final_on: date) -> date:
    """R251-10: the final plan is paid within 8 days; `final_on` is the day the last contest period
    ended (the plan is final from its end)."""
    return days_after(final_on, PAYMENT_DAYS)


def conciliation_due(first_contest_on: date) -> date:
    """R251-6 to R251-8: the conciliation meeting within one month of the first contest."""
    return months_after(first_contest_on, CONCILIATION_MONTHS)


def cash_banking_due(received_on: date) -> date:
    """Décret 2022-949 (art. 62-1 to 62-6): cash received is banked by the first working day after receipt."""
    return first_working_day_after(received_on)
