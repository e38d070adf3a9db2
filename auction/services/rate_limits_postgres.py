"""The rate limits' counts in PostgreSQL's `rate_limits` table, shared by every server process.

Every check is one statement in its own implicit transaction, on connections of the limits' own:
an `INSERT … ON CONFLICT DO UPDATE … RETURNING` that reads, refills, draws and answers under the
row's lock, so two processes checking one key at once are ordered by PostgreSQL and their sum
never exceeds one budget. A chain is one statement too (each bucket a data-modifying CTE that runs
only if the previous one granted). The connections run with `synchronous_commit = off`: a count
lost to a database crash (the last few hundred milliseconds) gives a client a few tokens back, and
no check waits for the WAL to reach the disk.

Measured on this machine (`python bench/rate_limits.py`, 2 000 checks after 200 of warm-up, one at
a time; the machine was loaded, load average 15 to 22 on 2 cores, other test suites running, so
runs varied; ratios within a run are what count): the bid's check (paddle then address, one
statement, granted and updating both rows) took 0.4 to 4 ms p50 and 10 to 50 ms p99 with
`synchronous_commit = off`, against 3.3 to 6 ms p50 with it on (the WAL flush it no longer waits
for); `SELECT 1` took 0.06 to 0.14 ms p50 in the same runs, the same check in memory 15 to 25 µs.
asyncpg's pool resets a connection it gets back with one more round trip: the limits' pool skips
it (its connections keep no session state). ../shared/measurements.md has the room's own append
(one fsynced transaction) at about 1 ms p50 on a quiet machine.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Protocol

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.rate_limits import Bucket, Pauses, Refused

APPLICATION_NAME = "criee limits"
CHECK_TIMEOUT = 2.0             # seconds; a check that takes longer fails (the callers decide what then)
POOL_SIZE = 4


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
    apart: bool     # on connections of its own (PostgresStore.apart)

    async def fetchrow(self, sql: str, *args) -> Sequence | None: ...
    async def execute(self, sql: str, *args) -> int: ...
    async def close(self) -> None: ...


async def _keep_as_is(connection: asyncpg.Connection) -> None:
    """A connection back in the pool needs no reset: one statement, no transaction, no session state
    (asyncpg's default reset is one more round trip after every check)."""


class PoolExecutor:
    """The limits' own asyncpg connections, outside any session (the server's)."""

    apart = True        # a check cancelled midway loses only its own connection's statement

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

    apart = False       # on the app's sessions (the tests' one connection): a check cancelled mid-query
                        # would break that session's transaction

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

    @property
    def apart(self) -> bool:
        """Whether the checks run on connections of their own (LimitStore.apart)."""
        return self.executor.apart

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
