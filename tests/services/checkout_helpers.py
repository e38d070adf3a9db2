"""Sell lots of the demo sale through the room service, and issue invoices as the contract shapes them
(the invoices helper's service issues them for real; these tests need only their payloads)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from auction.models import Lot, Registration, utcnow
from auction.services import room as room_service
from auction.services import settlement_log
from tests.checkout_fixtures import invoice_payload, line


async def sell(db, sale_id: int, clerk, sales: list[tuple[int, int]]) -> list[int]:
    """Knock down lots of the sale in catalogue order, one per (paddle, amount_cents), each the next lot
    whose opening bid the amount reaches; returns their ids, in the order of `sales`."""
    room = await room_service.open_room(db.sessions, sale_id)
    free = [lot for lot in room.setup.lots.values() if not lot.withdrawn]
    lot_ids = []
    for _paddle, amount in sales:
        lot = next(lot for lot in free if lot.opening_bid_cents <= amount and lot.id not in lot_ids)
        lot_ids.append(lot.id)
    await room_service.submit(db.sessions, room, uuid.uuid4().hex, "open_sale", {}, clerk, utcnow())
    for lot_id, (paddle, amount) in zip(lot_ids, sales):
        for name, args in (("open_lot", {"lot_id": lot_id}), ("bid", {"paddle": paddle, "amount_cents": amount}),
                           ("call", {}), ("call", {}), ("call", {}), ("hammer", {})):
            outcome = await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, clerk, utcnow())
            assert outcome.event.kind in (name, "lot_opened", "bid", "call", "hammer"), outcome
    return lot_ids


async def invoice(db, sale_id: int, paddle: int, lot_ids: list[int], amounts: list[int], *,
                  due_on: date = date(2026, 12, 20)) -> int:
    async with db.sessions() as session:
        lots = {lot.id: lot for lot in await session.scalars(select(Lot).where(Lot.id.in_(lot_ids)))}
        registration = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                                        Registration.paddle_number == paddle))
    lines = [line(lot_id, amount, lots[lot_id].case_id) for lot_id, amount in zip(lot_ids, amounts)]
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        number = await tx.next_number("invoice")
        tx.append("invoice_issued", invoice_payload(number, paddle, lines, registration_id=registration.id,
                                                    due_on=due_on, name=registration.bidder.full_name),
                  user_id=None, now=utcnow())
    return number
