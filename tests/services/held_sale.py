"""Sell lots of the demo sale through the real room service, for the tests of what follows the hammer."""
import uuid

from auction.models import utcnow
from auction.services import room as room_service


async def sell(sessions, sale_id, clerk, plan, now=None):
    """`plan`: [(lot position from 0, paddle)]. Opens the sale if needed; each lot goes to its paddle at
    its opening bid (or the first step), after three calls, at `now` (default: the clock's time).
    Returns {lot_id: (paddle, hammer_cents)}."""
    room = await room_service.open_room(sessions, sale_id)

    async def run(name, **args):
        return await room_service.submit(sessions, room, uuid.uuid4().hex, name, args, clerk, now or utcnow())

    if room.state.status == "ready":
        await run("open_sale")
    lot_ids = list(room.setup.lots)
    for position, paddle in plan:
        lot_id = lot_ids[position]
        await run("open_lot", lot_id=lot_id)
        if room.state.current_bid is None or room.state.current_bid.paddle != paddle:
            await run("bid", paddle=paddle, amount_cents=room.state.next_minimum(room.setup))
        for _ in range(3):
            await run("call")
        await run("hammer")
    return {lot_id: (result.paddle, result.amount_cents) for lot_id, result in room.state.results.items()
            if result.sold}
