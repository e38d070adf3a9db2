"""The record of the screens connected, on both databases: queued without awaiting, written in a few
multi-row transactions however many screens connect at once, what could not be recorded counted and
written as a `lost` row, append-only, read back for the evidence file."""
import asyncio
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.domain import screens as domain
from auction.models import ScreenConnection, User, utcnow
from auction.services import background_writes, screens
from auction.services.screens import Screen


@pytest.fixture
async def clerk_id(db, sale_id):
    async with db.sessions() as session:
        return await session.scalar(select(User.id).where(User.role == "clerk"))


async def _rows(db, sale_id) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(ScreenConnection)
                                    .where(ScreenConnection.sale_id == sale_id))


async def test_a_storm_of_ten_thousand_viewers_is_ten_transactions(db, sale_id):
    recorder = screens.ScreenRecorder(db.sessions, host="srv-a", pid=41)
    at = utcnow()
    numbers = [recorder.connected(sale_id, Screen("viewer"), at + timedelta(microseconds=n)) for n in range(10_000)]
    assert len(recorder.queue) == 10_000 and recorder.flushes == 0   # nothing awaited: all still queued
    assert numbers == list(range(1, 10_001))
    await recorder.drain()
    assert recorder.flushes == 10_000 // screens.BATCH == 10 and recorder.lost == 0
    assert await _rows(db, sale_id) == 10_000
    await recorder.close()


async def test_connects_and_disconnects_are_read_back_as_visits(db, sale_id, clerk_id):
    recorder = screens.ScreenRecorder(db.sessions, host="srv-a", pid=41)
    t0 = utcnow()
    tablet = Screen("clerk_tablet", clerk_id)
    phone = Screen("online_bidder", paddle=501)
    first = recorder.connected(sale_id, tablet, t0)
    second = recorder.connected(sale_id, phone, t0 + timedelta(milliseconds=5))
    recorder.disconnected(sale_id, first, tablet, t0 + timedelta(seconds=2, milliseconds=123))
    await recorder.drain()
    events = await screens.load(db.sessions, sale_id)
    assert [(e.kind, e.role, e.user_id, e.paddle, e.host, e.pid, e.connection) for e in events] == [
        ("connect", "clerk_tablet", clerk_id, None, "srv-a", 41, first),
        ("connect", "online_bidder", None, 501, "srv-a", 41, second),
        ("disconnect", "clerk_tablet", clerk_id, None, "srv-a", 41, first)]
    visits = domain.visits(events)
    assert visits[0].disconnected_at == t0 + timedelta(seconds=2, milliseconds=123)   # to the microsecond
    assert visits[1].disconnected_at is None
    await recorder.close()


async def test_rows_dropped_when_the_queue_is_full_are_counted_and_recorded(db, sale_id, monkeypatch):
    monkeypatch.setattr(screens, "QUEUE_LIMIT", 20)
    recorder = screens.ScreenRecorder(db.sessions, background=False, host="srv-a", pid=41)
    t0 = utcnow()
    kept = [recorder.connected(sale_id, Screen("viewer"), t0 + timedelta(seconds=n)) for n in range(30)]
    assert len(recorder.queue) == 20 and recorder.lost == 10 and len(kept) == 30
    await recorder.drain()
    events = await screens.load(db.sessions, sale_id)
    (gap,) = [e for e in events if e.kind == domain.LOST]
    assert (gap.lost, gap.at, gap.lost_until, gap.host, gap.pid) == (10, t0 + timedelta(seconds=20),
                                                                     t0 + timedelta(seconds=29), "srv-a", 41)
    assert len(events) == 21 and recorder.gaps == {}
    shown = domain.section(events, t0, t0 + timedelta(minutes=1), start_label="", end_label="")
    assert shown.lost_count == 10 and shown.viewers_peak == 20


async def test_a_batch_the_database_refused_is_counted_and_said_when_it_is_back(db, sale_id, monkeypatch):
    monkeypatch.setattr(background_writes, "RETRY_DELAY", 0)
    failures = [3]
    written = screens.write

    async def flaky(sessions, rows):
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("database away")
        await written(sessions, rows)
    monkeypatch.setattr(screens, "write", flaky)
    recorder = screens.ScreenRecorder(db.sessions, host="srv-a", pid=41)
    t0 = utcnow()
    for n in range(5):
        recorder.connected(sale_id, Screen("viewer"), t0 + timedelta(seconds=n))
    await asyncio.wait_for(recorder.drain(), 5)
    events = await screens.load(db.sessions, sale_id)
    assert [(e.kind, e.lost) for e in events] == [(domain.LOST, 5)] and recorder.lost == 5
    await recorder.close()


async def test_the_record_of_screens_is_append_only(db, sale_id):
    await screens.write(db.sessions, [screens.PendingScreen(sale_id, utcnow(), "connect", "display", "srv-a", 41, 1)])
    for statement in (update(ScreenConnection).values(role="viewer"),
                      update(ScreenConnection).values(at=utcnow() - timedelta(seconds=5)),
                      delete(ScreenConnection)):
        with pytest.raises((DBAPIError, IntegrityError)):
            async with db.sessions() as session, session.begin():
                await session.execute(statement.where(ScreenConnection.sale_id == sale_id))
    assert await _rows(db, sale_id) == 1
    with pytest.raises((DBAPIError, IntegrityError)):        # a kind the record does not know
        await screens.write(db.sessions, [screens.PendingScreen(sale_id, utcnow(), "moved", "display", "s", 1, 1)])


def _connect(sale_id, at, number, role="viewer", *, host="srv-a", pid=41, **named):
    return screens.PendingScreen(sale_id, at, domain.CONNECT, role, host, pid, number, **named)


async def test_at_start_the_connections_of_this_hosts_stopped_processes_are_closed(db, sale_id, clerk_id):
    t0 = utcnow() - timedelta(hours=1)
    dead, sibling, me = 71, 72, 73
    rows = [_connect(sale_id, t0, 1, "clerk_tablet", pid=dead, user_id=clerk_id),
            _connect(sale_id, t0, 2, pid=dead),
            _connect(sale_id, t0, 3, pid=dead),
            screens.PendingScreen(sale_id, t0 + timedelta(seconds=5), domain.DISCONNECT, "viewer", "srv-a", dead, 3),
            _connect(sale_id, t0, 1, pid=sibling),                # a pid still running here: a sibling worker
            _connect(sale_id, t0, 1, "display", pid=me),          # this pid's earlier life (a container's pid)
            _connect(sale_id, t0, 1, pid=dead, host="srv-b")]     # another host's: it may still run
    await screens.write(db.sessions, rows)
    start = utcnow()
    closed = await screens.close_stopped(db.sessions, start, host="srv-a", pid=me, alive=lambda pid: pid == sibling)
    assert closed == 3
    events = await screens.load(db.sessions, sale_id)
    restarts = [e for e in events if e.kind == domain.RESTART]
    assert sorted((e.pid, e.connection, e.role, e.user_id, e.at) for e in restarts) == [
        (dead, 1, "clerk_tablet", clerk_id, start), (dead, 2, "viewer", None, start), (me, 1, "display", None, start)]
    assert {e.host for e in restarts} == {"srv-a"}
    by_key = {(v.host, v.pid, v.role): v for v in domain.visits(events)}
    assert not by_key[("srv-a", dead, "clerk_tablet")].end_known
    assert by_key[("srv-a", dead, "clerk_tablet")].disconnected_at == start
    assert by_key[("srv-a", sibling, "viewer")].disconnected_at is None    # left as it was
    assert by_key[("srv-b", dead, "viewer")].disconnected_at is None
    # Started again, nothing more to close; a connection opened since under a reused number is its own.
    assert await screens.close_stopped(db.sessions, start + timedelta(seconds=1), host="srv-a", pid=me,
                                       alive=lambda pid: pid == sibling) == 0
    await screens.write(db.sessions, [_connect(sale_id, start + timedelta(seconds=2), 1, pid=me)])
    later = start + timedelta(seconds=30)
    assert await screens.close_stopped(db.sessions, later, host="srv-a", pid=me, alive=lambda pid: False) == 2
    events = await screens.load(db.sessions, sale_id)
    assert sorted((e.pid, e.connection, e.at) for e in events if e.kind == domain.RESTART and e.at == later) == [
        (sibling, 1, later), (me, 1, later)]


def test_a_pid_is_running_while_its_process_lives():
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert screens.running(os.getpid()) and not screens.running(int(gone.stdout))
