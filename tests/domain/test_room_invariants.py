"""Random command sequences never break the invariants of the room."""
from hypothesis import HealthCheck, event as observe, given, settings
from hypothesis import strategies as st

from auction.domain.bidlog import verify_chain
from auction.domain.room import RoomError, replay

from .room_fixtures import CLERK, OFFICER, SETUP, Room

PADDLES = [*SETUP.paddles, 999]
LOTS = [*SETUP.lots, 999]

open_valid_lot = st.tuples(st.just("open_lot"), st.fixed_dictionaries({"lot_id": st.sampled_from([1, 2, 3, 4])}))
bid_next = st.tuples(st.just("bid_next"), st.fixed_dictionaries({"paddle": st.sampled_from(PADDLES)}))
commands = st.one_of(
    open_valid_lot, open_valid_lot, bid_next, bid_next, bid_next,
    st.tuples(st.just("three_calls"), st.just({})), st.tuples(st.just("three_calls"), st.just({})),
    st.tuples(st.just("open_sale"), st.just({})),
    st.tuples(st.just("open_lot"), st.fixed_dictionaries({"lot_id": st.sampled_from(LOTS)})),
    st.tuples(st.just("bid"), st.fixed_dictionaries({
        "paddle": st.sampled_from(PADDLES),
        "amount_cents": st.one_of(st.integers(0, 2_000_00), st.sampled_from([0, 5_00, 10_00, 100_00, 110_00])),
    })),
    st.tuples(st.just("bid_next"), st.fixed_dictionaries({"paddle": st.sampled_from(PADDLES)})),
    st.tuples(st.just("bid_next"), st.fixed_dictionaries({"paddle": st.sampled_from(PADDLES)})),
    st.tuples(st.just("three_calls"), st.just({})),
    st.tuples(st.just("hammer"), st.just({})),
    st.tuples(st.sampled_from(["retract_bid", "call", "call", "call", "hammer", "pass_lot", "pause", "resume"]),
              st.just({})),
    st.tuples(st.just("hammer"), st.just({"reason": "urgence"})),
    st.tuples(st.just("reoffer_lot"), st.fixed_dictionaries({"lot_id": st.sampled_from(LOTS),
                                                             "reason": st.just("contestation")})),
    st.tuples(st.just("open_lot"), st.fixed_dictionaries({"lot_id": st.sampled_from(LOTS),
                                                          "override_stop_rule": st.just(True),
                                                          "reason": st.just("accord")})),
    st.tuples(st.sampled_from(["close_sale", "stop_sale"]), st.just({"reason": "fin"})),
    st.tuples(st.sampled_from(["close_session", "open_session", "withdraw_lot"]), st.just({"reason": "fin"})),
    st.tuples(st.just("announce"), st.fixed_dictionaries({"text": st.sampled_from(["Annonce", "", "x" * 2001])})),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(commands, st.booleans()), max_size=80))
def test_invariants_hold_for_any_command_sequence(steps):
    room = Room()
    room.do("open_sale")
    expanded = []
    for (name, args), by_officer in steps:
        expanded.extend([(("call", {}), by_officer)] * 3 if name == "three_calls" else [((name, args), by_officer)])
    for (name, args), by_officer in expanded:
        actor = OFFICER if by_officer else CLERK
        if name == "bid_next":
            minimum = room.state.next_minimum(room.setup)
            name, args = "bid", {**args, "amount_cents": minimum if minimum is not None else 0}
        before_seq = room.state.seq
        current = room.state.current_bid
        calls_before = room.state.calls
        try:
            event = room.do(name, actor, **args)
        except RoomError:
            assert room.state.seq == before_seq   # an error never changes the state
            continue
        if event.kind == "hammer":
            # R221-38: never before the third call, whoever asks and whatever the reason
            assert room.state.results[event.payload["lot_id"]].sold and current is not None
            assert calls_before == 3 and "early" not in event.payload
        if event.kind == "bid":
            # each accepted bid is above the one it beats, and at least the next minimum
            assert current is None or event.payload["amount_cents"] > current.amount_cents
            assert event.payload["paddle"] in SETUP.paddles
    events = room.events
    for kind in sorted({e.kind for e in events}):
        observe(kind)
    # a sold lot never reopens without a re-offer
    sold: set[int] = set()
    for event in events:
        lot_id = event.payload.get("lot_id")
        if event.kind == "hammer":
            sold.add(lot_id)
        elif event.kind == "lot_reoffered":
            assert lot_id in sold
            sold.discard(lot_id)
        elif event.kind == "lot_opened":
            assert lot_id not in sold
            assert not SETUP.lots[lot_id].withdrawn
    # bids only while a lot is on the block, hammer only with a bid
    assert verify_chain(events) is None
    assert replay(1, events) == room.state
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
