"""The room's appends in one statement on PostgreSQL (auction.services.appends), on a database of
its own (committed, as a server owns it): stored and chained as through a session, the sale's status
set, the other processes notified on commit; a step taken by another process or a lost connection
answered as the session path answers them."""
import asyncio

import asyncpg
import orjson
import pytest
from sqlalchemy import select

from auction.domain.room import BidTooLow
from auction.models import Sale, SaleEvent
from auction.services import room as room_service
from auction.services import room_loaders
from auction.services.appends import Appends
from auction.services.relay_notices import CHANNEL, decode, listener_dsn

from .owned_database import opened, owned_sale, run


@pytest.fixture
async def owned(backend, database_factory, tmp_path):
    """(Database, sale id, clerk) on a migrated PostgreSQL database of this test's own."""
    if backend != "postgresql":
        pytest.skip("one-statement appends are PostgreSQL's")
    async with owned_sale(database_factory, tmp_path) as owned:
        yield owned


async def test_an_append_is_stored_chained_and_notified_in_one_statement(owned):
    db, sale_id, clerk = owned
    dsn = listener_dsn(db.engine.url)
    appends = Appends(dsn)
    heard: list[str] = []
    listener = await asyncpg.connect(dsn)
    await listener.add_listener(CHANNEL, lambda *args: heard.append(args[-1]))
    try:
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
        assert [room_loaders.to_event(r) for r in rows] == room.events    # as the room applied them
        restarted = await room_service.open_room(db.sessions, sale_id)
        assert restarted.state == room.state

        for _ in range(100):
            if len(heard) == 3:
                break
            await asyncio.sleep(0.01)
        notices = [decode(payload) for payload in heard]
        assert [n.event for n in notices] == room.events
        assert [n.command_id for n in notices][2] == "bid-000001"
        assert orjson.loads(heard[2])["cmd"] == "bid-000001"
    finally:
        await listener.close()
        await appends.close()


async def test_a_step_another_process_took_is_refused_as_through_a_session(owned):
    db, sale_id, clerk = owned
    appends_here, appends_there = Appends(listener_dsn(db.engine.url)), Appends(listener_dsn(db.engine.url))
    try:
        here = await opened(db, sale_id, appends_here.append)
        lot_id = next(iter(here.setup.lots))
        await run(db, here, clerk, "open_sale")
        await run(db, here, clerk, "open_lot", lot_id=lot_id)
        there = await opened(db, sale_id, appends_there.append)      # as it is now: seq 2
        amount = here.setup.lots[lot_id].opening_bid_cents
        await run(db, here, clerk, "bid", paddle=1, amount_cents=amount)
        # `there` has not heard of the bid: its append of the same step conflicts, it reads the log,
        # and the bid is refused from the fresh state (the amount is taken).
        with pytest.raises(BidTooLow):
            await run(db, there, clerk, "bid", paddle=2, amount_cents=amount)
        assert there.state == here.state and there.state.seq == 3
        count, broken = await room_loaders.verify_log(db.sessions, sale_id)
        assert (count, broken) == (3, None)
    finally:
        await appends_here.close()
        await appends_there.close()


async def test_a_lost_connection_falls_back_to_a_session_and_stores_each_event_once(owned):
    db, sale_id, clerk = owned
    appends = Appends(listener_dsn(db.engine.url))
    try:
        room = await opened(db, sale_id, appends.append)
        await run(db, room, clerk, "open_sale")
        # The database ends the appends' connection (a restart, an administrator), and cannot be
        # reached by it for a while: the session path appends.
        killer = await asyncpg.connect(listener_dsn(db.engine.url))
        await killer.execute("SELECT pg_terminate_backend($1)", appends.connection.get_server_pid())
        await killer.close()
        dsn, appends.dsn = appends.dsn, "postgresql://criee:criee@127.0.0.1:1/nowhere"
        lot_id = next(iter(room.setup.lots))
        outcome = await run(db, room, clerk, "open_lot", lot_id=lot_id)
        assert outcome.event.seq == 2 and not outcome.duplicate and appends.fallbacks == 1
        appends.dsn = dsn
        await run(db, room, clerk, "bid", paddle=1, amount_cents=room.setup.lots[lot_id].opening_bid_cents)
        assert appends.fallbacks == 1 and not appends.connection.is_closed()     # connected again

        # An append that was committed though its answer was lost: the session path finds it stored.
        async def committed_but_unanswered(events, command_id, status):
            await appends.append(events, command_id, status)
            return False
        room.append = committed_but_unanswered
        outcome = await run(db, room, clerk, "bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
        assert outcome.event.seq == 4 and room.state.seq == 4 and room.state.current_bid.paddle == 2
        count, broken = await room_loaders.verify_log(db.sessions, sale_id)
        assert (count, broken) == (4, None)
    finally:
        await appends.close()
