"""Delays before a sale that end on a non-working day (CPC 642), shown as warnings for the officer.

CPC 642: a delay that would end on a Saturday, a Sunday or a public holiday runs to the next working
day. Whether that applies to the amicable-sale window (CPCE L221-3, R221-30) and to the creditors'
fifteen days to answer an offer (R221-31) is the office's call: the checks of `publication` count the
delays as they run (calendar days, no extension) and these warnings say where the extension would
move them, and what that would change — the first day of the forced sale and of a poster that counts
(R221-34). Holidays are those of `deadlines` (the maintained `holidays` library, metropolitan France).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .deadlines import holiday_name, is_working_day, next_working_day
from .months import add_months
from .publication import AMICABLE_SALE_MONTHS, CREDITORS_ANSWER_DAYS, CaseFacts, known_window_end

ARTICLE = "CPC 642"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class DelayWarning:
    key: str              # stable: what delay, of which case (and creditor)
    article: str          # the delay's article, then CPC 642
    nominal_end: date     # the last day as counted
    extended_end: date    # the next working day, if CPC 642 applies
    message: str          # French, for the officer


def day_label(day: date) -> str:
    """`samedi 10/10/2026`, or `mercredi 11/11/2026 (Armistice 1918)` for a holiday."""
    name = holiday_name(day)
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}" + (f" ({name}, jour férié)" if name else "")


def _why(day: date) -> str:
    return "un jour férié" if holiday_name(day) else ("un samedi" if day.weekday() == 5 else "un dimanche")


def _warning(key: str, article: str, what: str, end: date, consequence: str) -> DelayWarning | None:
    if is_working_day(end):
        return None
    extended = next_working_day(end)
    return DelayWarning(key, f"{article}, {ARTICLE}", end, extended,
                        f"{what} expire le {day_label(end)}, {_why(end)}. {ARTICLE} proroge un délai qui expire un "
                        f"samedi, un dimanche ou un jour férié jusqu'au premier jour ouvrable suivant, le "
                        f"{day_label(extended)} : s'il s'applique ici (à l'étude d'en décider), {consequence}")


def case_delay_warnings(case: CaseFacts) -> list[DelayWarning]:
    """The amicable-sale window of `case` and each creditor's fifteen days, where they end on a
    non-working day. Nothing while the notification date is unknown (the check says so)."""
    if case.notified_on is None:
        return []
    warnings: list[DelayWarning | None] = []
    end = known_window_end(case)
    if end is not None:
        extended = next_working_day(end)
        article = "CPCE L221-3, R221-30" + (", R221-31" if case.offers else "")
        what = (f"Le délai de vente amiable du dossier {case.reference} (un mois"
                + (" augmenté des quinze jours des créanciers)" if case.offers else ")"))
        warnings.append(_warning(
            f"amicable_window:{case.id}", article, what, end,
            f"la vente forcée ne peut avoir lieu avant le {extended + timedelta(days=1):%d/%m/%Y} et une affiche "
            f"ne compte qu'apposée à partir de ce jour (CPCE R221-34)."))
    if case.offers:   # the month itself, before the creditors' fifteen days are added to it
        month_end = add_months(case.notified_on, AMICABLE_SALE_MONTHS)
        later = next_working_day(month_end) + timedelta(days=CREDITORS_ANSWER_DAYS)
        warnings.append(_warning(
            f"amicable_month:{case.id}", "CPCE L221-3", f"Le mois de vente amiable du dossier {case.reference}",
            month_end, f"les quinze jours des créanciers s'y ajoutent à partir de ce jour-là, et le délai de vente "
                       f"amiable court au moins jusqu'au {later:%d/%m/%Y}."))
    for n, offer in enumerate(case.offers, start=1):
        for letter in offer.letters:
            if letter.received_on is None or letter.creditor_id not in case.creditor_ids:
                continue
            answer_end = letter.received_on + timedelta(days=CREDITORS_ANSWER_DAYS)
            name = case.creditor_names.get(letter.creditor_id, f"n° {letter.creditor_id}")
            warnings.append(_warning(
                f"creditor_answer:{case.id}:{n}:{letter.creditor_id}", "CPCE R221-31",
                f"Le délai de quinze jours du créancier {name} pour répondre à l'offre du "
                f"{offer.reported_on:%d/%m/%Y} (lettre reçue le {letter.received_on:%d/%m/%Y}, dossier "
                f"{case.reference})", answer_end,
                "son silence ne vaut acceptation qu'après ce jour-là."))
    return [w for w in warnings if w is not None]


def delay_warnings(cases: list[CaseFacts] | tuple[CaseFacts, ...]) -> list[DelayWarning]:
    return [warning for case in cases for warning in case_delay_warnings(case)]
