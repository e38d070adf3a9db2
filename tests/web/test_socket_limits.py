"""The sockets' strictness: message size limits per screen, a hello that never comes, binary frames,
and command arguments of the wrong JSON type (docs/protocol.md)."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from auction.models import Lot

from auction.web.pages import room as room_pages

from .sockets import BIDDER, CLERK, Ws, session_cookie


async def test_a_display_that_sends_more_than_its_limit_is_closed(app, sale_id):
    display = Ws(app, f"/ws/salle/{sale_id}")
    assert (await display.open())["type"] == "snapshot"
    display.send({"type": "ping", "padding": "x" * room_pages.MAX_DISPLAY_MESSAGE})
    assert await display.receive() == {"type": "closed", "code": 1009}
    await asyncio.wait_for(display.task, 10)


async def test_a_tablet_and_a_bidder_have_their_own_limits(app, client, sale_id):
    staff = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    assert (await staff.open())["type"] == "snapshot"
    staff.send({"type": "ping", "padding": "x" * (room_pages.MAX_DISPLAY_MESSAGE * 2)})   # within the tablet's
    assert (await staff.receive("pong"))["type"] == "pong"
    staff.send({"type": "ping", "padding": "é" * room_pages.MAX_CLERK_MESSAGE})          # bytes, not characters
    assert await staff.receive("closed") == {"type": "closed", "code": 1009}
    bidder = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    assert (await bidder.open())["type"] == "snapshot"
    bidder.send({"type": "ping", "padding": "x" * room_pages.MAX_BIDDER_MESSAGE})
    assert await bidder.receive("closed") == {"type": "closed", "code": 1009}


async def test_a_hello_that_never_comes_closes_the_socket(app, sale_id, monkeypatch):
    monkeypatch.setattr(room_pages, "HELLO_TIMEOUT", 0.2)
    display = Ws(app, f"/ws/salle/{sale_id}")
    assert (await display.next_raw())["type"] == "websocket.accept"
    assert await display.receive() == {"type": "closed", "code": 1002}   # nothing sent: closed after the wait
    await asyncio.wait_for(display.task, 10)


async def test_a_binary_frame_closes_the_socket(app, sale_id):
    display = Ws(app, f"/ws/salle/{sale_id}")
    assert (await display.open())["type"] == "snapshot"
    display.incoming.put_nowait({"type": "websocket.receive", "bytes": b"\x00\x01"})
    assert await display.receive() == {"type": "closed", "code": 1003}


async def test_string_amounts_and_paddles_are_invalid_commands(app, client, sale_id):
    staff = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    assert (await staff.open())["type"] == "snapshot"
    opened = await staff.command("open_sale")
    assert opened["type"] == "ack", opened
    async with app.state.db.sessions() as session:
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
    refused = await staff.command("open_lot", lot_id=str(lot_id))
    assert refused["type"] == "error" and refused["code"] == "invalid_command"
    assert (await staff.command("open_lot", lot_id=lot_id))["type"] == "ack"
    for args in ({"paddle": 1, "amount_cents": "200000"}, {"paddle": "1", "amount_cents": 200000}):
        refused = await staff.command("bid", source="room", **args)
        assert refused["type"] == "error" and refused["code"] == "invalid_command", refused
    await staff.close()
