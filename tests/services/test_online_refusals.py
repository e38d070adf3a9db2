"""The record of refused online bids, on both databases: queued without awaiting, written by its own
task once the room's commands are decided, append-only, read back for the evidence file."""
import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.models import AuditEntry, OnlineBidRefusal, User, utcnow
from auction.services import background_writes, online_refusals


@pytest.fixture
async def bidder_id(db, sale_id):
    async with db.sessions() as session:
        return await session.scalar(select(User.id).where(User.email == "encherisseur@exemple.fr"))


def refusal(sale_id, user_id, code="outbid", **args):
    return online_refusals.pending(sale_id, user_id, utcnow(), code, "Surenchéri : …", args, paddle=501,
                                   log_seq=4, command_id="c" * 20)


async def test_refusals_are_queued_then_written_and_read_back(db, sale_id, bidder_id):
    recorder = online_refusals.RefusalRecorder(db.sessions)
    first = refusal(sale_id, bidder_id, lot_id=3, amount_cents=120_00, expected_bid_seq=2)
    # Whatever the screen sent is checked: a huge number, a string, a boolean are not kept.
    odd = refusal(sale_id, bidder_id, "lot_not_open", lot_id=10 ** 30, amount_cents="12", expected_bid_seq=True)
    # Past a column's range (lot and seq: integer; amount: bigint) a value is not kept either, or the
    # insert would fail and take the batch's other refusals with it.
    wide = refusal(sale_id, bidder_id, "invalid_command", lot_id=2 ** 31, amount_cents=2 ** 40,
                   expected_bid_seq=-(2 ** 31) - 1)
    recorder.record(first)
    recorder.record(odd)
    recorder.record(wide)
    assert recorder.queue                  # nothing written yet: record() never awaits
    await recorder.drain()
    found = await online_refusals.load(db.sessions, sale_id)
    assert [(r.code, r.lot_id, r.amount_cents, r.expected_bid_seq, r.paddle) for r in found] == [
        ("outbid", 3, 120_00, 2, 501), ("lot_not_open", None, None, None, 501),
        ("invalid_command", None, 2 ** 40, None, 501)]
    assert recorder.lost == 0
    assert found[0].received_at == first.received_at and found[0].log_seq == 4
    await recorder.close()


async def test_the_writer_waits_for_the_rooms_commands(db, sale_id, bidder_id, monkeypatch):
    monkeypatch.setattr(online_refusals, "QUIET_WAIT", 5)
    busy = [True]
    recorder = online_refusals.RefusalRecorder(db.sessions, busy=lambda sale: busy[0] and sale == sale_id)
    recorder.record(refusal(sale_id, bidder_id, lot_id=1))
    await asyncio.sleep(0.1)
    assert await online_refusals.load(db.sessions, sale_id) == []
    busy[0] = False
    await asyncio.wait_for(recorder.drain(), 2)
    assert len(await online_refusals.load(db.sessions, sale_id)) == 1
    await recorder.close()


async def test_the_record_of_refusals_is_append_only(db, sale_id, bidder_id):
    await online_refusals.write(db.sessions, [refusal(sale_id, bidder_id, lot_id=1)])
    for statement in (update(OnlineBidRefusal).values(code="accepted"),
                      update(OnlineBidRefusal).values(received_at=utcnow() - timedelta(seconds=5)),
                      delete(OnlineBidRefusal)):
        with pytest.raises((DBAPIError, IntegrityError)):
            async with db.sessions() as session, session.begin():
                await session.execute(statement.where(OnlineBidRefusal.sale_id == sale_id))
    assert len(await online_refusals.load(db.sessions, sale_id)) == 1


async def test_refusals_dropped_when_the_queue_is_full_are_counted_in_the_audit_log(db, sale_id, bidder_id,
                                                                                     monkeypatch):
    monkeypatch.setattr(online_refusals, "QUEUE_LIMIT", 3)
    recorder = online_refusals.RefusalRecorder(db.sessions, background=False, host="srv-a", pid=41)
    t0 = utcnow()
    for n in range(5):
        recorder.record(online_refusals.pending(sale_id, bidder_id, t0 + timedelta(seconds=n), "outbid", "…",
                                                {"lot_id": 1}, paddle=501, log_seq=4, command_id=None))
    assert len(recorder.queue) == 3 and recorder.lost == 2
    await recorder.drain()
    assert len(await online_refusals.load(db.sessions, sale_id)) == 3
    (gap,) = await online_refusals.load_lost(db.sessions, sale_id)
    assert (gap.host, gap.pid, gap.count, gap.since, gap.until) == ("srv-a", 41, 2, t0 + timedelta(seconds=3),
                                                                     t0 + timedelta(seconds=4))
    async with db.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == online_refusals.LOST_ACTION))
    assert entry.sale_id == sale_id and entry.user_id is None and "2 enchère(s) en ligne refusée(s)" in entry.summary
    assert recorder.gaps == {} and not recorder.waiting()


async def test_a_batch_the_database_refused_is_counted_once_the_database_is_back(db, sale_id, bidder_id,
                                                                                 monkeypatch):
    monkeypatch.setattr(background_writes, "RETRY_DELAY", 0)
    failures = [4]          # the batch's three attempts, then the count's first attempt
    written = online_refusals.write

    async def flaky(sessions, rows):
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("database away")
        await written(sessions, rows)
    monkeypatch.setattr(online_refusals, "write", flaky)
    recorder = online_refusals.RefusalRecorder(db.sessions, host="srv-a", pid=41)
    t0 = utcnow()
    for n in range(4):
        recorder.record(online_refusals.pending(sale_id, bidder_id, t0 + timedelta(seconds=n), "rate_limited", "…",
                                                {}, paddle=501, log_seq=4, command_id=None))
    await asyncio.wait_for(recorder.drain(), 5)
    assert await online_refusals.load(db.sessions, sale_id) == []
    assert [(g.count, g.since, g.until) for g in await online_refusals.load_lost(db.sessions, sale_id)] == [
        (4, t0, t0 + timedelta(seconds=3))]          # counted once, though its first write failed too
    await recorder.close()
