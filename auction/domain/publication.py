"""The legal delays of a sale's publicity, checked when the clerk announces the sale and again before
it goes live. Each check names its article; days are calendar days in Europe/Paris.

- CPCE L221-3, R221-30, R221-31 — the amicable-sale window: the debtor has one month from the
  notification of the seizure act to sell the goods himself. When he reported an offer, the creditors
  have fifteen days from the receipt of the officer's letter to answer, and the month is extended by
  those fifteen days. We read it the cautious way: the window ends on the later of (the month plus
  fifteen days) and (the last letter's receipt plus fifteen days). A month ends on the day of the
  same number in the next month, or on that month's last day (CPC 641); a delay in days does not
  count its first day (CPC 640). The forced sale may take place from the day after the window.
- CPCE R221-34 — posters at the town hall of each debtor's commune and at the place of sale, put up
  once the amicable-sale window has run out (of the cases of that commune, of every case at the place
  of sale: a poster put up during the window, or while it cannot be computed, does not count) and at
  least eight days before the sale: the sale's date less the poster's date is eight or more. A sale
  less than nine days after the window leaves no day for a poster: the check fails at once.
- CPCE R221-35 — each debtor told the place, day and time at least eight days before, likewise, "by
  simple letter or any appropriate means" (auction.domain.publication_acts' `DEBTOR_NOTICE_MEANS`; a
  proof is asked only of the means that leave one).

A check is `passed`, `pending` (not done yet, and there is still time: its last day is not past) or
`failed`. Announcing is blocked by a failed check; going live by any check not passed. Only the
officer overrides, with a written reason (auction.domain.publication_gate). What the clerk records
of the acts: auction.domain.publication_acts.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import DomainError
from .months import add_months

PARIS = ZoneInfo("Europe/Paris")

AMICABLE_SALE_MONTHS = 1          # L221-3
CREDITORS_ANSWER_DAYS = 15        # R221-31
POSTER_DAYS_BEFORE = 8            # R221-34
DEBTOR_NOTICE_DAYS_BEFORE = 8     # R221-35

ARTICLE_AMICABLE = "CPCE L221-3, R221-30 et R221-31"
ARTICLE_POSTERS = "CPCE R221-34"
ARTICLE_DEBTOR = "CPCE R221-35"

PASSED, PENDING, FAILED = "passed", "pending", "failed"
STATUS_LABELS = {PASSED: "Satisfait", PENDING: "À faire", FAILED: "Non satisfait"}


class PublicityError(DomainError):
    code = "publicity_error"


# --- dates ------------------------------------------------------------------------------------------

def paris_day(moment: datetime) -> date:
    """The calendar day in Paris of an aware instant (whatever the daylight-saving time in force)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(PARIS).date()


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days


def fold(text: str) -> str:
    """Lower case, no accents, single spaces, hyphens as spaces: `Villeurbanne` = `VILLEURBANNE`."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ").replace("'", " ")
    return " ".join(text.split())


# --- facts --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfferLetter:
    creditor_id: int
    received_on: date | None


@dataclass(frozen=True)
class AmicableOffer:
    reported_on: date
    letters: tuple[OfferLetter, ...] = ()


@dataclass(frozen=True)
class Commune:
    postcode: str
    city: str

    @property
    def key(self) -> str:
        return f"{self.postcode.strip()} {fold(self.city)}"

    @property
    def label(self) -> str:
        return f"{self.city} ({self.postcode})"


@dataclass(frozen=True)
class CaseFacts:
    id: int
    reference: str
    commune: Commune                      # the debtor's
    notified_on: date | None              # notification of the seizure act to the debtor
    creditor_ids: tuple[int, ...] = ()
    creditor_names: Mapping[int, str] = field(default_factory=dict)
    offers: tuple[AmicableOffer, ...] = ()


@dataclass(frozen=True)
class NoticeContent:
    """What the law asks a poster (R221-34) and the debtor's notice (R221-35) to carry."""
    starts_at: datetime
    place: str                            # name, address, postcode and city of the place of sale
    goods_summary: str

    @property
    def debtor_terms(self) -> tuple:
        return (self.starts_at, fold(self.place))

    @property
    def poster_terms(self) -> tuple:
        return (self.starts_at, fold(self.place), fold(self.goods_summary))


@dataclass(frozen=True)
class PosterFact:
    kind: str                             # poster_town_hall or poster_sale_place
    done_at: datetime
    content: NoticeContent                # of the notice the poster displayed
    commune: Commune | None = None        # the town hall's, for poster_town_hall
    act_id: int | None = None             # the recorded act, to say on the page why it does not count


@dataclass(frozen=True)
class DebtorNoticeFact:
    case_id: int
    told_on: date
    content: NoticeContent                # of the notice the debtor was told


@dataclass(frozen=True)
class PublicityFacts:
    sale_place_label: str
    notice: NoticeContent                 # the notice to be published, or the current one
    cases: tuple[CaseFacts, ...]
    posters: tuple[PosterFact, ...] = ()
    debtor_notices: tuple[DebtorNoticeFact, ...] = ()

    @property
    def sale_day(self) -> date:
        return paris_day(self.notice.starts_at)


@dataclass(frozen=True)
class CheckResult:
    key: str                              # stable name of the check, the key of an override
    article: str
    label: str                            # what is checked, in French
    status: str                           # passed, pending or failed
    message: str                          # French, names the article
    last_day: date | None = None          # the last day the act may be done (or the window's last day)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# --- L221-3, R221-30, R221-31: the amicable-sale window ------------------------------------------

def amicable_window_end(notified_on: date, offers: Iterable[AmicableOffer]) -> date:
    """The last day of the window; the forced sale may take place from the next day on.
    Letters without a receipt date are ignored here: `check_amicable_window` refuses them."""
    end = add_months(notified_on, AMICABLE_SALE_MONTHS)
    offers = list(offers)
    if offers:
        end = end + timedelta(days=CREDITORS_ANSWER_DAYS)
        receipts = [letter.received_on for offer in offers for letter in offer.letters if letter.received_on]
        if receipts:
            end = max(end, max(receipts) + timedelta(days=CREDITORS_ANSWER_DAYS))
    return end


def check_amicable_window(case: CaseFacts, sale_day: date) -> CheckResult:
    key, label = f"amicable_window:{case.id}", f"Délai de vente amiable — dossier {case.reference}"

    def result(status: str, message: str, last_day: date | None = None) -> CheckResult:
        return CheckResult(key, ARTICLE_AMICABLE, label, status, message, last_day)

    if case.notified_on is None:
        return result(FAILED, f"{ARTICLE_AMICABLE} : la date de signification de l'acte de saisie du dossier "
                              f"{case.reference} n'est pas enregistrée ; le délai d'un mois ne peut être calculé.")
    for offer in case.offers:
        letters = {letter.creditor_id: letter for letter in offer.letters}
        for creditor_id in case.creditor_ids:
            name = case.creditor_names.get(creditor_id, f"n° {creditor_id}")
            letter = letters.get(creditor_id)
            if letter is None:
                return result(FAILED, f"{ARTICLE_AMICABLE} : l'offre de vente amiable du {offer.reported_on:%d/%m/%Y} "
                                      f"n'a pas été communiquée au créancier {name} (dossier {case.reference}).")
            if letter.received_on is None:
                return result(FAILED, f"{ARTICLE_AMICABLE} : la date de réception du courrier au créancier {name} "
                                      f"(offre du {offer.reported_on:%d/%m/%Y}, dossier {case.reference}) n'est pas "
                                      "enregistrée ; son délai de quinze jours ne peut être calculé.")
    end = amicable_window_end(case.notified_on, case.offers)
    extended = " augmenté des quinze jours des créanciers" if case.offers else ""
    if sale_day > end:
        return result(PASSED, f"{ARTICLE_AMICABLE} : délai d'un mois{extended} expiré le {end:%d/%m/%Y} "
                              f"(dossier {case.reference}).", end)
    return result(FAILED, f"{ARTICLE_AMICABLE} : le délai de vente amiable du dossier {case.reference} court "
                          f"jusqu'au {end:%d/%m/%Y} inclus (un mois{extended}) ; la vente forcée ne peut avoir lieu "
                          f"avant le {end + timedelta(days=1):%d/%m/%Y}.", end)


# --- R221-34 and R221-35: posters and the debtors' notice, eight days before ---------------------

def _by_deadline(key: str, article: str, label: str, done: Sequence[date], sale_day: date, days: int,
                 today: date, what: str) -> CheckResult:
    last_day = sale_day - timedelta(days=days)
    if done:
        first = min(done)
        if days_between(first, sale_day) >= days:
            return CheckResult(key, article, label, PASSED,
                               f"{article} : {what} le {first:%d/%m/%Y}, {days_between(first, sale_day)} jours "
                               f"avant la vente.", last_day)
        return CheckResult(key, article, label, FAILED,
                           f"{article} : {what} le {first:%d/%m/%Y}, {days_between(first, sale_day)} jours "
                           f"seulement avant la vente ; il fallait le faire au plus tard le {last_day:%d/%m/%Y}.",
                           last_day)
    if today <= last_day:
        return CheckResult(key, article, label, PENDING,
                           f"{article} : à faire au plus tard le {last_day:%d/%m/%Y} ({days} jours avant la vente).",
                           last_day)
    return CheckResult(key, article, label, FAILED,
                       f"{article} : non fait, et le dernier jour possible était le {last_day:%d/%m/%Y} "
                       f"({days} jours avant la vente).", last_day)


def required_communes(cases: Iterable[CaseFacts]) -> list[Commune]:
    """The debtors' communes, each once (two debtors of one commune need one poster at its town hall)."""
    seen: dict[str, Commune] = {}
    for case in cases:
        seen.setdefault(case.commune.key, case.commune)
    return list(seen.values())


@dataclass(frozen=True)
class PosterWindow:
    """When a poster may count (R221-34): from the day after the amicable-sale window of every case it
    announces has run out (the cases of the town hall's commune; every case at the place of sale)."""
    first_day: date | None                # None: a window cannot be computed (`unknown` says which)
    latest: tuple[str, date] | None       # the case whose window ends last, and that last day
    unknown: tuple[str, ...] = ()         # cases whose window cannot be computed yet


def known_window_end(case: CaseFacts) -> date | None:
    """The window's last day, or None while it cannot be computed: no notification date, or an offer
    not yet received by every creditor (their fifteen days have not started)."""
    if case.notified_on is None:
        return None
    for offer in case.offers:
        received = {letter.creditor_id for letter in offer.letters if letter.received_on is not None}
        if any(creditor_id not in received for creditor_id in case.creditor_ids):
            return None
    return amicable_window_end(case.notified_on, case.offers)


def poster_window(cases: Iterable[CaseFacts]) -> PosterWindow:
    ends = [(case.reference, known_window_end(case)) for case in cases]
    unknown = tuple(reference for reference, end in ends if end is None)
    known = [(reference, end) for reference, end in ends if end is not None]
    latest = max(known, key=lambda item: item[1]) if known else None
    if unknown or latest is None:
        return PosterWindow(None, latest, unknown)
    return PosterWindow(latest[1] + timedelta(days=1), latest, ())


def _window_reason(poster_day: date, window: PosterWindow) -> str | None:
    """Why a poster put up on `poster_day` does not count, or None when the window allows it."""
    if window.first_day is None:
        return (f"le délai de vente amiable du dossier {', '.join(window.unknown)} ne peut pas encore être calculé "
                "(signification de l'acte de saisie ou réception des lettres aux créanciers non enregistrée) : une "
                "affiche ne compte qu'apposée après son expiration")
    if poster_day < window.first_day:
        reference, end = window.latest
        return (f"apposée le {poster_day:%d/%m/%Y}, pendant le délai de vente amiable du dossier {reference} "
                f"(jusqu'au {end:%d/%m/%Y} inclus) : elle ne compte pas, une affiche ne peut être apposée qu'une "
                f"fois ce délai expiré, à partir du {window.first_day:%d/%m/%Y}")
    return None


def _poster_check(key: str, label: str, where: str, done: Sequence[date], window: PosterWindow, sale_day: date,
                  today: date) -> CheckResult:
    """R221-34: a poster put up once the amicable-sale window has run out, and at least eight days
    before the sale. `done`: the days of the posters of this notice at `where`."""
    last_day = sale_day - timedelta(days=POSTER_DAYS_BEFORE)
    counted = [day for day in done if _window_reason(day, window) is None]
    if counted:
        return _by_deadline(key, ARTICLE_POSTERS, label, counted, sale_day, POSTER_DAYS_BEFORE, today,
                            f"affiche apposée {where}")
    early = [f"l'affiche {where} {_window_reason(day, window)}" for day in sorted(done)[-1:]]
    said = (" " + "; ".join(early) + ".") if early else ""
    if window.first_day is not None and window.first_day > last_day:
        reference, end = window.latest
        earliest = window.first_day + timedelta(days=POSTER_DAYS_BEFORE)
        return CheckResult(key, ARTICLE_POSTERS, label, FAILED,
                           f"{ARTICLE_POSTERS} : le délai de vente amiable du dossier {reference} court jusqu'au "
                           f"{end:%d/%m/%Y} inclus et l'affiche doit être apposée après lui et huit jours au moins "
                           f"avant la vente, au plus tard le {last_day:%d/%m/%Y} : c'est impossible ; la vente ne "
                           f"peut avoir lieu avant le {earliest:%d/%m/%Y}.{said}", last_day)
    if today <= last_day:
        when = (f"entre le {window.first_day:%d/%m/%Y} (après le délai de vente amiable) et le {last_day:%d/%m/%Y}"
                if window.first_day is not None else f"au plus tard le {last_day:%d/%m/%Y}, après le délai de vente "
                                                      "amiable")
        return CheckResult(key, ARTICLE_POSTERS, label, PENDING,
                           f"{ARTICLE_POSTERS} : à faire {when} ({POSTER_DAYS_BEFORE} jours au moins avant la "
                           f"vente).{said}", last_day)
    return CheckResult(key, ARTICLE_POSTERS, label, FAILED,
                       f"{ARTICLE_POSTERS} : non fait après le délai de vente amiable, et le dernier jour possible "
                       f"était le {last_day:%d/%m/%Y} ({POSTER_DAYS_BEFORE} jours avant la vente).{said}", last_day)


def _cases_of(facts: PublicityFacts, poster_kind: str, commune: Commune | None) -> list[CaseFacts]:
    if poster_kind == "poster_town_hall":
        return [case for case in facts.cases if commune is not None and case.commune.key == commune.key]
    return list(facts.cases)


def check_posters(facts: PublicityFacts, now: datetime) -> list[CheckResult]:
    """A poster counts when the notice it displayed gave the same place, day, time and goods as the
    notice to be published now (a poster of an earlier date or place does not), and when it was put
    up after the amicable-sale window of the cases it announces (R221-34; `poster_standing` says why
    one does not count)."""
    today = paris_day(now)
    terms = facts.notice.poster_terms
    valid = [p for p in facts.posters if p.content.poster_terms == terms]
    results = []
    for commune in required_communes(facts.cases):
        done = [paris_day(p.done_at) for p in valid
                if p.kind == "poster_town_hall" and p.commune is not None and p.commune.key == commune.key]
        window = poster_window(_cases_of(facts, "poster_town_hall", commune))
        results.append(_poster_check(f"poster_town_hall:{commune.key}", f"Affiche à la mairie de {commune.label}",
                                     f"à la mairie de {commune.label}", done, window, facts.sale_day, today))
    done = [paris_day(p.done_at) for p in valid if p.kind == "poster_sale_place"]
    results.append(_poster_check("poster_sale_place", "Affiche au lieu de la vente",
                                 f"au lieu de la vente ({facts.sale_place_label})", done,
                                 poster_window(facts.cases), facts.sale_day, today))
    return results


def poster_standing(facts: PublicityFacts, poster: PosterFact) -> str | None:
    """Why a recorded poster does not count for the notice to be published (French, names the
    article), or None when it counts (if put up early enough: `check_posters` says)."""
    if poster.content.poster_terms != facts.notice.poster_terms:
        return (f"{ARTICLE_POSTERS} : ne compte pas, l'affiche reprend un autre avis (date, lieu ou nature des biens "
                "différents de l'avis en vigueur).")
    reason = _window_reason(paris_day(poster.done_at), poster_window(_cases_of(facts, poster.kind, poster.commune)))
    return f"{ARTICLE_POSTERS} : {reason}." if reason else None


def check_debtor_notices(facts: PublicityFacts, now: datetime) -> list[CheckResult]:
    """Each debtor told the place, day and time now published, eight days before."""
    today = paris_day(now)
    terms = facts.notice.debtor_terms
    results = []
    for case in facts.cases:
        done = [n.told_on for n in facts.debtor_notices if n.case_id == case.id and n.content.debtor_terms == terms]
        results.append(_by_deadline(f"debtor_notice:{case.id}", ARTICLE_DEBTOR,
                                    f"Information du débiteur — dossier {case.reference}", done, facts.sale_day,
                                    DEBTOR_NOTICE_DAYS_BEFORE, today,
                                    f"débiteur du dossier {case.reference} informé"))
    return results


def evaluate(facts: PublicityFacts, now: datetime) -> list[CheckResult]:
    """Every check, in the order of the procedure."""
    return ([check_amicable_window(case, facts.sale_day) for case in facts.cases]
            + check_posters(facts, now) + check_debtor_notices(facts, now))
