"""Online bids, absentee orders and phone bids through the room service, on both databases.

The demo sale: paddles 1, 2, 3 in the room; 501 online, held by the demo bidder's account.
"""
import asyncio
import logging
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from auction.db import Database
from auction.domain.roles import Role
from auction.domain.room import Actor, AlreadyLeading, LotNotOpen, OnlineBidPending, Outbid, PaddleNotValid
from auction.models import BidRequest, Bidder, Registration, Sale, SaleEvent, User, utcnow
from auction.services import online
from auction.services import room as room_service
from auction.services import room_loaders
from auction.services.demo import seed_demo
from auction.services.barred_persons import set_blocked
from auction.services.room import RoomRegistry

from .conftest import TODAY


@pytest.fixture
async def bidder_id(db, sale_id):
    """The demo bidder's account: Sophie Durand, online paddle 501."""
    async with db.sessions() as session:
        return await session.scalar(select(User.id).where(User.email == "encherisseur@exemple.fr"))


@pytest.fixture
async def room(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=next(iter(room.setup.lots)))
    return room


async def run(db, room, actor, name, command_id=None, **args):
    return await room_service.submit(db.sessions, room, command_id or uuid.uuid4().hex, name, args, actor, utcnow())


async def online_bid(db, room, user_id, amount=None, expected=..., command_id=None, lot_id=None):
    current = room.state.current_bid
    args = {"lot_id": lot_id or room.state.lot_id,
            "amount_cents": amount if amount is not None else room.state.next_minimum(room.setup),
            "expected_bid_seq": (current.seq if current else None) if expected is ... else expected}
    return await online.submit_online_bid(db.sessions, room, command_id or uuid.uuid4().hex, user_id, args, utcnow())


async def stored_bids(db, sale_id):
    async with db.sessions() as session:
        rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id, SaleEvent.kind == "bid")
                                     .order_by(SaleEvent.seq))
        return [(row.payload["paddle"], row.payload["amount_cents"], row.payload["source"]) for row in rows]


# --- racing room and online bids -------------------------------------------------------------------

async def test_an_online_bid_goes_through_the_log(db, sale_id, room, bidder_id):
    outcome = await online_bid(db, room, bidder_id)
    assert outcome.event.payload["paddle"] == 501 and outcome.event.payload["source"] == "online"
    assert outcome.event.user_id == bidder_id
    assert await stored_bids(db, sale_id) == [(501, outcome.event.payload["amount_cents"], "online")]
    with pytest.raises(AlreadyLeading):
        await online_bid(db, room, bidder_id)
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert broken is None and count == room.state.seq


async def test_the_same_online_command_id_twice_bids_once(db, sale_id, room, bidder_id):
    first = await online_bid(db, room, bidder_id, command_id="online-retry-42")
    second = await online_bid(db, room, bidder_id, command_id="online-retry-42",
                              amount=first.event.payload["amount_cents"], expected=None)
    assert second.duplicate and second.event == first.event
    assert len(await stored_bids(db, sale_id)) == 1


async def test_racing_room_and_online_bids_get_exactly_one_winner_per_step(db, sale_id, room, clerk, bidder_id):
    for step in range(6):
        current = room.state.current_bid
        expected = current.seq if current else None
        amount = room.state.next_minimum(room.setup)
        room_paddle = 1 if step % 2 else 2
        tasks = [run(db, room, clerk, "bid", paddle=room_paddle, amount_cents=amount, expected_bid_seq=expected),
                 online_bid(db, room, bidder_id, amount=amount, expected=expected)]
        if step % 2:
            tasks.reverse()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        accepted = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        if current is not None and current.paddle == 501:
            # 501 already leads: its own bid is refused whatever happens, the room's may win
            assert len(accepted) <= 1
            continue
        assert len(accepted) == 1, results
        assert len(refused) == 1 and isinstance(refused[0], Outbid), refused
        winner = accepted[0].event.payload
        assert refused[0].code == "outbid"
        assert refused[0].data["current_bid"]["amount_cents"] == winner["amount_cents"]
        assert "Surenchéri" in refused[0].message
    bids = await stored_bids(db, sale_id)
    amounts = [amount for _, amount, _ in bids]
    assert amounts == sorted(set(amounts))      # one bid per step, strictly increasing
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert broken is None


@pytest.fixture
def own_database_url(database_factory) -> str:
    """A migrated database of its own, for engines that really run side by side."""
    return database_factory.create_migrated()


async def test_racing_bids_on_two_processes_get_one_winner(own_database_url, tmp_path):
    """Two engines and two rooms loaded from the same log stand for two server processes: the room
    bid on one and the online bid on the other race for each step; (sale, seq) keeps one."""
    here_db, there_db = Database.connect(own_database_url), Database.connect(own_database_url)
    try:
        await seed_demo(here_db.sessions, tmp_path, TODAY)
        async with here_db.sessions() as session:
            sale_id = await session.scalar(select(Sale.id))
            clerk_id = await session.scalar(select(User.id).where(User.role == "clerk"))
            bidder_id = await session.scalar(select(User.id).where(User.email == "encherisseur@exemple.fr"))
        clerk = Actor(clerk_id, Role.CLERK)
        here = await room_service.open_room(here_db.sessions, sale_id)
        await run(here_db, here, clerk, "open_sale")
        await run(here_db, here, clerk, "open_lot", lot_id=next(iter(here.setup.lots)))
        there = await room_service.open_room(there_db.sessions, sale_id)
        for step in range(4):
            for room, db in ((here, here_db), (there, there_db)):     # both up to date before the race
                await room_service.catch_up(db.sessions, room)
            current = here.state.current_bid
            expected = current.seq if current else None
            amount = here.state.next_minimum(here.setup)
            results = await asyncio.gather(
                run(here_db, here, clerk, "bid", paddle=1 + step % 2, amount_cents=amount, expected_bid_seq=expected),
                online_bid(there_db, there, bidder_id, amount=amount, expected=expected),
                return_exceptions=True)
            accepted = [r for r in results if not isinstance(r, Exception)]
            refused = [r for r in results if isinstance(r, Exception)]
            if current is not None and current.paddle == 501:
                assert len(accepted) <= 1, results
                continue
            assert len(accepted) == 1, results
            assert isinstance(refused[0], (Outbid, room_service.ConcurrentAppend)), refused
        stored = await stored_bids(here_db, sale_id)
        amounts = [amount for _, amount, _ in stored]
        assert amounts == sorted(set(amounts)) and len(amounts) >= 2
        count, broken = await room_loaders.verify_log(here_db.sessions, sale_id)
        assert broken is None
    finally:
        await here_db.dispose()
        await there_db.dispose()


async def test_a_room_bid_made_against_an_old_step_is_outbid(db, sale_id, room, clerk, bidder_id):
    await online_bid(db, room, bidder_id)
    with pytest.raises(Outbid, match="Surenchéri : l'enchère est maintenant de .* \\(panneau 501\\)"):
        await run(db, room, clerk, "bid", paddle=2, amount_cents=10_000_000_00, expected_bid_seq=None)


# --- the hammer waits for an online bid already received ---------------------------------------

async def three_calls(db, room, clerk):
    for _ in range(3):
        await run(db, room, clerk, "call")


async def test_the_hammer_is_held_while_an_online_bid_is_undecided(db, sale_id, room, clerk, bidder_id):
    await run(db, room, clerk, "bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
    await three_calls(db, room, clerk)
    # The clerk taps the hammer while another command holds the room (its lock); an online bid
    # arrives before the hammer is decided. Received first, decided first: the hammer waits.
    async with room.lock:
        hammer = asyncio.create_task(run(db, room, clerk, "hammer"))
        await asyncio.sleep(0)
        bid = asyncio.create_task(online_bid(db, room, bidder_id))
        await asyncio.sleep(0)
        assert room.online_pending[room.state.lot_id] == 1
    with pytest.raises(OnlineBidPending, match="enchère en ligne"):
        await hammer
    outcome = await bid
    assert outcome.event.payload["paddle"] == 501
    assert not room.online_pending
    # The online bid is in the log; the lot goes on: three new calls before the hammer.
    assert room.state.current_bid.paddle == 501 and room.state.calls == 0
    await three_calls(db, room, clerk)
    hammer = await run(db, room, clerk, "hammer")
    assert hammer.event.payload["paddle"] == 501


async def test_passing_the_lot_is_held_too(db, sale_id, room, clerk, bidder_id):
    room.online_pending[room.state.lot_id] += 1
    with pytest.raises(OnlineBidPending):
        await run(db, room, clerk, "pass_lot")
    room.online_pending.clear()
    await run(db, room, clerk, "pass_lot")


async def test_an_online_bid_after_the_hammer_is_too_late(db, sale_id, room, clerk, bidder_id):
    lot_id = room.state.lot_id
    await run(db, room, clerk, "bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
    await three_calls(db, room, clerk)
    await run(db, room, clerk, "hammer")
    with pytest.raises(LotNotOpen, match="Trop tard"):
        await online_bid(db, room, bidder_id, amount=10_000_00, expected=None, lot_id=lot_id)
    assert room.state.results[lot_id].paddle == 2
    assert not room.online_pending


async def test_a_refused_online_bid_releases_the_hammer(db, sale_id, room, clerk, bidder_id):
    with pytest.raises(Exception):
        await online_bid(db, room, bidder_id, amount=1)
    assert not room.online_pending


# --- who may bid online -------------------------------------------------------------------------

async def demo_bidder(db, user_id):
    async with db.sessions() as session:
        return await session.scalar(select(Bidder).where(Bidder.user_id == user_id))


async def add_account(db, email: str) -> int:
    async with db.sessions() as session, session.begin():
        user = User(email=email, full_name=email, role="bidder", password_hash="x")
        session.add(user)
        await session.flush()
        return user.id


async def test_unverified_blocked_room_and_other_sale_paddles_are_refused_and_logged(
        db, sale_id, room, clerk, bidder_id, caplog):
    caplog.set_level(logging.WARNING, logger="criee.online")
    # A registration not yet verified (no paddle): the demo's pending online registration.
    camille = await add_account(db, "camille.compte@exemple.fr")
    async with db.sessions() as session, session.begin():
        await session.execute(update(Bidder).where(Bidder.last_name == "Roux").values(user_id=camille))
    # A room paddle (Marc Bertin, paddle 1) with an account.
    marc = await add_account(db, "marc.compte@exemple.fr")
    async with db.sessions() as session, session.begin():
        await session.execute(update(Bidder).where(Bidder.last_name == "Bertin").values(user_id=marc))
    # A verified online paddle, but of another sale.
    other = await add_account(db, "autre.vente@exemple.fr")
    async with db.sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        second = Sale(reference="VJ-2027-01", title="Autre vente", starts_at=sale.starts_at + timedelta(days=30),
                      place_kind="room", place_name="Salle", address="1 rue", postcode="69001", city="Lyon",
                      status="announced")
        bidder = Bidder(first_name="Paul", last_name="Autre", email="autre.vente@exemple.fr", address="1 rue",
                        postcode="69001", city="Lyon", user_id=other)
        session.add_all([second, bidder])
        await session.flush()
        session.add(Registration(sale_id=second.id, bidder_id=bidder.id, channel="online", paddle_number=501,
                                 verified_at=utcnow()))
    # No registration at all.
    stranger = await add_account(db, "inconnu@exemple.fr")

    expected = {camille: "not_verified", marc: "room_channel", other: "other_sale", stranger: "not_registered"}
    for user_id, reason in expected.items():
        with pytest.raises(PaddleNotValid):
            await online_bid(db, room, user_id)
        assert any(getattr(r, "reason", None) == reason and getattr(r, "user_id", None) == user_id
                   for r in caplog.records), reason
    # Blocked after a default: refused too.
    await set_blocked(db.sessions, (await demo_bidder(db, bidder_id)).id, "défaut de paiement", utcnow())
    registry = RoomRegistry(db.sessions)
    registry.rooms[sale_id] = room
    await registry.refresh_paddles()       # what the blocking page does
    with pytest.raises(PaddleNotValid, match="bloqué"):
        await online_bid(db, room, bidder_id)
    assert any(getattr(r, "reason", None) == "blocked" for r in caplog.records)
    assert await stored_bids(db, sale_id) == []
    assert not room.online_pending


async def test_an_online_bid_cannot_name_another_paddle(db, sale_id, room, bidder_id):
    args = {"lot_id": room.state.lot_id, "amount_cents": room.state.next_minimum(room.setup),
            "expected_bid_seq": None, "paddle": 2}
    with pytest.raises(PaddleNotValid):
        await online.submit_online_bid(db.sessions, room, uuid.uuid4().hex, bidder_id, args, utcnow())


async def test_the_clerk_cannot_enter_online_or_absentee_bids(db, sale_id, room, clerk):
    from auction.domain.room import InvalidCommand
    amount = room.state.next_minimum(room.setup)
    for source in ("online", "absentee"):
        with pytest.raises(InvalidCommand):
            await run(db, room, clerk, "bid", paddle=501, amount_cents=amount, source=source)


# --- absentee orders and phone bids ---------------------------------------------------------------

async def add_request(db, sale_id, paddle, lot_id, kind, **fields):
    async with db.sessions() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                                       Registration.paddle_number == paddle))
        session.add(BidRequest(registration_id=registration.id, lot_id=lot_id, kind=kind,
                               received_at=utcnow() - timedelta(days=3), **fields))


async def test_absentee_orders_bid_in_the_same_transaction_as_their_trigger(db, sale_id, clerk, bidder_id):
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id, lot = next(iter(room.setup.lots.items()))
    ceiling = lot.opening_bid_cents * 3
    await add_request(db, sale_id, 3, lot_id, "absentee", max_amount_cents=ceiling)   # taken after the room loaded
    await run(db, room, clerk, "open_sale")
    opened = await run(db, room, clerk, "open_lot", lot_id=lot_id)
    assert await stored_bids(db, sale_id) == [(3, lot.opening_bid_cents, "absentee")]
    answer = room.events[opened.event.seq]          # the event right after the lot opening
    assert answer.user_id is None and answer.payload["order_id"]
    # An online bid: the order answers one step above, in the same transaction.
    outcome = await online_bid(db, room, bidder_id)
    assert room.state.current_bid.paddle == 3
    assert room.state.current_bid.amount_cents == room.setup.increments.next_minimum(
        outcome.event.payload["amount_cents"], 0)
    # Beyond the order's maximum, the online bidder leads.
    await online_bid(db, room, bidder_id, amount=ceiling + 100_00)
    assert room.state.current_bid.paddle == 501
    sources = [source for _, _, source in await stored_bids(db, sale_id)]
    assert sources == ["absentee", "online", "absentee", "online"]
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert broken is None and count == room.state.seq
    restarted = await room_service.open_room(db.sessions, sale_id)
    assert restarted.state == room.state


async def test_phone_bids_need_a_phone_request(db, sale_id, room, clerk):
    lot_id = room.state.lot_id
    amount = room.state.next_minimum(room.setup)
    with pytest.raises(PaddleNotValid, match="téléphone"):
        await run(db, room, clerk, "bid", paddle=2, amount_cents=amount, source="phone")
    await add_request(db, sale_id, 2, lot_id, "phone", phone="06 98 76 54 32")
    outcome = await run(db, room, clerk, "bid", paddle=2, amount_cents=amount, source="phone")
    assert outcome.event.payload["source"] == "phone"
