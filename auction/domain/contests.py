"""The claims register: contests (contestations) of an adjudication, of the sale or of its
distribution, and the office's steps in handling each one.

A contest comes from a bidder, a buyer, the debtor or a creditor, on a day, about one or more lots
(their adjudication), the sale as a whole, or the distribution of a case's proceeds. The office then
takes its steps in order: received (the contest itself), evidence sent, answered, referred to the
enforcement judge, closed. A step may be skipped (a contest answered without evidence being asked
for), never taken twice or after a later one, never dated in the future or before the step before
it; a closed contest takes no more steps. Each step is a new record: nothing is ever changed.

Who takes which step (shared/domain/judicial-sale.md, "People and roles"): the clerk helps the
officer, gathering the evidence and keeping the delays, so a clerk records a contest, its documents
and the evidence sent; answering a contest, referring it to the judge and closing it are decisions
of the officer, who is in charge of the sale and pronounces its adjudications.

The delays are the office's own (no text sets a delay for answering a contest of an adjudication):
`ContestDelay` rows, dated, per procedure (what the contest is about) and step, each counted from an
earlier step. The rows in force on the day a contest was received apply to it throughout. A delay in
days or months ends as CPC 641 and 642 say (`deadlines.days_after`, `deadlines.months_after`).
Without a configured delay, no date is made up: the step shows "délai non configuré".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .deadlines import days_after, months_after
from .errors import DomainError, InvalidValue
from .roles import Role


class Contestant(StrEnum):
    BIDDER = "bidder"
    BUYER = "buyer"
    DEBTOR = "debtor"
    CREDITOR = "creditor"

    @property
    def label(self) -> str:
        return CONTESTANT_LABELS[self]


CONTESTANT_LABELS = {Contestant.BIDDER: "Enchérisseur", Contestant.BUYER: "Adjudicataire",
                     Contestant.DEBTOR: "Débiteur saisi", Contestant.CREDITOR: "Créancier"}


class Subject(StrEnum):
    """What a contest is about: its procedure, for the delays."""
    LOTS = "lots"
    SALE = "sale"
    DISTRIBUTION = "distribution"

    @property
    def label(self) -> str:
        return SUBJECT_LABELS[self]


SUBJECT_LABELS = {Subject.LOTS: "Adjudication de lots", Subject.SALE: "La vente",
                  Subject.DISTRIBUTION: "La répartition du prix"}


class Step(StrEnum):
    RECEIVED = "received"
    EVIDENCE_SENT = "evidence_sent"
    ANSWERED = "answered"
    REFERRED = "referred"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]

    @property
    def rank(self) -> int:
        return ORDER.index(self)


ORDER = list(Step)
STEP_LABELS = {Step.RECEIVED: "Reçue", Step.EVIDENCE_SENT: "Pièces transmises", Step.ANSWERED: "Réponse faite",
               Step.REFERRED: "Renvoyée au juge de l'exécution", Step.CLOSED: "Close"}
# what a delay is for, said of the step it sets a date for
DUE_LABELS = {Step.EVIDENCE_SENT: "Transmettre les pièces", Step.ANSWERED: "Répondre",
              Step.REFERRED: "Renvoyer au juge de l'exécution", Step.CLOSED: "Clore"}
OFFICER_STEPS = frozenset({Step.ANSWERED, Step.REFERRED, Step.CLOSED})
LATER_STEPS = ORDER[1:]


class StepRefused(DomainError):
    code = "contest_step_refused"


@dataclass(frozen=True)
class StepTaken:
    step: Step
    on: date


def current_step(taken: list[StepTaken]) -> StepTaken:
    """The furthest step a contest has reached (its status)."""
    if not taken:
        raise ValueError("a contest has at least its reception")
    return max(taken, key=lambda t: (t.step.rank, t.on))


def check_step(taken: list[StepTaken], step: Step, on: date, today: date, role: Role) -> None:
    """Whether `role` may record `step` on `on` for a contest whose steps so far are `taken`."""
    if step is Step.RECEIVED:
        raise StepRefused("La réception est enregistrée avec la contestation elle-même.", field="step")
    if step in OFFICER_STEPS and role is not Role.OFFICER:
        raise StepRefused(f"« {step.label} » est une décision du commissaire de justice : "
                          "le clerc enregistre la contestation, ses pièces et leur transmission.", field="step")
    current = current_step(taken)
    if current.step is Step.CLOSED:
        raise StepRefused("Cette contestation est close : aucune étape ne peut plus y être ajoutée.", field="step")
    if step.rank <= current.step.rank:
        raise StepRefused(f"La contestation en est déjà à l'étape « {current.step.label} » : "
                          f"« {step.label} » ne peut plus venir après.", field="step")
    if on > today:
        raise InvalidValue("La date ne peut pas être dans le futur.", field="taken_on")
    if on < current.on:
        raise InvalidValue(f"La date ne peut pas précéder celle de l'étape « {current.step.label} » "
                           f"({current.on:%d/%m/%Y}).", field="taken_on")


def check_received_on(received_on: date, today: date, sale_day: date, subject: Subject) -> None:
    """A contest is received by today; one about lots or the distribution, once the sale has begun."""
    if received_on > today:
        raise InvalidValue("La date de réception ne peut pas être dans le futur.", field="received_on")
    if subject is not Subject.SALE and received_on < sale_day:
        raise InvalidValue(f"La date de réception ne peut pas précéder la vente ({sale_day:%d/%m/%Y}).",
                           field="received_on")


class Unit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


UNIT_LABELS = {Unit.DAYS: ("jour", "jours"), Unit.MONTHS: ("mois", "mois")}


@dataclass(frozen=True)
class ContestDelay:
    """A delay the office gives itself for one step of one procedure, from `effective_from`."""
    subject: Subject
    step: Step              # the step it sets a date for
    counted_from: Step      # the earlier step it runs from
    amount: int
    unit: Unit
    effective_from: date
    reference: str          # why: the office's rule, a note of service, a text

    def describe(self) -> str:
        one, many = UNIT_LABELS[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many} à compter de l'étape « {self.counted_from.label} »"

    def due(self, start: date) -> date:
        if self.unit is Unit.MONTHS:
            return months_after(start, self.amount)
        return days_after(start, self.amount)


MAX_DAYS, MAX_MONTHS = 366, 24


def validate_delay(delay: ContestDelay) -> None:
    if delay.step is Step.RECEIVED:
        raise InvalidValue("La réception ne se fait pas dans un délai : choisissez une étape suivante.", field="step")
    if delay.counted_from.rank >= delay.step.rank:
        raise InvalidValue(f"Le délai de « {delay.step.label} » ne peut courir que d'une étape antérieure.",
                           field="counted_from")
    limit = MAX_MONTHS if delay.unit is Unit.MONTHS else MAX_DAYS
    if not 1 <= delay.amount <= limit:
        raise InvalidValue(f"Une durée de 1 à {limit} {UNIT_LABELS[delay.unit][1]}.", field="amount")
    if not delay.reference.strip():
        raise InvalidValue("Indiquez d'où vient ce délai (règle de l'étude, note de service, texte).",
                           field="reference")


def delay_in_force(delays: list[ContestDelay], subject: Subject, step: Step, day: date) -> ContestDelay | None:
    """The office's delay for `step` of `subject` in force on `day` (the latest one from that day or before)."""
    candidates = [d for d in delays if d.subject is subject and d.step is step and d.effective_from <= day]
    return max(candidates, key=lambda d: d.effective_from, default=None)


@dataclass(frozen=True)
class PendingStep:
    """A step a contest has not reached yet, and when it is due, if the office set a delay for it."""
    step: Step
    delay: ContestDelay | None     # None: no delay configured
    due: date | None               # None: no delay, or its starting step not reached (or skipped)
    start_skipped: bool = False    # the step the delay runs from was passed over: it never started

    @property
    def label(self) -> str:
        return DUE_LABELS[self.step]

    def overdue(self, today: date) -> bool:
        return self.due is not None and today > self.due

    def describe(self) -> str:
        if self.delay is None:
            return "délai non configuré"
        if self.due is None and self.start_skipped:
            return f"{self.delay.describe()}, étape passée : le délai n'a pas couru"
        if self.due is None:
            return f"{self.delay.describe()}, étape pas encore atteinte"
        return self.delay.describe()


def pending_steps(subject: Subject, taken: list[StepTaken], delays: list[ContestDelay]) -> list[PendingStep]:
    """The steps still ahead of an open contest (none once it is closed), each with its due date under
    the delays in force on the day the contest was received."""
    current = current_step(taken)
    if current.step is Step.CLOSED:
        return []
    received_on = min(t.on for t in taken if t.step is Step.RECEIVED)
    reached = {t.step: t.on for t in sorted(taken, key=lambda t: t.on, reverse=True)}   # earliest day kept
    pending = []
    for step in ORDER[current.step.rank + 1:]:
        delay = delay_in_force(delays, subject, step, received_on)
        start = reached.get(delay.counted_from) if delay is not None else None
        skipped = delay is not None and start is None and delay.counted_from.rank < current.step.rank
        pending.append(PendingStep(step, delay, delay.due(start) if start is not None else None, skipped))
    return pending


def next_deadline(pending: list[PendingStep]) -> PendingStep | None:
    """The earliest dated step ahead, for the lists."""
    return min((p for p in pending if p.due is not None), key=lambda p: p.due, default=None)
