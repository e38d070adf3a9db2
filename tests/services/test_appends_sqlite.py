"""The room's appends on SQLite in one hop to a thread of their own (auction.services.appends_sqlite),
on a database file of their own (committed, as a server owns it): stored and chained as through a
session, the sale's status set; a step already stored refused as the session path refuses it; a
failure falls back to the session path, and an append never waits for a reader."""
import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from auction.domain.room import BidTooLow
from auction.models import Sale, SaleEvent
from auction.services import room as room_service
from auction.services import room_loaders
from auction.services.appends_sqlite import SqliteAppends, file_url

from .owned_database import opened, owned_sale, run


@pytest.fixture
async def owned(backend, database_factory, tmp_path):
    """(Database, sale id, clerk) on a migrated SQLite database file of this test's own."""
    if backend != "sqlite":
        pytest.skip("the threaded appends are SQLite's")
    async with owned_sale(database_factory, tmp_path) as owned:
        yield owned


@pytest.fixture
async def appends(owned):
    """The appends' own connection to the test's database file, closed after the test."""
    appends = SqliteAppends(file_url(owned[0].engine.url))
    yield appends
    await appends.close()


def test_only_a_database_file_gets_its_own_connection():
    assert file_url(make_url("sqlite+aiosqlite:////var/lib/criee/criee.sqlite3")).drivername == "sqlite"
    assert file_url(make_url("sqlite+aiosqlite://")) is None
    assert file_url(make_url("sqlite+aiosqlite:///:memory:")) is None
    assert file_url(make_url("postgresql+asyncpg://criee@localhost/criee")) is None


async def test_an_append_is_stored_and_chained_as_through_a_session(owned, appends):
    db, sale_id, clerk = owned
    room = await opened(db, sale_id, appends.append)
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    first = await run(db, room, clerk, "bid", command_id="bid-000001", paddle=1,
                      amount_cents=room.setup.lots[lot_id].opening_bid_cents)
    again = await run(db, room, clerk, "bid", command_id="bid-000001", paddle=1,
                      amount_cents=room.setup.lots[lot_id].opening_bid_cents)
    assert again.duplicate and again.event == first.event
    assert appends.fallbacks == 0

    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert (count, broken) == (3, None)
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "live"      # set by open_sale's append
        rows = (await session.scalars(select(SaleEvent).order_by(SaleEvent.seq))).all()
    assert [(r.kind, r.command_id) for r in rows][2] == ("bid", "bid-000001")
    # as the room applied them: the same timestamps (UTC, to the microsecond), payloads and hashes
    assert [room_loaders.to_event(r) for r in rows] == room.events
    restarted = await room_service.open_room(db.sessions, sale_id)
    assert restarted.state == room.state


async def test_a_step_already_stored_is_refused_as_through_a_session(owned, appends):
    db, sale_id, clerk = owned
    here = await opened(db, sale_id, appends.append)
    lot_id = next(iter(here.setup.lots))
    await run(db, here, clerk, "open_sale")
    await run(db, here, clerk, "open_lot", lot_id=lot_id)
    stale = await opened(db, sale_id, appends.append)      # as it is now: seq 2
    amount = here.setup.lots[lot_id].opening_bid_cents
    await run(db, here, clerk, "bid", paddle=1, amount_cents=amount)
    # `stale` has not seen the bid: its append of the same step meets the (sale, seq) constraint,
    # it reads the log, and the bid is refused from the fresh state (the amount is taken).
    with pytest.raises(BidTooLow):
        await run(db, stale, clerk, "bid", paddle=2, amount_cents=amount)
    assert stale.state == here.state and stale.state.seq == 3
    assert appends.fallbacks == 0
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert (count, broken) == (3, None)


async def test_a_failed_append_falls_back_to_a_session_and_stores_each_event_once(owned, appends, monkeypatch):
    db, sale_id, clerk = owned
    room = await opened(db, sale_id, appends.append)
    await run(db, room, clerk, "open_sale")
    # Another writer holds the database longer than the appends wait for it: the append is
    # rolled back and the session path (which waits longer) stores the event once the lock goes.
    monkeypatch.setattr("auction.services.appends_sqlite.BUSY_TIMEOUT_MS", 50)
    await asyncio.get_running_loop().run_in_executor(appends.executor, appends._drop)   # reconnects so
    async with db.engine.connect() as blocker:
        await blocker.execute(text("UPDATE sales SET status = status WHERE id = :id"), {"id": sale_id})
        lot_id = next(iter(room.setup.lots))
        opening = asyncio.create_task(run(db, room, clerk, "open_lot", lot_id=lot_id))

        async def fallen_back():
            while appends.fallbacks == 0:
                await asyncio.sleep(0.01)
        await asyncio.wait_for(fallen_back(), 10)
        assert not opening.done()       # the session path waits for the lock
        await blocker.rollback()
    outcome = await opening
    assert outcome.event.seq == 2 and not outcome.duplicate and appends.fallbacks == 1
    await run(db, room, clerk, "bid", paddle=1, amount_cents=room.setup.lots[lot_id].opening_bid_cents)
    assert appends.fallbacks == 1 and appends.connection is not None     # connected again
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert (count, broken) == (3, None)


async def test_an_append_does_not_wait_for_a_reader(owned, appends):
    """WAL: a screen's page reading the database in a long transaction does not hold the clerk."""
    db, sale_id, clerk = owned
    room = await opened(db, sale_id, appends.append)
    async with db.engine.connect() as reader:
        await reader.execute(text("SELECT count(*) FROM sale_events"))     # its snapshot, held
        outcome = await asyncio.wait_for(run(db, room, clerk, "open_sale"), 5)
        await reader.rollback()
    assert outcome.event.seq == 1 and appends.fallbacks == 0
