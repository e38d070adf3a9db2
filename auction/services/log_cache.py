"""Both logs of a sale, read fast: append-only and hash-chained, so what was read once stays true.

A process keeps each sale's events it has read, with the last one's seq and hash; the next read asks
the database only for the events from that seq on. The chain makes this exact: if the stored event at
the cached seq still has the cached hash, every event before it is the one cached (each hash covers
the previous one); otherwise (another database, a rolled-back test) the whole log is read again.
Only committed rows are ever seen, and a sale's events commit in seq order (the room's lock and the
settlement log's sale lock order the appends), so no later commit can slip in below the cached seq."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auction.domain.bidlog import Event
from auction.models import SaleEvent, SettlementEvent

MAX_SALES = 32


@dataclass
class _Cached:
    events: list[Event]


_cache: OrderedDict[tuple[str, str, int], _Cached] = OrderedDict()


def _event(row) -> Event:
    return Event(sale_id=row.sale_id, seq=row.seq, kind=row.kind, payload=row.payload, at=row.at,
                 user_id=row.user_id, prev_hash=row.prev_hash, hash=row.hash)


async def _events(session: AsyncSession, model, sale_id: int) -> list[Event]:
    bind = session.bind
    key = (str(getattr(bind, "engine", bind).url), model.__tablename__, sale_id)
    cached = _cache.get(key)
    start = cached.events[-1].seq if cached and cached.events else 0
    rows = (await session.scalars(select(model).where(model.sale_id == sale_id, model.seq >= start)
                                  .order_by(model.seq))).all()
    if cached and cached.events and (not rows or rows[0].seq != start or rows[0].hash != cached.events[-1].hash):
        cached = None
        rows = (await session.scalars(select(model).where(model.sale_id == sale_id).order_by(model.seq))).all()
        start = 0
    known = cached.events if cached else []
    fresh = [_event(row) for row in rows if row.seq > start or not known]
    events = known + fresh
    _cache[key] = _Cached(events)
    _cache.move_to_end(key)
    while len(_cache) > MAX_SALES:
        _cache.popitem(last=False)
    return list(events)


async def bid_events(session: AsyncSession, sale_id: int) -> list[Event]:
    return await _events(session, SaleEvent, sale_id)


async def settlement_events(session: AsyncSession, sale_id: int) -> list[Event]:
    return await _events(session, SettlementEvent, sale_id)
