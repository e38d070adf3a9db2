"""Legal interest on a claim (Code monétaire et financier L313-2, L313-3), to the cent.

The legal rate is published for each half-year in two figures: for a creditor who is a private
person not acting for professional needs, and for every other creditor (L313-2). From the end of
two months after the judgment became enforceable the rate is raised by five points (L313-3).

The project ships the half-years the domain reference confirms (`SHIPPED_RATES`); the office enters
the others (`office_rates`, winning over a shipped row of the same half-year). A half-year with no
rate is an error (`MissingLegalRate`), never a silent zero.

Interest is counted day by day on the principal, for each day from `start` included to `end`
excluded, each day at the rate of its half-year over the number of days of its civil year (365 or
366); the sum is exact (fractions) and rounded once, half up, to the cent.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .errors import DomainError, InvalidValue
from .months import add_months

MAJORATION = Decimal("0.05")   # L313-3: five points
MAJORATION_MONTHS = 2


class MissingLegalRate(DomainError):
    code = "missing_legal_rate"


class CreditorType(StrEnum):
    PRIVATE = "private"   # personne physique n'agissant pas pour des besoins professionnels
    OTHER = "other"       # tous les autres cas


@dataclass(frozen=True)
class LegalRate:
    half_year: date            # 1 January or 1 July
    private_rate: Decimal      # Decimal("0.0667") for 6.67 %
    other_rate: Decimal
    reference: str
    shipped: bool = False      # True for the project's rows, False for the office's entries

    def rate_for(self, creditor: CreditorType) -> Decimal:
        return self.private_rate if creditor is CreditorType.PRIVATE else self.other_rate


SHIPPED_RATES: tuple[LegalRate, ...] = (
    LegalRate(date(2025, 7, 1), Decimal("0.0665"), Decimal("0.0276"),
              "Taux de l'intérêt légal, second semestre 2025 (CMF L313-2)", shipped=True),
    LegalRate(date(2026, 1, 1), Decimal("0.0667"), Decimal("0.0262"),
              "Taux de l'intérêt légal, premier semestre 2026 (CMF L313-2)", shipped=True),
)


def half_year_of(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_label(start: date) -> str:
    return f"{'premier' if start.month == 1 else 'second'} semestre {start.year}"


def validate_rate(row: LegalRate) -> None:
    """Refuse a row no arrêté would publish; each check names the field at fault."""
    if row.half_year.day != 1 or row.half_year.month not in (1, 7):
        raise InvalidValue("Un semestre commence le 1er janvier ou le 1er juillet.", field="half_year")
    for field, rate in (("private_rate", row.private_rate), ("other_rate", row.other_rate)):
        if not (Decimal(0) <= rate < Decimal("0.5")):
            raise InvalidValue("Le taux doit être compris entre 0 et 50 %.", field=field)
    if not row.reference.strip():
        raise InvalidValue("Indiquez l'arrêté qui publie ce taux.", field="reference")


def rate_table(office_rates: Iterable[LegalRate] = (),
               shipped: Iterable[LegalRate] = SHIPPED_RATES) -> dict[date, LegalRate]:
    """One row per half-year, the office's entry winning over the shipped one."""
    table = {row.half_year: row for row in shipped}
    table.update({row.half_year: row for row in office_rates})
    return table


def next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def missing_half_years(table: dict[date, LegalRate], today: date) -> list[date]:
    """The half-years from the table's first one to today's that have no rate: interest over any of
    their days cannot be computed until the office enters them."""
    if not table:
        return [half_year_of(today)]
    missing, start, current = [], min(table), half_year_of(today)
    while start <= current:
        if start not in table:
            missing.append(start)
        start = next_half_year(start)
    return missing


def legal_rate_on(day: date, creditor: CreditorType, table: dict[date, LegalRate]) -> Decimal:
    row = table.get(half_year_of(day))
    if row is None:
        raise MissingLegalRate(
            f"Le taux de l'intérêt légal du {half_year_label(half_year_of(day))} n'est pas saisi : "
            "l'étude doit l'entrer (arrêté publié au Journal officiel, CMF L313-2), page Étude › Taux de "
            "l'intérêt légal ; aucun intérêt n'est compté à 0 en attendant.")
    return row.rate_for(creditor)


def majoration_starts(enforceable_on: date) -> date:
    """L313-3: the first day at the raised rate, once two months have run from enforceability."""
    return add_months(enforceable_on, MAJORATION_MONTHS) + timedelta(days=1)


@dataclass(frozen=True)
class InterestPeriod:
    """Consecutive days at one rate over one year length, for the statement of the claim."""
    start: date          # first day included
    end: date            # first day excluded
    rate: Decimal
    majorated: bool
    year_days: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class InterestComputation:
    principal_cents: int
    periods: tuple[InterestPeriod, ...]
    interest_cents: int


def _year_days(day: date) -> int:
    return 366 if date(day.year, 12, 31).timetuple().tm_yday == 366 else 365


def _boundaries(start: date, end: date, extra: Iterable[date]) -> list[date]:
    """Every day in (start, end) where the rate or the year length may change."""
    points = set()
    day = half_year_of(start)
    while day < end:
        day = next_half_year(day)
        points.add(day)
    points.update(extra)
    return sorted(p for p in points if start < p < end)


def _compute(principal_cents: int, start: date, end: date, rate_of, extra_boundaries=()) -> InterestComputation:
    if principal_cents < 0:
        raise InvalidValue("Le principal ne peut pas être négatif.", field="principal_cents")
    periods: list[InterestPeriod] = []
    if end > start:
        edges = [start, *_boundaries(start, end, extra_boundaries), end]
        for first, stop in zip(edges, edges[1:]):
            rate, majorated = rate_of(first)
            periods.append(InterestPeriod(first, stop, rate, majorated, _year_days(first)))
    total = sum((Fraction(principal_cents) * Fraction(p.rate) * p.days / p.year_days for p in periods),
                Fraction(0))
    cents = int(total + Fraction(1, 2)) if total else 0   # half up, once (total is never negative)
    return InterestComputation(principal_cents, tuple(periods), cents)


def legal_interest(principal_cents: int, start: date, end: date, creditor: CreditorType, *,
                   enforceable_on: date | None = None, office_rates: Iterable[LegalRate] = (),
                   shipped: Iterable[LegalRate] = SHIPPED_RATES) -> InterestComputation:
    """Legal interest on `principal_cents` for the days from `start` to `end` (excluded).

    `enforceable_on`: the day the judgment became enforceable, for the five points of L313-3
    (None for a title that is not a judgment ordering payment)."""
    table = rate_table(office_rates, shipped)
    raised_from = majoration_starts(enforceable_on) if enforceable_on is not None else None

    def rate_of(day: date) -> tuple[Decimal, bool]:
        rate = legal_rate_on(day, creditor, table)
        if raised_from is not None and day >= raised_from:
            return rate + MAJORATION, True
        return rate, False

    return _compute(principal_cents, start, end, rate_of, [raised_from] if raised_from else [])


def contractual_interest(principal_cents: int, start: date, end: date, rate: Decimal) -> InterestComputation:
    """Interest at the title's own yearly rate, counted the same way."""
    if not (Decimal(0) <= rate < 1):
        raise InvalidValue("Le taux doit être compris entre 0 et 100 %.", field="rate")
    return _compute(principal_cents, start, end, lambda _day: (rate, False))


def legal_interest_cents(principal_cents: int, start: date, end: date, creditor: CreditorType, **kwargs) -> int:
    return legal_interest(principal_cents, start, end, creditor, **kwargs).interest_cents
