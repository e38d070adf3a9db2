"""The sale's registration rules: the paddle ranges of the room and of online bidders, and the
solvency the sale asks for (auction.domain.registration_rules, auction.domain.solvency)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.registration_rules import PaddleRanges, check_paddle_ranges
from auction.domain.solvency import SolvencyRule, check_solvency_rule
from auction.models import Registration, RegistrationRules, Sale

from .catalogue import NotFound


async def rules_in_session(session: AsyncSession, sale_id: int) -> tuple[PaddleRanges, SolvencyRule]:
    row = await session.get(RegistrationRules, sale_id)
    if row is None:
        return PaddleRanges(), SolvencyRule()
    return (PaddleRanges(row.room_first, row.room_last, row.online_first, row.online_last),
            SolvencyRule(row.solvency_rule, row.deposit_minimum_cents))


async def sale_rules(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[PaddleRanges, SolvencyRule]:
    async with sessions() as session:
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        return await rules_in_session(session, sale_id)


async def save_rules(sessions: async_sessionmaker[AsyncSession], sale_id: int, ranges: PaddleRanges,
                     rule: SolvencyRule, user_id: int) -> None:
    check_paddle_ranges(ranges)
    check_solvency_rule(rule)
    async with sessions() as session, session.begin():
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        given = (await session.scalars(select(Registration.paddle_number).where(
            Registration.sale_id == sale_id, Registration.paddle_number.is_not(None)))).all()
        outside = sorted(n for n in given if n not in ranges.of("room") and n not in ranges.of("online"))
        if outside:
            raise InvalidValue(f"Les panneaux déjà attribués doivent rester dans les plages : "
                               f"{', '.join(map(str, outside[:5]))}.", field="room_first")
        row = await session.get(RegistrationRules, sale_id)
        if row is None:
            row = RegistrationRules(sale_id=sale_id)
            session.add(row)
        row.room_first, row.room_last = ranges.room_first, ranges.room_last
        row.online_first, row.online_last = ranges.online_first, ranges.online_last
        row.solvency_rule, row.deposit_minimum_cents = rule.kind, rule.deposit_minimum_cents
        row.updated_by_id = user_id
