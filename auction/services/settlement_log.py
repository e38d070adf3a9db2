"""The settlement log of a sale, stored: one transaction per use case, holding the sale's lock.

A service that records something after the hammer opens `transaction(sessions, sale_id)`: it locks
the sale (so appends to its log, from any process, happen one at a time), loads the sale's whole
settlement log for the pure domain functions to fold, and appends the new events, which commit
together or not at all:

    async with settlement_log.transaction(sessions, sale_id) as tx:
        if tx.find(command_id):            # the same form posted twice
            ...
        decision = domain_rule(tx.events, ..., now)
        tx.append("payment_received", payload, user_id=user.id, now=now, command_id=command_id)
        number = await tx.next_number("invoice")   # a gapless office-wide series

The bid log stays the room's; this one never holds room events.
"""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.bidlog import BrokenLink, Event, verify_chain
from auction.domain.settlement_log import next_event
from auction.models import NumberSeries, Sale, SettlementEvent


class SaleNotFound(Exception):
    pass


def to_event(row: SettlementEvent) -> Event:
    return Event(sale_id=row.sale_id, seq=row.seq, kind=row.kind, payload=row.payload, at=row.at,
                 user_id=row.user_id, prev_hash=row.prev_hash, hash=row.hash)


async def lock_sale(session: AsyncSession, sale_id: int) -> None:
    """Take the sale's write lock for the rest of the transaction (PostgreSQL: its row; SQLite: the
    database's write lock, taken before anything is read so that no snapshot goes stale)."""
    if session.bind.dialect.name == "postgresql":
        found = await session.scalar(select(Sale.id).where(Sale.id == sale_id).with_for_update())
    else:
        result = await session.execute(update(Sale).where(Sale.id == sale_id).values(id=Sale.id))
        found = result.rowcount
    if not found:
        raise SaleNotFound(sale_id)


async def load_events(session: AsyncSession, sale_id: int) -> list[Event]:
    rows = await session.scalars(select(SettlementEvent).where(SettlementEvent.sale_id == sale_id)
                                 .order_by(SettlementEvent.seq))
    return [to_event(row) for row in rows]


async def next_number(session: AsyncSession, series: str) -> int:
    """The next number of one of the office's continuous series, inside the caller's transaction."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(NumberSeries).values(series=series, last_number=0)
                          .on_conflict_do_nothing(index_elements=["series"]))
    return await session.scalar(update(NumberSeries).where(NumberSeries.series == series)
                                .values(last_number=NumberSeries.last_number + 1)
                                .returning(NumberSeries.last_number))


class SettlementTransaction:
    """The open transaction of one use case on one sale's settlement log."""

    def __init__(self, session: AsyncSession, sale_id: int, events: list[Event]):
        self.session = session
        self.sale_id = sale_id
        self.events = events                    # the whole log, appended events included
        self._commands = {}                     # command id -> event
        self.appended: list[Event] = []

    def find(self, command_id: str | None) -> Event | None:
        """The event a command already appended (a form posted twice), if any."""
        return self._commands.get(command_id) if command_id else None

    def append(self, kind: str, payload: dict[str, Any], *, user_id: int | None, now: datetime,
               command_id: str | None = None) -> Event:
        event = next_event(self.events, self.sale_id, kind, payload, now, user_id)
        self.session.add(SettlementEvent(sale_id=self.sale_id, seq=event.seq, kind=kind, payload=payload,
                                         at=now, user_id=user_id, command_id=command_id,
                                         prev_hash=event.prev_hash, hash=event.hash))
        self.events.append(event)
        self.appended.append(event)
        if command_id:
            self._commands[command_id] = event
        return event

    async def next_number(self, series: str) -> int:
        return await next_number(self.session, series)


@contextlib.asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> AsyncIterator[SettlementTransaction]:
    """Lock the sale, load its settlement log, and commit what the block appends (or nothing)."""
    async with sessions() as session, session.begin():
        await lock_sale(session, sale_id)
        rows = (await session.scalars(select(SettlementEvent).where(SettlementEvent.sale_id == sale_id)
                                      .order_by(SettlementEvent.seq))).all()
        tx = SettlementTransaction(session, sale_id, [to_event(row) for row in rows])
        tx._commands = {row.command_id: event for row, event in zip(rows, tx.events) if row.command_id}
        yield tx
        await session.flush()


async def read(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Event]:
    """A sale's settlement log as it stands (for pages and documents: no lock)."""
    async with sessions() as session:
        return await load_events(session, sale_id)


async def verify(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[int, BrokenLink | None]:
    """Recompute the chain of a sale's stored settlement log: how many events, and the first broken link."""
    events = await read(sessions, sale_id)
    return len(events), verify_chain(events)
