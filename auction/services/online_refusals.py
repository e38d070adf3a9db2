"""The record of online bids refused (too late, outbid, rate-limited…), kept off the room's path.

The bidder is answered first; the refusal is then only queued (`RefusalRecorder.record` never
awaits), and one task per server process writes the queue in batches, each in a transaction of its
own that takes no lock of the room. While the room of a queued refusal is deciding commands (a
clerk's bid, the hammer) the writer waits for them, QUIET_WAIT at most, so that on SQLite (one writer
at a time) its insert does not sit in front of the room's append. Rows are never changed or deleted
(migration 0023). The evidence file reads them back (`load`).
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.evidence import Refusal
from auction.models import OnlineBidRefusal

log = logging.getLogger("criee.online")

BATCH = 200            # refusals written per transaction at most
QUIET_WAIT = 0.05      # seconds the writer waits at most for the room's commands in flight
QUEUE_LIMIT = 100_000  # beyond this, refusals are logged as lost (a flood of them: rate limits)
RETRIES = 3


@dataclass(frozen=True)
class PendingRefusal:
    sale_id: int
    user_id: int
    received_at: datetime
    code: str
    message: str
    lot_id: int | None = None
    paddle: int | None = None
    amount_cents: int | None = None
    expected_bid_seq: int | None = None
    log_seq: int = 0
    command_id: str | None = None


INT_LIMIT, BIGINT_LIMIT = 2 ** 31, 2 ** 63   # the columns' ranges: a value past them would fail its whole batch


def _int_or_none(value, limit: int = INT_LIMIT) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and -limit <= value < limit else None


def pending(sale_id: int, user_id: int, received_at: datetime, code: str, message: str, args: dict | None,
            *, paddle: int | None, log_seq: int, command_id: str | None) -> PendingRefusal:
    """A refusal from what the bidder's screen sent (`args`, as received: any value is checked here)."""
    args = args if isinstance(args, dict) else {}
    lot_id, amount = _int_or_none(args.get("lot_id")), _int_or_none(args.get("amount_cents"), BIGINT_LIMIT)
    expected = _int_or_none(args.get("expected_bid_seq"))
    return PendingRefusal(sale_id, user_id, received_at, code[:40], message, lot_id, paddle, amount, expected,
                          log_seq, command_id if isinstance(command_id, str) and len(command_id) <= 64 else None)


async def write(sessions: async_sessionmaker[AsyncSession], refusals: list[PendingRefusal]) -> None:
    async with sessions() as session, session.begin():
        session.add_all(OnlineBidRefusal(**asdict(refusal)) for refusal in refusals)


class RefusalRecorder:
    """Queues refusals and writes them from a task of its own. `busy(sale_id)`: whether that sale's
    room is deciding commands now (the writer then waits a little)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 busy: Callable[[int], bool] | None = None, *, background: bool = True):
        self.sessions = sessions
        # False: no writer task, the queue is written by `drain` (the tests' app, whose requests share
        # one database connection, so that no write runs in between their savepoints).
        self.background = background
        self.busy = busy or (lambda sale_id: False)
        self.queue: deque[PendingRefusal] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.lost = 0

    def record(self, refusal: PendingRefusal) -> None:
        """Queue a refusal; never awaits, never raises."""
        if len(self.queue) >= QUEUE_LIMIT:
            self.lost += 1
            log.error("online bid refusal not recorded: queue full", extra={"sale_id": refusal.sale_id,
                                                                            "reason": refusal.code})
            return
        self.queue.append(refusal)
        if not self.background:
            return
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _quiet(self, sale_ids: set[int]) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + QUIET_WAIT
        while any(self.busy(sale_id) for sale_id in sale_ids) and loop.time() < until:
            await asyncio.sleep(0.002)

    async def _run(self) -> None:
        while True:
            if not self.queue:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            await asyncio.sleep(0)          # whatever else this turn of the loop does comes first
            batch = [self.queue.popleft() for _ in range(min(BATCH, len(self.queue)))]
            await self._quiet({refusal.sale_id for refusal in batch})
            for attempt in range(RETRIES):
                try:
                    await write(self.sessions, batch)
                    break
                except asyncio.CancelledError:
                    self.queue.extendleft(reversed(batch))
                    raise
                except Exception:   # noqa: BLE001 - the database is away: try again, then say what is lost
                    if attempt == RETRIES - 1:
                        self.lost += len(batch)
                        log.exception("online bid refusals not recorded", extra={"count": len(batch)})
                    else:
                        await asyncio.sleep(0.2 * (attempt + 1))

    async def drain(self) -> None:
        """Wait until everything queued is written (tests, shutdown)."""
        if self.background and self._task is not None and not self._task.done():
            await self._idle.wait()
            return
        while self.queue:
            batch = [self.queue.popleft() for _ in range(min(BATCH, len(self.queue)))]
            await write(self.sessions, batch)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.drain(), 5)
        except (asyncio.TimeoutError, Exception):   # noqa: BLE001 - shutting down: say it, do not hang
            log.exception("online bid refusals left unwritten at shutdown", extra={"count": len(self.queue)})
        if self._task is not None:
            self._task.cancel()


async def load(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Refusal]:
    """The sale's recorded refusals, in the order they arrived."""
    async with sessions() as session:
        rows = await session.scalars(select(OnlineBidRefusal).where(OnlineBidRefusal.sale_id == sale_id)
                                     .order_by(OnlineBidRefusal.received_at, OnlineBidRefusal.id))
        return [Refusal(row.id, row.received_at, row.code, row.message, row.lot_id, row.paddle, row.amount_cents,
                        row.expected_bid_seq, row.log_seq) for row in rows]
