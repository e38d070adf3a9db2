"""How values are shown to people: French dates in Europe/Paris time, euros, rates."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from auction.domain.amount_words import amount_in_words
from auction.domain.money import format_euros, format_rate

PARIS = ZoneInfo("Europe/Paris")

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def to_paris(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(PARIS)


def long_date(day: date | datetime | str) -> str:
    """`samedi 12 décembre 2026` (a datetime is first turned into Paris time; an ISO day, as the logs'
    payloads hold them, is read)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if isinstance(day, datetime):
        day = to_paris(day).date()
    first = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {first} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date | datetime | str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if isinstance(day, datetime):
        day = to_paris(day).date()
    return f"{day:%d/%m/%Y}"


def time_of_day(moment: datetime) -> str:
    """`14 h 30` in Paris time."""
    local = to_paris(moment)
    return f"{local.hour} h {local.minute:02d}"


def long_datetime(moment: datetime) -> str:
    return f"{long_date(moment)} à {time_of_day(moment)}"


def short_datetime(moment: datetime) -> str:
    local = to_paris(moment)
    return f"{local:%d/%m/%Y %H:%M}"


FILTERS = {
    "euros": format_euros,
    "rate": format_rate,
    "long_date": long_date,
    "short_date": short_date,
    "time_of_day": time_of_day,
    "long_datetime": long_datetime,
    "short_datetime": short_datetime,
    "amount_words": amount_in_words,
}
