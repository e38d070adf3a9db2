"""Fan-out of a room's events to its websocket clients.

Under `criee serve` (uvicorn's websockets-sansio protocol), each event becomes one websocket frame
per audience (public, staff), written straight to every client's transport: no task, queue or
ASGI send per message, which cost about 45 µs per delivered message through Starlette and uvicorn
against a few µs this way (bench/live.py). What a client cannot take at once waits in its
transport's buffer; a client whose buffer holds more than BUFFER_LIMIT bytes is too far behind: it
is told to resync, closed with code 1013, and comes back with the last sequence number it saw
(docs/protocol.md). The writes themselves: auction.web.direct_writes. Elsewhere (tests, another
ASGI server) each client has a bounded queue drained by its own task instead, QUEUE_LIMIT messages
long. Either way a slow or stalled screen never slows the room or the other screens.

Staff screens (the tablet that sent the command among them) get each event at once, before the
sender's acknowledgement; displays get it from the hub's outbox afterwards, a slice per turn of the
event loop (FLUSH_SLICE deliveries, FLUSH_SECONDS at most), so that commands and notifications are
served in between. While a command of the room is being decided (`Room.commands_in_flight`: the
staff's, the online bidders') the displays wait for its answer, so that it is answered at the speed
of the commit whatever the audience — but no display message waits so for longer than PAUSE_LIMIT
after it was queued: commands that keep coming never hold the room's screens back for long. A
message for one display (a pong, an error, an online bidder's ack) first takes what the outbox
still owes that display, and that display only, so every client receives its messages in sequence
order and a bidder's answer does not wait for the fan-out to everyone else. Each event is encoded
once per audience, and its frame built once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

import orjson
from starlette.websockets import WebSocket

from auction.domain.bidlog import Event
from auction.domain.room_view import event_view, public_view, results_view, staff_view
from auction.services.room import Room

from .direct_writes import direct_socket, text_frame

log = logging.getLogger("criee.live")

QUEUE_LIMIT = 256          # messages a (queued) client may lag behind before it is dropped
BUFFER_LIMIT = 256 * 1024  # bytes a (direct) client's transport may hold unsent before it is dropped
CATCH_UP_LIMIT = 200       # a reconnecting client missing more than this gets a snapshot instead
CLOSE_LAGGING = 1013       # "try again later": the client reconnects and resyncs
LAG_GRACE = 10             # seconds a dropped client has to take its resync and close before it is cut
FLUSH_SLICE = 100          # display deliveries per turn of the event loop at most...
FLUSH_SECONDS = 0.0005     # ...and for no longer than this (then commands and notifications are served)
PAUSE_LIMIT = 0.01         # seconds a display message waits at most for commands being decided
RESYNC = '{"type":"resync","reason":"lagging"}'


def encode(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


# --- clients and the hub -------------------------------------------------------------------------

class Client:
    """One screen. A direct client (under uvicorn) has no queue and no task of its own: its frames
    go straight to its transport, and a task is started only to drop it once it lags."""

    __slots__ = ("websocket", "staff", "direct", "queue", "lagging", "hub", "served", "dropping")

    def __init__(self, websocket: WebSocket, staff: bool):
        self.websocket = websocket
        self.staff = staff
        self.direct = direct_socket(websocket)
        self.queue: asyncio.Queue[str | None] | None = (
            asyncio.Queue(maxsize=QUEUE_LIMIT) if self.direct is None else None)
        self.lagging = False
        self.hub: Hub | None = None
        self.served = 0             # the number of the last outbox message it has been given
        self.dropping: asyncio.Task | None = None   # a direct client's resync and close

    def send(self, text: str) -> bool:
        """A message for this client alone, after whatever the room's fan-out still owes it."""
        if not self.staff and self.hub is not None and self.hub.outbox:
            self.hub.serve(self)
        return self.deliver(text)

    def deliver(self, text: str, frame: bytes | None = None) -> bool:
        """Write or queue a message without waiting; False when the client is too far behind."""
        if self.lagging:
            return False
        direct = self.direct
        if direct is not None:
            if not direct.open:
                return True                 # it is leaving: its socket handler removes it
            if direct.buffered() > BUFFER_LIMIT:
                self._lag()
                return False
            direct.write(frame if frame is not None else text_frame(text))
            return True
        try:
            self.queue.put_nowait(text)
            return True
        except asyncio.QueueFull:
            self._lag()
            return False

    def _lag(self) -> None:
        self.lagging = True
        if self.direct is not None and self.dropping is None:
            self.dropping = asyncio.get_running_loop().create_task(self._drop())

    def start(self) -> asyncio.Task | None:
        """The task draining a queued client's queue; none for a direct client."""
        return asyncio.get_running_loop().create_task(self.run()) if self.queue is not None else None

    def stop(self, task: asyncio.Task | None) -> None:
        """The socket handler is leaving: end what runs for this client."""
        for running in (task, self.dropping):
            if running is not None:
                running.cancel()

    async def run(self) -> None:
        """Drain the queue to the socket (a queued client); on lag, say so and close."""
        while True:
            if self.lagging:
                await self._drop()
                return
            text = await self.queue.get()
            if text is None:
                return
            await self.websocket.send_text(text)

    async def _drop(self) -> None:
        """Resync message and close 1013, once the client has taken what it was sent (uvicorn's send
        waits for the transport's buffer to drain); a client that does not read is cut off."""
        try:
            await asyncio.wait_for(self.websocket.send_text(RESYNC), LAG_GRACE)
            await asyncio.wait_for(self.websocket.close(CLOSE_LAGGING), 2)
        except Exception:  # noqa: BLE001 - whatever happens, it is cut off
            if self.direct is not None:
                self.direct.abort()


class Hub:
    """The clients of one room, and the messages each event becomes."""

    def __init__(self, room: Room):
        self.room = room
        self.clients: set[Client] = set()
        self.staff: set[Client] = set()
        # The displays as one list, shared by the outbox entries made while nobody came or went
        # (a list is never changed once made: None means "make a new one at the next event").
        self._displays: list[Client] | None = []
        # display messages not yet written to all:
        # (number, text, frame, displays, how many were given it, when it was queued: loop time)
        self.outbox: deque[tuple[int, str, bytes, list[Client], int, float]] = deque()
        self.numbered = 0           # the number of the last message put in the outbox
        self._flush: asyncio.Handle | None = None
        room.listeners.append(self.broadcast)
        room.settled.append(self._settled)

    def snapshot(self, staff: bool) -> dict[str, Any]:
        room = self.room
        view = staff_view(room.state, room.setup) if staff else public_view(room.state, room.setup)
        return {"type": "snapshot", "seq": room.state.seq, "state": view, "results": results_view(room.state)}

    def event_message(self, event: Event, staff: bool) -> dict[str, Any]:
        room = self.room
        view = staff_view(room.state, room.setup) if staff else public_view(room.state, room.setup)
        return {"type": "event", "seq": event.seq, "event": event_view(event, staff=staff), "state": view}

    def join(self, client: Client, last_seq: int | None) -> None:
        """Subscribe and send what the client missed. Runs without awaiting, so no event slips between."""
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
        client.hub = self
        client.served = self.numbered       # what is in the outbox already, its snapshot covers
        self.clients.add(client)
        if client.staff:
            self.staff.add(client)
        else:
            self._displays = None

    def leave(self, client: Client) -> None:
        if client in self.clients:
            self.clients.discard(client)
            if client.staff:
                self.staff.discard(client)
            else:
                self._displays = None

    def broadcast(self, event: Event) -> None:
        """Staff screens now; displays from the outbox, once the room's commands in flight are
        answered, a slice per turn of the loop (or at once without a loop)."""
        if self.staff:
            staff_text = encode(self.event_message(event, True))
            staff_frame = text_frame(staff_text)
            for client in list(self.staff):
                if not client.deliver(staff_text, staff_frame):
                    self._dropped(client)
        displays = self._displays
        if displays is None:
            displays = self._displays = [client for client in self.clients if not client.staff]
        if not displays:
            return
        public_text = encode(self.event_message(event, False))
        self.numbered += 1
        try:
            queued_at = asyncio.get_running_loop().time()
        except RuntimeError:
            queued_at = 0.0
        self.outbox.append((self.numbered, public_text, text_frame(public_text), displays, 0, queued_at))
        self._schedule()

    def serve(self, client: Client) -> None:
        """Give one display what the outbox still owes it (before a message for it alone)."""
        for number, text, frame, *_ in self.outbox:
            if client.served < number:
                client.served = number
                if client in self.clients and not client.deliver(text, frame):
                    self._dropped(client)
                    return

    def flush(self, limit: int | None = None, seconds: float | None = None) -> None:
        """Write the displays' pending messages, in order: all of them, or `limit` deliveries (and
        no longer than `seconds`) and the rest on the next turn of the loop (commands and
        notifications are served in between)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        clients, budget = self.clients, limit
        deadline = None if seconds is None else time.perf_counter() + seconds
        clock = time.perf_counter
        while self.outbox:
            number, text, frame, displays, start, queued_at = self.outbox[0]
            end = len(displays) if budget is None else min(len(displays), start + budget)
            index, late = start, False
            while index < end:
                client = displays[index]
                index += 1
                if client.served < number:      # not given it already, ahead of a message of its own
                    client.served = number
                    if client in clients and not client.deliver(text, frame):
                        self._dropped(client)
                    if deadline is not None and clock() > deadline:
                        late = True
                        break
            if index == len(displays):
                self.outbox.popleft()
            else:
                self.outbox[0] = (number, text, frame, displays, index, queued_at)
            if budget is not None:
                budget -= index - start
            if late or (budget is not None and budget <= 0):
                if self.outbox:
                    self._schedule(after_slice=True)
                return

    def _schedule(self, after_slice: bool = False) -> None:
        """A slice on the next turn of the loop. After a slice that left work, as a timer due now
        rather than a callback: the loop runs due timers after the callbacks and the I/O already
        waiting, so a command read (or a database answer received) during a slice is handled
        before the next slice instead of after it."""
        if self._flush is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:                # no loop running (a script, a unit test): at once
            self.flush()
            return
        self._flush = loop.call_at(loop.time(), self._turn) if after_slice else loop.call_soon(self._turn)

    def _turn(self) -> None:
        """A slice of the fan-out, unless a command of the room is being decided: then the displays
        wait for its answer (`_settled`), so that the sender has its acknowledgement at the speed of
        the commit, whatever the audience; but no display message waits so for more than PAUSE_LIMIT
        seconds after it was queued (commands that keep coming do not hold the displays back)."""
        self._flush = None
        if not self.outbox:
            return
        if self.room.commands_in_flight:
            loop = asyncio.get_running_loop()
            until = self.outbox[0][5] + PAUSE_LIMIT
            if loop.time() < until:
                self._flush = loop.call_at(until, self._turn)
                return
        self.flush(FLUSH_SLICE, FLUSH_SECONDS)

    def _settled(self) -> None:
        """The room's commands are answered: the fan-out goes on (on the next turn: the answer first)."""
        if self.outbox:
            if self._flush is not None:
                self._flush.cancel()
                self._flush = None
            self._schedule()

    def _dropped(self, client: Client) -> None:
        self.leave(client)
        log.warning("client dropped for lagging", extra={"sale_id": self.room.sale_id})


class Hubs:
    def __init__(self):
        self.hubs: dict[int, Hub] = {}

    def for_room(self, room: Room) -> Hub:
        hub = self.hubs.get(room.sale_id)
        if hub is None or hub.room is not room:
            hub = self.hubs[room.sale_id] = Hub(room)
        return hub
