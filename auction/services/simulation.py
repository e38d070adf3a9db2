"""A simulated room for the demo: robot bidders at a realistic pace, through the real bid log."""
from __future__ import annotations

import asyncio
import logging
import random
import uuid

from sqlalchemy import select

from auction.domain.roles import Role
from auction.domain.room import Actor, RoomError
from auction.models import User, utcnow

from .room import RoomRegistry, submit

log = logging.getLogger("criee.simulation")


async def simulate_sale(registry: RoomRegistry, sale_id: int, *, pace: float = 1.5, seed: int | None = None) -> None:
    """Run the sale from its first open lot to the last hammer, as the clerk would on the tablet."""
    rng = random.Random(seed)
    async with registry.sessions() as session:
        clerk = await session.scalar(select(User).where(User.role == Role.CLERK.value, User.active.is_(True)))
        officer = await session.scalar(select(User).where(User.role == Role.OFFICER.value, User.active.is_(True)))
    if clerk is None:
        log.warning("no clerk account: simulation skipped")
        return
    actor = Actor(clerk.id, Role.CLERK)
    room = await registry.get(sale_id)

    async def do(name: str, by: Actor | None = None, **args) -> bool:
        await asyncio.sleep(pace * rng.uniform(0.5, 1.5))
        try:
            await submit(registry.sessions, room, uuid.uuid4().hex, name, args, by or actor, utcnow())
            return True
        except RoomError as exc:
            log.info("simulated command refused", extra={"command": name, "code": exc.code})
            return False

    if room.state.status == "ready":
        await do("open_sale")
    if room.state.status == "paused":
        await do("resume")
    if room.state.status != "open":
        log.info("sale not open: nothing to simulate", extra={"sale_id": sale_id})
        return
    paddles = sorted(room.setup.paddles)
    if len(paddles) < 2:
        log.warning("fewer than two verified paddles: simulation skipped")
        return
    for lot_id, lot in room.setup.lots.items():
        if lot.withdrawn or lot_id in room.state.results:
            continue
        if room.state.lot_id is None and not await do("open_lot", lot_id=lot_id):
            continue
        interest = rng.random()
        bids = 0 if interest < 0.12 else rng.randint(1, 9)
        leader = None
        for _ in range(bids):
            paddle = rng.choice([p for p in paddles if p != leader])
            minimum = room.state.next_minimum(room.setup)
            if await do("bid", paddle=paddle, amount_cents=minimum, source="room"):
                leader = paddle
        if room.state.current_bid is None:
            await do("pass_lot")
            continue
        for _ in range(3):
            await do("call")
        await do("hammer")
    if room.state.lot_id is None and officer is not None:
        await do("close_sale", Actor(officer.id, Role.OFFICER))   # it closes the session: the officer
