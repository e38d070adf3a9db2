"""Calendar months: a month after a day ends on the day of the same number, or on the last day of
that month when it has no such day (CPC 641)."""
from __future__ import annotations

import calendar
from datetime import date
from typing import TypeVar

Day = TypeVar("Day", bound=date)   # a date, or a datetime (a subclass of date)


def add_months(day: Day, months: int) -> Day:
    """`months` calendar months after `day` (before it if negative): 31 January plus one month is
    28 February, or 29 in a leap year. A datetime keeps its time of day and its time zone."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
