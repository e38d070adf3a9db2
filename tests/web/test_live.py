"""Fan-out of a room's events (auction.web.live) with fake sockets: bounded queues, direct writes, catch-up, snapshots."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import timedelta

import orjson
import pytest

from auction.domain.bidlog import chain
from auction.domain.room import RoomState, decide
from auction.services.room import Room
from auction.web.live import (BUFFER_LIMIT, CATCH_UP_LIMIT, CLOSE_LAGGING, QUEUE_LIMIT, TRANSPORT_EXTENSION, Client,
                              DirectSocket, DirectWrites, Hub, encode, text_frame)

from ..domain.room_fixtures import CLERK, SETUP, T0


class FakeSocket:
    """Records what the server sends."""

    def __init__(self):
        self.sent: list[dict] = []
        self.closed: int | None = None

    async def send_text(self, text: str) -> None:
        self.sent.append(orjson.loads(text))

    async def close(self, code: int = 1000) -> None:
        self.closed = code


class StalledSocket(FakeSocket):
    """A screen that stopped reading: every send blocks until `release` is set."""

    def __init__(self):
        super().__init__()
        self.release = asyncio.Event()
        self.attempts = 0

    async def send_text(self, text: str) -> None:
        self.attempts += 1
        await self.release.wait()
        await super().send_text(text)


def new_room() -> Room:
    return Room(SETUP, RoomState(SETUP.sale_id), {}, [])


def append(room: Room, command: str, **args) -> None:
    """What submit() does once the event is stored: apply it, which broadcasts it."""
    kind, payload = decide(room.state, room.setup, command, args, CLERK)
    event = chain(room.sale_id, room.state.seq + 1, kind, payload, T0 + timedelta(seconds=room.state.seq),
                  CLERK.user_id, room.state.last_hash)
    room._apply(event, uuid.uuid4().hex)


def bid(room: Room) -> None:
    leader = room.state.current_bid.paddle if room.state.current_bid else None
    append(room, "bid", paddle=2 if leader == 1 else 1, amount_cents=room.state.next_minimum(room.setup))


async def settle(predicate, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.001)


async def stop(client: Client, task: asyncio.Task) -> None:
    if not task.done():
        client.queue.put_nowait(None) if not client.queue.full() else task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_stalled_client_is_dropped_and_never_holds_up_the_others(caplog):
    room = new_room()
    hub = Hub(room)
    stalled_socket, healthy_socket = StalledSocket(), FakeSocket()
    stalled, healthy = Client(stalled_socket, staff=False), Client(healthy_socket, staff=False)
    for client in (stalled, healthy):
        hub.join(client, None)
    tasks = [asyncio.create_task(stalled.run()), asyncio.create_task(healthy.run())]
    await settle(lambda: stalled_socket.attempts == 1)   # blocked on its snapshot from now on

    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    dropped_at = None
    assert not asyncio.iscoroutinefunction(hub.broadcast)   # it cannot wait for a socket
    with caplog.at_level(logging.WARNING, logger="criee.live"):
        for _ in range(QUEUE_LIMIT + 100):
            bid(room)                                       # appends and broadcasts
            await asyncio.sleep(0)                          # the displays' turn; events come one by one
            if dropped_at is None and stalled not in hub.clients:
                dropped_at = room.state.seq
    # The stalled socket holds one message; its queue takes QUEUE_LIMIT more; the next one drops it.
    assert dropped_at == QUEUE_LIMIT + 1
    assert stalled.lagging and stalled not in hub.clients and healthy in hub.clients
    assert "client dropped for lagging" in caplog.text

    await settle(lambda: len(healthy_socket.sent) == 1 + room.state.seq)
    assert healthy_socket.sent[0]["type"] == "snapshot"
    assert [m["seq"] for m in healthy_socket.sent[1:]] == list(range(1, room.state.seq + 1))
    assert stalled_socket.sent == [] and stalled_socket.attempts == 1

    # Once the stalled send goes through, the client is told to resync and closed; the backlog is dropped.
    stalled_socket.release.set()
    await asyncio.wait_for(tasks[0], 2)
    assert [m["type"] for m in stalled_socket.sent] == ["snapshot", "resync"]
    assert stalled_socket.sent[1] == {"type": "resync", "reason": "lagging"}
    assert stalled_socket.closed == CLOSE_LAGGING
    await stop(healthy, tasks[1])


async def test_many_stalled_clients_cost_the_room_nothing():
    room = new_room()
    hub = Hub(room)
    stalled = [Client(StalledSocket(), staff=i % 2 == 0) for i in range(50)]
    healthy_socket = FakeSocket()
    healthy = Client(healthy_socket, staff=True)
    for client in [*stalled, healthy]:
        hub.join(client, None)
    tasks = [asyncio.create_task(c.run()) for c in [*stalled, healthy]]
    await asyncio.sleep(0)
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    started = time.perf_counter()
    for _ in range(2 * QUEUE_LIMIT):
        bid(room)
        await asyncio.sleep(0)
    elapsed = time.perf_counter() - started
    assert hub.clients == {healthy}
    await settle(lambda: len(healthy_socket.sent) == 1 + room.state.seq)
    assert [m["seq"] for m in healthy_socket.sent[1:]] == list(range(1, room.state.seq + 1))
    assert elapsed < 5   # generous: ~500 events to 51 clients is milliseconds of work
    for client, task in zip(stalled, tasks):
        client.websocket.release.set()
    await asyncio.wait_for(asyncio.gather(*tasks[:-1]), 5)
    assert all(c.websocket.closed == CLOSE_LAGGING for c in stalled)
    await stop(healthy, tasks[-1])


class RecordingSocket(FakeSocket):
    """Notes, across all sockets, who was sent what in which order."""

    def __init__(self, order: list, name: str):
        super().__init__()
        self.order, self.name = order, name

    async def send_text(self, text: str) -> None:
        await super().send_text(text)
        self.order.append((self.name, self.sent[-1]["type"]))


async def test_the_tablet_gets_its_event_and_ack_before_the_fan_out_to_the_displays():
    room = new_room()
    hub = Hub(room)
    order: list[tuple[str, str]] = []
    displays = [Client(RecordingSocket(order, f"display{i}"), staff=False) for i in range(30)]
    tablet = Client(RecordingSocket(order, "tablet"), staff=True)
    clients = [*displays, tablet]
    for client in clients:
        hub.join(client, None)
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await settle(lambda: len(order) == len(clients))     # the snapshots
    order.clear()
    append(room, "open_sale")
    tablet.send(encode({"type": "ack", "seq": 1, "command_id": "c" * 8, "event_seq": 1, "duplicate": False}))
    await settle(lambda: len(order) == len(clients) + 1)
    assert order[:2] == [("tablet", "event"), ("tablet", "ack")]
    for client, task in zip(clients, tasks):
        await stop(client, task)


def queued(client: Client) -> list[dict]:
    messages = []
    while not client.queue.empty():
        messages.append(orjson.loads(client.queue.get_nowait()))
    return messages


@pytest.fixture
def busy_room() -> tuple[Room, Hub]:
    room = new_room()
    hub = Hub(room)
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    for _ in range(CATCH_UP_LIMIT + 20):
        bid(room)
    return room, hub


@pytest.mark.parametrize("behind", [1, 7, CATCH_UP_LIMIT])
def test_a_returning_client_gets_the_missed_events_then_synced(busy_room, behind):
    room, hub = busy_room
    client = Client(FakeSocket(), staff=False)
    seq = room.state.seq
    hub.join(client, seq - behind)
    messages = queued(client)
    assert [m["type"] for m in messages] == ["event"] * behind + ["synced"]
    assert [m["seq"] for m in messages[:-1]] == list(range(seq - behind + 1, seq + 1))
    assert all(m["state"] is None and m["event"]["seq"] == m["seq"] for m in messages[:-1])
    assert messages[-1]["seq"] == seq
    assert messages[-1]["state"] == hub.snapshot(staff=False)["state"]
    assert client in hub.clients


@pytest.mark.parametrize("last_seq", [None, 0, -3, "far", "ahead"])
def test_a_new_far_behind_or_confused_client_gets_a_snapshot(busy_room, last_seq):
    room, hub = busy_room
    seq = room.state.seq
    last_seq = {"far": seq - CATCH_UP_LIMIT - 1, "ahead": seq + 1}.get(last_seq, last_seq)
    client = Client(FakeSocket(), staff=True)
    hub.join(client, last_seq)
    messages = queued(client)
    assert [m["type"] for m in messages] == ["snapshot"]
    assert messages[0]["seq"] == seq and messages[0]["state"]["bid_count"] == CATCH_UP_LIMIT + 20


def test_an_up_to_date_client_gets_synced_only(busy_room):
    room, hub = busy_room
    client = Client(FakeSocket(), staff=False)
    hub.join(client, room.state.seq)
    assert [m["type"] for m in queued(client)] == ["synced"]


def test_joining_then_an_event_continues_the_sequence(busy_room):
    room, hub = busy_room
    client = Client(FakeSocket(), staff=False)
    hub.join(client, room.state.seq - 3)
    bid(room)
    messages = queued(client)
    assert [m["type"] for m in messages] == ["event", "event", "event", "synced", "event"]
    assert [m["seq"] for m in messages] == [room.state.seq - 3, room.state.seq - 2, room.state.seq - 1,
                                            room.state.seq - 1, room.state.seq]
    assert messages[-1]["state"]["bid_count"] == len(room.state.bids)


def test_public_screens_never_see_staff_details(busy_room):
    room, hub = busy_room
    public, staff = Client(FakeSocket(), staff=False), Client(FakeSocket(), staff=True)
    hub.join(public, room.state.seq)
    hub.join(staff, room.state.seq)
    for _ in range(3):
        append(room, "call")
    append(room, "hammer")
    public_hammer, staff_hammer = queued(public)[-1], queued(staff)[-1]
    assert staff_hammer["event"]["payload"]["registration_id"]
    assert "registration_id" not in public_hammer["event"]["payload"]
    assert "leader" not in public_hammer["state"] and "bids" not in public_hammer["state"]
    assert public_hammer["state"] == hub.snapshot(staff=False)["state"]


# --- direct writes to uvicorn's transports ---------------------------------------------------------

class FakeTransport:
    """What the fan-out uses of an asyncio transport; `stalled` keeps everything in the buffer."""

    def __init__(self, stalled: bool = False):
        self.stalled = stalled
        self.written = bytearray()
        self.pending = 0
        self.closing = self.aborted = False

    def write(self, data: bytes) -> None:
        if self.stalled:
            self.pending += len(data)
        else:
            self.written += data

    def get_write_buffer_size(self) -> int:
        return self.pending

    def is_closing(self) -> bool:
        return self.closing

    def abort(self) -> None:
        self.aborted = self.closing = True

    def messages(self) -> list[dict]:
        """Decode the text frames written so far."""
        messages, data = [], bytes(self.written)
        while data:
            assert data[0] == 0x81, data[:2]      # FIN, text, unmasked, uncompressed
            size, start = data[1], 2
            if size == 126:
                size, start = int.from_bytes(data[2:4], "big"), 4
            elif size == 127:
                size, start = int.from_bytes(data[2:10], "big"), 10
            messages.append(orjson.loads(data[start:start + size]))
            data = data[start + size:]
        return messages


class FakeProtocol:
    def __init__(self, transport: FakeTransport):
        self.transport = transport
        self.handshake_complete, self.close_sent, self.disconnected = True, False, False


class DirectFakeSocket(FakeSocket):
    """A websocket accepted by uvicorn: its protocol object is in the scope, as DirectWrites puts it."""

    def __init__(self, stalled: bool = False):
        super().__init__()
        self.transport = FakeTransport(stalled)
        self.scope = {"type": "websocket", "extensions": {TRANSPORT_EXTENSION: FakeProtocol(self.transport)}}


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


@pytest.mark.parametrize("size", [10, 125, 126, 65_535, 65_536])
def test_text_frames(size):
    text = "é" * (size // 2) + "x" * (size % 2)
    transport = FakeTransport()
    transport.write(text_frame(text))
    assert len(text.encode()) == size
    frame = bytes(transport.written)
    header = {True: 2, False: 4 if size < 65_536 else 10}[size < 126]
    assert len(frame) == header + size and frame[header:].decode() == text


def uvicorn_protocol(app):
    """The installed uvicorn's websockets-sansio protocol object for `app`, on a fake transport."""
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    config = Config(app=app, ws="websockets-sansio")
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=asyncio.get_running_loop())
    protocol.transport = FakeTransport()
    return protocol


async def test_direct_writes_find_uvicorns_websocket_protocol():
    """DirectWrites against the installed uvicorn's websockets-sansio protocol, not a fake."""
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope.get("extensions") or {})
    protocol = uvicorn_protocol(app)
    await DirectWrites(app)({"type": "websocket", "extensions": {}}, None, protocol.send)
    assert seen[TRANSPORT_EXTENSION] is protocol
    socket = DirectSocket(protocol)
    assert not socket.open                                  # not accepted yet
    protocol.handshake_complete = True
    assert socket.open and socket.buffered() == 0
    seen.clear()
    await DirectWrites(app)({"type": "websocket", "extensions": {}}, None, FakeSocket().send_text)
    await DirectWrites(app)({"type": "http"}, None, protocol.send)
    assert seen == {}


async def test_the_apps_middleware_leaves_uvicorns_protocol_to_direct_writes(settings):
    """Through the app's own middleware, in its order, a websocket still finds uvicorn's protocol:
    a middleware before DirectWrites that wraps `send` (ErrorPages does) would hide it, and every
    screen would get a queue and a task instead of direct writes (the fan-out's CPU ten times over)."""
    from auction.web.app import middleware

    seen = {}

    async def endpoint(scope, receive, send):
        seen.update(scope.get("extensions") or {})

    protocol = uvicorn_protocol(endpoint)
    app = endpoint
    for layer in reversed(middleware(settings)):
        app = layer.cls(app, *layer.args, **layer.kwargs)
    await app({"type": "websocket", "path": "/ws/salle/1", "headers": [], "extensions": {}}, None, protocol.send)
    assert seen.get(TRANSPORT_EXTENSION) is protocol


async def test_a_large_fan_out_goes_out_in_slices_each_screen_in_order(monkeypatch):
    monkeypatch.setattr("auction.web.live.FLUSH_SLICE", 3)
    room = new_room()
    hub = Hub(room)
    sockets = [DirectFakeSocket() for _ in range(8)]
    for socket in sockets:
        hub.join(Client(socket, staff=False), None)

    def seqs(socket):
        return [m["seq"] for m in socket.transport.messages()[1:]]
    append(room, "open_sale")
    append(room, "open_lot", lot_id=3)
    await asyncio.sleep(0)                                   # a turn of the loop: three screens
    assert sum(seqs(s) == [1] for s in sockets) == 3 and sum(seqs(s) == [] for s in sockets) == 5
    await asyncio.sleep(0)
    assert sum(seqs(s) == [1] for s in sockets) == 6
    # A pong for the last screen: everything it is owed first, that screen alone (an online bidder's
    # ack does not wait for the fan-out to everyone).
    last = next(c for c in hub.clients if c.websocket is sockets[-1])
    others_before = [seqs(s) for s in sockets[:-1]]
    last.send(encode({"type": "pong", "seq": room.state.seq}))
    assert [m["type"] for m in sockets[-1].transport.messages()] == ["snapshot", "event", "event", "pong"]
    assert [seqs(s) for s in sockets[:-1]] == others_before and hub.outbox     # the others: as before
    for _ in range(4):
        await asyncio.sleep(0)
    assert not hub.outbox
    assert all(seqs(s) == [1, 2] for s in sockets[:-1])
    assert seqs(sockets[-1]) == [1, 2, 2]                    # the pong's seq; no event twice
    assert [m["type"] for m in sockets[-1].transport.messages()] == ["snapshot", "event", "event", "pong"]


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
