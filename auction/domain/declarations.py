"""The office's declarations and their due dates, pure: the quarterly declaration of its sales to the
chamber (C. com. R444-48, auction/domain/record_register.py) quarter by quarter, each due a number
of days after its quarter ends as the office enters it (dated terms: no delay is invented here),
and whether it was sent. A sent declaration's document is frozen: kept as sent with its SHA-256.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InvalidValue
from .record_register import quarter_bounds, quarter_of

MEANS = {"portal": "Portail de la chambre", "email": "Courriel", "post": "Courrier", "hand": "Remise en main propre"}
REFERENCE_MAX = 100


@dataclass(frozen=True)
class Terms:
    """The delay the office gives itself (or its chamber sets) to send a quarter's declaration."""

    effective_from: date
    days_after_quarter: int
    reference: str

    def __post_init__(self) -> None:
        if not 0 <= self.days_after_quarter <= 366:
            raise InvalidValue("Délai : de 0 à 366 jours après la fin du trimestre.", field="days_after_quarter")
        if not self.reference.strip():
            raise InvalidValue("Indiquez d'où vient ce délai (règlement de la chambre, usage de l'étude…).",
                               field="reference")
        if len(self.reference) > 300:
            raise InvalidValue("Référence : 300 caractères au plus.", field="reference")


def terms_on(rows: Iterable[Terms], day: date) -> Terms | None:
    found = [row for row in rows if row.effective_from <= day]
    return max(found, key=lambda row: row.effective_from) if found else None


@dataclass(frozen=True)
class Sent:
    year: int
    quarter: int
    sent_on: date
    means: str
    reference: str
    pdf_sha256: str
    csv_sha256: str


@dataclass(frozen=True)
class QuarterLine:
    year: int
    quarter: int
    end: date                     # the quarter's last day
    due_on: date | None           # None: the office has entered no delay for it
    terms: Terms | None
    sent: Sent | None

    @property
    def label(self) -> str:
        return f"T{self.quarter} {self.year}"

    def state(self, today: date) -> str:
        if self.sent is not None:
            return "sent"
        if today <= self.end:
            return "running"
        if self.due_on is not None and today > self.due_on:
            return "overdue"
        return "to_send"


STATES = {"sent": "Envoyée", "running": "Trimestre en cours", "overdue": "En retard", "to_send": "À envoyer"}


def quarter_end(year: int, quarter: int) -> date:
    return quarter_bounds(year, quarter)[1] - timedelta(days=1)


def quarters(first: date, today: date) -> list[tuple[int, int]]:
    """Every quarter from the one holding `first` to the current one, latest first."""
    year, quarter = quarter_of(min(first, today))
    last = quarter_of(today)
    found = []
    while (year, quarter) <= last:
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found[::-1]


def schedule(first: date, today: date, terms: Iterable[Terms], sent: Iterable[Sent]) -> list[QuarterLine]:
    """The quarters' declarations with their due dates (the terms in force on the quarter's last day)."""
    rows = list(terms)
    by_quarter = {(s.year, s.quarter): s for s in sent}
    found = []
    for year, quarter in quarters(first, today):
        end = quarter_end(year, quarter)
        t = terms_on(rows, end)
        found.append(QuarterLine(year, quarter, end, end + timedelta(days=t.days_after_quarter) if t else None, t,
                                 by_quarter.get((year, quarter))))
    return found


def check_sending(year: int, quarter: int, sent_on: date, means: str, reference: str, today: date,
                  already: Sent | None) -> tuple[str, str]:
    """The means and reference of a declaration marked sent, or a named refusal."""
    if already is not None:
        raise InvalidValue(f"La déclaration du T{quarter} {year} est déjà envoyée (le {already.sent_on:%d/%m/%Y}) : "
                           "son document est figé.", field="sent_on")
    end = quarter_end(year, quarter)
    if today <= end:
        raise InvalidValue(f"Le trimestre n'est pas terminé (il finit le {end:%d/%m/%Y}).", field="sent_on")
    if sent_on <= end:
        raise InvalidValue("La date d'envoi suit la fin du trimestre.", field="sent_on")
    if sent_on > today:
        raise InvalidValue("La date d'envoi ne peut pas être après aujourd'hui.", field="sent_on")
    if means not in MEANS:
        raise InvalidValue("Choisissez le moyen d'envoi.", field="means")
    reference = " ".join(reference.split())
    if len(reference) > REFERENCE_MAX:
        raise InvalidValue(f"Référence : {REFERENCE_MAX} caractères au plus.", field="reference")
    return means, reference


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
