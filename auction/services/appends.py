"""The room's appends to the bid log on PostgreSQL, in one round trip.

Through a SQLAlchemy session an append costs seven round trips to the server: the pool's pre-ping
(BEGIN, `;`, ROLLBACK), BEGIN, the INSERT, the `pg_notify` of the relay, COMMIT — and on a busy
machine each round trip is also a wait for the CPU, which is what the clerk's acknowledgement
waited for. Here a server process keeps one connection of its own for the room's appends, and an
append is one statement in its own (implicit) transaction: the events inserted, the sale's status
updated when the event changes it, and the notifications of the other processes sent — all or
nothing, as before, and delivered only if it commits (auction.services.relay).

When the outcome is not known (the connection is lost, the statement takes longer than
APPEND_TIMEOUT) the connection is dropped and `append` answers False: the room then appends
through a session as before, and that append tells it (the (sale, seq) and (sale, command_id)
unique constraints) if this one had in fact been committed. A unique violation is raised as
`AppendConflict`: another process took the step, or the command was already stored.

Only where the server owns its database: the tests' sessions run in a transaction of their own
that is rolled back, which an outside connection would not see.
"""
from __future__ import annotations

import asyncio
import logging
import os

import asyncpg
import orjson

from auction.domain.bidlog import Event

from .relay_notices import CHANNEL, encode_event
from .room import AppendConflict

log = logging.getLogger("criee.appends")

APPLICATION_NAME = "criee appends"   # in pg_stat_activity, with the process id
APPEND_TIMEOUT = 10.0         # seconds; then the outcome is unknown and the session path decides
CONNECT_TIMEOUT = 5.0

# Data-modifying CTEs run once each whatever the main query reads; a failure anywhere (a unique
# violation) fails the whole statement, and PostgreSQL sends the notifications only on commit.
APPEND = """
WITH appended AS (
    INSERT INTO sale_events (sale_id, seq, kind, payload, at, user_id, command_id, prev_hash, hash)
    SELECT $1, e.seq, e.kind, e.payload::json, e.at, e.user_id, e.command_id, e.prev_hash, e.hash
    FROM unnest($2::integer[], $3::text[], $4::text[], $5::timestamptz[], $6::integer[], $7::text[],
                $8::text[], $9::text[]) AS e(seq, kind, payload, at, user_id, command_id, prev_hash, hash)
    RETURNING 1
), status AS (
    UPDATE sales SET status = $10::text WHERE id = $1 AND $10::text IS NOT NULL
)
SELECT pg_notify($11, n.payload) FROM unnest($12::text[]) WITH ORDINALITY AS n(payload, i) ORDER BY n.i
"""

# The connection failed or may have: the outcome of the statement is not known.
UNKNOWN_OUTCOME = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


class Appends:
    """This process's connection for the room's appends (one at a time: the rooms' locks already
    order each sale's commands)."""

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.connection: asyncpg.Connection | None = None
        self.lock = asyncio.Lock()
        self.fallbacks = 0          # appends that went through a session instead

    async def append(self, events: list[Event], command_id: str | None, status: str | None) -> bool:
        """Store `events` (the first one is the command's), set the sale's status if given, notify
        the other processes. False: not known to be done; the caller appends through a session."""
        first = events[0]
        args = (first.sale_id, [e.seq for e in events], [e.kind for e in events],
                [orjson.dumps(e.payload).decode() for e in events], [e.at for e in events],
                [e.user_id for e in events], [command_id if e is first else None for e in events],
                [e.prev_hash for e in events], [e.hash for e in events], status, CHANNEL,
                [encode_event(e, command_id if e is first else None) for e in events])
        async with self.lock:
            try:
                if self.connection is None or self.connection.is_closed():
                    self.connection = await asyncpg.connect(
                        self.dsn, timeout=CONNECT_TIMEOUT,
                        server_settings={"application_name": f"{APPLICATION_NAME} {os.getpid()}"})
                await self.connection.execute(APPEND, *args, timeout=APPEND_TIMEOUT)
                return True
            except asyncpg.UniqueViolationError as exc:
                raise AppendConflict() from exc
            except UNKNOWN_OUTCOME as exc:
                self.fallbacks += 1
                log.warning("append connection failed: appending through a session",
                            extra={"sale_id": first.sale_id, "error": repr(exc)})
                self._drop()
                return False

    def _drop(self) -> None:
        if self.connection is not None and not self.connection.is_closed():
            self.connection.terminate()
        self.connection = None

    async def close(self) -> None:
        async with self.lock:
            if self.connection is not None and not self.connection.is_closed():
                await self.connection.close(timeout=2)
            self.connection = None
