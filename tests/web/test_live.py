"""Fan-out of a room's events (auction.web.live) to queued clients with fake sockets: bounded queues,
catch-up, snapshots (direct writes to uvicorn's transports: test_live_direct.py)."""
from __future__ import annotations

import asyncio
import logging
import time

import orjson
import pytest

from auction.services.room import Room
from auction.web.live import CATCH_UP_LIMIT, CLOSE_LAGGING, QUEUE_LIMIT, Client, Hub, encode

from .live_fixtures import FakeSocket, StalledSocket, append, bid, counting_slices, new_room, settle, stop


async def test_a_stalled_client_is_dropped_and_never_holds_up_the_others(caplog):
    room = new_room()
    hub = Hub(room)
    slices = counting_slices(hub)
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
            await slices.get()                              # the displays' turn; events come one by one
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
