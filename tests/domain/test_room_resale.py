"""Putting a lot in default up again in the same sale (réitération des enchères, CPCE R221-38)."""
from dataclasses import replace

import pytest

from auction.domain.defaults import RESALE_MENTION
from auction.domain.room import LotNotInDefault, LotStillOpen, PaddleNotValid, StopRuleReached, replay
from auction.domain.room_view import in_default_view, staff_view

from .room_fixtures import OFFICER, SETUP, Room


def sold_then_defaulted(lot_id=3, paddle=1, amount=500_00):
    room = Room()
    room.do("open_sale")
    room.sell(lot_id, (paddle, amount))
    room.sell(4, (2, 20_00))
    # the default is declared after the hammer: the setup, reloaded, knows the lot and the paddle
    paddles = {**SETUP.paddles, paddle: replace(SETUP.paddles[paddle], blocked=True)}
    room.setup = replace(SETUP, defaulted={lot_id: paddle}, paddles=paddles)
    return room


def test_a_lot_in_default_is_listed_and_put_up_again_like_any_lot():
    room = sold_then_defaulted()
    assert [entry["lot_id"] for entry in in_default_view(room.state, room.setup)] == [3]
    first_hammer = room.state.results[3]
    event = room.do("put_up_again", lot_id=3)
    assert event.kind == "lot_put_up_again_in_room"
    assert event.payload == {"lot_id": 3, "paddle": 1, "mention": RESALE_MENTION,
                             "first_hammer_seq": first_hammer.seq, "first_hammer_cents": 500_00}
    assert room.state.lot_id == 3 and 3 not in room.state.results
    assert in_default_view(room.state, room.setup) == []
    room.do("bid", paddle=2, amount_cents=10_00)
    room.do("bid", paddle=3, amount_cents=300_00)
    for _ in range(3):
        room.do("call")
    hammer = room.do("hammer")
    assert hammer.payload["paddle"] == 3 and room.state.results[3].amount_cents == 300_00
    # the log replays to the same state
    assert replay(1, room.events).results == room.state.results


def test_the_defaulter_may_not_bid_on_it_again():
    room = sold_then_defaulted()
    room.do("put_up_again", lot_id=3)
    with pytest.raises(PaddleNotValid):
        room.do("bid", paddle=1, amount_cents=10_00)


def test_only_a_lot_whose_default_is_declared():
    room = sold_then_defaulted()
    with pytest.raises(LotNotInDefault):
        room.do("put_up_again", lot_id=4)          # sold, paid or not, but no default declared
    room.do("put_up_again", lot_id=3)
    room.do("pass_lot")
    with pytest.raises(LotNotInDefault):
        room.do("put_up_again", lot_id=3)          # once is the procedure; an unsold lot opens as usual
    room.do("open_lot", lot_id=3)


def test_not_while_another_lot_is_on_the_block():
    room = sold_then_defaulted()
    room.do("open_lot", lot_id=1)
    with pytest.raises(LotStillOpen):
        room.do("put_up_again", lot_id=3)


def test_a_lot_in_default_leaves_the_proceeds_until_sold_again():
    room = sold_then_defaulted()
    before = staff_view(room.state, room.setup)["cases"]
    assert next(c for c in before if c["id"] == 20)["hammer_total_cents"] == 20_00   # lot 3 no longer counts
    room.do("put_up_again", lot_id=3)
    room.do("bid", paddle=2, amount_cents=400_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    after = staff_view(room.state, room.setup)["cases"]
    assert next(c for c in after if c["id"] == 20)["hammer_total_cents"] == 420_00


def test_the_stop_rule_applies_to_a_lot_put_up_again():
    room = Room()
    room.do("open_sale")
    room.sell(1, (1, 200_00))
    room.sell(2, (2, 400_00))                         # case SV-1 covered (claims 300 €)
    room.setup = replace(SETUP, defaulted={1: 1})
    # without lot 1 the case still has 400 € less fees: covered, so the resale needs the officer
    with pytest.raises(StopRuleReached):
        room.do("put_up_again", lot_id=1)
    event = room.do("put_up_again", OFFICER, lot_id=1, override_stop_rule=True, reason="créance à parfaire")
    assert event.payload["stop_rule_override"] is True


def test_the_record_writes_the_resale_and_refers_to_the_first_adjudication():
    from auction.domain.sale_record import sale_record

    from .test_sale_record import FACTS
    room = sold_then_defaulted()
    first = room.state.results[3]
    room.do("close_session", OFFICER)
    part_one = sale_record(FACTS, room.events).sessions[0]
    room.do("open_session")
    room.do("put_up_again", lot_id=3)
    room.do("bid", paddle=2, amount_cents=300_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    record = sale_record(FACTS, room.events)
    assert record.sessions[0] == part_one                      # the first entry is left as written
    entries = record.sessions[1].entries
    assert [e.kind for e in entries] == ["put_up_again", "sold"]
    resale, sold = entries
    assert resale.text == RESALE_MENTION and resale.refers_to_seq == first.seq
    assert (resale.amount_cents, resale.paddle, resale.lot.id) == (500_00, 1, 3)
    assert (sold.amount_cents, sold.paddle) == (300_00, 2)
