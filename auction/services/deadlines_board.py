"""The office's deadlines board: every due date of every open distribution (the month for the plan,
each 15-day contest period, the conciliation month, the 8 days to pay, the deposit after a
disagreement) and the cash each sale must take to the bank (by the first working day after its
receipt, décret 2022-949), overdue first, then by date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.cash_deposits import unbanked
from auction.domain.deadlines import cash_banking_due
from auction.domain.distribution_procedure import DEBTOR, Deadline
from auction.domain.money import format_euros
from auction.models import Lot, Sale, SaleEvent
from auction.services.distribution import load


@dataclass(frozen=True)
class BoardRow:
    sale: Sale
    case_id: int | None           # None: the sale's cash to bank
    case_reference: str
    deadline: Deadline
    who: str
    overdue: bool


async def deadlines_board(sessions: async_sessionmaker[AsyncSession], today: date) -> list[BoardRow]:
    async with sessions() as session:
        # sales whose room has run (a bid log) and which have lots: the ones with proceeds to distribute
        sale_ids = list(await session.scalars(
            select(Sale.id).where(Sale.settled_at.is_(None), Sale.id.in_(select(SaleEvent.sale_id)),
                                  Sale.id.in_(select(Lot.sale_id))).order_by(Sale.starts_at)))
    rows: list[BoardRow] = []
    for sale_id in sale_ids:
        distribution = await load(sessions, sale_id, today)
        cash: dict = {}
        for payment in unbanked(distribution.events):
            due = cash_banking_due(payment.received_on)
            cash[due] = cash.get(due, 0) + payment.amount_cents
        for due, cents in cash.items():
            rows.append(BoardRow(distribution.sale, None, "", Deadline("cash", "Espèces à remettre en banque "
                                 "(premier jour ouvré après leur réception)", due),
                                 format_euros(cents), today > due))
        for view in distribution.cases:
            if not view.funds.proceeds and view.drafted is None:
                continue           # nothing sold for this case in this sale
            names = {DEBTOR: view.case.debtor_name} | {f"creditor:{c.id}": c.name for c in view.case.creditors}
            for deadline in view.state.deadlines():
                rows.append(BoardRow(distribution.sale, view.case.id, view.case.reference, deadline,
                                     names.get(deadline.recipient or "", ""), deadline.overdue(today)))
    return sorted(rows, key=lambda r: (not r.overdue, r.deadline.due, r.sale.id, r.case_id or 0))
