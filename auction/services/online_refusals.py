"""The record of online bids refused (too late, outbid, rate-limited…), kept off the room's path.

The bidder is answered first; the refusal is then only queued (`RefusalRecorder.record` never
awaits), and one task per server process writes the queue in batches, each in a transaction of its
own that takes no lock of the room, waiting QUIET_WAIT at most for the room's commands in flight
(auction.services.background_writes). Rows are never changed or deleted
(migration 0023). The evidence file reads them back (`load`).

Refusals dropped because the queue is full, or in a batch the database refused, are counted per
sale and written with the next batch as an entry of the audit log (append-only, migration 0009),
"online_refusals_lost": how many, from which server process, between the first and the last one's
arrival. The evidence file reads them back (`load_lost`) and says the list of refusals is incomplete.
What was still queued when a process was killed is lost uncounted (its count died with it).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.evidence import Refusal, RefusalsLost
from auction.domain.instants import paris_text
from auction.models import AuditEntry, OnlineBidRefusal, utcnow

from . import audit
from .background_writes import HOST, BackgroundWriter

log = logging.getLogger("criee.records")

BATCH = 200            # refusals written per transaction at most
QUIET_WAIT = 0.05      # seconds the writer waits at most for the room's commands in flight
QUEUE_LIMIT = 100_000  # beyond this, refusals are logged as lost (a flood of them: rate limits)
LOST_ACTION = "online_refusals_lost"   # the audit log's entry for refusals not recorded


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


@dataclass(frozen=True)
class LostRefusals:
    """Refusals of a sale a process could not record: written with the next batch, to the audit log."""
    sale_id: int
    host: str
    pid: int
    count: int
    since: datetime        # the first lost refusal's arrival
    until: datetime        # the last one's


def _lost_entry(session: AsyncSession, gap: LostRefusals) -> None:
    audit.record(session, at=utcnow(), user_id=None, action=LOST_ACTION, sale_id=gap.sale_id,
                 summary=f"Registre des refus : {gap.count} enchère(s) en ligne refusée(s) non enregistrée(s), "
                         f"arrivée(s) du {paris_text(gap.since)} au {paris_text(gap.until)} "
                         f"(serveur {gap.host} / {gap.pid})",
                 details={"count": gap.count, "since": gap.since.isoformat(), "until": gap.until.isoformat(),
                          "host": gap.host, "pid": gap.pid})


async def write(sessions: async_sessionmaker[AsyncSession], refusals: list[PendingRefusal | LostRefusals]) -> None:
    """One batch in one transaction: the refusals, and the count of those lost before it."""
    async with sessions() as session, session.begin():
        session.add_all(OnlineBidRefusal(**asdict(row)) for row in refusals if isinstance(row, PendingRefusal))
        for gap in refusals:
            if isinstance(gap, LostRefusals):
                _lost_entry(session, gap)


class RefusalRecorder(BackgroundWriter[PendingRefusal | LostRefusals]):
    """Queues refusals and writes them from a task of its own (auction.services.background_writes);
    counts those it loses, per sale, and writes the count with the next batch."""

    what = "online bid refusals"

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 busy: Callable[[int], bool] | None = None, *, background: bool = True, host: str = HOST,
                 pid: int | None = None):
        super().__init__(sessions, busy, background=background, batch=BATCH, limit=QUEUE_LIMIT,
                         quiet_wait=QUIET_WAIT)
        self.host, self.pid = host, pid if pid is not None else os.getpid()
        self.gaps: dict[int, tuple[int, datetime, datetime]] = {}   # sale -> (refusals lost, first, last)

    async def write(self, rows: list[PendingRefusal | LostRefusals]) -> None:
        await write(self.sessions, rows)

    def dropped(self, rows: list[PendingRefusal | LostRefusals]) -> None:
        for row in rows:
            count, since, until = (row.count, row.since, row.until) if isinstance(row, LostRefusals) else (
                1, row.received_at, row.received_at)
            known, first, last = self.gaps.get(row.sale_id, (0, since, until))
            if known == 0:
                log.error("online bid refusals not recorded", extra={"sale_id": row.sale_id})
            self.gaps[row.sale_id] = (known + count, min(first, since), max(last, until))

    def waiting(self) -> bool:
        return bool(self.queue) or bool(self.gaps)

    def take(self) -> list[PendingRefusal | LostRefusals]:
        rows = super().take()
        if self.gaps:           # what was lost goes with the next batch (an entry per sale)
            rows += [LostRefusals(sale_id, self.host, self.pid, count, first, last)
                     for sale_id, (count, first, last) in self.gaps.items()]
            self.gaps = {}
        return rows


async def load(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Refusal]:
    """The sale's recorded refusals, in the order they arrived."""
    async with sessions() as session:
        rows = await session.scalars(select(OnlineBidRefusal).where(OnlineBidRefusal.sale_id == sale_id)
                                     .order_by(OnlineBidRefusal.received_at, OnlineBidRefusal.id))
        return [Refusal(row.id, row.received_at, row.code, row.message, row.lot_id, row.paddle, row.amount_cents,
                        row.expected_bid_seq, row.log_seq) for row in rows]


async def load_lost(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[RefusalsLost]:
    """The sale's refusals not recorded, as the audit log counts them, in the order they were lost."""
    async with sessions() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.sale_id == sale_id,
                                                              AuditEntry.action == LOST_ACTION)
                                     .order_by(AuditEntry.at, AuditEntry.id))
        found = [RefusalsLost(row.details["host"], row.details["pid"], row.details["count"],
                              datetime.fromisoformat(row.details["since"]),
                              datetime.fromisoformat(row.details["until"])) for row in rows]
    return sorted(found, key=lambda gap: gap.since)
