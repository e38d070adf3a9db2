"""The delays the office sets for handling contests (auction/domain/contests.py): dated rows, never
edited (a change is a newer row from a later date), entered by the officer in the office settings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.contests import ContestDelay, Step, Subject, Unit, validate_delay
from auction.domain.errors import InvalidValue
from auction.models import ContestDelayPeriod

from . import audit


def _to_domain(row: ContestDelayPeriod) -> ContestDelay:
    return ContestDelay(Subject(row.subject), Step(row.step), Step(row.counted_from), row.amount, Unit(row.unit),
                        row.effective_from, row.reference)


async def delays_in(session: AsyncSession) -> list[ContestDelay]:
    rows = await session.scalars(select(ContestDelayPeriod).order_by(ContestDelayPeriod.effective_from,
                                                                     ContestDelayPeriod.id))
    return [_to_domain(row) for row in rows]


async def office_delays(sessions: async_sessionmaker[AsyncSession]) -> list[ContestDelay]:
    async with sessions() as session:
        return await delays_in(session)


async def add_delay(sessions: async_sessionmaker[AsyncSession], delay: ContestDelay, *, author_id: int,
                    now: datetime) -> None:
    """Record a delay in force from its date (also in the audit log)."""
    validate_delay(delay)
    async with sessions() as session, session.begin():
        taken = await session.scalar(select(ContestDelayPeriod.id).where(
            ContestDelayPeriod.subject == delay.subject.value, ContestDelayPeriod.step == delay.step.value,
            ContestDelayPeriod.effective_from == delay.effective_from))
        if taken is not None:
            raise InvalidValue("Un délai de cette étape, pour cette procédure, commence déjà à cette date : "
                               "saisissez le changement à une autre date.", field="effective_from")
        session.add(ContestDelayPeriod(subject=delay.subject.value, step=delay.step.value,
                                       counted_from=delay.counted_from.value, amount=delay.amount,
                                       unit=delay.unit.value, effective_from=delay.effective_from,
                                       reference=delay.reference.strip(), created_by_id=author_id, created_at=now))
        audit.record(session, at=now, user_id=author_id, action="contest_delay",
                     summary=f"Délai des contestations ({delay.subject.label}) : « {delay.step.label} » "
                             f"dans les {delay.describe()}, à partir du {delay.effective_from:%d/%m/%Y}",
                     details={"subject": delay.subject.value, "step": delay.step.value,
                              "counted_from": delay.counted_from.value, "amount": delay.amount,
                              "unit": delay.unit.value, "effective_from": delay.effective_from.isoformat()})
