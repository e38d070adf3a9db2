"""The demo's held sale's distribution under way (CPCE R251-1 and following), through the distribution
services, the evening after session 2 and this morning: the brasserie's case, with its single creditor,
paid at once on its plan; Mr Blanc's case, with three creditors, its plan sent by registered letter,
one creditor's contest recorded on receiving it, and the conciliation meeting convened.

It is the last step of the held sale's story (demo.HELD_SALE_HOOKS): everything happens before the
seed's `now`.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.deadlines import next_working_day
from auction.domain.distribution_log import creditor_key
from auction.formats import to_paris
from auction.models import Creditor

from . import distribution_steps as steps
from . import payouts
from .demo_held_sale import HeldSale

CONTEST = ("Le projet omet les intérêts échus depuis la reconnaissance de dette et les frais de la mise en "
           "demeure du débiteur.", "Reconnaissance de dette du 12 mars 2024 ; lettre de mise en demeure.")
MEETING_PLACE = "Étude Lefèvre & Associés, 12 rue de la République, 69002 Lyon"


async def seed_distribution(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    evening = held.sessions[1] + timedelta(hours=5)
    officer = held.officer_id
    single, several = held.cases["brasserie"], held.cases["blanc"]
    for case_id in (single, several):
        await steps.draft(sessions, held.sale_id, case_id, user_id=officer, now=evening,
                          command_id=f"demo-plan-{case_id}")
    await payouts.pay(sessions, held.sale_id, single, paid_on=to_paris(evening).date(), cheques={},
                      user_id=officer, now=evening + timedelta(minutes=20), command_id=f"demo-payout-{single}")
    await steps.send_plan(sessions, held.sale_id, several, sent_on=to_paris(evening).date(), user_id=officer,
                          now=evening + timedelta(minutes=30), command_id=f"demo-letters-{several}")
    async with sessions() as session:
        contester = await session.scalar(select(Creditor.id).where(Creditor.case_id == several,
                                                                   Creditor.is_private_person.is_(True)))
    recipient, morning = creditor_key(contester), held.now - timedelta(minutes=45)
    today = to_paris(morning).date()
    await steps.record_receipt(sessions, held.sale_id, several, recipient=recipient, received_on=today,
                               user_id=officer, now=morning, command_id=f"demo-receipt-{several}")
    reasons, documents = CONTEST
    await steps.record_contest(sessions, held.sale_id, several, recipient=recipient, on=today, reasons=reasons,
                               documents=documents, user_id=officer, now=morning + timedelta(minutes=10),
                               command_id=f"demo-contest-{several}")
    await steps.convene(sessions, held.sale_id, several, on=today, meeting_on=next_working_day(today + timedelta(days=21)),
                        place=MEETING_PLACE, user_id=officer, now=morning + timedelta(minutes=20),
                        command_id=f"demo-conciliation-{several}")
