"""Where the rate limits keep their counts: in PostgreSQL when it is the database, so that every
server process draws on one budget per client; in the process's memory on SQLite (one process).

One interface (`LimitStore`), two implementations with the same semantics, chosen by the
database's dialect (`limit_store`): `MemoryStore` (auction.services.rate_limits_memory) and
`PostgresStore` (auction.services.rate_limits_postgres, one statement per check). The limits
themselves, token buckets and pauses after failures, are auction.domain.rate_limits.

Keys are made by the callers (auction.web.ratelimit) from a keyed hash: never an e-mail or a
client address in clear, in memory or in the table. Times are seconds since the epoch, from the
callers' clock: several processes (or machines) must share one time, which a monotonic clock is
not; a clock a little behind another's only refills nothing until it catches up.

The shared check costs one round trip without a WAL flush (auction.services.rate_limits_postgres
has the figures). It is made under the room's lock, as the first step of the bid's command
(auction.services.room.submit's `admit`), so that the bid keeps its place in the room's order from
its arrival: a clerk's bid for the same step that came in a moment later is decided after it. The lock waits 50 ms at most for it (auction.web.pages.online
ADMIT_TIMEOUT; then the bid goes on, as when the database is down). A refusal is remembered by the
process until its bucket refills (`BidLimits`): no other process can refill a bucket sooner, so a
flood of refused bids costs no round trip at all. Folding the check into the append's statement
would save that round trip but count only the bids the room accepts, where every bid sent must
count (docs/protocol.md); a per-process counter synchronised in the background would not add up
to one budget. Rows past `expires_at` are deleted by `sweep`, which the app runs every
SWEEP_SECONDS outside any request.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from auction.domain.rate_limits import Bucket, Pauses, Refused

from .rate_limits_memory import MemoryStore
from .rate_limits_postgres import PoolExecutor, PostgresStore, SessionExecutor

log = logging.getLogger("criee.limits")

SWEEP_SECONDS = 600.0           # how often the app deletes the rows that have expired


class LimitStore(Protocol):
    # Whether its checks run apart from the app's sessions (in memory, or on connections of its own):
    # then they may be asked at any time, alongside the room's work, and a check that takes too long
    # may be cancelled (auction.web.pages.online); else they are asked one at a time and waited for.
    apart: bool

    async def take(self, chain: Sequence[Bucket], now: float) -> Refused | None:
        """Draw one token from each bucket of `chain` in order; stop at the first that has none."""

    async def give_back(self, bucket: Bucket, now: float) -> None:
        """Return a token `take` drew (the action turned out not to count); never above capacity."""

    async def fail(self, key: str, pauses: Pauses, now: float) -> float:
        """Count one failure of `key` unless it is paused: 0 when counted, else the seconds paused."""

    async def forget(self, key: str) -> None:
        """Start `key` afresh (a login that succeeded)."""

    async def sweep(self, now: float) -> int:
        """Delete what has expired; how many keys."""

    async def close(self) -> None: ...


def limit_store(database, own: bool) -> LimitStore:
    """The store for this database: PostgreSQL's table (on the limits' own connections when the
    server owns its database, else through its sessions), or memory on SQLite."""
    if database.dialect != "postgresql":
        return MemoryStore()
    if own:
        from .relay_notices import listener_dsn
        return PostgresStore(PoolExecutor(listener_dsn(database.engine.url)))
    return PostgresStore(SessionExecutor(database.sessions))


async def sweep_forever(store: LimitStore, clock, every: float = SWEEP_SECONDS) -> None:
    """The app's background task: delete the expired counts every `every` seconds."""
    while True:
        await asyncio.sleep(every)
        try:
            swept = await store.sweep(clock())
            if swept:
                log.info("rate limits swept", extra={"keys": swept})
        except Exception:   # noqa: BLE001 - the next sweep tries again; the checks do not depend on it
            log.exception("rate limits sweep failed")
