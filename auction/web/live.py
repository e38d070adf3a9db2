"""Fan-out of a room's events to its websocket clients.

Each client has a bounded queue drained by its own task, so a slow or stalled screen never slows
the room or the other screens; one that falls too far behind is told to resync and dropped, and
comes back with the last sequence number it saw (see docs/protocol.md).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from starlette.websockets import WebSocket

from auction.domain.bidlog import Event
from auction.domain.room_view import event_view, public_view, results_view, staff_view
from auction.services.room import Room

log = logging.getLogger("criee.live")

QUEUE_LIMIT = 256          # messages a client may lag behind before it is dropped
CATCH_UP_LIMIT = 200       # a reconnecting client missing more than this gets a snapshot instead
CLOSE_LAGGING = 1013       # "try again later": the client reconnects and resyncs


def encode(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


class Client:
    def __init__(self, websocket: WebSocket, staff: bool):
        self.websocket = websocket
        self.staff = staff
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.lagging = False

    def send(self, text: str) -> bool:
        """Queue a message without waiting; False when the client is too far behind."""
        if self.lagging:
            return False
        try:
            self.queue.put_nowait(text)
            return True
        except asyncio.QueueFull:
            self.lagging = True
            return False

    async def run(self) -> None:
        """Drain the queue to the socket; on lag, say so and close."""
        while True:
            if self.lagging:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.websocket.send_text(encode({"type": "resync", "reason": "lagging"})), 2)
                    await asyncio.wait_for(self.websocket.close(CLOSE_LAGGING), 2)
                return
            text = await self.queue.get()
            if text is None:
                return
            await self.websocket.send_text(text)
            # the queue may have overflowed while we were sending
            if self.lagging:
                continue


class Hub:
    """The clients of one room, and the messages each event becomes."""

    def __init__(self, room: Room):
        self.room = room
        self.clients: set[Client] = set()
        room.listeners.append(self.broadcast)

    def snapshot(self, staff: bool) -> dict[str, Any]:
        room = self.room
        view = staff_view(room.state, room.setup) if staff else public_view(room.state, room.setup)
        return {"type": "snapshot", "seq": room.state.seq, "state": view, "results": results_view(room.state)}

    def event_message(self, event: Event, staff: bool) -> dict[str, Any]:
        room = self.room
        view = staff_view(room.state, room.setup) if staff else public_view(room.state, room.setup)
        return {"type": "event", "seq": event.seq, "event": event_view(event, staff=staff), "state": view}

    def join(self, client: Client, last_seq: int | None) -> None:
        """Subscribe and queue what the client missed. Runs without awaiting, so no event slips between."""
        seq = self.room.state.seq
        if last_seq is not None and 0 < last_seq <= seq and seq - last_seq <= CATCH_UP_LIMIT:
            # The missed events, without state, then the state as it is now.
            for event in self.room.events[last_seq:]:
                client.send(encode({"type": "event", "seq": event.seq,
                                    "event": event_view(event, staff=client.staff), "state": None}))
            view = staff_view(self.room.state, self.room.setup) if client.staff else public_view(self.room.state, self.room.setup)
            client.send(encode({"type": "synced", "seq": seq, "state": view}))
        else:
            client.send(encode(self.snapshot(client.staff)))
        self.clients.add(client)

    def leave(self, client: Client) -> None:
        self.clients.discard(client)

    def broadcast(self, event: Event) -> None:
        public = staff = None
        # Staff tablets first: each client's sender task is woken in this order, so the tablet that
        # sent the command writes its event, and the ack queued right after this returns, before
        # the room displays' sends run — the ack does not wait for the whole fan-out.
        clients = list(self.clients)
        clients.sort(key=lambda client: not client.staff)
        for client in clients:
            if client.staff:
                staff = staff or encode(self.event_message(event, True))
                ok = client.send(staff)
            else:
                public = public or encode(self.event_message(event, False))
                ok = client.send(public)
            if not ok:
                self.clients.discard(client)
                log.warning("client dropped for lagging", extra={"sale_id": self.room.sale_id})


class Hubs:
    def __init__(self):
        self.hubs: dict[int, Hub] = {}

    def for_room(self, room: Room) -> Hub:
        hub = self.hubs.get(room.sale_id)
        if hub is None or hub.room is not room:
            hub = self.hubs[room.sale_id] = Hub(room)
        return hub
