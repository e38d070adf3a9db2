"""The rules of the live room, one test per rule, named after the article that sets it."""
from dataclasses import replace

import pytest

from auction.domain.room import (AlreadyLeading, BidTooLow, CallsComplete, HammerNeedsCalls, InvalidCommand,
                                 LotAlreadySold, LotHasBids, LotNotOpen, LotStillOpen, LotWithdrawn, NoBid,
                                 OfficerRequired, PaddleNotValid, ReasonRequired, ReofferNotAllowed, SaleAlreadyOpen,
                                 SaleEnded, SaleNotOpen, SalePaused, StopRuleReached, UnknownLot, decide, replay)
from auction.domain.roles import Role
from auction.domain.room import Actor, PaddleInfo

from .room_fixtures import OFFICER, SETUP, Room


@pytest.fixture
def room():
    r = Room()
    r.do("open_sale")
    return r


def test_nothing_happens_before_the_sale_is_opened():
    r = Room()
    with pytest.raises(SaleNotOpen):
        r.do("open_lot", lot_id=1)
    r.do("open_sale")
    with pytest.raises(SaleAlreadyOpen):
        r.do("open_sale")


def test_first_bid_is_at_least_the_opening_bid(room):
    room.do("open_lot", lot_id=1)
    assert room.state.next_minimum(room.setup) == 100_00
    with pytest.raises(BidTooLow) as refused:
        room.do("bid", paddle=1, amount_cents=99_99)
    # A whole amount without cents, as everywhere else in the room ("100 €", not "100,00 €").
    assert str(refused.value) == "Enchère trop basse : le minimum est 100\u00a0€."
    room.do("bid", paddle=1, amount_cents=100_00)
    assert room.state.current_bid.amount_cents == 100_00


def test_a_minimum_with_cents_is_refused_with_its_cents(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_50)   # a free amount with cents: the minimum keeps them
    minimum = room.state.next_minimum(room.setup)
    assert minimum % 100 == 50
    with pytest.raises(BidTooLow) as refused:
        room.do("bid", paddle=2, amount_cents=minimum - 1)
    assert str(refused.value) == f"Enchère trop basse : le minimum est {minimum // 100},50\u00a0€."


def test_next_bid_is_current_plus_the_increment_step(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)   # 20–199 €: step 10 €
    assert room.state.next_minimum(room.setup) == 110_00
    with pytest.raises(BidTooLow):
        room.do("bid", paddle=2, amount_cents=109_00)
    room.do("bid", paddle=2, amount_cents=195_00)
    assert room.state.next_minimum(room.setup) == 205_00
    room.do("bid", paddle=1, amount_cents=205_00)    # 200–499 €: step 50 €
    assert room.state.next_minimum(room.setup) == 255_00


def test_c_civ_1591_a_bid_is_never_0(room):
    room.do("open_lot", lot_id=4)                       # no opening bid: the first step, 5 €
    assert room.state.next_minimum(room.setup) == 5_00
    for amount in (0, -1, -5_00):
        with pytest.raises(BidTooLow, match="C. civ. 1591"):
            room.do("bid", paddle=1, amount_cents=amount)
    with pytest.raises(BidTooLow, match="minimum est 5\u00a0€"):
        room.do("bid", paddle=1, amount_cents=4_99)
    with pytest.raises(InvalidCommand):
        room.do("bid", paddle=1, amount_cents=5.5)      # whole cents only
    room.do("bid", paddle=1, amount_cents=5_00)
    assert room.state.current_bid.amount_cents == 5_00


def test_c_civ_1591_an_online_bid_is_never_0_and_stands_at_the_first_step():
    room = Room(replace(SETUP, paddles={**SETUP.paddles, 501: PaddleInfo(501, 601, "online", user_id=9)}))
    room.do("open_sale")
    room.do("open_lot", lot_id=4)
    for amount in (0, -1):
        with pytest.raises(BidTooLow, match="C. civ. 1591"):
            room.do("bid", Actor(9, Role.BIDDER), paddle=501, amount_cents=amount)
    with pytest.raises(BidTooLow):
        room.do("bid", Actor(9, Role.BIDDER), paddle=501, amount_cents=4_99)
    event = room.do("bid", Actor(9, Role.BIDDER), paddle=501, amount_cents=5_00)
    assert event.payload["source"] == "online" and event.payload["amount_cents"] == 5_00


def test_the_clerk_may_enter_any_higher_amount(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=1_234_56)
    assert room.state.current_bid.amount_cents == 1_234_56


def test_a_bid_needs_a_verified_paddle_of_this_sale(room):
    room.do("open_lot", lot_id=1)
    with pytest.raises(PaddleNotValid, match="panneau 77"):
        room.do("bid", paddle=77, amount_cents=100_00)


def test_the_leader_cannot_outbid_himself(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    with pytest.raises(AlreadyLeading):
        room.do("bid", paddle=1, amount_cents=200_00)


def test_a_bid_needs_an_open_lot(room):
    with pytest.raises(LotNotOpen):
        room.do("bid", paddle=1, amount_cents=100_00)


def test_r221_38_hammer_after_three_calls(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    for made in range(3):
        with pytest.raises(HammerNeedsCalls):
            room.do("hammer")
        room.do("call")
    with pytest.raises(CallsComplete):
        room.do("call")
    event = room.do("hammer")
    assert event.payload == {"lot_id": 1, "paddle": 1, "amount_cents": 100_00, "registration_id": 101}
    assert room.state.results[1].sold and room.state.lot_id is None


def test_r221_38_a_new_bid_restarts_the_calls(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    room.do("call")
    room.do("call")
    room.do("bid", paddle=2, amount_cents=110_00)
    assert room.state.calls == 0
    with pytest.raises(HammerNeedsCalls):
        room.do("hammer")


def test_r221_38_no_hammer_without_a_bid(room):
    room.do("open_lot", lot_id=1)
    with pytest.raises(NoBid):
        room.do("hammer")
    with pytest.raises(NoBid):
        room.do("call")


def test_r221_38_hammer_refused_before_third_call(room):
    """No exception for anyone: neither the clerk nor the officer, with or without a reason."""
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    for made in range(3):
        for actor in (OFFICER, Actor(2, Role.CLERK)):
            with pytest.raises(HammerNeedsCalls, match="sans exception"):
                room.do("hammer", actor=actor)
            with pytest.raises(HammerNeedsCalls):
                room.do("hammer", actor=actor, reason="plus aucun enchérisseur en salle")
        room.do("call")
    assert room.state.calls == 3 and room.state.lot_id == 1


def test_r221_38_the_officer_hammers_after_the_third_call(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    for _ in range(3):
        room.do("call")
    event = room.do("hammer", actor=OFFICER, reason="ignored: no early hammer exists")
    assert event.payload == {"lot_id": 1, "paddle": 1, "amount_cents": 100_00, "registration_id": 101}


def test_l221_4_stop_rule_warns_before_a_further_lot_of_a_covered_case(room):
    # case 10 claims 300 €; net of seller's fees, 400 € covers it
    room.sell(1, (1, 400_00))
    assert room.state.case_covered(room.setup, 10)
    with pytest.raises(StopRuleReached, match="L221-4"):
        room.do("open_lot", lot_id=2)
    with pytest.raises(OfficerRequired):
        room.do("open_lot", lot_id=2, override_stop_rule=True, reason="accord des créanciers")
    with pytest.raises(ReasonRequired):
        room.do("open_lot", actor=OFFICER, lot_id=2, override_stop_rule=True)
    event = room.do("open_lot", actor=OFFICER, lot_id=2, override_stop_rule=True, reason="frais à couvrir")
    assert event.payload["stop_rule_override"] is True
    # another case is not affected
    room.do("pass_lot")
    room.do("open_lot", lot_id=3)


def test_l221_4_threshold_is_net_of_the_sellers_fees(room):
    room.sell(1, (1, 310_00))   # 310 € less 5.952 % = 291,55 € < 300 €
    assert not room.state.case_covered(room.setup, 10)
    room.do("open_lot", lot_id=2)


def test_r444_47_a_withdrawn_lot_cannot_be_offered(room):
    with pytest.raises(LotWithdrawn):
        room.do("open_lot", lot_id=5)


def test_one_lot_at_a_time(room):
    room.do("open_lot", lot_id=1)
    with pytest.raises(LotStillOpen):
        room.do("open_lot", lot_id=3)


def test_unknown_lot(room):
    with pytest.raises(UnknownLot):
        room.do("open_lot", lot_id=999)


def test_a_sold_lot_never_reopens_without_a_reoffer(room):
    room.sell(3, (1, 10_00))
    with pytest.raises(LotAlreadySold):
        room.do("open_lot", lot_id=3)


def test_reoffer_after_a_dispute_at_the_hammer(room):
    room.sell(3, (1, 10_00), (2, 15_00))
    with pytest.raises(ReasonRequired):
        room.do("reoffer_lot", lot_id=3)
    room.do("reoffer_lot", lot_id=3, reason="deux enchères simultanées contestées")
    assert room.state.lot_id == 3 and room.state.current_bid is None and 3 not in room.state.results
    room.do("bid", paddle=2, amount_cents=15_00)


def test_only_the_last_hammered_lot_may_be_reoffered(room):
    room.sell(3, (1, 10_00))
    room.do("open_lot", lot_id=1)
    room.do("pass_lot")
    with pytest.raises(ReofferNotAllowed):
        room.do("reoffer_lot", lot_id=1, reason="x")
    room.sell(4, (1, 5_00))
    with pytest.raises(ReofferNotAllowed):
        room.do("reoffer_lot", lot_id=3, reason="trop tard")


def test_retraction_is_a_new_event_and_restores_the_previous_bid(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    room.do("bid", paddle=2, amount_cents=110_00)
    room.do("call")
    event = room.do("retract_bid")
    assert event.kind == "bid_retracted" and event.payload["paddle"] == 2
    assert room.state.current_bid.paddle == 1 and room.state.calls == 0
    room.do("retract_bid")
    with pytest.raises(NoBid):
        room.do("retract_bid")
    assert [e.kind for e in room.events].count("bid") == 2  # retractions are added, bids never removed


def test_a_lot_with_a_bid_cannot_be_passed(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    with pytest.raises(LotHasBids):
        room.do("pass_lot")
    room.do("retract_bid")
    room.do("pass_lot")
    assert room.state.results[1].sold is False
    room.do("open_lot", lot_id=1)   # an unsold lot may be offered again later in the sale


def test_pause_blocks_bidding_until_resumed(room):
    room.do("open_lot", lot_id=1)
    room.do("pause", reason="incident")
    with pytest.raises(SalePaused):
        room.do("bid", paddle=1, amount_cents=100_00)
    room.do("resume")
    room.do("bid", paddle=1, amount_cents=100_00)


def test_closing_needs_no_lot_on_the_block_and_ends_the_sale(room):
    room.do("open_lot", lot_id=1)
    with pytest.raises(LotStillOpen):
        room.do("close_sale")
    room.do("pass_lot")
    with pytest.raises(ReasonRequired):
        room.do("stop_sale")
    room.do("close_sale", OFFICER)
    with pytest.raises(SaleEnded):
        room.do("open_lot", lot_id=2)


def test_commands_are_checked(room):
    with pytest.raises(InvalidCommand):
        room.do("teleport")
    room.do("open_lot", lot_id=1)
    with pytest.raises(InvalidCommand):
        room.do("bid", paddle="douze", amount_cents=100_00)
    with pytest.raises(InvalidCommand):
        room.do("bid", paddle=1, amount_cents=True)
    with pytest.raises(InvalidCommand):
        room.do("bid", paddle=1, amount_cents=100_00, source="pigeon")


def test_bidders_cannot_run_the_room(room):
    with pytest.raises(OfficerRequired):
        decide(room.state, room.setup, "open_lot", {"lot_id": 1}, Actor(9, Role.BIDDER))


def test_an_error_never_changes_the_state(room):
    room.do("open_lot", lot_id=1)
    before = (room.state.seq, list(room.state.bids), room.state.calls)
    with pytest.raises(BidTooLow):
        room.do("bid", paddle=1, amount_cents=1)
    assert (room.state.seq, list(room.state.bids), room.state.calls) == before


def test_replay_rebuilds_the_same_state(room):
    room.sell(1, (1, 100_00), (2, 120_00))
    room.do("open_lot", lot_id=3)
    room.do("bid", paddle=3, amount_cents=10_00)
    assert replay(1, room.events) == room.state


def test_commands_naming_a_stale_step_are_refused(room):
    from auction.domain.room import StaleCommand
    room.do("open_lot", lot_id=1)
    first = room.do("bid", paddle=1, amount_cents=100_00)
    second = room.do("bid", paddle=2, amount_cents=110_00)   # another tablet, meanwhile
    with pytest.raises(StaleCommand):
        room.do("retract_bid", bid_seq=first.seq)
    room.do("call", number=1)
    with pytest.raises(StaleCommand):
        room.do("call", number=1)                            # the same call tapped twice
    room.do("call", number=2)
    room.do("call", number=3)
    with pytest.raises(StaleCommand):
        room.do("hammer", expected_bid_seq=first.seq)        # confirmed on a bid that is no longer current
    event = room.do("hammer", expected_bid_seq=second.seq)
    assert event.payload["paddle"] == 2


def test_an_unsold_lot_offered_again_is_back_on_the_block(room):
    room.do("open_lot", lot_id=1)
    room.do("pass_lot")
    assert room.state.results[1].sold is False
    room.do("open_lot", lot_id=1)
    assert 1 not in room.state.results and room.state.lot_id == 1
