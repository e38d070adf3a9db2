"""Rows written off the room's path: queued without awaiting, written in batches by a task of their own.

`BackgroundWriter.record` never awaits and never raises: the screen is answered (or accepted) first,
the row only queued. One task per server process writes the queue, one transaction per batch (one
multi-row insert), taking no lock of the room. While the room of a queued row is deciding commands (a
clerk's bid, the hammer) the writer waits for them, `quiet_wait` at most, so that on SQLite (one
writer at a time) its insert does not sit in front of the room's append. Past `limit` rows waiting,
a row is dropped and counted (`lost`); so is a batch the database refused `RETRIES` times. Used by the
record of refused online bids (auction.services.online_refusals) and the record of the screens
connected (auction.services.screens).
"""
from __future__ import annotations

import asyncio
import logging
import socket
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger("criee.records")

HOST = socket.gethostname()[:64]    # names the server process in the records, with its pid
RETRIES = 3
RETRY_DELAY = 0.2       # seconds before the 2nd attempt (twice that before the 3rd)
Row = TypeVar("Row")


class BackgroundWriter(Generic[Row]):
    """Queues rows and writes them from a task of its own (`write`, one batch per transaction).
    `busy(sale_id)`: whether that sale's room is deciding commands now (the writer then waits a little)."""

    what = "rows"          # named in the log when rows are lost

    def __init__(self, sessions: async_sessionmaker[AsyncSession], busy: Callable[[int], bool] | None = None, *, background: bool = True, batch: int = 200,
                 limit: int = 100_000, quiet_wait: float = 0.05):
        self.sessions = sessions
        # False: no writer task, the queue is written by `drain` (the tests' app, whose requests share
        # one database connection, so that no write runs in between their savepoints).
        self.background = background
        self.busy = busy or (lambda sale_id: False)
        self.batch, self.limit, self.quiet_wait = batch, limit, quiet_wait
        self.queue: deque[Row] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.lost = 0          # rows dropped (queue full) or refused by the database
        self.flushes = 0       # transactions written

    def record(self, row: Row) -> bool:
        """Queue a row; never awaits, never raises. False: the queue is full, the row is lost."""
        if len(self.queue) >= self.limit:
            self.lost += 1
            self.dropped([row])
            return False
        self.queue.append(row)
        if not self.background:
            return True
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            try:
                self._task = asyncio.get_running_loop().create_task(self._run())
            except RuntimeError:     # no loop running (a test's synchronous caller): `drain` writes it
                pass
        return True

    def dropped(self, rows: list[Row]) -> None:
        """What to do with rows lost: log it, without personal data."""
        log.error(f"{self.what} not recorded", extra={"count": len(rows), "sale_id": getattr(rows[0], "sale_id", None)})

    def waiting(self) -> bool:
        """Whether there is something to write."""
        return bool(self.queue)

    def take(self) -> list[Row]:
        """The next batch, from the queue's front."""
        return [self.queue.popleft() for _ in range(min(self.batch, len(self.queue)))]

    async def _quiet(self, sale_ids: set[int]) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + self.quiet_wait
        while any(self.busy(sale_id) for sale_id in sale_ids) and loop.time() < until:
            await asyncio.sleep(0.002)

    async def write(self, rows: list[Row]) -> None:
        """Write one batch, in one transaction of its own."""
        raise NotImplementedError

    async def _flush(self, rows: list[Row]) -> None:
        await self.write(rows)
        self.flushes += 1

    async def _run(self) -> None:
        while True:
            if not self.waiting():
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            await asyncio.sleep(0)          # whatever else this turn of the loop does comes first
            rows = self.take()
            await self._quiet({getattr(row, "sale_id", None) for row in rows})
            for attempt in range(RETRIES):
                try:
                    await self._flush(rows)
                    break
                except asyncio.CancelledError:
                    self.queue.extendleft(reversed(rows))
                    raise
                except Exception:   # noqa: BLE001 - the database is away: try again, then say what is lost
                    if attempt == RETRIES - 1:
                        self.lost += len(rows)
                        log.exception(f"{self.what} not recorded", extra={"count": len(rows)})
                        self.dropped(rows)
                    else:
                        await asyncio.sleep(RETRY_DELAY * (attempt + 1))

    async def drain(self) -> None:
        """Wait until everything queued is written (tests, shutdown)."""
        if self.background and self._task is not None and not self._task.done():
            await self._idle.wait()
            return
        while self.waiting():
            await self._flush(self.take())

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.drain(), 5)
        except (asyncio.TimeoutError, Exception):   # noqa: BLE001 - shutting down: say it, do not hang
            log.exception(f"{self.what} left unwritten at shutdown", extra={"count": len(self.queue)})
        if self._task is not None:
            self._task.cancel()
