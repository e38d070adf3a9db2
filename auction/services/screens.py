"""The record of the screens connected to each sale's room, kept off the room's path.

A socket accepted to a room is queued as a `connect` row, its close as a `disconnect` row
(`ScreenRecorder.connected` / `disconnected` never await: the socket's accept is not delayed), and
the process's writer task writes them in batches of BATCH rows, one multi-row INSERT per transaction
(auction.services.background_writes): a storm of 10 000 public viewers connecting is about ten
transactions, not 10 000. Rows dropped because the queue is full (or refused by the database) are
counted per sale and written as a `lost` row as soon as there is room, so the evidence file says how
many are missing and when. Rows are never changed or deleted (migration 0026). No name, no IP
address: the screen's role, the staff user or the online paddle, the process, the time.

A process killed writes no disconnect for its screens (nor the rows still queued). When a server
process starts, `close_stopped` closes the connections left open by the processes of its host that are
certainly gone: its own pid's earlier life (it has recorded nothing yet) and any pid no longer running
on this host. Each gets a `restart` row at the start: the latest it can have ended, its exact end
unknown (migration 0027). A pid still running may be a sibling worker's, or reused: its connections
are left as they are, and so are other hosts' (this process cannot know whether they still run).
"""
from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import screens as domain
from auction.models import ScreenConnection

from .background_writes import HOST, BackgroundWriter

log = logging.getLogger("criee.live")

BATCH = 1000           # rows per transaction (13 parameters a row: well under both databases' limits)
QUEUE_LIMIT = 50_000   # rows waiting at most; past it a row is counted as lost
QUIET_WAIT = 0.05      # seconds the writer waits at most for the room's commands in flight


@dataclass(frozen=True)
class PendingScreen:
    sale_id: int
    at: datetime
    kind: str
    role: str
    host: str
    pid: int
    connection: int
    user_id: int | None = None
    paddle: int | None = None
    lost: int = 0
    lost_until: datetime | None = None


@dataclass(frozen=True)
class Screen:
    """What a socket is, as the record names it: its role, and the staff user or the paddle it has."""
    role: str
    user_id: int | None = None
    paddle: int | None = None


async def write(sessions: async_sessionmaker[AsyncSession], rows: list[PendingScreen]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(insert(ScreenConnection).values([asdict(row) for row in rows]))


class ScreenRecorder(BackgroundWriter[PendingScreen]):
    """This process's connects and disconnects, queued, then written by a task of its own."""

    what = "screen connections"

    def __init__(self, sessions: async_sessionmaker[AsyncSession], busy: Callable[[int], bool] | None = None,
                 *, background: bool = True, host: str = HOST, pid: int | None = None):
        super().__init__(sessions, busy, background=background, batch=BATCH, limit=QUEUE_LIMIT,
                         quiet_wait=QUIET_WAIT)
        self.host, self.pid = host, pid if pid is not None else os.getpid()
        self._numbers = itertools.count(1)
        self.gaps: dict[int, tuple[int, datetime, datetime]] = {}   # sale -> (rows lost, first, last)

    async def write(self, rows: list[PendingScreen]) -> None:
        await write(self.sessions, rows)

    def connected(self, sale_id: int, screen: Screen, at: datetime) -> int:
        """Queue a connect; the connection's number in this process (for its disconnect)."""
        number = next(self._numbers)
        self.record(PendingScreen(sale_id, at, domain.CONNECT, screen.role, self.host, self.pid, number,
                                  screen.user_id, screen.paddle))
        return number

    def disconnected(self, sale_id: int, number: int, screen: Screen, at: datetime) -> None:
        self.record(PendingScreen(sale_id, at, domain.DISCONNECT, screen.role, self.host, self.pid, number,
                                  screen.user_id, screen.paddle))

    def dropped(self, rows: list[PendingScreen]) -> None:
        for row in rows:
            count, first, last = self.gaps.get(row.sale_id, (0, row.at, row.at))
            if count == 0:
                log.error("screen connections not recorded", extra={"sale_id": row.sale_id})
            self.gaps[row.sale_id] = (count + (row.lost if row.kind == domain.LOST else 1), min(first, row.at),
                                      max(last, row.lost_until or row.at))

    def waiting(self) -> bool:
        return bool(self.queue) or bool(self.gaps)

    def take(self) -> list[PendingScreen]:
        rows = super().take()
        if self.gaps:           # what was lost goes with the next batch (a row per sale)
            rows += [PendingScreen(sale_id, first, domain.LOST, "", self.host, self.pid, 0, lost=count,
                                   lost_until=last) for sale_id, (count, first, last) in self.gaps.items()]
            self.gaps = {}
        return rows


def running(pid: int) -> bool:
    """Whether a process of this pid runs on this host (it may be another program that reused it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):     # someone else's process: it runs
        return True
    return True


async def close_stopped(sessions: async_sessionmaker[AsyncSession], now: datetime, *, host: str = HOST,
                        pid: int | None = None, alive: Callable[[int], bool] = running) -> int:
    """At a process's start, before it records anything: a `restart` row at `now` for each connection
    of this host's stopped processes whose close was never recorded. How many were closed."""
    pid = pid if pid is not None else os.getpid()
    table = ScreenConnection
    async with sessions() as session, session.begin():
        pids = (await session.scalars(select(table.pid).where(table.host == host).distinct())).all()
        gone = [known for known in pids if known == pid or not alive(known)]
        if not gone:
            return 0
        # Per connection, its last connect and its last end: open if it never ended after it connected.
        started = func.max(case((table.kind == domain.CONNECT, table.at)))
        ended = func.max(case((table.kind.in_((domain.DISCONNECT, domain.RESTART)), table.at)))
        unclosed = (select(table.sale_id, table.pid, table.connection, started.label("at"))
                    .where(table.host == host, table.pid.in_(gone))
                    .group_by(table.sale_id, table.pid, table.connection)
                    .having(and_(started.is_not(None), or_(ended.is_(None), ended < started))).subquery())
        rows = (await session.scalars(select(table).join(unclosed, and_(
            table.sale_id == unclosed.c.sale_id, table.pid == unclosed.c.pid,
            table.connection == unclosed.c.connection, table.at == unclosed.c.at))
            .where(table.host == host, table.kind == domain.CONNECT).order_by(table.id))).all()
        closing = [asdict(PendingScreen(row.sale_id, now, domain.RESTART, row.role, host, row.pid, row.connection,
                                        row.user_id, row.paddle)) for row in rows]
        for start in range(0, len(closing), BATCH):
            await session.execute(insert(ScreenConnection).values(closing[start:start + BATCH]))
    if closing:
        log.warning("screens left connected by a stopped server process closed at start",
                    extra={"count": len(closing)})
    return len(closing)


def screen_recorder(app) -> ScreenRecorder:
    recorder = getattr(app.state, "screens", None)
    if recorder is None:
        recorder = app.state.screens = ScreenRecorder(app.state.db.sessions)
    return recorder


async def load(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[domain.ScreenEvent]:
    """The sale's record of connections, in the order it happened."""
    async with sessions() as session:
        rows = await session.scalars(select(ScreenConnection).where(ScreenConnection.sale_id == sale_id)
                                     .order_by(ScreenConnection.at, ScreenConnection.id))
        return [domain.ScreenEvent(row.id, row.at, row.kind, row.role, row.host, row.pid, row.connection,
                                   row.user_id, row.paddle, row.lost, row.lost_until) for row in rows]
