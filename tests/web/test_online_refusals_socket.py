"""Online bids refused over the bidder socket go into the record of refusals after the bidder's
answer, with their arrival time; a clerk's command is acknowledged while that record's write waits."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from auction.models import OnlineBidRefusal
from auction.services import online_refusals
from auction.web.ratelimit import BidLimits

from .sockets import open_first_lot


async def _refusals(app, sale_id):
    async with app.state.db.sessions() as session:
        return (await session.scalars(select(OnlineBidRefusal).where(OnlineBidRefusal.sale_id == sale_id)
                                      .order_by(OnlineBidRefusal.id))).all()


async def test_refused_online_bids_are_recorded_after_the_answer(app, client, sale_id, monkeypatch):
    room = await open_first_lot(app, client, sale_id)
    staff, phone = room.staff, room.phone
    (first, opening), (second, _) = room.lots[:2]
    bid = await staff.command("bid", paddle=2, amount_cents=opening * 2)
    assert bid["type"] == "ack"

    # The writer task, as the server runs it; its write held: the bidder is answered, and the clerk's
    # next command acknowledged, before anything is written.
    app.state.refusals = online_refusals.RefusalRecorder(app.state.db.sessions)
    release = asyncio.Event()
    written = online_refusals.write

    async def held(sessions, refusals):
        await release.wait()
        await written(sessions, refusals)
    monkeypatch.setattr(online_refusals, "write", held)
    stale = await phone.command("bid", lot_id=first, amount_cents=opening * 2, expected_bid_seq=None)
    assert stale["code"] == "outbid"
    assert (await asyncio.wait_for(staff.command("call"), 5))["type"] == "ack"
    assert await _refusals(app, sale_id) == []
    release.set()
    await app.state.refusals.drain()
    app.state.refusals.background = False        # from here, written when the test drains them
    (outbid,) = await _refusals(app, sale_id)
    assert (outbid.code, outbid.paddle, outbid.lot_id, outbid.amount_cents) == ("outbid", 501, first, opening * 2)
    assert outbid.expected_bid_seq is None and outbid.message.startswith("Surenchéri")
    assert outbid.log_seq == bid["event_seq"]

    # Too late: a bid for a lot no longer on the block; and rate-limited.
    await staff.command("call")
    await staff.command("call")
    await staff.command("hammer")
    await staff.command("open_lot", lot_id=second)
    late = await phone.command("bid", lot_id=first, amount_cents=opening * 3, expected_bid_seq=bid["event_seq"])
    assert late["code"] == "lot_not_open"
    app.state.bid_limits = BidLimits(clock=lambda: 0.0)
    capacity, _ = BidLimits.PADDLE
    codes = [(await phone.command("bid", lot_id=second, amount_cents=1, expected_bid_seq=None))["code"]
             for _ in range(capacity + 1)]
    assert codes[-1] == "rate_limited"
    await app.state.refusals.drain()
    rows = await _refusals(app, sale_id)
    assert [r.code for r in rows][:2] == ["outbid", "lot_not_open"] and rows[-1].code == "rate_limited"
    assert len(rows) == 2 + len(codes)
    assert all(a.received_at <= b.received_at for a, b in zip(rows, rows[1:]))
    await phone.close()
    await staff.close()
