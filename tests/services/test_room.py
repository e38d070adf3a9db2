"""The room service: commands appended to the stored, hash-chained log."""
import asyncio
import uuid

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.domain.lots import LotNumber, LotsFrozen
from auction.domain.room import BidTooLow, InvalidCommand, LotWithdrawn, PaddleNotValid
from auction.domain.room_errors import CommandIdReused
from auction.domain.room_view import public_view
from auction.models import Bidder, Lot, Registration, Sale, SaleEvent, utcnow
from auction.services import lots
from auction.services import room as room_service
from auction.services import room_loaders


async def run(db, room, actor, name, command_id=None, **args):
    return await room_service.submit(db.sessions, room, command_id or uuid.uuid4().hex, name, args, actor, utcnow())


async def test_commands_are_stored_chained_and_replayed(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    opening = room.setup.lots[lot_id].opening_bid_cents
    await run(db, room, clerk, "bid", paddle=1, amount_cents=opening)
    await run(db, room, clerk, "bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(db, room, clerk, "call")
    outcome = await run(db, room, clerk, "hammer")
    assert outcome.event.seq == 8
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert count == 8 and broken is None
    again = await room_service.open_room(db.sessions, sale_id)     # a restart
    assert again.state == room.state
    assert again.state.results[lot_id].paddle == 2
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "live"


async def test_same_command_id_twice_bids_once(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    amount = room.setup.lots[lot_id].opening_bid_cents
    first = await run(db, room, clerk, "bid", command_id="retry-123456", paddle=1, amount_cents=amount)
    second = await run(db, room, clerk, "bid", command_id="retry-123456", paddle=1, amount_cents=amount)
    assert second.duplicate and second.event == first.event
    assert room.state.seq == 3
    # still recognised after a restart
    restarted = await room_service.open_room(db.sessions, sale_id)
    third = await run(db, restarted, clerk, "bid", command_id="retry-123456", paddle=1, amount_cents=amount)
    assert third.duplicate and third.event.seq == 3


async def test_a_refused_command_stores_nothing(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=next(iter(room.setup.lots)))
    with pytest.raises(BidTooLow):
        await run(db, room, clerk, "bid", paddle=1, amount_cents=1)
    with pytest.raises(PaddleNotValid):
        await run(db, room, clerk, "bid", paddle=4242, amount_cents=10_000_00)
    async with db.sessions() as session:
        assert len((await session.scalars(select(SaleEvent))).all()) == 2


async def test_two_tablets_racing_on_one_step_get_one_winner(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    amount = room.setup.lots[lot_id].opening_bid_cents
    results = await asyncio.gather(
        run(db, room, clerk, "bid", paddle=1, amount_cents=amount),
        run(db, room, clerk, "bid", paddle=2, amount_cents=amount),
        return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, BidTooLow) for r in results) == 1


async def test_two_processes_cannot_append_the_same_step(db, sale_id, clerk):
    """Two rooms loaded from the same log stand for two server processes."""
    here = await room_service.open_room(db.sessions, sale_id)
    there = await room_service.open_room(db.sessions, sale_id)
    await run(db, here, clerk, "open_sale")
    with pytest.raises(room_service.ConcurrentAppend):
        await run(db, there, clerk, "open_sale")
    # the loser caught up with the winner's event
    assert there.state == here.state
    lot_id = next(iter(there.setup.lots))
    await run(db, there, clerk, "open_lot", lot_id=lot_id)
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert count == 2 and broken is None


async def test_a_bidder_verified_during_the_sale_can_bid(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    async with db.sessions() as session, session.begin():
        bidder = Bidder(first_name="Léa", last_name="Martin", email="lea@exemple.fr", address="1 rue",
                        postcode="69001", city="Lyon")
        session.add(bidder)
        await session.flush()
        session.add(Registration(sale_id=sale_id, bidder_id=bidder.id, channel="room", paddle_number=77,
                                 verified_at=utcnow()))
    await run(db, room, clerk, "bid", paddle=77, amount_cents=room.setup.lots[lot_id].opening_bid_cents)
    assert room.state.current_bid.paddle == 77


async def test_the_database_refuses_to_change_or_delete_an_event(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    for statement in (update(SaleEvent).values(kind="sale_closed"), text("DELETE FROM sale_events")):
        with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
            async with db.sessions() as session, session.begin():
                await session.execute(statement)
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert count == 1 and broken is None


async def _lot_fields(db, lot_id, **changes):
    async with db.sessions() as session:
        lot = await session.get(Lot, lot_id)
    values = {"title": lot.title, "description": lot.description, "category": lot.category,
              "estimate_low_cents": lot.estimate_low_cents, "estimate_high_cents": lot.estimate_high_cents,
              "opening_bid_cents": lot.opening_bid_cents, **changes}
    return lots.LotFields(**values), LotNumber(lot.number, lot.number_suffix)


async def test_a_lot_changed_while_the_room_is_loaded_reaches_the_room(db, sale_id, clerk):
    """The display or the live page loads the room before the sale opens; the clerk then withdraws one
    lot and edits another: what the page does (reload_setup) gives the room, and the other processes, the new lots."""
    registry = room_service.RoomRegistry(db.sessions)
    told = []

    async def tell(changed_sale_id):
        told.append(changed_sale_id)
    registry.setup_changed.append(tell)
    room = await registry.get(sale_id)
    withdrawn, edited = list(room.setup.lots)[:2]
    total = public_view(room.state, room.setup)["lots_total"]
    await lots.set_withdrawn(db.sessions, sale_id, withdrawn, True)
    fields, number = await _lot_fields(db, edited, title="Scie à format (lame neuve)", opening_bid_cents=123_00)
    await lots.update_lot(db.sessions, sale_id, edited, fields, number)
    await registry.reload_setup(sale_id)
    assert told == [sale_id]
    assert room.setup.lots[withdrawn].withdrawn
    assert public_view(room.state, room.setup)["lots_total"] == total - 1
    await run(db, room, clerk, "open_sale")
    with pytest.raises(LotWithdrawn, match="retiré"):
        await run(db, room, clerk, "open_lot", lot_id=withdrawn)
    await run(db, room, clerk, "open_lot", lot_id=edited)
    view = public_view(room.state, room.setup)
    assert view["lot"]["title"] == "Scie à format (lame neuve)"
    assert view["lot"]["opening_bid_cents"] == view["next_minimum_cents"] == 123_00
    with pytest.raises(BidTooLow):
        await run(db, room, clerk, "bid", paddle=1, amount_cents=122_00)
    await run(db, room, clerk, "bid", paddle=1, amount_cents=123_00)


async def test_the_room_takes_the_lots_as_they_are_when_the_sale_opens(db, sale_id, clerk):
    """Had the room missed a change's reload (an announcement lost), opening the sale reloads the lots,
    which are frozen from then on."""
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id = next(iter(room.setup.lots))
    await lots.set_withdrawn(db.sessions, sale_id, lot_id, True)
    assert not room.setup.lots[lot_id].withdrawn             # no reload: the room does not know yet
    await run(db, room, clerk, "open_sale")
    assert room.setup.lots[lot_id].withdrawn
    with pytest.raises(LotWithdrawn):
        await run(db, room, clerk, "open_lot", lot_id=lot_id)


async def test_the_lots_of_a_live_sale_cannot_change_the_lot_on_the_block_included(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    on_block, later = list(room.setup.lots)[:2]
    await run(db, room, clerk, "open_lot", lot_id=on_block)
    opening = room.setup.lots[on_block].opening_bid_cents
    await run(db, room, clerk, "bid", paddle=1, amount_cents=opening)
    for lot_id in (on_block, later):
        with pytest.raises(LotsFrozen, match="La vente a commencé"):
            await lots.set_withdrawn(db.sessions, sale_id, lot_id, True)
        fields, number = await _lot_fields(db, lot_id, title="Autre titre", opening_bid_cents=1_00)
        with pytest.raises(LotsFrozen, match="La vente a commencé"):
            await lots.update_lot(db.sessions, sale_id, lot_id, fields, number)
    async with db.sessions() as session:
        stored = {lot.id: lot for lot in await session.scalars(select(Lot).where(Lot.id.in_([on_block, later])))}
    assert all(lot.status == "listed" and lot.title != "Autre titre" for lot in stored.values())
    again = await room_loaders.load_setup(db.sessions, sale_id)
    assert again.lots == room.setup.lots
    await run(db, room, clerk, "bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
    assert room.state.lot_id == on_block and len(room.state.bids) == 2


async def test_arguments_have_exact_json_types(db, sale_id, clerk):
    """An amount or a paddle given as a string is refused, as floats and booleans are."""
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_sale")
    with pytest.raises(InvalidCommand):
        await run(db, room, clerk, "open_lot", lot_id=str(lot_id))
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    amount = room.setup.lots[lot_id].opening_bid_cents
    for args in ({"paddle": 1, "amount_cents": str(amount)}, {"paddle": "1", "amount_cents": amount},
                 {"paddle": 1, "amount_cents": float(amount)}, {"paddle": True, "amount_cents": amount}):
        with pytest.raises(InvalidCommand) as refused:
            await run(db, room, clerk, "bid", **args)
        assert refused.value.code == "invalid_command"
    assert room.state.seq == 2


async def test_a_command_id_is_consumed_by_its_first_answer(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    lot_id = next(iter(room.setup.lots))
    await run(db, room, clerk, "open_sale")
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    amount = room.setup.lots[lot_id].opening_bid_cents
    # a refusal is the answer the id keeps: sent again, the same refusal, even once the bid would pass
    with pytest.raises(BidTooLow) as first:
        await run(db, room, clerk, "bid", command_id="low-bid-0001", paddle=1, amount_cents=amount - 100)
    with pytest.raises(BidTooLow) as again:
        await run(db, room, clerk, "bid", command_id="low-bid-0001", paddle=1, amount_cents=amount - 100)
    assert again.value is first.value
    # the same id with other arguments is refused, whether it was refused or acknowledged
    with pytest.raises(CommandIdReused) as reused:
        await run(db, room, clerk, "bid", command_id="low-bid-0001", paddle=1, amount_cents=amount)
    assert reused.value.code == "command_id_reused"
    await run(db, room, clerk, "bid", command_id="good-bid-0001", paddle=1, amount_cents=amount)
    with pytest.raises(CommandIdReused):
        await run(db, room, clerk, "bid", command_id="good-bid-0001", paddle=2, amount_cents=amount)
    assert (await run(db, room, clerk, "bid", command_id="good-bid-0001", paddle=1, amount_cents=amount)).duplicate
    assert room.state.seq == 3
