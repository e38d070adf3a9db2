"""Each lot's state in the public catalogue during and after the live sale, read from the room state
(the bid log folded by auction/domain/room.py): the browser folds the same events the same way
(frontend/static/js/catalogue.js), so a catalogue left open stays true without a reload.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .room import RoomState, SaleSetup

UPCOMING, ON_BLOCK, SOLD, UNSOLD, WITHDRAWN = "upcoming", "on_block", "sold", "unsold", "withdrawn"
LOT_STATES = (UPCOMING, ON_BLOCK, SOLD, UNSOLD, WITHDRAWN)
BIDDING_STATUSES = ("open", "paused")     # a lot on the block in these is being sold


@dataclass(frozen=True)
class LotState:
    state: str                         # one of LOT_STATES
    hammer_cents: int | None = None    # the hammer price of a lot sold (public: said aloud in the room)


def lot_state(state: RoomState, setup: SaleSetup, lot_id: int) -> LotState:
    """À venir, en vente, adjugé, invendu, or retiré (before the sale, or while on the block)."""
    lot = setup.lots[lot_id]
    result = state.results.get(lot_id)
    if result is not None:
        if result.withdrawn:
            return LotState(WITHDRAWN)
        return LotState(SOLD, result.amount_cents) if result.sold else LotState(UNSOLD)
    if lot.withdrawn:
        return LotState(WITHDRAWN)
    if state.lot_id == lot_id and state.status in BIDDING_STATUSES:
        return LotState(ON_BLOCK)
    return LotState(UPCOMING)


def lot_states(state: RoomState, setup: SaleSetup) -> dict[int, LotState]:
    """Every lot of the sale, by id."""
    return {lot_id: lot_state(state, setup, lot_id) for lot_id in setup.lots}


def follows_the_room(sale_status: str, sale_day: date, today: date) -> bool:
    """Whether an open catalogue follows the room as it goes: during the live sale, and on the day of
    an announced sale (the room may open while the page is open). Days are the sale's own (Paris)."""
    return sale_status == "live" or (sale_status == "announced" and sale_day == today)


def shows_states(sale_status: str) -> bool:
    """Whether the catalogue shows each lot's state: from the room's opening on, and for good after."""
    return sale_status in ("live", "closed", "settled")
