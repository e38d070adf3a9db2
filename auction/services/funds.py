"""The sale's journal, recomputed from its settlement log: `criee verify-funds` and `criee fec`."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import fec
from auction.domain.journal import Journal, build
from auction.models import Sale

from . import settlement_log
from .catalogue import NotFound


@dataclass(frozen=True)
class Funds:
    sale: Sale
    journal: Journal

    @property
    def settled(self) -> bool:
        return self.sale.status == "settled"


async def sale_journal(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> Funds:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        events = await settlement_log.load_events(session, sale_id)
    return Funds(sale, build(events))


async def fec_text(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> str:
    funds = await sale_journal(sessions, sale_id)
    return fec.write(funds.journal)
