"""The distribution's steps, each one use case appending to the sale's settlement log: costs,
the plan drafted, its letters sent and received, contests, conciliation, agreement or disagreement,
the deposit at the Caisse des dépôts, delays extended (R251-9). Every step is checked by replaying
the case's procedure with it (`domain/distribution_procedure.py`): a refused step writes nothing.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import distribution_log as dlog
from auction.domain import distribution_procedure as proc
from auction.domain.deadlines import paris_day
from auction.domain.errors import InvalidValue
from auction.domain.settlement_log import next_event
from auction.models import Sale
from auction.services import settlement_log
from auction.services.distribution import load

TEXT_MAX = 2000


def _text(value: str, field: str, label: str, *, required: bool = True, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidValue(f"{label} : champ obligatoire.", field=field)
    if len(value) > max_length:
        raise InvalidValue(f"{label} : {max_length} caractères au plus.", field=field)
    return value


def _not_future(day: date, today: date, field: str) -> date:
    if day > today:
        raise InvalidValue("Cette date est dans le futur.", field=field)
    return day


async def _sale_day(session: AsyncSession, sale_id: int) -> date:
    sale = await session.get(Sale, sale_id)
    return paris_day(sale.starts_at)


async def append_step(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, kind: str,
                      payload: dict, *, user_id: int, now: datetime, command_id: str | None) -> int:
    """Append one procedure step after replaying the case with it; returns the event's seq."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        case = dlog.planned_case(tx.events, case_id)
        sale_day = await _sale_day(tx.session, sale_id)
        payload = {"case_id": case_id, **payload}
        probe = next_event(tx.events, sale_id, kind, payload, now, user_id)
        after = dlog.fold([*tx.events, probe])[case_id]      # raises StepRefused if the step does not fit
        dlog.state_of(after, sale_day=sale_day, single_creditor=case.plan["single_creditor"], today=paris_day(now))
        return tx.append(kind, payload, user_id=user_id, now=now, command_id=command_id).seq


async def record_cost(sessions, sale_id: int, case_id: int, *, label: str, cents: int, reference: str,
                      user_id: int, now: datetime, command_id: str | None = None) -> int:
    """A cost of the seizure and sale the officer enters (an act, publicity, copies A444-6, deposits
    A444-7, time spent, storage): it joins the costs statement (R251-11) of plans drafted later."""
    label = _text(label, "label", "Libellé", max_length=200)
    reference = _text(reference, "reference", "Référence", required=False, max_length=200)
    if cents <= 0:
        raise InvalidValue("Le montant doit être positif.", field="cents")
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        case = dlog.fold(tx.events).get(case_id)
        if case is not None and case.plan is not None and case.steps:
            raise proc.StepRefused("Le projet est déjà notifié : ses frais ne changent plus.")
        return tx.append("cost_recorded", {"case_id": case_id, "label": label, "cents": cents, "reference": reference,
                                           "on": paris_day(now).isoformat()},
                         user_id=user_id, now=now, command_id=command_id).seq


async def draft(sessions, sale_id: int, case_id: int, *, user_id: int, now: datetime,
                command_id: str | None = None) -> int:
    """Freeze the case's plan as computed today (R251-2), or re-draft it while nobody was notified
    (or after an agreement in conciliation)."""
    today = paris_day(now)
    distribution = await load(sessions, sale_id, today)
    view = distribution.case(case_id)
    if not view.funds.claims:
        raise InvalidValue("Ce dossier n'a aucune créance : saisissez-les d'abord.", field="claims")
    payload = view.provisional_payload()      # raises MissingLegalRate when a half-year's rate is missing
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        case = dlog.fold(tx.events).get(case_id)
        if case is not None and case.plan is not None:
            state = dlog.state_of(case, sale_day=distribution.sale_day,
                                  single_creditor=case.plan["single_creditor"], today=today)
            if case.payouts or case.deposits:
                raise proc.StepRefused("Des paiements sont déjà faits sur ce projet : il ne peut plus être refait.")
            if not (state.status in (proc.Status.DRAFT, proc.Status.AGREED) or state.single_creditor):
                raise proc.StepRefused("Le projet est déjà notifié : il ne peut plus être refait.")
        if (case.costs if case else []) != list(view.funds.costs):
            raise proc.StepRefused("Les frais ont changé pendant le calcul : recommencez.")
        return tx.append("plan_drafted", payload, user_id=user_id, now=now, command_id=command_id).seq


async def send_plan(sessions, sale_id: int, case_id: int, *, sent_on: date, user_id: int, now: datetime,
                    command_id: str | None = None) -> int:
    """R251-3: one registered letter to the debtor and to every creditor, late ones too."""
    _not_future(sent_on, paris_day(now), "sent_on")
    distribution = await load(sessions, sale_id, paris_day(now))
    view = distribution.case(case_id)
    if view.drafted is None:
        raise proc.StepRefused(dlog.NO_PLAN)
    recipients = [proc.DEBTOR, *sorted({dlog.creditor_key(s["creditor_id"]) for s in view.drafted["shares"]})]
    return await append_step(sessions, sale_id, case_id, "letter_sent",
                             {"sent_on": sent_on.isoformat(), "recipients": recipients, "plan_seq": view.log.plan_seq},
                             user_id=user_id, now=now, command_id=command_id)


async def record_receipt(sessions, sale_id: int, case_id: int, *, recipient: str, received_on: date, user_id: int,
                         now: datetime, command_id: str | None = None) -> int:
    """The day a recipient received its letter (the avis de réception): its 15 days run from it."""
    _not_future(received_on, paris_day(now), "received_on")
    return await append_step(sessions, sale_id, case_id, "letter_received",
                             {"recipient": recipient, "received_on": received_on.isoformat()},
                             user_id=user_id, now=now, command_id=command_id)


async def record_contest(sessions, sale_id: int, case_id: int, *, recipient: str, on: date, reasons: str,
                         documents: str, user_id: int, now: datetime, command_id: str | None = None) -> int:
    """R251-4/R251-5: a contest, with its reasons and the documents that support it."""
    _not_future(on, paris_day(now), "on")
    reasons = _text(reasons, "reasons", "Motifs de la contestation")
    documents = _text(documents, "documents", "Pièces justificatives")
    return await append_step(sessions, sale_id, case_id, "contest_recorded",
                             {"recipient": recipient, "on": on.isoformat(), "reasons": reasons, "documents": documents},
                             user_id=user_id, now=now, command_id=command_id)


async def convene(sessions, sale_id: int, case_id: int, *, on: date, meeting_on: date, place: str, user_id: int,
                  now: datetime, command_id: str | None = None) -> int:
    """R251-6: the debtor and every creditor convened to a conciliation meeting."""
    _not_future(on, paris_day(now), "on")
    place = _text(place, "place", "Lieu de la réunion", max_length=300)
    return await append_step(sessions, sale_id, case_id, "conciliation_convened",
                             {"on": on.isoformat(), "meeting_on": meeting_on.isoformat(), "place": place},
                             user_id=user_id, now=now, command_id=command_id)


async def conclude(sessions, sale_id: int, case_id: int, *, agreed: bool, on: date, note: str, user_id: int,
                   now: datetime, command_id: str | None = None) -> int:
    """R251-7/R251-8: the agreement (an act sent to all, then payment) or the record of disagreement
    (the enforcement judge seized, the sums deposited at once)."""
    _not_future(on, paris_day(now), "on")
    note = _text(note, "note", "Procès-verbal")
    return await append_step(sessions, sale_id, case_id, "conciliation_agreed" if agreed else "disagreement_recorded",
                             {"on": on.isoformat(), "note": note}, user_id=user_id, now=now, command_id=command_id)


async def extend_delays(sessions, sale_id: int, case_id: int, *, until: date, agreed_by: list[str], note: str,
                        user_id: int, now: datetime, command_id: str | None = None) -> int:
    """R251-9: the delays extended by agreement of all concerned, each named."""
    today = paris_day(now)
    if until <= today:
        raise InvalidValue("La prorogation doit mener au-delà d'aujourd'hui.", field="until")
    note = _text(note, "note", "Accord recueilli", max_length=500)
    return await append_step(sessions, sale_id, case_id, "delay_extended",
                             {"on": today.isoformat(), "until": until.isoformat(), "agreed_by": sorted(set(agreed_by)),
                              "note": note}, user_id=user_id, now=now, command_id=command_id)


__all__ = ["append_step", "record_cost", "draft", "send_plan", "record_receipt",
           "record_contest", "convene", "conclude", "extend_delays"]
