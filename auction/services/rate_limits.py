"""Where the rate limits keep their counts: in PostgreSQL when it is the database, so that every
server process draws on one budget per client; in the process's memory on SQLite (one process).

One interface (`LimitStore`), two implementations with the same semantics, chosen by the
database's dialect (`limit_store`). Two kinds of limits:

- token buckets (`Bucket`): `capacity` actions at once, refilled at `rate` per second. `take`
  draws on a chain of buckets in order and stops at the first one that refuses: the later ones
  are not drawn on (a bid refused for its paddle takes nothing from its address's bucket).
- failures in a row (`Pauses`, the login's e-mails): each attempt counts; from `free` failures on,
  the key is paused, `first` seconds then twice as long each time up to `longest`; a count left
  alone `forget_after` seconds starts again.

Keys are made by the callers (auction.web.ratelimit) from a keyed hash: never an e-mail or a
client address in clear, in memory or in the table. Times are seconds since the epoch, from the
callers' clock: several processes (or machines) must share one time, which a monotonic clock is
not; a clock a little behind another's only refills nothing until it catches up.

On PostgreSQL every check is one statement in its own implicit transaction, on connections of
the limits' own: an `INSERT … ON CONFLICT DO UPDATE … RETURNING` that reads, refills, draws and
answers under the row's lock, so two processes checking one key at once are ordered by PostgreSQL
and their sum never exceeds one budget. A chain is one statement too (each bucket a data-modifying
CTE that runs only if the previous one granted). The connections run with `synchronous_commit =
off`: a count lost to a database crash (the last few hundred milliseconds) gives a client a few
tokens back, and no check waits for the WAL to reach the disk.

Measured on this machine (`python bench/rate_limits.py`, 2 000 checks after 200 of warm-up, one at
a time; the machine was loaded, load average 15 to 22 on 2 cores, other test suites running, so
runs varied; ratios within a run are what count): the bid's check (paddle then address, one
statement, granted and updating both rows) took 0.4 to 4 ms p50 and 10 to 50 ms p99 with
`synchronous_commit = off`, against 3.3 to 6 ms p50 with it on (the WAL flush it no longer waits
for); `SELECT 1` took 0.06 to 0.14 ms p50 in the same runs, the same check in memory 15 to 25 µs.
asyncpg's pool resets a connection it gets back with one more round trip: the limits' pool skips
it (its connections keep no session state). ../shared/measurements.md has the room's own append
(one fsynced transaction) at about 1 ms p50 on a quiet machine.

So the shared check costs one round trip without a WAL flush. It is made under the room's lock, as
the first step of the bid's command (auction.services.room.submit's `admit`), so that the bid keeps
its place in the room's order from its arrival: a clerk's bid for the same step that came in a
moment later is decided after it. The lock waits 50 ms at most for it (auction.web.pages.online
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
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger("criee.limits")

SWEEP_SECONDS = 600.0           # how often the app deletes the rows that have expired
MAX_MEMORY_KEYS = 10_000        # the memory store forgets beyond this many keys (least restrictive first)
APPLICATION_NAME = "criee limits"
CHECK_TIMEOUT = 2.0             # seconds; a check that takes longer fails (the callers decide what then)
POOL_SIZE = 4


@dataclass(frozen=True)
class Bucket:
    key: str
    capacity: float
    rate: float                 # tokens per second


@dataclass(frozen=True)
class Pauses:
    """The pauses of a key that keeps failing (the login's e-mails)."""

    free: int
    first: float
    longest: float
    forget_after: float

    def pause_after(self, failures: float) -> float:
        """How long a key is paused once it has `failures` failures in a row (0: not paused)."""
        if failures < self.free:
            return 0.0
        return min(self.longest, self.first * 2 ** min(failures - self.free, 32))


@dataclass(frozen=True)
class Refused:
    """Which bucket of a chain refused (its index), and the seconds until it has a token again."""

    index: int
    wait: float


class LimitStore(Protocol):
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


# --- in memory (SQLite: one process) ------------------------------------------------------------------

@dataclass
class _Row:
    level: float
    stamp: float
    until: float
    expires_at: float


class MemoryStore:
    """The counts in this process's memory; at most `max_keys` of them (the expired ones go first,
    then those that refuse nothing now, soonest to expire first)."""

    def __init__(self, max_keys: int = MAX_MEMORY_KEYS):
        self.max_keys = max_keys
        self.rows: dict[str, _Row] = {}

    def _row(self, key: str, now: float) -> _Row | None:
        row = self.rows.get(key)
        if row is None and len(self.rows) >= self.max_keys:
            self._make_room(now)
        return row

    async def take(self, chain: Sequence[Bucket], now: float) -> Refused | None:
        for index, bucket in enumerate(chain):
            row = self._row(bucket.key, now)
            if row is None:
                level, stamp = bucket.capacity, now
            else:
                stamp = max(row.stamp, now)
                level = min(bucket.capacity, row.level + max(0.0, now - row.stamp) * bucket.rate)
            granted = level >= 1
            if granted:
                level -= 1
            self.rows[bucket.key] = _Row(level, stamp, stamp + max(0.0, 1 - level) / bucket.rate,
                                         stamp + (bucket.capacity - level) / bucket.rate)
            if not granted:
                return Refused(index, (1 - level) / bucket.rate)
        return None

    async def give_back(self, bucket: Bucket, now: float) -> None:
        row = self.rows.get(bucket.key)
        if row is None:
            return
        stamp = max(row.stamp, now)
        level = min(bucket.capacity, row.level + max(0.0, now - row.stamp) * bucket.rate + 1)
        self.rows[bucket.key] = _Row(level, stamp, stamp + max(0.0, 1 - level) / bucket.rate,
                                     stamp + (bucket.capacity - level) / bucket.rate)

    async def fail(self, key: str, pauses: Pauses, now: float) -> float:
        row = self._row(key, now)
        if row is not None and row.until > now:
            return row.until - now
        failures = 0.0 if row is None or now - row.stamp > pauses.forget_after else row.level
        failures += 1
        self.rows[key] = _Row(failures, now, now + pauses.pause_after(failures), now + pauses.forget_after)
        return 0.0

    async def forget(self, key: str) -> None:
        self.rows.pop(key, None)

    async def sweep(self, now: float) -> int:
        return self._sweep(now)

    def _make_room(self, now: float) -> None:
        self._sweep(now)
        if len(self.rows) < self.max_keys:
            return
        # Still full: forget a tenth, those refusing nothing now first, soonest to expire first.
        order = sorted(self.rows, key=lambda k: (self.rows[k].until > now, self.rows[k].expires_at))
        for key in order[:max(1, self.max_keys // 10)]:
            del self.rows[key]

    def _sweep(self, now: float) -> int:
        expired = [key for key, row in self.rows.items() if row.expires_at < now]
        for key in expired:
            del self.rows[key]
        return len(expired)

    async def close(self) -> None:
        self.rows.clear()


# --- in PostgreSQL (every process shares the counts) -----------------------------------------------------

def _bucket_upsert(n: int, now: str, after: str | None) -> str:
    """The CTE drawing on the n-th bucket of a chain (parameters $3n+2..$3n+4: key, capacity, rate);
    it inserts or updates its row only when the CTE `after` granted (or there is none)."""
    key, cap, rate = f"${3 * n + 2}::text", f"${3 * n + 3}::float8", f"${3 * n + 4}::float8"
    refilled = f"LEAST({cap}, b.level + GREATEST(0, {now} - b.stamp) * {rate})"
    level = f"({refilled} - CASE WHEN {refilled} >= 1 THEN 1 ELSE 0 END)"
    stamp = f"GREATEST(b.stamp, {now})"
    guard = f" WHERE (SELECT granted FROM t{n - 1})" if after else ""
    return f"""t{n} AS (
    INSERT INTO rate_limits AS b (key, level, stamp, until, expires_at, granted)
    SELECT {key}, {cap} - 1, {now}, {now} + GREATEST(0, 2 - {cap}) / {rate}, {now} + 1 / {rate}, true{guard}
    ON CONFLICT (key) DO UPDATE SET
        level = {level},
        stamp = {stamp},
        until = {stamp} + GREATEST(0, 1 - {level}) / {rate},
        expires_at = {stamp} + ({cap} - {level}) / {rate},
        granted = {refilled} >= 1
    RETURNING granted, level, {rate} AS rate
)"""


def take_statement(length: int) -> str:
    """One statement drawing on a chain of `length` buckets ($1: now): per bucket, granted or not
    (null: not reached) and the tokens left."""
    now = "$1::float8"
    ctes = ",\n".join(_bucket_upsert(n, now, None if n == 0 else f"t{n - 1}") for n in range(length))
    columns = ", ".join(f"t{n}.granted, t{n}.level, t{n}.rate" for n in range(length))
    joins = "".join(f" LEFT JOIN t{n} ON true" for n in range(1, length))
    return f"WITH {ctes}\nSELECT {columns} FROM t0{joins}"


GIVE_BACK = """
UPDATE rate_limits AS b SET
    level = LEAST($2::float8, b.level + GREATEST(0, $4::float8 - b.stamp) * $3::float8 + 1),
    stamp = GREATEST(b.stamp, $4::float8),
    until = GREATEST(b.stamp, $4::float8)
        + GREATEST(0, 1 - LEAST($2::float8, b.level + GREATEST(0, $4::float8 - b.stamp) * $3::float8 + 1)) / $3::float8,
    expires_at = GREATEST(b.stamp, $4::float8)
        + ($2::float8 - LEAST($2::float8, b.level + GREATEST(0, $4::float8 - b.stamp) * $3::float8 + 1)) / $3::float8
WHERE b.key = $1::text
"""


def _pause_sql(failures: str) -> str:
    """Pauses.pause_after in SQL ($3 free, $4 first, $5 longest)."""
    return (f"(CASE WHEN {failures} < $3::float8 THEN 0 "
            f"ELSE LEAST($5::float8, $4::float8 * power(2, LEAST({failures} - $3::float8, 32))) END)")


_FAILURES = "(CASE WHEN $2::float8 - b.stamp > $6::float8 THEN 0 ELSE b.level END + 1)"
FAIL = f"""
INSERT INTO rate_limits AS b (key, level, stamp, until, expires_at, granted)
VALUES ($1::text, 1, $2::float8, $2::float8 + {_pause_sql("1")}, $2::float8 + $6::float8, true)
ON CONFLICT (key) DO UPDATE SET
    level = CASE WHEN b.until > $2::float8 THEN b.level ELSE {_FAILURES} END,
    stamp = CASE WHEN b.until > $2::float8 THEN b.stamp ELSE $2::float8 END,
    until = CASE WHEN b.until > $2::float8 THEN b.until ELSE $2::float8 + {_pause_sql(_FAILURES)} END,
    expires_at = CASE WHEN b.until > $2::float8 THEN b.expires_at ELSE $2::float8 + $6::float8 END,
    granted = b.until <= $2::float8
RETURNING granted, until
"""

FORGET = "DELETE FROM rate_limits WHERE key = $1::text"
SWEEP = "DELETE FROM rate_limits WHERE expires_at < $1::float8"


class Executor(Protocol):
    async def fetchrow(self, sql: str, *args) -> Sequence | None: ...
    async def execute(self, sql: str, *args) -> int: ...
    async def close(self) -> None: ...


async def _keep_as_is(connection: asyncpg.Connection) -> None:
    """A connection back in the pool needs no reset: one statement, no transaction, no session state
    (asyncpg's default reset is one more round trip after every check)."""


class PoolExecutor:
    """The limits' own asyncpg connections, outside any session (the server's)."""

    def __init__(self, dsn: str, size: int = POOL_SIZE, synchronous_commit: str = "off"):
        self.dsn = dsn
        self.size = size
        self.synchronous_commit = synchronous_commit      # "on" only to measure what "off" saves
        self.pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _pool(self) -> asyncpg.Pool:
        if self.pool is None:
            async with self._opening:
                if self.pool is None:
                    self.pool = await asyncpg.create_pool(
                        self.dsn, min_size=1, max_size=self.size, timeout=CHECK_TIMEOUT, reset=_keep_as_is,
                        server_settings={"synchronous_commit": self.synchronous_commit,
                                         "application_name": f"{APPLICATION_NAME} {os.getpid()}"})
        return self.pool

    async def fetchrow(self, sql: str, *args):
        pool = await self._pool()
        return await pool.fetchrow(sql, *args, timeout=CHECK_TIMEOUT)

    async def execute(self, sql: str, *args) -> int:
        pool = await self._pool()
        status = await pool.execute(sql, *args, timeout=CHECK_TIMEOUT)
        return int(status.rsplit(" ", 1)[-1]) if status.split(" ", 1)[0] in ("DELETE", "UPDATE") else 0

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None


class SessionExecutor:
    """Through the app's sessions: where the server does not own its database (the tests' sessions
    run inside a transaction that is rolled back, which the limits' own connections would not see)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        self.sessions = sessions

    async def _run(self, sql: str, args):
        async with self.sessions() as session, session.begin():
            connection = await session.connection()
            result = await connection.exec_driver_sql(sql, tuple(args))
            if result.returns_rows:
                row = result.first()
                return tuple(row) if row is not None else None
            return result.rowcount

    async def fetchrow(self, sql: str, *args):
        return await self._run(sql, args)

    async def execute(self, sql: str, *args) -> int:
        return await self._run(sql, args)

    async def close(self) -> None:
        pass


class PostgresStore:
    """The counts in the `rate_limits` table, one statement per check."""

    def __init__(self, executor: Executor):
        self.executor = executor
        self._statements: dict[int, str] = {}

    async def take(self, chain: Sequence[Bucket], now: float) -> Refused | None:
        if not chain:
            return None
        statement = self._statements.get(len(chain))
        if statement is None:
            statement = self._statements[len(chain)] = take_statement(len(chain))
        args: list = [now]
        for bucket in chain:
            args += [bucket.key, float(bucket.capacity), float(bucket.rate)]
        row = await self.executor.fetchrow(statement, *args)
        for index in range(len(chain)):
            granted, level, rate = row[3 * index], row[3 * index + 1], row[3 * index + 2]
            if not granted:
                return Refused(index, (1 - level) / rate)
        return None

    async def give_back(self, bucket: Bucket, now: float) -> None:
        await self.executor.execute(GIVE_BACK, bucket.key, float(bucket.capacity), float(bucket.rate), now)

    async def fail(self, key: str, pauses: Pauses, now: float) -> float:
        granted, until = await self.executor.fetchrow(FAIL, key, now, float(pauses.free), pauses.first,
                                                      pauses.longest, pauses.forget_after)
        return 0.0 if granted else until - now

    async def forget(self, key: str) -> None:
        await self.executor.execute(FORGET, key)

    async def sweep(self, now: float) -> int:
        return await self.executor.execute(SWEEP, now)

    async def close(self) -> None:
        await self.executor.close()


def limit_store(database, own: bool) -> LimitStore:
    """The store for this database: PostgreSQL's table (on the limits' own connections when the
    server owns its database, else through its sessions), or memory on SQLite."""
    if database.dialect != "postgresql":
        return MemoryStore()
    if own:
        from .relay import listener_dsn
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
