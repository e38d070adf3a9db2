"""The bidder socket (/ws/direct/{sale}) and the live page, in process: bids for the session's own
paddle, presence on the tablet, rate limits, refusals, and what the page shows to whom."""
from __future__ import annotations

import asyncio
import logging
import uuid

import orjson
from sqlalchemy import select

from auction.models import Lot
from auction.services.demo import DEMO_LOGINS
from auction.services.rate_limits import MemoryStore
from auction.web.ratelimit import BidLimits

from ..conftest import PASSWORD, add_user
from .sockets import BIDDER, CLERK, Ws, open_first_lot, session_cookie
from .test_room_socket import ODD_MESSAGES, UNKNOWN, UNREADABLE


async def test_an_online_bid_over_the_socket_and_the_tablet_counting_bidders(app, client, sale_id):
    staff = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    assert (await staff.open())["type"] == "snapshot"
    assert (await staff.receive("presence"))["online_bidders"] == 0

    bidder_cookie = await session_cookie(client, BIDDER.email, BIDDER.password)
    phone = Ws(app, f"/ws/direct/{sale_id}", bidder_cookie)
    snapshot = await phone.open()
    assert snapshot["type"] == "snapshot" and "leader" not in snapshot["state"]     # the public view
    assert (await staff.receive("presence"))["online_bidders"] == 1
    second_tab = Ws(app, f"/ws/direct/{sale_id}", bidder_cookie)
    await second_tab.open()

    assert (await staff.command("open_sale"))["type"] == "ack"
    async with app.state.db.sessions() as session:
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
    assert (await staff.command("open_lot", lot_id=lot_id))["type"] == "ack"
    await phone.receive("event")
    opened = await phone.receive("event")
    amount = opened["state"]["next_minimum_cents"]

    # The bid: the event first, then the ack; the tablet sees its source.
    ack = await phone.command("bid", lot_id=lot_id, amount_cents=amount, expected_bid_seq=None)
    assert ack["type"] == "ack" and not ack["duplicate"]
    event = await staff.receive("event")
    while event["event"]["kind"] != "bid":
        event = await staff.receive("event")
    assert event["event"]["payload"]["source"] == "online" and event["event"]["payload"]["paddle"] == 501
    assert event["state"]["leader"]["name"] == "Sophie DURAND"

    # A bid against a step already taken: outbid, to this bidder only, with the bid that won.
    await staff.command("bid", paddle=2, amount_cents=event["state"]["next_minimum_cents"])
    stale = await phone.command("bid", lot_id=lot_id, amount_cents=event["state"]["next_minimum_cents"],
                                expected_bid_seq=event["event"]["seq"])
    assert stale["code"] == "outbid" and stale["message"].startswith("Surenchéri")
    assert stale["details"]["current_bid"]["paddle"] == 2
    # Only bids from this screen; never with another paddle.
    assert (await phone.command("open_lot", lot_id=lot_id))["code"] == "forbidden"
    assert (await phone.command("bid", lot_id=lot_id, amount_cents=10_000_00, expected_bid_seq=stale["details"]
                                ["current_bid"]["seq"], paddle=3))["code"] == "paddle_not_valid"

    await second_tab.close()
    await phone.close()
    assert (await staff.receive("presence"))["online_bidders"] == 0
    await staff.close()


async def test_the_bidder_socket_answers_each_message_that_is_not_a_bid(app, client, sale_id):
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    assert (await phone.open())["type"] == "snapshot"
    only_bids = {"type": "error", "code": "forbidden", "message": "Depuis cet écran, on ne peut qu'enchérir.",
                 "command_id": "c-0000001"}
    assert await phone.answers(*ODD_MESSAGES, '{"type": "command", "command_id": "c-0000001", "name": "open_sale"}',
                               '{"type": "command", "command_id": "c-0000001", "name": "bid", "args": [1]}') == [
        UNREADABLE, UNREADABLE, {"type": "pong"}, UNKNOWN,
        {"type": "error", "code": "bad_message", "message": "Identifiant de commande manquant.", "command_id": None},
        only_bids, only_bids, only_bids]
    await phone.close()


async def test_online_bids_are_rate_limited_per_paddle(app, client, sale_id, caplog):
    now = [1_780_000_000.0]
    app.state.bid_limits = BidLimits(app.state.limit_store, app.state.settings.secret_key.encode(),
                                     clock=lambda: now[0])
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    await phone.open()
    capacity, rate = BidLimits.PADDLE
    with caplog.at_level(logging.WARNING, logger="criee.online"):
        codes = [(await phone.command("bid", lot_id=1, amount_cents=100, expected_bid_seq=None))["code"]
                 for _ in range(capacity + 2)]
    # The sale is not open: each bid is refused by the room, until the bucket is empty.
    assert codes[:capacity] == ["sale_not_open"] * capacity
    assert codes[capacity:] == ["rate_limited", "rate_limited"]
    assert any(getattr(r, "reason", "") == "rate_limited_paddle" for r in caplog.records)
    assert not any("192.0.2.10" in str(vars(r)) for r in caplog.records), "no client address in the logs"
    now[0] += 1 / rate                     # one second later: one more bid
    assert (await phone.command("bid", lot_id=1, amount_cents=100, expected_bid_seq=None))["code"] == "sale_not_open"
    await phone.close()


async def test_a_bidder_without_a_paddle_can_watch_but_not_bid(app, client, db, sale_id, caplog):
    from auction.domain.roles import Role
    user = await add_user(db, Role.BIDDER, email="sans.panneau@exemple.fr")
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, user.email, PASSWORD))
    assert (await phone.open())["type"] == "snapshot"
    with caplog.at_level(logging.WARNING, logger="criee.online"):
        refused = await phone.command("bid", lot_id=1, amount_cents=100, expected_bid_seq=None)
    assert refused["code"] == "paddle_not_valid"
    assert "pas inscrit" in refused["message"]
    assert any(getattr(r, "reason", "") == "not_registered" for r in caplog.records)
    await phone.close()

    # The live page shows no bid button, and says why.
    page = await client.get(f"/ventes/{sale_id}/direct")
    assert page.status_code == 200
    assert 'id="bid-button"' not in page.text and "pas inscrit" in page.text
    assert f'data-socket="/ws/salle/{sale_id}"' in page.text


async def test_the_live_page_shows_the_bid_button_only_to_a_verified_online_bidder(app, client, sale_id):
    anonymous = await client.get(f"/ventes/{sale_id}/direct")
    assert anonymous.status_code == 200 and 'id="bid-button"' not in anonymous.text
    assert "connectez-vous" in anonymous.text
    await session_cookie(client, BIDDER.email, BIDDER.password)
    page = await client.get(f"/ventes/{sale_id}/direct")
    assert 'id="bid-button"' in page.text and f'data-socket="/ws/direct/{sale_id}"' in page.text
    assert 'data-paddle="501"' in page.text
    await session_cookie(client, CLERK.email, CLERK.password)
    staff = await client.get(f"/ventes/{sale_id}/direct")
    assert 'id="bid-button"' not in staff.text
    assert (await client.get("/ventes/424242/direct")).status_code == 404


async def test_the_tablet_lists_phone_lines_and_absentee_orders_of_verified_paddles(app, client, db, sale_id):
    from auction.models import BidRequest, Registration, utcnow
    async with db.sessions() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.paddle_number == 2))
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
        session.add_all([BidRequest(registration_id=registration.id, lot_id=lot_id, kind="phone",
                                    phone="07 11 22 33 44", received_at=utcnow())])
    await session_cookie(client, CLERK.email, CLERK.password)
    page = await client.get(f"/bureau/ventes/{sale_id}/salle")
    book = orjson.loads(page.text.split('id="bid-requests">')[1].split("</script>")[0])
    assert [(r["kind"], r["paddle"], r["phone"]) for r in book] == [("phone", 2, "07 11 22 33 44")]
    # The demo's pending registration (Camille Roux, no paddle yet) has requests too: not listed.
    assert all(r["name"] != "Camille ROUX" for r in book)


async def test_the_tablet_refetches_its_book_from_a_staff_only_endpoint(app, client, db, sale_id):
    """A phone request taken at the desk after the tablet loaded is in the book the tablet fetches
    again when a lot opens; names and phone numbers go to the staff only."""
    from auction.models import BidRequest, Registration, utcnow
    book_path = f"/bureau/ventes/{sale_id}/salle/carnet"
    await session_cookie(client, CLERK.email, CLERK.password)
    page = await client.get(f"/bureau/ventes/{sale_id}/salle")
    assert f'data-book="{book_path}"' in page.text
    before = (await client.get(book_path)).json()["bid_requests"]
    assert all(r["phone"] != "07 99 88 77 66" for r in before)

    async with db.sessions() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.paddle_number == 3))
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
        session.add(BidRequest(registration_id=registration.id, lot_id=lot_id, kind="phone",
                               phone="07 99 88 77 66", received_at=utcnow()))
    response = await client.get(book_path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store, private"
    book = response.json()["bid_requests"]
    assert len(book) == len(before) + 1
    taken = next(r for r in book if r["phone"] == "07 99 88 77 66")
    assert (taken["kind"], taken["lot_id"], taken["paddle"], taken["blocked"]) == ("phone", lot_id, 3, False)
    assert taken["name"]
    assert all(r["name"] != "Camille ROUX" for r in book)        # no paddle yet: not in the book
    officer = next(login for login in DEMO_LOGINS if login.role.value == "officer")
    await session_cookie(client, officer.email, officer.password)
    assert (await client.get(book_path)).json()["bid_requests"] == book
    assert (await client.get("/bureau/ventes/424242/salle/carnet")).status_code == 404

    # Nobody else: not a bidder (not even one with a paddle in the sale), not an anonymous visitor.
    await session_cookie(client, BIDDER.email, BIDDER.password)
    refused = await client.get(book_path)
    assert refused.status_code == 403 and "07 99 88 77 66" not in refused.text
    client.cookies.clear()
    anonymous = await client.get(book_path)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    assert "07 99 88 77 66" not in anonymous.text


async def test_a_bid_goes_on_to_the_room_when_its_limits_cannot_be_read(app, client, sale_id, caplog):
    class Unreachable(MemoryStore):
        apart = app.state.limit_store.apart       # asked as the app's own store is

        async def take(self, chain, now):
            raise OSError("the limits' database does not answer")
    app.state.bid_limits = BidLimits(Unreachable(), b"k")
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    await phone.open()
    with caplog.at_level(logging.WARNING, logger="criee.online"):
        answer = await phone.command("bid", lot_id=1, amount_cents=100, expected_bid_seq=None)
    assert answer["code"] == "sale_not_open", "decided by the room, not refused for the limits"
    assert any(r.getMessage() == "online bid limits unavailable" for r in caplog.records)
    await phone.close()


async def test_an_online_bid_keeps_its_place_in_the_room_while_its_limits_answer(app, client, sale_id):
    """The shared rate limits wait for the database, under the room's lock: a clerk's bid for the same
    step that comes in meanwhile is decided after the online bid, which arrived first, and loses."""
    asking, answer = asyncio.Event(), asyncio.Event()

    class Slow(MemoryStore):
        apart = app.state.limit_store.apart       # asked as the app's own store is: on PostgreSQL in turn

        async def take(self, chain, now):
            asking.set()
            await answer.wait()             # the limits' database takes its time
            return await super().take(chain, now)

    app.state.bid_limits = BidLimits(Slow(), b"k")
    room = await open_first_lot(app, client, sale_id)
    staff, phone, lot_id, amount = room.staff, room.phone, room.lot_id, room.next_minimum_cents

    online_id = uuid.uuid4().hex
    phone.send({"type": "command", "command_id": online_id, "name": "bid",
                "args": {"lot_id": lot_id, "amount_cents": amount, "expected_bid_seq": None}})
    await asyncio.wait_for(asking.wait(), 10)            # the online bid is at its limits
    clerk_bid = asyncio.create_task(staff.command("bid", paddle=2, amount_cents=amount))
    await asyncio.sleep(0.05)
    assert not clerk_bid.done(), "the clerk's later bid waits for the online bid's turn"
    answer.set()
    online = await phone.receive("ack", "error")
    assert online["command_id"] == online_id and online["type"] == "ack"
    refused = await clerk_bid
    assert refused["type"] == "error" and refused["code"] in ("outbid", "bid_too_low"), refused
    await phone.close()
    await staff.close()


async def test_an_online_bid_asks_its_limits_while_it_waits_for_the_room(app, client, sale_id):
    """The limits' round trip is not added to the wait for the room's lock: it is asked on arrival,
    while another command holds the room, and the bid is decided once the room is free."""
    asked = asyncio.Event()

    class Noting(MemoryStore):
        async def take(self, chain, now):
            asked.set()
            return await super().take(chain, now)

    app.state.bid_limits = BidLimits(Noting(), b"k")     # in memory: they may be asked at any time
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    await phone.open()
    room = await app.state.rooms.get(sale_id)
    async with room.lock:                                 # another command is being appended
        command_id = uuid.uuid4().hex
        phone.send({"type": "command", "command_id": command_id, "name": "bid",
                    "args": {"lot_id": 1, "amount_cents": 100, "expected_bid_seq": None}})
        await asyncio.wait_for(asked.wait(), 10)
    answer = await phone.receive("ack", "error")
    assert answer["command_id"] == command_id and answer["code"] == "sale_not_open", "decided by the room"
    await phone.close()


async def test_limits_that_do_not_answer_hold_the_room_no_longer_than_the_admit_timeout(app, client, sale_id, caplog):
    """On connections of their own, limits that hang are waited for ADMIT_TIMEOUT, then the bid goes on
    to the room (as when their database is down) and the hung check is cancelled."""
    from auction.web.pages.online import ADMIT_TIMEOUT
    cancelled = asyncio.Event()

    class Hung(MemoryStore):
        async def take(self, chain, now):
            try:
                await asyncio.Event().wait()
            finally:
                cancelled.set()

    app.state.bid_limits = BidLimits(Hung(), b"k")       # in memory: apart, as on connections of their own
    phone = Ws(app, f"/ws/direct/{sale_id}", await session_cookie(client, BIDDER.email, BIDDER.password))
    await phone.open()
    started = asyncio.get_running_loop().time()
    with caplog.at_level(logging.WARNING, logger="criee.online"):
        answer = await phone.command("bid", lot_id=1, amount_cents=100, expected_bid_seq=None)
    assert answer["code"] == "sale_not_open", "decided by the room, not held by the limits"
    assert ADMIT_TIMEOUT <= asyncio.get_running_loop().time() - started < 5
    assert any(r.getMessage() == "online bid limits unavailable" for r in caplog.records)
    await asyncio.wait_for(cancelled.wait(), 5)
    await phone.close()
