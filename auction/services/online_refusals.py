"""The record of online bids refused (too late, outbid, rate-limited…), kept off the room's path.

The bidder is answered first; the refusal is then only queued (`RefusalRecorder.record` never
awaits), and one task per server process writes the queue in batches, each in a transaction of its
own that takes no lock of the room, waiting QUIET_WAIT at most for the room's commands in flight
(auction.services.background_writes). Rows are never changed or deleted
(migration 0023). The evidence file reads them back (`load`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.evidence import Refusal
from auction.models import OnlineBidRefusal

from .background_writes import BackgroundWriter

BATCH = 200            # refusals written per transaction at most
QUIET_WAIT = 0.05      # seconds the writer waits at most for the room's commands in flight
QUEUE_LIMIT = 100_000  # beyond this, refusals are logged as lost (a flood of them: rate limits)


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


class RefusalRecorder(BackgroundWriter[PendingRefusal]):
    """Queues refusals and writes them from a task of its own (auction.services.background_writes)."""

    what = "online bid refusals"

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 busy: Callable[[int], bool] | None = None, *, background: bool = True):
        super().__init__(sessions, busy, background=background, batch=BATCH, limit=QUEUE_LIMIT,
                         quiet_wait=QUIET_WAIT)

    async def write(self, rows: list[PendingRefusal]) -> None:
        await write(self.sessions, rows)


async def load(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Refusal]:
    """The sale's recorded refusals, in the order they arrived."""
    async with sessions() as session:
        rows = await session.scalars(select(OnlineBidRefusal).where(OnlineBidRefusal.sale_id == sale_id)
                                     .order_by(OnlineBidRefusal.received_at, OnlineBidRefusal.id))
        return [Refusal(row.id, row.received_at, row.code, row.message, row.lot_id, row.paddle, row.amount_cents,
                        row.expected_bid_seq, row.log_seq) for row in rows]
