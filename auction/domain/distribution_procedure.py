"""The procedure of a case's distribution, a pure function of its events (R251-1 to R251-10).

    draft ─ sent ─┬─ final ─ paid                         (no contest within every 15-day period)
                  └─ contested ─ conciliation ─┬─ agreed ─ paid
                                               └─ disagreement ─ deposited (Caisse des dépôts)

A single creditor's case (R251-1) has no plan: it is payable at once, within one month of the sale.
Each recipient (every creditor, late ones too, and the debtor) has 15 days from the receipt of its
letter; the plan is final once every letter was received and every period has run without a
contest. Delays extended by the agreement of all concerned (R251-9) are recorded with who agreed.

`procedure_state` replays the events and refuses one that does not fit (`StepRefused`, in French);
a service checks a new event by replaying the log with it appended.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from . import deadlines
from .errors import DomainError

DEBTOR = "debtor"


class StepRefused(DomainError):
    code = "distribution_step_refused"


class Status(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    CONTESTED = "contested"
    CONCILIATION = "conciliation"
    AGREED = "agreed"
    DISAGREEMENT = "disagreement"
    DEPOSITED = "deposited"
    FINAL = "final"
    PAID = "paid"


# The JSON speaks of six statuses; the finer ones map onto them.
SUMMARY = {Status.CONCILIATION: Status.CONTESTED, Status.DISAGREEMENT: Status.CONTESTED, Status.AGREED: Status.FINAL}
LABELS = {
    Status.DRAFT: "Projet en préparation", Status.SENT: "Projet notifié", Status.CONTESTED: "Contesté",
    Status.CONCILIATION: "Réunion de conciliation convoquée", Status.AGREED: "Accord en conciliation",
    Status.DISAGREEMENT: "Désaccord : juge de l'exécution saisi", Status.DEPOSITED: "Consigné à la Caisse des dépôts",
    Status.FINAL: "Définitif, à payer", Status.PAID: "Payé",
}


@dataclass(frozen=True)
class PlanSent:
    on: date
    recipients: tuple[str, ...]       # "debtor" and the creditors' keys


@dataclass(frozen=True)
class LetterReceived:
    recipient: str
    on: date


@dataclass(frozen=True)
class ContestFiled:
    recipient: str
    on: date


@dataclass(frozen=True)
class ConciliationConvened:
    on: date
    meeting_on: date


@dataclass(frozen=True)
class ConciliationAgreed:
    on: date


@dataclass(frozen=True)
class DisagreementRecorded:
    on: date


@dataclass(frozen=True)
class DepositedWithCdc:
    on: date


@dataclass(frozen=True)
class DelaysExtended:
    """R251-9: the delays run until `until`, by agreement of everyone in `agreed_by`."""
    on: date
    until: date
    agreed_by: tuple[str, ...]


@dataclass(frozen=True)
class Paid:
    on: date


Event = (PlanSent | LetterReceived | ContestFiled | ConciliationConvened | ConciliationAgreed
         | DisagreementRecorded | DepositedWithCdc | DelaysExtended | Paid)


@dataclass(frozen=True)
class Deadline:
    kind: str            # plan, contest, conciliation, payment, deposit
    label: str
    due: date
    recipient: str | None = None

    def overdue(self, today: date) -> bool:
        return today > self.due


@dataclass
class ProcedureState:
    sale_day: date
    single_creditor: bool
    status: Status = Status.DRAFT
    sent_on: date | None = None
    recipients: tuple[str, ...] = ()
    received: dict[str, date] = field(default_factory=dict)
    contests: dict[str, date] = field(default_factory=dict)
    extended_until: date | None = None
    extended_by: tuple[str, ...] = ()
    convened_on: date | None = None
    meeting_on: date | None = None
    decided_on: date | None = None        # agreement or disagreement
    deposited_on: date | None = None
    paid_on: date | None = None
    final_from: date | None = None        # the first day the plan is final

    @property
    def summary_status(self) -> Status:
        return SUMMARY.get(self.status, self.status)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def plan_due(self) -> date:
        """R251-1 (one creditor paid) / R251-2 (the plan drafted and sent): a month from the sale."""
        return deadlines.distribution_due(self.sale_day)

    def contest_ends(self, recipient: str) -> date | None:
        received = self.received.get(recipient)
        if received is None:
            return None
        end = deadlines.contest_period_ends(received)
        return max(end, self.extended_until) if self.extended_until else end

    @property
    def awaiting_receipt(self) -> tuple[str, ...]:
        return tuple(r for r in self.recipients if r not in self.received)

    @property
    def first_contest_on(self) -> date | None:
        return min(self.contests.values()) if self.contests else None

    @property
    def conciliation_by(self) -> date | None:
        if self.first_contest_on is None:
            return None
        due = deadlines.conciliation_due(self.first_contest_on)
        return max(due, self.extended_until) if self.extended_until else due

    @property
    def pay_by(self) -> date | None:
        """R251-1: a month from the sale for one creditor; R251-10: 8 days once the plan is final."""
        if self.single_creditor:
            return self.plan_due
        if self.final_from is not None:
            return deadlines.payment_due(self.final_from - timedelta(days=1))
        return None

    def deadlines(self) -> list[Deadline]:
        """Every due date still open, earliest first (the deadlines board)."""
        out: list[Deadline] = []
        if self.status is Status.PAID or self.status is Status.DEPOSITED:
            return out
        if self.single_creditor:
            out.append(Deadline("payment", "Paiement du créancier unique (R251-1)", self.plan_due))
        elif self.status is Status.DRAFT:
            out.append(Deadline("plan", "Projet de répartition à notifier (R251-2)", self.plan_due))
        elif self.status is Status.SENT:
            for recipient in self.recipients:
                end = self.contest_ends(recipient)
                if end is not None:
                    out.append(Deadline("contest", "Fin du délai de contestation (15 jours)", end, recipient))
        elif self.status is Status.CONTESTED:
            out.append(Deadline("conciliation", "Réunion de conciliation (un mois)", self.conciliation_by))
        elif self.status is Status.CONCILIATION:
            out.append(Deadline("conciliation", "Réunion de conciliation convoquée : son issue à constater",
                                self.meeting_on))
        elif self.status is Status.DISAGREEMENT:
            out.append(Deadline("deposit", "Consignation immédiate à la Caisse des dépôts", self.decided_on))
        elif self.status is Status.FINAL:
            out.append(Deadline("payment", "Paiement du projet définitif (8 jours, R251-10)", self.pay_by))
        return sorted(out, key=lambda d: (d.due, d.recipient or ""))


def _refuse(message: str):
    raise StepRefused(message)


def _apply(state: ProcedureState, event: Event) -> None:
    status = state.status
    match event:
        case PlanSent(on=on, recipients=recipients):
            if state.single_creditor:
                _refuse("Un seul créancier : il est payé sans projet de répartition (R251-1).")
            if status is not Status.DRAFT:
                _refuse("Le projet de répartition a déjà été notifié.")
            if DEBTOR not in recipients or len(recipients) < 3 or len(set(recipients)) != len(recipients):
                _refuse("Le projet est notifié au débiteur et à chaque créancier, une lettre chacun.")
            if on < state.sale_day:
                _refuse("Le projet ne peut pas être notifié avant la vente.")
            state.status, state.sent_on, state.recipients = Status.SENT, on, tuple(recipients)
        case LetterReceived(recipient=recipient, on=on):
            if state.sent_on is None or recipient not in state.recipients:
                _refuse("Aucune lettre n'a été envoyée à ce destinataire.")
            if recipient in state.received:
                _refuse("La réception de cette lettre est déjà enregistrée.")
            if on < state.sent_on:
                _refuse("Une lettre ne peut pas être reçue avant son envoi.")
            state.received[recipient] = on
        case ContestFiled(recipient=recipient, on=on):
            if status not in (Status.SENT, Status.CONTESTED):
                _refuse("Le projet ne peut plus être contesté à ce stade.")
            if recipient not in state.recipients:
                _refuse("Seuls le débiteur et les créanciers notifiés peuvent contester.")
            end = state.contest_ends(recipient)
            if end is not None and on > end:
                _refuse(f"Le délai de contestation de ce destinataire a expiré le {end:%d/%m/%Y}.")
            if on < state.sent_on:
                _refuse("Une contestation ne peut pas précéder la notification du projet.")
            state.contests.setdefault(recipient, on)
            state.status = Status.CONTESTED
        case ConciliationConvened(on=on, meeting_on=meeting_on):
            if status is not Status.CONTESTED:
                _refuse("Une réunion de conciliation suppose une contestation.")
            if meeting_on > state.conciliation_by:
                _refuse(f"La réunion doit se tenir au plus tard le {state.conciliation_by:%d/%m/%Y} "
                        "(un mois après la première contestation), sauf prorogation (R251-9).")
            if meeting_on < on:
                _refuse("La réunion ne peut pas précéder sa convocation.")
            state.status, state.convened_on, state.meeting_on = Status.CONCILIATION, on, meeting_on
        case ConciliationAgreed(on=on) | DisagreementRecorded(on=on):
            if status is not Status.CONCILIATION:
                _refuse("Aucune réunion de conciliation n'est en cours.")
            if on < state.meeting_on:
                _refuse("L'issue de la conciliation ne peut pas précéder la réunion.")
            agreed = isinstance(event, ConciliationAgreed)
            state.status = Status.AGREED if agreed else Status.DISAGREEMENT
            state.decided_on = on
        case DepositedWithCdc(on=on):
            if status is not Status.DISAGREEMENT:
                _refuse("Les sommes sont consignées après un procès-verbal de désaccord.")
            state.status, state.deposited_on = Status.DEPOSITED, on
        case DelaysExtended(until=until, agreed_by=agreed_by):
            concerned = set(state.recipients) if state.recipients else {DEBTOR}
            if not concerned <= set(agreed_by):
                _refuse("La prorogation des délais suppose l'accord de tous les intéressés (R251-9).")
            state.extended_until = max(until, state.extended_until or until)
            state.extended_by = tuple(agreed_by)
        case Paid(on=on):
            if status is Status.PAID:
                _refuse("La répartition est déjà payée.")
            if not (state.single_creditor or status in (Status.FINAL, Status.AGREED)):
                _refuse("Le projet n'est pas définitif : il ne peut pas encore être payé.")
            state.status, state.paid_on = Status.PAID, on
        case _:
            _refuse("Étape inconnue.")


def _settle_finality(state: ProcedureState, today: date) -> None:
    """The plan becomes final the day after the last period ends, if nobody contested."""
    if state.status is not Status.SENT or state.awaiting_receipt:
        return
    last = max(state.contest_ends(r) for r in state.recipients)
    if today > last:
        state.status, state.final_from = Status.FINAL, last + timedelta(days=1)


def procedure_state(*, sale_day: date, single_creditor: bool, events: Sequence[Event] | Iterable[Event],
                    today: date) -> ProcedureState:
    """Replay a case's distribution events (in log order) as of `today`."""
    state = ProcedureState(sale_day=sale_day, single_creditor=single_creditor)
    if single_creditor:
        state.status = Status.FINAL
    for event in events:
        _settle_finality(state, event.on)
        _apply(state, event)
    _settle_finality(state, today)
    return state
