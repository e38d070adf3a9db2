"""The relay between server processes: notifications in, events applied in order, the log read for the rest.

Two registries over one database stand for two processes; the notifications the first one's appends
would send are handed to the second one's relay by hand, dropped or held back as a flaky network
would. The listening connection itself is exercised against real processes in
tests/reliability/test_processes.py; the notifications' format in tests/services/test_relay_notices.py.
"""
import asyncio
import uuid
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from auction.domain.bidlog import chain
from auction.domain.room import OnlineBidPending
from auction.models import BidRequest, Lot, Registration, utcnow
from auction.services import relay as relay_service
from auction.services import relay_notices
from auction.services import room as room_service
from auction.services.relay import Relay
from auction.services.relay_notices import encode_event
from auction.services.room import RoomRegistry


class Process:
    """A registry and its relay, as in one server process; `sent` holds what its appends notify."""

    def __init__(self, db):
        self.db = db
        self.registry = RoomRegistry(db.sessions)
        self.relay = Relay(db.engine.url, self.registry)
        self.sent: list[str] = []
        self.seen: list[int] = []                 # seqs broadcast to this process's screens, in order

    async def room(self, sale_id: int) -> room_service.Room:
        room = await self.registry.get(sale_id)
        if room.publish is relay_notices.publish:
            async def publish(session, event, command_id):
                if self.db.dialect == "postgresql":     # the real pg_notify, in the transaction
                    await relay_notices.publish(session, event, command_id)
                self.sent.append(encode_event(event, command_id))
            room.publish = publish
            room.listeners.append(lambda event: self.seen.append(event.seq))
        return room

    def hear(self, payload: str) -> None:
        self.relay._on_notification(None, 0, relay_notices.CHANNEL, payload)

    async def settle(self) -> None:
        for _ in range(50):
            await asyncio.sleep(0)
        await asyncio.gather(*list(self.relay._tasks))


async def run(db, room, actor, name, **args):
    return await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, actor, utcnow())


async def bid(db, room, actor):
    leader = room.state.current_bid.paddle if room.state.current_bid else None
    return await run(db, room, actor, "bid", paddle=2 if leader == 1 else 1,
                     amount_cents=room.state.next_minimum(room.setup))


@pytest.fixture
async def two(db, sale_id, clerk):
    """Process `here` opened the sale and a lot; `there` has the room loaded and heard all of it."""
    here, there = Process(db), Process(db)
    room = await here.room(sale_id)
    await there.room(sale_id)
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=next(iter(room.setup.lots)))
    for payload in here.sent:
        there.hear(payload)
    await there.settle()
    return here, there


async def test_notified_events_are_applied_at_once_in_order(db, sale_id, clerk, two):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    for _ in range(5):
        await bid(db, room_here, clerk)
        there.hear(here.sent[-1])
        assert room_there.state == room_here.state          # in the callback, no task needed
    assert there.seen == list(range(1, room_here.state.seq + 1))
    assert room_there.command_ids == room_here.command_ids  # a retried command is known there too
    for payload in here.sent:                                # heard twice: nothing happens
        there.hear(payload)
    await there.settle()
    assert there.seen == list(range(1, room_here.state.seq + 1))


async def test_a_missed_notification_is_read_from_the_log(db, sale_id, clerk, two, caplog):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    await bid(db, room_here, clerk)                          # this one is lost
    await bid(db, room_here, clerk)
    await bid(db, room_here, clerk)
    there.hear(here.sent[-2])
    there.hear(here.sent[-1])
    assert room_there.state.seq == room_here.state.seq - 3   # nothing applied out of order
    await there.settle()
    assert room_there.state == room_here.state
    assert there.seen == list(range(1, room_here.state.seq + 1))
    assert "caught up from the log" in caplog.text
    assert not there.relay.pending


async def test_an_event_notified_by_number_is_read_from_the_log(db, sale_id, clerk, two):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    outcome = await run(db, room_here, clerk, "pause", reason="Incident de séance")
    there.hear(orjson.dumps({"sale": sale_id, "seq": outcome.event.seq}).decode())
    await there.settle()
    assert room_there.state == room_here.state and room_there.events[-1] == outcome.event


async def test_events_heard_during_a_command_wait_for_it(db, sale_id, clerk, two):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    async with room_there.lock:                              # `there` is deciding a command
        await bid(db, room_here, clerk)
        there.hear(here.sent[-1])
        await asyncio.sleep(0.01)
        assert room_there.state.seq == room_here.state.seq - 1
        assert room_there.known_seq == room_here.state.seq
    await there.settle()
    assert room_there.state == room_here.state


async def test_a_command_is_decided_on_what_the_other_process_appended(db, sale_id, clerk, two):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    await bid(db, room_here, clerk)
    async with room_there.lock:                              # heard, not yet applied
        there.hear(here.sent[-1])
    # Decided on the fresh state (no concurrent_update); 3 never bid here, so only the amount matters.
    outcome = await run(db, room_there, clerk, "bid", paddle=3, amount_cents=room_here.state.next_minimum(room_here.setup))
    assert outcome.event.seq == room_here.state.seq + 1
    await there.settle()
    assert there.seen == list(range(1, room_there.state.seq + 1))


async def test_a_room_loaded_after_its_events_were_heard_catches_up(db, sale_id, clerk, two):
    here, _ = two
    room_here = await here.room(sale_id)
    late = Process(db)
    await bid(db, room_here, clerk)
    late.hear(here.sent[-1])                                 # not loaded yet: only remembered
    assert late.relay.heard[sale_id] == room_here.state.seq and not late.registry.rooms
    room_late = await late.room(sale_id)                     # loads the log as it is now
    assert room_late.state == room_here.state and room_late.known_seq == room_here.state.seq


async def test_settings_changes_reach_the_other_processes(db, sale_id, two):
    here, there = two
    reloaded: list[tuple[str, int]] = []
    for name, process in (("here", here), ("there", there)):
        async def reload(sale, announce=True, name=name):
            reloaded.append((name, sale))
        process.registry.reload_setup = reload
    notice = orjson.dumps({"sale": sale_id, "setup": here.relay.origin}).decode()
    here.hear(notice)                                        # our own notice: already reloaded
    there.hear(notice)
    await here.settle()
    await there.settle()
    assert reloaded == [("there", sale_id)]


async def test_the_absentee_orders_answers_reach_the_other_process(db, sale_id, clerk):
    """An order answers in the transaction of the event that triggers it: each of its bids is notified
    too, so the other process applies them in order without a gap to read from the log."""
    async with db.sessions() as session, session.begin():
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position).limit(1))
        registration_id = await session.scalar(select(Registration.id).where(
            Registration.sale_id == sale_id, Registration.paddle_number == 3))
        session.add(BidRequest(registration_id=registration_id, lot_id=lot_id, kind="absentee",
                               max_amount_cents=100_000_00, received_at=utcnow() - timedelta(days=1)))
    here, there = Process(db), Process(db)
    room_here = await here.room(sale_id)
    room_there = await there.room(sale_id)
    await run(db, room_here, clerk, "open_sale")
    await run(db, room_here, clerk, "open_lot", lot_id=lot_id)
    assert room_here.events[-1].kind == "bid" and room_here.events[-1].payload["source"] == "absentee"
    await run(db, room_here, clerk, "bid", paddle=1, amount_cents=room_here.state.next_minimum(room_here.setup))
    assert room_here.state.current_bid.paddle == 3                 # the order answered the room bid
    assert len(here.sent) == room_here.state.seq                   # one notification per event
    for payload in here.sent:
        there.hear(payload)
    await there.settle()
    assert room_there.state == room_here.state
    assert there.seen == list(range(1, room_here.state.seq + 1))


def hold_notice(sale_id: int, command_id: str, lot_id: int, origin: str, held: bool = True) -> str:
    """What a relay notifies when an online bid arrives (held) or is decided."""
    return orjson.dumps({"sale": sale_id, "hold": command_id, "lot": lot_id, "held": held, "from": origin}).decode()


async def hammer_ready(db, room, actor) -> None:
    """The lot on the block (see `two`) gets a bid and its three calls."""
    await bid(db, room, actor)
    for _ in range(3):
        await run(db, room, actor, "call")


async def test_an_online_bid_received_by_another_process_holds_the_hammer_until_decided(db, sale_id, clerk, two):
    here, there = two
    room_here, room_there = await here.room(sale_id), await there.room(sale_id)
    announced: list[str] = []
    there.relay._outgoing.put_nowait = announced.append        # what `there` would notify, handed over by hand
    try:
        await hammer_ready(db, room_here, clerk)
        lot_id = room_here.state.lot_id
        room_there.announce_hold(lot_id, "cmd-online-1", True)   # received over there, being decided
        here.hear(announced[0])
        with pytest.raises(OnlineBidPending):
            await run(db, room_here, clerk, "hammer")
        assert room_here.state.lot_id == lot_id and room_here.events[-1].kind == "call"   # nothing appended
        room_there.announce_hold(lot_id, "cmd-online-1", False)  # decided (refused, say)
        here.hear(announced[1])
        await run(db, room_here, clerk, "hammer")
        assert room_here.events[-1].kind == "hammer"
    finally:
        await there.relay.close()


async def test_a_bid_notified_as_appended_ends_its_hold(db, sale_id, clerk, two):
    here, there = two
    room_here = await here.room(sale_id)
    await hammer_ready(db, room_here, clerk)
    lot_id = room_here.state.lot_id
    here.hear(hold_notice(sale_id, "cmd-online-2", lot_id, there.relay.origin))
    assert room_here.online_bid_undecided(lot_id)
    event = chain(sale_id, room_here.state.seq + 1, "bid",
                  {"lot_id": lot_id, "paddle": 501, "amount_cents": room_here.state.next_minimum(room_here.setup),
                   "source": "online"}, utcnow(), None, room_here.state.last_hash)
    here.hear(encode_event(event, "cmd-online-2"))
    assert not room_here.online_bid_undecided(lot_id)


async def test_a_hold_from_a_process_that_died_lapses(db, sale_id, clerk, two, monkeypatch):
    here, there = two
    room_here = await here.room(sale_id)
    await hammer_ready(db, room_here, clerk)
    clock = [1000.0]
    monkeypatch.setattr(relay_service.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(room_service.time, "monotonic", lambda: clock[0])
    here.hear(hold_notice(sale_id, "cmd-online-3", room_here.state.lot_id, there.relay.origin))
    with pytest.raises(OnlineBidPending):
        await run(db, room_here, clerk, "hammer")
    clock[0] += relay_service.HOLD_SECONDS + 0.1             # no decision ever came
    await run(db, room_here, clerk, "hammer")
    assert room_here.events[-1].kind == "hammer" and room_here.remote_holds == {}


async def test_a_process_ignores_its_own_holds_and_unreadable_ones(db, sale_id, clerk, two):
    here, _ = two
    room_here = await here.room(sale_id)
    await hammer_ready(db, room_here, clerk)
    lot_id = room_here.state.lot_id
    here.hear(hold_notice(sale_id, "cmd-mine", lot_id, here.relay.origin))
    here.hear(orjson.dumps({"sale": sale_id, "hold": 12, "lot": "x", "held": True, "from": "z"}).decode())
    assert room_here.remote_holds == {}
    await run(db, room_here, clerk, "hammer")


async def test_holds_are_notified_in_order_through_postgresql(db, sale_id, clerk):
    """The real channel: what one relay announces, a listening relay hears, hold then release."""
    if db.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    here = Process(db)
    # A second relay, announcing (its registry's sessions are not used for that).
    there = Relay(db.engine.url, RoomRegistry(async_sessionmaker(db.engine)))
    await here.relay.start()
    await there.start()                                      # notices go out on its listening connection
    try:
        room_here = await here.room(sale_id)
        await run(db, room_here, clerk, "open_sale")
        await run(db, room_here, clerk, "open_lot", lot_id=next(iter(room_here.setup.lots)))
        await hammer_ready(db, room_here, clerk)
        lot_id = room_here.state.lot_id
        there.announce_hold(sale_id, lot_id, "cmd-online-4", True)
        for _ in range(300):
            if room_here.remote_holds:
                break
            await asyncio.sleep(0.01)
        assert set(room_here.remote_holds) == {"cmd-online-4"}
        with pytest.raises(OnlineBidPending):
            await run(db, room_here, clerk, "hammer")
        there.announce_hold(sale_id, lot_id, "cmd-online-4", False)
        for _ in range(300):
            if not room_here.remote_holds:
                break
            await asyncio.sleep(0.01)
        assert room_here.remote_holds == {}
        await run(db, room_here, clerk, "hammer")
    finally:
        await here.relay.close()
        await there.close()


async def test_online_bidders_connected_to_the_other_processes_add_up(two, monkeypatch):
    here, _ = two
    clock = [500.0]
    monkeypatch.setattr(relay_service.time, "monotonic", lambda: clock[0])
    changed: list[int] = []
    here.relay.presence_changed.append(changed.append)
    sale = 7

    def presence(origin: str, count) -> str:
        return orjson.dumps({"sale": sale, "presence": count, "from": origin}).decode()

    here.hear(presence("b", 3))
    here.hear(presence("c", 2))
    here.hear(presence("c", 2))                               # a refresh: nothing changed
    here.hear(presence(here.relay.origin, 9))                 # our own count: counted by the web layer
    here.hear(presence("d", -1))                              # unreadable: ignored
    here.hear(presence("d", True))
    assert here.relay.online_elsewhere(sale) == 5 and changed == [sale, sale]
    here.hear(presence("b", 0))                               # everyone left process b
    assert here.relay.online_elsewhere(sale) == 2 and changed == [sale] * 3
    clock[0] += relay_service.PRESENCE_TTL + 1                # process c stopped announcing: it died
    assert here.relay.online_elsewhere(sale) == 0
    await asyncio.sleep(0)
    assert changed == [sale] * 4                              # every tablet is told, not only the asker
    assert here.relay.online_elsewhere(12345) == 0


async def test_a_process_announces_its_online_bidders_and_refreshes_them(db, two, monkeypatch):
    here, _ = two
    monkeypatch.setattr(relay_service, "PRESENCE_REFRESH", 0.01)
    sent: list[dict] = []
    here.relay._outgoing.put_nowait = lambda payload: payload is not None and sent.append(orjson.loads(payload))
    try:
        here.relay.announce_presence(7, 2)
        await asyncio.sleep(0.05)
        assert {k: v for k, v in sent[0].items() if k != "n"} == {"sale": 7, "presence": 2, "from": here.relay.origin}
        assert len(sent) > 1 and all(notice["presence"] == 2 for notice in sent)     # refreshed while it lasts
        assert [notice["n"] for notice in sent] == sorted({notice["n"] for notice in sent})   # none alike
        here.relay.announce_presence(7, 0)
        count = len(sent)
        await asyncio.sleep(0.05)
        assert sent[count - 1]["presence"] == 0 and len(sent) == count          # a zero is said once
    finally:
        await here.relay.close()
