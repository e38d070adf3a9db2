"""Websocket clients of the live room served by a real `criee serve` (tests/live_server.py), and
reads of what it stored, for the reliability tests.

Everything here is bounded: every wait has a timeout.
"""
from __future__ import annotations

import asyncio
import base64
import os
import re
import socket
import time
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import orjson
from sqlalchemy import select, text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from auction.db import make_engine
from auction.models import SaleEvent, ScreenConnection
from auction.services.relay import APPLICATION_NAME
from tests.live_server import LiveServer

CLERK_EMAIL = "clerc@etude-demo.fr"
CLERK_PASSWORD = "demo-clerc-2026"
SALE_ID = 1
PADDLES = (1, 2, 3)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


async def stored_events(database_url: str, sale_id: int = 1) -> list:
    """The sale's log as stored, read directly from the database (not through the server)."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(SaleEvent.seq, SaleEvent.kind, SaleEvent.payload, SaleEvent.command_id)
                                      .where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq))
            return list(rows.all())
    finally:
        await engine.dispose()


async def screen_rows(database_url: str, sale_id: int = 1) -> list:
    """The sale's record of screens connected, as stored."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(ScreenConnection.kind, ScreenConnection.host, ScreenConnection.pid,
                                             ScreenConnection.connection, ScreenConnection.at)
                                      .where(ScreenConnection.sale_id == sale_id).order_by(ScreenConnection.id))
            return list(rows.all())
    finally:
        await engine.dispose()


async def relay_backends(database_url: str) -> dict[int, int]:
    """The server processes listening on this database: server process pid -> its listener's backend pid."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name LIKE :name"), {"name": APPLICATION_NAME + " %"})
            return {int(row.application_name.rsplit(" ", 1)[1]): row.pid for row in rows}
    finally:
        await engine.dispose()


async def terminate_backend(database_url: str, pid: int) -> bool:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return bool(await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}))
    finally:
        await engine.dispose()


async def log_in(server: LiveServer, email: str = CLERK_EMAIL, password: str = CLERK_PASSWORD) -> str:
    """Log in through the web form, as a browser does; returns the session cookie's value."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        page = await http.get("/connexion")
        match = CSRF_INPUT.search(page.text)
        assert match, page.text[:500]
        response = await http.post("/connexion", data={"email": email, "password": password,
                                                       "csrf_token": match.group(1)})
        assert response.status_code == 303, response.text[:500]
        return response.cookies["criee_session"]


class RoomClient:
    """One websocket to the room: keeps the latest state, checks the event order, routes replies."""

    def __init__(self, ws: ClientConnection, name: str):
        self.ws = ws
        self.name = name
        self.seq = 0
        self.state: dict[str, Any] | None = None
        self.events: list[dict[str, Any]] = []        # every `event` message, in arrival order
        self.messages: list[dict[str, Any]] = []      # everything, for the catch-up tests
        self.gaps: list[tuple[int, int]] = []         # (expected, got) when an event is out of order
        self.pending: dict[str, asyncio.Future] = {}
        self.sent_at: dict[str, float] = {}
        self.latencies: dict[str, float] = {}         # command_id -> seconds from send to reply
        self.arrivals: dict[int, float] = {}          # event seq -> perf_counter at arrival
        self.closed: Exception | None = None
        self._changed = asyncio.Event()
        self._reader: asyncio.Task | None = None

    @classmethod
    async def connect(cls, url: str, *, cookie: str | None = None, last_seq: int | None = 0,
                      name: str = "client") -> "RoomClient":
        headers = {"Cookie": f"criee_session={cookie}"} if cookie else None
        ws = await connect(url, additional_headers=headers, open_timeout=10, ping_interval=None,
                           max_size=None, compression=None, close_timeout=2)
        client = cls(ws, name)
        await ws.send(orjson.dumps({"type": "hello", "last_seq": last_seq}).decode())
        client._reader = asyncio.create_task(client._read())
        await client.wait_for(lambda: client.state is not None, timeout=10)
        return client

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                message = orjson.loads(raw)
                self.messages.append(message)
                kind = message.get("type")
                if kind == "event":
                    seq = message["event"]["seq"]
                    if self.seq and seq != self.seq + 1:
                        self.gaps.append((self.seq + 1, seq))
                    self.seq = seq
                    self.events.append(message)
                    self.arrivals[seq] = now
                    if message["state"] is not None:
                        self.state = message["state"]
                elif kind in ("snapshot", "synced"):
                    self.seq, self.state = message["seq"], message["state"]
                elif kind in ("ack", "error"):
                    command_id = message.get("command_id")
                    if command_id in self.sent_at:
                        self.latencies[command_id] = now - self.sent_at[command_id]
                    future = self.pending.pop(command_id, None)
                    if future is not None and not future.done():
                        future.set_result(message)
                self._notify()
        except ConnectionClosed as exc:
            self.closed = exc
        except Exception as exc:  # noqa: BLE001 - recorded, the test decides
            self.closed = exc
        finally:
            self.closed = self.closed or ConnectionError("closed")
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ConnectionError(f"{self.name}: connection closed"))
            self.pending.clear()
            self._notify()

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_for(self, predicate, timeout: float = 10) -> None:
        """Wait until `predicate()` holds (checked after each message), or fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.closed is not None and not predicate():
                raise ConnectionError(f"{self.name}: closed while waiting ({self.closed!r})")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: condition not met within {timeout} s (seq {self.seq})")
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def changed(self, timeout: float) -> None:
        changed = self._changed
        try:
            await asyncio.wait_for(changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def send_command(self, name: str, command_id: str | None = None, **args) -> tuple[str, asyncio.Future]:
        """Send a command; the future gets its ack or error (or fails if the connection drops).
        The id is recorded in `sent_at` before the send, so it is known even if the send fails."""
        command_id = command_id or uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self.pending[command_id] = future
        self.sent_at[command_id] = time.perf_counter()
        await self.ws.send(orjson.dumps({"type": "command", "command_id": command_id, "name": name,
                                         "args": args}).decode())
        return command_id, future

    async def command(self, name: str, timeout: float = 10, command_id: str | None = None, **args) -> dict[str, Any]:
        _, future = await self.send_command(name, command_id, **args)
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.ws.close(), 5)
        except Exception:  # noqa: BLE001
            pass
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)


async def connect_clerks(server: LiveServer, count: int, cookie: str | None = None) -> list[RoomClient]:
    cookie = cookie or await log_in(server)
    return [await RoomClient.connect(server.ws_url(f"/ws/bureau/ventes/{SALE_ID}"), cookie=cookie,
                                     name=f"clerk{i}") for i in range(count)]


async def connect_display(server: LiveServer, last_seq: int | None = 0, name: str = "display") -> RoomClient:
    return await RoomClient.connect(server.ws_url(f"/ws/salle/{SALE_ID}"), last_seq=last_seq, name=name)


async def ensure_lot_open(clerk: RoomClient, lot_ids: Iterable[int] = range(1, 41)) -> None:
    """Open the sale if needed and put a lot on the block if none is."""
    if clerk.state["status"] == "ready":
        reply = await clerk.command("open_sale")
        assert reply["type"] == "ack", reply
    assert clerk.state["status"] == "open", clerk.state
    if clerk.state["lot"] is not None:
        return
    for lot_id in lot_ids:
        reply = await clerk.command("open_lot", lot_id=lot_id)
        if reply["type"] == "ack":
            return
        assert reply["code"] in ("lot_already_sold", "stop_rule_reached", "lot_withdrawn"), reply
    raise AssertionError("no lot left to open")


def challenger(state: dict[str, Any], exclude: Iterable[int] = ()) -> int:
    """A verified paddle that does not hold the current bid."""
    leader = (state.get("current_bid") or {}).get("paddle")
    return next(p for p in PADDLES if p != leader and p not in exclude)


async def drive_bids(clerk: RoomClient, count: int, timeout: float = 60) -> list[float]:
    """Bid `count` times at the next minimum, one after the other; returns each ack's latency (s)."""
    latencies = []
    deadline = time.monotonic() + timeout
    for _ in range(count):
        assert time.monotonic() < deadline, "driving bids took too long"
        state = clerk.state
        sent = time.perf_counter()
        reply = await clerk.command("bid", paddle=challenger(state), amount_cents=state["next_minimum_cents"])
        latencies.append(time.perf_counter() - sent)
        assert reply["type"] == "ack", reply
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# --- a display that stops reading: a websocket handshake on a raw socket with tiny buffers ----------

def stalled_display(port: int, sale_id: int = SALE_ID) -> socket.socket:
    """Open `/ws/salle/{sale_id}`, send hello, and return the socket: the caller never reads it.

    A receive buffer of a few KiB and a small MSS keep the kernel from soaking up much of what the
    server sends, so the server's own buffers fill after a few hundred messages. (With the default
    loopback MSS of 64 KiB, the server's send buffer grows to megabytes: 5 000 events were not
    enough to stall the server's writes, and uvicorn's keepalive ping closed the socket first.)"""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws/salle/{sale_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(1)            # byte by byte: read the handshake response and nothing more
        assert chunk, "connection closed during the handshake"
        response += chunk
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.sendall(masked_text_frame(orjson.dumps({"type": "hello", "last_seq": 0})))
    return sock


def masked_text_frame(payload: bytes) -> bytes:
    assert len(payload) < 126
    mask = os.urandom(4)
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def read_frames(sock: socket.socket, timeout: float = 10) -> list[tuple[int, bytes]]:
    """Read (opcode, payload) frames until the server closes (close frame or EOF), within `timeout`."""
    sock.settimeout(timeout)
    buffer = b""
    frames: list[tuple[int, bytes]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(1 << 16)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    break
                length, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    break
                length, offset = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < offset + length:
                break
            frames.append((opcode, buffer[offset:offset + length]))
            buffer = buffer[offset + length:]
            if opcode == 0x8:
                return frames
    return frames

