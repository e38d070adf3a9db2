"""The demo's held sale's default of payment (CPCE R221-38), through the defaults services: the buyer of
lot 7 in session 1 never pays; he is sent a formal notice after the payment deadline, the officer
declares the default once the notice's deadline has passed, the lot is put up again in session 2 (the
room's `put_up_again`, demo_held_sale.py) and sold for less, and the defaulter's statement of the
shortfall and the costs is issued that evening.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import defaults as rules
from auction.formats import PARIS, to_paris

from . import defaults, settlement_log
from .demo_held_sale import PAYMENT_DAYS, HeldSale

NOTICE_COST_CENTS = 8_50          # the registered letter


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS).astimezone(timezone.utc)


def notice_days(sent_on: date, declared_on: date) -> int:
    """The longest delay (at most the usual eight days) whose last day, moved past weekends and
    holidays, still falls before the day the officer declares the default."""
    return next(days for days in range(rules.NOTICE_DAYS, 0, -1) if rules.notice_deadline(sent_on, days) < declared_on)


async def default_between_sessions(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> int:
    """The notice the day after the payment deadline, the default declared two days before session 2;
    the act's seq. Session 2's room then sees the lot in default."""
    first_day, second_day = (to_paris(start).date() for start in held.sessions)
    sent_on = first_day + timedelta(days=PAYMENT_DAYS + 1)
    declared_on = second_day - timedelta(days=2)
    notice = await defaults.send_notice(
        sessions, held.sale_id, held.paddles["defaulter"], sent_on=sent_on, means="registered_letter",
        days=notice_days(sent_on, declared_on), cost_cents=NOTICE_COST_CENTS, user_id=held.clerk_id,
        now=_at(sent_on, 10), command_id=f"demo-notice-{held.sale_id}")
    act = await defaults.declare_default(sessions, held.sale_id, notice.seq, user_id=held.officer_id,
                                         now=_at(declared_on, 11), command_id=f"demo-default-{held.sale_id}")
    return act.seq


async def statement_after_resale(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    """Once every lot of the default is sold again: the defaulter's statement (décompte)."""
    for procedure in rules.procedures(await settlement_log.read(sessions, held.sale_id)):
        if procedure.act is not None and procedure.statement_seq is None:
            await defaults.issue_statement(sessions, held.sale_id, procedure.act.seq, user_id=held.clerk_id,
                                           now=held.sessions[1] + timedelta(hours=4),
                                           command_id=f"demo-statement-{procedure.act.seq}")
