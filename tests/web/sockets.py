"""The sockets in process, for the tests of the bidder's and the staff's sockets: a websocket to the
ASGI app (Ws), a logged-in session's cookie, the demo's clerk and bidder, and the usual set-up: the
tablet and a bidder's phone connected, the sale open and its first lot on the block."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import orjson
from sqlalchemy import select

from auction.models import Lot
from auction.services.demo import DEMO_LOGINS

from ..conftest import log_in

CLERK = next(login for login in DEMO_LOGINS if login.role.value == "clerk")
BIDDER = next(login for login in DEMO_LOGINS if login.role.value == "bidder")


class Ws:
    """A websocket to the ASGI app, in process."""

    def __init__(self, app, path: str, cookie: str | None = None, address: str = "192.0.2.10"):
        headers = [(b"host", b"testserver")]
        if cookie:
            headers.append((b"cookie", f"criee_session={cookie}".encode()))
        path, _, query = path.partition("?")
        scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "headers": headers, "scheme": "ws", "server": ("testserver", 80), "client": (address, 5000),
                 "subprotocols": [], "asgi": {"version": "3.0"}, "app": app}
        self.incoming: asyncio.Queue = asyncio.Queue()
        self.outgoing: asyncio.Queue = asyncio.Queue()
        self.incoming.put_nowait({"type": "websocket.connect"})
        self.task = asyncio.create_task(app(scope, self.incoming.get, self.outgoing.put))

    async def open(self, last_seq: int = 0) -> dict:
        accepted = await self.next_raw()
        assert accepted["type"] == "websocket.accept", accepted
        self.send({"type": "hello", "last_seq": last_seq})
        return await self.receive()

    def send(self, message: dict) -> None:
        self.send_text(orjson.dumps(message).decode())

    def send_text(self, text: str) -> None:
        self.incoming.put_nowait({"type": "websocket.receive", "text": text})

    async def answers(self, *texts: str) -> list[dict]:
        """The answer to each of `texts`, sent in turn (its `seq` left out)."""
        found = []
        for text in texts:
            self.send_text(text)
            answer = await self.receive()
            answer.pop("seq", None)
            found.append(answer)
        return found

    async def next_raw(self) -> dict:
        return await asyncio.wait_for(self.outgoing.get(), 10)

    async def receive(self, *types: str) -> dict:
        """The next message (of one of `types`, skipping others)."""
        while True:
            raw = await self.next_raw()
            if raw["type"] == "websocket.close":
                return {"type": "closed", "code": raw.get("code")}
            message = orjson.loads(raw["text"])
            if not types or message["type"] in types:
                return message

    async def command(self, name: str, **args) -> dict:
        command_id = uuid.uuid4().hex
        self.send({"type": "command", "command_id": command_id, "name": name, "args": args})
        while True:
            message = await self.receive("ack", "error")
            if message.get("command_id") == command_id:
                return message

    async def close(self) -> None:
        self.incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 10)


async def session_cookie(client, email: str, password: str) -> str:
    client.cookies.clear()
    response = await log_in(client, email, password)
    assert response.status_code == 303, response.text
    return client.cookies.get("criee_session")


@dataclass
class OpenLot:
    staff: Ws                        # the clerk's tablet
    phone: Ws                        # the demo bidder's live page (paddle 501)
    lots: list[tuple[int, int]]      # the sale's lots in order: (id, opening bid in cents)
    next_minimum_cents: int          # the first lot's, as the phone saw it open

    @property
    def lot_id(self) -> int:
        return self.lots[0][0]


async def open_first_lot(app, client, sale_id: int) -> OpenLot:
    """The tablet and the bidder's phone connected, the sale opened and its first lot on the block."""
    staff = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    await staff.open()
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    await phone.open()
    assert (await staff.command("open_sale"))["type"] == "ack"
    async with app.state.db.sessions() as session:
        lots = [tuple(row) for row in await session.execute(
            select(Lot.id, Lot.opening_bid_cents).where(Lot.sale_id == sale_id).order_by(Lot.position))]
    assert (await staff.command("open_lot", lot_id=lots[0][0]))["type"] == "ack"
    event = await phone.receive("event")
    while event["event"]["kind"] != "lot_opened":
        event = await phone.receive("event")
    return OpenLot(staff, phone, lots, event["state"]["next_minimum_cents"])
