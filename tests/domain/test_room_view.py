"""What the screens are shown of the room: the live page's last bids, the tablet's increment grid."""
from dataclasses import replace

from auction.domain.room_view import RECENT_BIDS, public_view, staff_view

from .room_fixtures import Room


def test_the_public_view_lists_the_lots_last_bids_newest_first_with_their_origin():
    room = Room()
    room.setup = replace(room.setup, phone_paddles=frozenset({2}))
    room.do("open_sale")
    room.do("open_lot", lot_id=1)
    assert public_view(room.state, room.setup)["recent_bids"] == []
    amount = 100_00
    for index in range(RECENT_BIDS + 2):
        room.do("bid", paddle=1 + index % 2, amount_cents=amount, source="phone" if index % 2 else "room")
        amount = room.state.next_minimum(room.setup)
    bids = public_view(room.state, room.setup)["recent_bids"]
    assert len(bids) == RECENT_BIDS
    assert [b["amount_cents"] for b in bids] == sorted((b["amount_cents"] for b in bids), reverse=True)
    assert bids[0] == {"amount_cents": room.state.current_bid.amount_cents, "paddle": room.state.current_bid.paddle,
                       "source": room.state.current_bid.source}
    assert {b["source"] for b in bids} == {"room", "phone"}
    assert all(set(b) == {"amount_cents", "paddle", "source"} for b in bids)     # no name


def test_the_staff_view_carries_the_sales_increment_table():
    room = Room()
    assert staff_view(room.state, room.setup)["increments"] == room.setup.increments.to_json()


def test_a_lot_without_an_opening_bid_is_shown_from_its_first_bid():
    room = Room()
    room.do("open_sale")
    room.do("open_lot", lot_id=4)                      # "3 bis", mise à prix 0 €
    lot = public_view(room.state, room.setup)["lot"]
    assert lot["opening_bid_cents"] == 0
    assert lot["first_bid_cents"] == room.setup.increments.rows[0][1] == public_view(room.state, room.setup)["next_minimum_cents"]
    room.do("pass_lot")
    room.do("open_lot", lot_id=1)
    assert public_view(room.state, room.setup)["lot"]["first_bid_cents"] == 100_00   # its opening bid
