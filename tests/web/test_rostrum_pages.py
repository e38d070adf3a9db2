"""The auctioneer's screen (/bureau/ventes/{sale}/pupitre): staff only (officer and clerk; visitors and
bidders refused), its read-only socket with the staff view, and its order book without names."""
from __future__ import annotations

import orjson
from sqlalchemy import func, select

from auction.models import BidRequest, Lot, Registration, Sale, utcnow
from auction.models.bidlog import SaleEvent
from auction.services.demo import DEMO_LOGINS

from .test_access import ws_handshake
from .sockets import Ws, session_cookie

OFFICER = next(login for login in DEMO_LOGINS if login.role.value == "officer")
CLERK = next(login for login in DEMO_LOGINS if login.role.value == "clerk")
BIDDER = next(login for login in DEMO_LOGINS if login.role.value == "bidder")
NBSP, NNBSP = "\u00a0", "\u202f"


async def test_the_page_is_for_the_officer_and_the_clerk_only(client, sale_id):
    path = f"/bureau/ventes/{sale_id}/pupitre"
    anonymous = await client.get(path)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion?suite=")
    await session_cookie(client, BIDDER.email, BIDDER.password)
    refused = await client.get(path)
    assert refused.status_code == 403 and "Accès refusé" in refused.text
    for login in (OFFICER, CLERK):
        await session_cookie(client, login.email, login.password)
        page = await client.get(path)
        assert page.status_code == 200, login.email
        assert f'data-socket="/ws/bureau/ventes/{sale_id}/pupitre"' in page.text
        assert f'data-book="/bureau/ventes/{sale_id}/pupitre/carnet"' in page.text
        assert "no-store" in page.headers["cache-control"]
        lots = orjson.loads(page.text.split('id="sale-lots">')[1].split("</script>")[0])
        assert len(lots) == 40 and {"case_id", "estimate_low_cents", "opening_bid_cents"} <= set(lots[0])
    assert (await client.get("/bureau/ventes/424242/pupitre")).status_code == 404


async def test_the_sale_page_and_the_tablet_link_to_it(client, sale_id):
    await session_cookie(client, CLERK.email, CLERK.password)
    for path in (f"/bureau/ventes/{sale_id}", f"/bureau/ventes/{sale_id}/salle"):
        page = await client.get(path)
        assert f'href="/bureau/ventes/{sale_id}/pupitre"' in page.text, path


async def test_the_sale_page_and_the_tablet_show_the_first_bid_of_a_lot_without_an_opening_bid(client, db, sale_id):
    """A forced sale's lot may have no mise à prix: the staff's list of lots and the clerk's tablet say
    "Première enchère" with the increment table's first step, never "0 €"; the other lots keep theirs."""
    async with db.sessions() as session, session.begin():
        first, second = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position)
                                               .limit(2))).all()
        first.opening_bid_cents = 0
        (await session.get(Sale, sale_id)).increments = [[0, 10_00], [500_00, 50_00]]
    await session_cookie(client, CLERK.email, CLERK.password)
    page = (await client.get(f"/bureau/ventes/{sale_id}")).text
    row = page.split(f'id="lot-{first.id}"')[1].split("</tr>")[0]
    assert f'<td class="num">Première enchère : 10{NBSP}€</td>' in row
    other = page.split(f'id="lot-{second.id}"')[1].split("</tr>")[0]
    assert f'<td class="num">{second.opening_bid_cents // 100:,}{NBSP}€</td>'.replace(",", NNBSP) in other
    tablet = (await client.get(f"/bureau/ventes/{sale_id}/salle")).text
    row = tablet.split(f'data-lot-id="{first.id}"')[1].split("</li>")[0]
    assert f'<span class="lot-row-opening">Première enchère : 10{NBSP}€</span>' in row and 'data-opening="0"' in row
    other = tablet.split(f'data-lot-id="{second.id}"')[1].split("</li>")[0]
    assert f'Mise à prix {second.opening_bid_cents // 100:,}{NBSP}€</span>'.replace(",", NNBSP) in other


async def test_the_socket_refuses_visitors_and_bidders(app, client, sale_id):
    path = f"/ws/bureau/ventes/{sale_id}/pupitre"
    assert await ws_handshake(app, path) == {"type": "websocket.close", "code": 4401, "reason": ""}
    bidder = await session_cookie(client, BIDDER.email, BIDDER.password)
    assert await ws_handshake(app, path, cookie=bidder) == {"type": "websocket.close", "code": 4403, "reason": ""}
    clerk = await session_cookie(client, CLERK.email, CLERK.password)
    # a page of another site cannot ride the clerk's cookie
    assert (await ws_handshake(app, path, cookie=clerk, origin="https://evil.example"))["code"] == 4403
    # the clerk is let in (then closed 1002: this client never says hello)
    assert await ws_handshake(app, path, cookie=clerk) == {"type": "websocket.close", "code": 1002, "reason": ""}


async def test_the_socket_follows_the_room_with_the_staff_view_and_acts_on_nothing(app, client, db, sale_id):
    rostrum = Ws(app, f"/ws/bureau/ventes/{sale_id}/pupitre", await session_cookie(client, OFFICER.email, OFFICER.password))
    snapshot = await rostrum.open()
    assert snapshot["type"] == "snapshot"
    state = snapshot["state"]
    assert state["status"] == "ready"
    # The staff view: the stop rule's cases (threshold and proceeds so far) are there.
    assert state["cases"] and {"reference", "claims_cents", "net_proceeds_cents", "covered"} <= set(state["cases"][0])
    assert (await rostrum.receive("presence"))["online_bidders"] == 0

    # Even the officer's own session cannot act from this screen: every command is refused, nothing recorded.
    refused = await rostrum.command("open_sale")
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SaleEvent).where(SaleEvent.sale_id == sale_id)) == 0
    rostrum.send({"type": "ping"})
    assert (await rostrum.receive("pong"))["seq"] == 0

    # What the tablet does reaches it at once, with the staff view.
    tablet = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    await tablet.open()
    assert (await tablet.command("open_sale"))["type"] == "ack"
    async with db.sessions() as session:
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
    assert (await tablet.command("open_lot", lot_id=lot_id))["type"] == "ack"
    opened = await rostrum.receive("event")
    assert opened["event"]["kind"] == "sale_opened"
    opened = await rostrum.receive("event")
    assert opened["event"]["kind"] == "lot_opened" and opened["state"]["lot"]["id"] == lot_id
    amount = opened["state"]["next_minimum_cents"]
    assert (await tablet.command("bid", paddle=2, amount_cents=amount))["type"] == "ack"
    bid = await rostrum.receive("event")
    assert bid["event"]["kind"] == "bid" and bid["state"]["current_bid"]["source"] == "room"
    assert bid["state"]["next_minimum_cents"] > amount and "cases" in bid["state"]
    await tablet.close()

    # A message bigger than a display's (1 024 bytes) is not read: closed 1009.
    rostrum.send({"type": "ping", "padding": "x" * 1100})
    assert (await rostrum.receive()) == {"type": "closed", "code": 1009}
    await rostrum.close()


async def test_the_book_gives_orders_and_phone_lines_without_names_or_numbers(app, client, db, sale_id):
    async with db.sessions() as session, session.begin():
        paddle = {number: await session.scalar(select(Registration).where(
            Registration.sale_id == sale_id, Registration.paddle_number == number)) for number in (2, 3)}
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
        session.add_all([
            BidRequest(registration_id=paddle[2].id, lot_id=lot_id, kind="phone", phone="07 11 22 33 44",
                       received_at=utcnow()),
            BidRequest(registration_id=paddle[3].id, lot_id=lot_id, kind="absentee", max_amount_cents=150_000,
                       received_at=utcnow())])
    path = f"/bureau/ventes/{sale_id}/pupitre/carnet"
    assert (await client.get(path)).status_code == 303
    await session_cookie(client, BIDDER.email, BIDDER.password)
    assert (await client.get(path)).status_code == 403
    await session_cookie(client, CLERK.email, CLERK.password)
    response = await client.get(path)
    assert response.status_code == 200 and "no-store" in response.headers["cache-control"]
    book = response.json()["bid_requests"]
    mine = [r for r in book if r["lot_id"] == lot_id and r["paddle"] in (2, 3)]
    assert sorted((r["kind"], r["paddle"], r["max_amount_cents"]) for r in mine) == [
        ("absentee", 3, 150_000), ("phone", 2, None)]
    for request in book:
        assert set(request) == {"kind", "lot_id", "paddle", "max_amount_cents", "received_at", "blocked"}
    assert "07 11 22 33 44" not in response.text
    tablet_book = (await client.get(f"/bureau/ventes/{sale_id}/salle/carnet")).json()["bid_requests"]
    for name in {r["name"] for r in tablet_book}:
        assert name not in response.text
    assert (await client.get("/bureau/ventes/424242/pupitre/carnet")).status_code == 404
