"""Fan-out of a room's events (auction.web.live) to direct clients, whose frames go straight to
uvicorn's transports (fake ones here): in order, the sender first, a stalled one dropped, the
displays served in slices and held back by commands no longer than PAUSE_LIMIT."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid

import orjson
import pytest

from auction.web.direct_writes import TRANSPORT_EXTENSION
from auction.web.live import BUFFER_LIMIT, CLOSE_LAGGING, Client, Hub, encode

from .live_fixtures import (DirectFakeSocket, FakeProtocol, FakeTransport, StalledSocket, append, bid,
                            counting_slices, new_room, settle)


async def test_direct_clients_get_frames_written_in_order_tablets_first():
    room = new_room()
    hub = Hub(room)
    tablet_socket, display_sockets = DirectFakeSocket(), [DirectFakeSocket() for _ in range(3)]
    tablet = Client(tablet_socket, staff=True)
    displays = [Client(s, staff=False) for s in display_sockets]
    for client in [tablet, *displays]:
        assert client.direct is not None
        hub.join(client, None)
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    assert [m["seq"] for m in tablet_socket.transport.messages()] == [0, 1, 2]   # written at once
    assert display_sockets[0].transport.messages()[1:] == []                  # on the next turn
    tablet.send(encode({"type": "ack", "seq": 2, "command_id": "c" * 8, "event_seq": 2, "duplicate": False}))
    assert tablet_socket.transport.messages()[-1]["type"] == "ack"
    await asyncio.sleep(0)
    for socket in display_sockets:
        messages = socket.transport.messages()
        assert [m["type"] for m in messages] == ["snapshot", "event", "event"]
        assert [m["seq"] for m in messages] == [0, 1, 2]
        assert messages[2]["state"] == hub.snapshot(staff=False)["state"]
        assert "leader" not in messages[2]["state"]
    assert "leader" in tablet_socket.transport.messages()[2]["state"]
    assert all(s.sent == [] for s in [tablet_socket, *display_sockets])        # nothing through ASGI


async def test_a_message_to_one_display_comes_after_the_events_it_is_owed():
    room = new_room()
    hub = Hub(room)
    socket = DirectFakeSocket()
    display = Client(socket, staff=False)
    hub.join(display, None)
    append(room, "open_sale")
    display.send(encode({"type": "pong", "seq": room.state.seq}))   # before the outbox's turn
    assert [(m["type"], m["seq"]) for m in socket.transport.messages()] == [("snapshot", 0), ("event", 1), ("pong", 1)]
    await asyncio.sleep(0)
    assert len(socket.transport.messages()) == 3                    # not twice


async def test_a_direct_client_that_stops_reading_is_dropped_then_cut_off(caplog, monkeypatch):
    monkeypatch.setattr("auction.web.live.LAG_GRACE", 0.05)
    room = new_room()
    hub = Hub(room)
    stalled_socket, healthy_socket = DirectFakeSocket(stalled=True), DirectFakeSocket()
    stalled, healthy = Client(stalled_socket, staff=False), Client(healthy_socket, staff=False)
    for client in (stalled, healthy):
        hub.join(client, None)
    assert stalled.start() is None and stalled.queue is None     # no task nor queue of its own...
    stalled_socket.send_text = StalledSocket().send_text            # its resync cannot go through either
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    with caplog.at_level(logging.WARNING, logger="criee.live"):
        while stalled in hub.clients:
            bid(room)
            await asyncio.sleep(0)
            assert room.state.seq < 10_000
    assert stalled_socket.transport.pending > BUFFER_LIMIT
    assert stalled_socket.transport.pending < BUFFER_LIMIT + 2_000   # nothing more once dropped
    assert "client dropped for lagging" in caplog.text and healthy in hub.clients
    await asyncio.wait_for(stalled.dropping, 2)                       # ...until it lags
    assert stalled_socket.transport.aborted                           # it never took its resync
    assert [m["seq"] for m in healthy_socket.transport.messages()] == list(range(0, room.state.seq + 1))
    assert healthy.dropping is None


async def test_a_dropped_direct_client_that_reads_again_gets_resync_and_1013():
    room = new_room()
    hub = Hub(room)
    socket = DirectFakeSocket(stalled=True)
    client = Client(socket, staff=False)
    hub.join(client, None)
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    while client in hub.clients:
        bid(room)
        await asyncio.sleep(0)
    await asyncio.wait_for(client.dropping, 2)
    assert socket.sent == [{"type": "resync", "reason": "lagging"}] and socket.closed == CLOSE_LAGGING
    assert not socket.transport.aborted


async def test_a_leaving_direct_client_is_skipped_quietly(caplog):
    room = new_room()
    hub = Hub(room)
    socket = DirectFakeSocket()
    client = Client(socket, staff=False)
    hub.join(client, None)
    snapshot = hub.snapshot(staff=False)
    socket.transport.closing = True
    with caplog.at_level(logging.WARNING, logger="criee.live"):
        append(room, "open_sale")
        await asyncio.sleep(0)
    assert socket.transport.messages() == [snapshot] and client in hub.clients   # its handler removes it
    assert "dropped" not in caplog.text


async def test_a_large_fan_out_goes_out_in_slices_each_screen_in_order(monkeypatch):
    monkeypatch.setattr("auction.web.live.FLUSH_SLICE", 3)
    room = new_room()
    hub = Hub(room)
    slices = counting_slices(hub)
    sockets = [DirectFakeSocket() for _ in range(8)]
    for socket in sockets:
        hub.join(Client(socket, staff=False), None)

    def seqs(socket):
        return [m["seq"] for m in socket.transport.messages()[1:]]
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    await slices.get()                                       # a turn of the loop: three screens
    assert sum(seqs(s) == [1] for s in sockets) == 3 and sum(seqs(s) == [] for s in sockets) == 5
    await slices.get()
    assert sum(seqs(s) == [1] for s in sockets) == 6
    # A pong for the last screen: everything it is owed first, that screen alone (an online bidder's
    # ack does not wait for the fan-out to everyone).
    last = next(c for c in hub.clients if c.websocket is sockets[-1])
    others_before = [seqs(s) for s in sockets[:-1]]
    last.send(encode({"type": "pong", "seq": room.state.seq}))
    assert [m["type"] for m in sockets[-1].transport.messages()] == ["snapshot", "event", "event", "pong"]
    assert [seqs(s) for s in sockets[:-1]] == others_before and hub.outbox     # the others: as before
    await settle(lambda: not hub.outbox)
    assert all(seqs(s) == [1, 2] for s in sockets[:-1])
    assert seqs(sockets[-1]) == [1, 2, 2]                    # the pong's seq; no event twice
    assert [m["type"] for m in sockets[-1].transport.messages()] == ["snapshot", "event", "event", "pong"]


async def test_what_arrives_during_a_slice_is_handled_before_the_next_slice(monkeypatch):
    """A command read from a socket while a slice of the fan-out runs (here: a byte that a display's
    write sends on a socket pair the loop watches) is handled before the next slice, not after it:
    the slices are timers, which the loop runs after the I/O it has just read."""
    import socket as socketlib
    monkeypatch.setattr("auction.web.live.FLUSH_SLICE", 1)
    room = new_room()
    hub = Hub(room)
    slices = counting_slices(hub)
    order: list[str] = []
    armed: list[bool] = []
    writer, reader = socketlib.socketpair()
    writer.setblocking(False)
    reader.setblocking(False)
    loop = asyncio.get_running_loop()

    def readable() -> None:
        reader.recv(16)
        order.append("command read")
    loop.add_reader(reader, readable)
    try:
        sockets = [DirectFakeSocket() for _ in range(3)]
        for socket in sockets:
            write = socket.transport.write

            def noted(data: bytes, write=write) -> None:
                write(data)
                order.append("display")
                if armed and order == ["display"]:
                    writer.send(b"x")          # the command, arriving while the first slice runs
            socket.transport.write = noted
            hub.join(Client(socket, staff=False), None)
        order.clear()                          # the snapshots
        armed.append(True)
        append(room, "open_sale")
        for _ in range(3):
            await slices.get()
        assert order == ["display", "command read", "display", "display"]
    finally:
        loop.remove_reader(reader)
        writer.close()
        reader.close()


async def test_a_display_joining_while_the_fan_out_is_pending_gets_each_event_once():
    room = new_room()
    hub = Hub(room)
    early_socket, late_socket = DirectFakeSocket(), DirectFakeSocket()
    hub.join(Client(early_socket, staff=False), None)
    append(room, "open_sale")                                # in the outbox, not yet written
    late = Client(late_socket, staff=False)
    hub.join(late, None)                                     # its snapshot already says seq 1
    late.send(encode({"type": "pong", "seq": room.state.seq}))
    await asyncio.sleep(0)
    assert [(m["type"], m["seq"]) for m in late_socket.transport.messages()] == [("snapshot", 1), ("pong", 1)]
    assert [(m["type"], m["seq"]) for m in early_socket.transport.messages()] == [("snapshot", 0), ("event", 1)]


# --- the sender first: commands answered at the speed of the commit, whatever the audience ----------

class SlowTransport(FakeTransport):
    """A display whose every write takes `cost` seconds of the server's time (a loaded kernel, a
    huge audience), noting in the shared `order` who was written what, in which order."""

    def __init__(self, order: list, name: str, cost: float):
        super().__init__()
        self.order, self.name, self.cost = order, name, cost

    def write(self, data: bytes) -> None:
        if self.cost:
            time.sleep(self.cost)
        super().write(data)
        head = orjson.loads(data[4:] if data[1] == 126 else data[2:])
        self.order.append((self.name, head["type"], head["seq"]))


class SlowSocket(DirectFakeSocket):
    def __init__(self, order: list, name: str, cost: float = 0.0):
        super().__init__()
        self.transport = SlowTransport(order, name, cost)
        self.scope["extensions"][TRANSPORT_EXTENSION] = FakeProtocol(self.transport)


@pytest.fixture
async def demo_room(db, tmp_path):
    from datetime import date

    from sqlalchemy import select

    from auction.models import Sale, User
    from auction.services import room as room_service
    from auction.services.demo import seed_demo
    await seed_demo(db.sessions, tmp_path, date(2026, 11, 22))
    async with db.sessions() as session:
        sale_id = await session.scalar(select(Sale.id))
        clerk = await session.scalar(select(User).where(User.role == "clerk"))
    return await room_service.open_room(db.sessions, sale_id), clerk


async def test_the_sender_has_its_ack_before_the_fan_out_to_slow_displays(db, demo_room, monkeypatch):
    """Commands through the room's handler while 60 displays that take 2 ms each to write to are
    served (120 ms of fan-out per event): the clerk's event and ack come first, and a command sent
    while the fan-out of the previous event is pending is answered before any display is written
    to; every display then gets every event once, in order."""
    from types import SimpleNamespace

    from auction.web.pages.room import _handle
    monkeypatch.setattr("auction.web.live.PAUSE_LIMIT", 30.0)     # the commands here: however slow
    room, clerk = demo_room
    hub = Hub(room)
    order: list[tuple[str, str, int]] = []
    tablet = Client(SlowSocket(order, "tablet"), staff=True)
    displays = [Client(SlowSocket(order, f"display{i}", cost=0.002), staff=False) for i in range(60)]
    for client in [tablet, *displays]:
        hub.join(client, None)
    app = SimpleNamespace(state=SimpleNamespace(db=db))

    async def command(name: str, **args) -> None:
        await _handle(app, room, tablet, clerk, orjson.dumps(
            {"type": "command", "command_id": uuid.uuid4().hex, "name": name, "args": args}).decode(), True)

    order.clear()
    await command("open_sale")
    assert order == [("tablet", "event", 1), ("tablet", "ack", 1)]
    await command("open_lot", lot_id=next(iter(room.setup.lots)))   # the fan-out of event 1 waits
    assert order == [("tablet", "event", 1), ("tablet", "ack", 1), ("tablet", "event", 2), ("tablet", "ack", 2)]
    await settle(lambda: not hub.outbox, timeout=10)
    assert all(name != "tablet" for name, _, _ in order[4:]) and len(order) == 4 + 2 * len(displays)
    for client in displays:
        assert [(m["type"], m["seq"]) for m in client.websocket.transport.messages()] == [
            ("snapshot", 0), ("event", 1), ("event", 2)]


async def test_commands_that_keep_coming_hold_a_display_message_back_no_longer_than_the_limit(
        db, demo_room, monkeypatch):
    """A command being decided holds the displays' fan-out back, PAUSE_LIMIT at most: here one that
    waits for the room's lock for as long as the test likes, while an event another process
    appended (heard through the relay) is for the displays."""
    from auction.domain.room import Actor
    from auction.models import utcnow
    from auction.services import room as room_service
    monkeypatch.setattr("auction.web.live.PAUSE_LIMIT", 0.05)
    room, clerk = demo_room
    hub = Hub(room)
    display = Client(DirectFakeSocket(), staff=False)
    hub.join(display, None)
    async with room.lock:
        waiting = asyncio.create_task(room_service.submit(
            db.sessions, room, uuid.uuid4().hex, "open_sale", {}, Actor(clerk.id, clerk.role_enum), utcnow()))
        await asyncio.sleep(0)
        assert room.commands_in_flight == 1
        started = time.monotonic()
        append(room, "open_sale")                # the other process's event, applied here
        await settle(lambda: len(display.websocket.transport.messages()) == 2, timeout=5)
        assert time.monotonic() - started >= 0.04     # it waited for the command...
        assert room.commands_in_flight == 1           # ...but not until it was answered
        waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert room.commands_in_flight == 0
    assert [m["seq"] for m in display.websocket.transport.messages()] == [0, 1]
