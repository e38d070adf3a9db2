"""Fake sockets and a room for the fan-out's tests (auction.web.live, auction.web.direct_writes)."""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import orjson

from auction.domain.bidlog import chain
from auction.domain.room import RoomState, decide
from auction.services.room import Room
from auction.web.direct_writes import TRANSPORT_EXTENSION
from auction.web.live import Client, Hub

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


def counting_slices(hub: Hub) -> asyncio.Queue:
    """A queue that gets an item after each slice of the hub's fan-out."""
    done: asyncio.Queue = asyncio.Queue()
    turn = hub._turn

    def counted() -> None:
        turn()
        done.put_nowait(None)
    hub._turn = counted
    return done


async def settle(predicate, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.001)


async def stop(client: Client, task: asyncio.Task) -> None:
    if not task.done():
        client.queue.put_nowait(None) if not client.queue.full() else task.cancel()
    await asyncio.gather(task, return_exceptions=True)


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
