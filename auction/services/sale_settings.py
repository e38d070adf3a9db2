"""A sale's room settings: its increment table and the currencies shown on the display."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.currencies import DisplayCurrency
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.models import Sale

from .catalogue import NotFound


async def set_increments(sessions: async_sessionmaker[AsyncSession], sale_id: int, table: IncrementTable) -> None:
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        sale.increments = None if table == DEFAULT_INCREMENTS else table.to_json()


async def set_display_currencies(sessions: async_sessionmaker[AsyncSession], sale_id: int,
                                 currencies: tuple[DisplayCurrency, ...]) -> None:
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        sale.display_currencies = [c.to_json() for c in currencies] or None
