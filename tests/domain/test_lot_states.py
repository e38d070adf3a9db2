"""Each lot's state in the public catalogue, read from the room state (the bid log)."""
from datetime import date

from auction.domain.lot_states import (ON_BLOCK, SOLD, UNSOLD, UPCOMING, WITHDRAWN, LotState, follows_the_room,
                                       lot_states, shows_states)

from .room_fixtures import OFFICER, Room


def states(room: Room) -> dict[int, LotState]:
    return lot_states(room.state, room.setup)


def test_states_follow_the_room_from_upcoming_to_sold_unsold_and_withdrawn():
    room = Room()
    assert states(room) == {1: LotState(UPCOMING), 2: LotState(UPCOMING), 3: LotState(UPCOMING),
                            4: LotState(UPCOMING), 5: LotState(WITHDRAWN)}   # lot 5 withdrawn before the sale
    room.do("open_sale")
    room.do("open_lot", lot_id=1)
    assert states(room)[1] == LotState(ON_BLOCK)
    room.do("bid", paddle=1, amount_cents=100_00)
    room.do("pause")
    assert states(room)[1] == LotState(ON_BLOCK)          # paused, still on the block
    room.do("resume")
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    assert states(room)[1] == LotState(SOLD, 100_00)
    room.do("open_lot", lot_id=2)
    room.do("pass_lot")
    assert states(room)[2] == LotState(UNSOLD)
    room.do("open_lot", lot_id=3)
    room.do("bid", paddle=2, amount_cents=10_00)
    room.do("withdraw_lot", OFFICER, reason="Revendiqué par un tiers")
    assert states(room)[3] == LotState(WITHDRAWN)
    room.do("open_lot", lot_id=2)                         # the unsold lot offered again: back on the block
    assert states(room)[2] == LotState(ON_BLOCK)
    assert states(room)[4] == LotState(UPCOMING)


def test_the_page_follows_the_room_during_the_sale_and_on_its_day():
    day = date(2026, 12, 12)
    assert follows_the_room("live", day, date(2026, 12, 13))
    assert follows_the_room("announced", day, day)
    assert not follows_the_room("announced", day, date(2026, 12, 11))
    assert not follows_the_room("closed", day, day)
    assert shows_states("live") and shows_states("closed") and shows_states("settled")
    assert not shows_states("announced") and not shows_states("draft")
