"""Absentee orders (ordres d'achat) against hand-worked cases, then random ones.

The fixture sale's lot 1 opens at 100 €; the default increments step by 10 € from 20 € to 199 €,
by 50 € from 200 € to 499 €.
"""
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auction.domain.absentee import TRIGGERS, AbsenteeOrder, respond
from auction.domain.bidlog import chain, verify_chain
from auction.domain.room import PaddleInfo, apply, replay

from .room_fixtures import CLERK, SETUP, T0, Room

BEFORE_SALE = T0 - timedelta(days=2)
# The fixture sale, with two more verified paddles (12 and 15) holding orders.
BOOK_SETUP = replace(SETUP, paddles={**SETUP.paddles, **{n: PaddleInfo(n, 100 + n, "room") for n in (12, 15)}})


def order(paddle: int, max_euros: int, *, lot_id: int = 1, received=BEFORE_SALE, order_id: int | None = None):
    return AbsenteeOrder(order_id or paddle, lot_id, paddle, max_euros * 100, received)


class BookRoom(Room):
    """The fixture room with an order book: after each triggering event the orders answer, as the
    service does (same rule, appended right after)."""

    def __init__(self, *orders: AbsenteeOrder):
        super().__init__(BOOK_SETUP)
        self.orders = list(orders)
        self.do("open_sale")

    def do(self, command, actor=CLERK, **args):
        event = super().do(command, actor, **args)
        if event.kind in TRIGGERS:
            for bid in respond(self.state, self.setup, self.orders):
                self.append(bid.payload())
        return event

    def append(self, payload):
        event = chain(self.setup.sale_id, self.state.seq + 1, "bid", payload,
                      T0 + timedelta(seconds=self.state.seq), None, self.state.last_hash)
        apply(self.state, event)
        self.events.append(event)

    def bids(self):
        """(paddle, euros, source) of the lot's bids, oldest first; a tie is marked '='."""
        rows = []
        for event in self.events:
            if event.kind in ("lot_opened", "lot_reoffered"):
                rows = []
            elif event.kind == "bid":
                p = event.payload
                rows.append((p["paddle"], p["amount_cents"] // 100, p["source"] + ("=" if p.get("tie") else "")))
        return rows

    def leader(self):
        bid = self.state.current_bid
        return bid.paddle, bid.amount_cents // 100


def test_an_order_opens_the_lot_at_the_opening_bid():
    room = BookRoom(order(12, 150))
    room.do("open_lot", lot_id=1)
    assert room.bids() == [(12, 100, "absentee")]


def test_an_order_answers_each_room_bid_one_step_above_it():
    room = BookRoom(order(12, 180))
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=110_00)
    room.do("bid", paddle=2, amount_cents=150_00)     # the clerk may take any higher amount
    assert room.bids() == [(12, 100, "absentee"), (2, 110, "room"), (12, 120, "absentee"),
                           (2, 150, "room"), (12, 160, "absentee")]
    assert room.leader() == (12, 160)


def test_an_order_never_bids_above_its_maximum():
    room = BookRoom(order(12, 145))
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=140_00)
    # one step above 140 € is 150 €: capped, the order bids its maximum, 145 €
    assert room.bids()[-1] == (12, 145, "absentee")
    room.do("bid", paddle=2, amount_cents=155_00)
    assert room.leader() == (2, 155)          # beyond the maximum: the order stays silent
    assert all(amount <= 145 for paddle, amount, _ in room.bids() if paddle == 12)


def test_an_order_below_the_opening_bid_never_bids():
    room = BookRoom(order(12, 90))
    room.do("open_lot", lot_id=1)
    assert room.bids() == [] and room.state.current_bid is None


def test_c_civ_1591_an_order_on_a_lot_without_opening_bid_starts_at_the_first_step():
    """Lot 4 has no opening bid: the order's first bid is the table's first step (5 €), never 0."""
    room = BookRoom(order(12, 20, lot_id=4))
    room.do("open_lot", lot_id=4)
    assert room.bids() == [(12, 5, "absentee")]


def test_c_civ_1591_an_order_below_the_first_step_never_bids():
    room = BookRoom(AbsenteeOrder(12, 4, 12, 4_99, BEFORE_SALE))
    room.do("open_lot", lot_id=4)
    assert room.bids() == [] and room.state.current_bid is None


def test_an_order_meeting_a_room_bid_of_the_same_amount_wins_it():
    """Of two equal bids the earlier wins: the order, taken before the sale, precedes the room bid of
    exactly its maximum. The log keeps both; the order's is marked as a tie."""
    room = BookRoom(order(12, 150))
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=150_00)
    assert room.bids()[-2:] == [(2, 150, "room"), (12, 150, "absentee=")]
    assert room.leader() == (12, 150)
    assert room.state.next_minimum(room.setup) == 160_00   # the room must now offer one step more
    room.do("bid", paddle=2, amount_cents=160_00)
    assert room.leader() == (2, 160)


def test_an_order_received_after_the_room_bid_does_not_precede_it():
    room = BookRoom()
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=150_00)
    late = order(12, 150, received=T0 + timedelta(hours=1))   # taken at the desk during the sale
    room.orders.append(late)
    assert respond(room.state, room.setup, room.orders) == []
    room.orders[-1] = order(12, 160, received=T0 + timedelta(hours=1))
    assert [b.amount_cents for b in respond(room.state, room.setup, room.orders)] == [160_00]


def test_two_orders_the_lower_tops_out_and_the_higher_leads_one_step_above():
    room = BookRoom(order(12, 400, received=BEFORE_SALE), order(15, 250, received=BEFORE_SALE - timedelta(days=1)))
    room.do("open_lot", lot_id=1)
    assert room.bids() == [(15, 250, "absentee"), (12, 300, "absentee")]
    # a room bid above the lower order only meets the higher one
    room.do("bid", paddle=2, amount_cents=350_00)
    assert room.bids()[-1] == (12, 400, "absentee")        # one step above (400 €) is its maximum
    room.do("bid", paddle=2, amount_cents=450_00)
    assert room.leader() == (2, 450)


def test_two_orders_the_higher_is_capped_at_its_own_maximum():
    room = BookRoom(order(12, 270), order(15, 250))
    room.do("open_lot", lot_id=1)
    assert room.bids() == [(15, 250, "absentee"), (12, 270, "absentee")]


def test_two_equal_orders_the_earlier_received_wins():
    first = BEFORE_SALE + timedelta(microseconds=1)
    second = BEFORE_SALE + timedelta(microseconds=2)      # one microsecond later
    room = BookRoom(order(12, 250, received=second), order(15, 250, received=first))
    room.do("open_lot", lot_id=1)
    assert room.bids() == [(12, 250, "absentee"), (15, 250, "absentee=")]
    assert room.leader() == (15, 250)
    # the same, whichever order the book lists them in
    room = BookRoom(order(15, 250, received=first), order(12, 250, received=second))
    room.do("open_lot", lot_id=1)
    assert room.leader() == (15, 250)


def test_orders_of_other_lots_and_unverified_paddles_do_nothing():
    room = BookRoom(order(12, 500, lot_id=2), order(3333, 500))
    room.do("open_lot", lot_id=1)
    assert room.bids() == []


def test_a_room_bid_above_every_order_stands():
    room = BookRoom(order(12, 150), order(15, 130))
    room.do("open_lot", lot_id=1)
    assert room.leader() == (12, 140)
    room.do("bid", paddle=2, amount_cents=200_00)
    assert room.leader() == (2, 200)
    assert room.bids()[-1] == (2, 200, "room")


def test_orders_bid_again_when_their_lot_is_reoffered():
    room = BookRoom(order(12, 150))
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=160_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    room.do("reoffer_lot", lot_id=1, reason="contestation à l'adjudication")
    assert room.bids() == [(12, 100, "absentee")]


def test_the_log_with_orders_replays_and_verifies():
    room = BookRoom(order(12, 400), order(15, 250))
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=2, amount_cents=350_00)
    assert verify_chain(room.events) is None
    assert replay(1, room.events) == room.state


# --- random books and room bids ----------------------------------------------------------------

orders_strategy = st.lists(
    st.tuples(st.sampled_from([1, 2, 3, 501]), st.integers(50, 600), st.integers(0, 5)),
    max_size=4, unique_by=lambda t: t[0])
room_bids = st.lists(st.tuples(st.sampled_from([1, 2, 3, 501]), st.integers(0, 3)), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders_strategy, room_bids)
def test_orders_settle_and_never_break_their_rule(book, bids):
    orders = [AbsenteeOrder(i + 1, 1, paddle, euros * 100, BEFORE_SALE + timedelta(microseconds=t))
              for i, (paddle, euros, t) in enumerate(book)]
    by_paddle = {o.paddle: o for o in orders}
    room = BookRoom(*orders)
    room.do("open_lot", lot_id=1)
    for paddle, extra_steps in bids:
        current = room.state.current_bid
        if current is not None and current.paddle == paddle:
            continue
        amount = room.state.next_minimum(room.setup)
        for _ in range(extra_steps):
            amount = room.setup.increments.next_minimum(amount, 0)
        room.do("bid", paddle=paddle, amount_cents=amount)
        # settled: no order can take the lead any more
        assert respond(room.state, room.setup, orders) == []
    previous = None
    for event in room.events:
        if event.kind != "bid":
            continue
        p = event.payload
        if p["source"] == "absentee":
            mine = by_paddle[p["paddle"]]
            assert p["amount_cents"] <= mine.max_cents
            if p.get("tie"):
                assert p["amount_cents"] == previous["amount_cents"] == mine.max_cents
                if previous["source"] == "absentee":
                    other = by_paddle[previous["paddle"]]
                    assert (mine.received_at, mine.id) < (other.received_at, other.id)
            else:
                assert previous is None or p["amount_cents"] > previous["amount_cents"]
        else:
            assert previous is None or p["amount_cents"] > previous["amount_cents"]
        previous = p
    assert verify_chain(room.events) is None
    assert replay(1, room.events) == room.state
