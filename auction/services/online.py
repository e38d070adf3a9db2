"""Online bidders: who may bid from their own screen, and their bids into the room's log.

An online bid is an ordinary bid command (same rules, same log, same idempotent command ids,
committed before it is acknowledged) whose paddle comes from the bidder's session, never from the
screen. It names the lot and the bid it was made against, so that of a room bid and an online bid
racing for one step exactly one is accepted; the other is told it was outbid.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.roles import Role
from auction.domain.room import Actor, InvalidCommand, PaddleNotValid
from auction.models import BidRequest, Bidder, Registration, Sale

from .room import Outcome, Room, submit
from .room_loaders import SaleNotFound

log = logging.getLogger("criee.online")

REFUSALS = {
    "not_registered": "Vous n'êtes pas inscrit à cette vente : vous ne pouvez pas y enchérir.",
    "other_sale": "Votre panneau est celui d'une autre vente : inscrivez-vous à celle-ci pour y enchérir.",
    "not_verified": "Votre inscription n'est pas encore vérifiée par l'étude : vous ne pouvez pas encore enchérir.",
    "room_channel": "Votre panneau est un panneau de salle : enchérissez dans la salle.",
    "blocked": "Votre compte d'enchérisseur est bloqué : vous ne pouvez pas enchérir. Contactez l'étude.",
}


@dataclass(frozen=True)
class OnlineStanding:
    """What a signed-in user may do in a sale's live room: bid with `paddle`, or why not."""

    paddle: int | None
    refusal: str | None = None     # a key of REFUSALS

    @property
    def message(self) -> str | None:
        return REFUSALS.get(self.refusal) if self.refusal else None


async def online_standing(sessions: async_sessionmaker[AsyncSession], sale_id: int, user_id: int) -> OnlineStanding:
    async with sessions() as session:
        return await _standing(session, sale_id, user_id)


async def _standing(session: AsyncSession, sale_id: int, user_id: int) -> OnlineStanding:
    rows = (await session.execute(
        select(Registration.sale_id, Registration.channel, Registration.paddle_number, Registration.verified_at,
               Bidder.blocked_at)
        .join(Bidder, Bidder.id == Registration.bidder_id).where(Bidder.user_id == user_id))).all()
    here = [row for row in rows if row.sale_id == sale_id]
    if not here:
        return OnlineStanding(None, "other_sale" if any(row.paddle_number for row in rows) else "not_registered")
    row = here[0]
    if row.blocked_at is not None:
        return OnlineStanding(None, "blocked")
    if row.paddle_number is None or row.verified_at is None:
        return OnlineStanding(None, "not_verified")
    if row.channel != "online":
        return OnlineStanding(None, "room_channel")
    return OnlineStanding(row.paddle_number)


def _int_arg(args: dict[str, Any], key: str, label: str, *, nullable: bool = False) -> int | None:
    value = args.get(key)
    if value is None and nullable and key in args:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCommand(f"{label} manquant ou invalide.")
    return value


async def submit_online_bid(sessions: async_sessionmaker[AsyncSession], room: Room, command_id: str, user_id: int,
                            args: dict[str, Any], now: datetime,
                            admit: Callable[[], Awaitable[None]] | None = None) -> Outcome:
    """Check who bids, then submit the bid as the room's `bid` command with source "online".

    `args`: `lot_id` and `amount_cents`, and `expected_bid_seq` (the seq of the bid the screen showed
    as current; null for the first bid of the lot). From the moment it is received the bid holds the
    hammer on its lot (`Room.online_pending`, and `Room.announce_hold` for the other processes) until
    it is decided, accepted or refused. `admit` (the rate limits) runs under the room's lock, first
    (auction.services.room.submit).
    """
    lot_id = _int_arg(args, "lot_id", "Lot")
    amount = _int_arg(args, "amount_cents", "Montant")
    if "expected_bid_seq" not in args:
        raise InvalidCommand("Enchère sans l'enchère qu'elle couvre (expected_bid_seq).")
    expected = _int_arg(args, "expected_bid_seq", "Enchère couverte", nullable=True)
    room.online_pending[lot_id] += 1        # before any await: the hammer now waits for this bid
    if room.announce_hold is not None:
        room.announce_hold(lot_id, command_id, True)    # and so does the hammer of the other processes
    try:
        paddle = _paddle_in_room(room, user_id)
        if paddle is None:
            # Not among the room's verified paddles: why not, from the database (or verified since).
            standing = await online_standing(sessions, room.sale_id, user_id)
            if standing.paddle is None:
                _refused(room, user_id, standing.refusal, lot_id)
                raise PaddleNotValid(standing.message)
            paddle = standing.paddle
        paddle_arg = args.get("paddle")
        if paddle_arg is not None and paddle_arg != paddle:
            _refused(room, user_id, "paddle_mismatch", lot_id)
            raise PaddleNotValid("Ce panneau n'est pas le vôtre.")
        command = {"lot_id": lot_id, "paddle": paddle, "amount_cents": amount,
                   "expected_bid_seq": expected, "source": "online"}
        return await submit(sessions, room, command_id, "bid", command, Actor(user_id, Role.BIDDER), now, admit)
    finally:
        room.online_pending[lot_id] -= 1
        if room.online_pending[lot_id] <= 0:
            del room.online_pending[lot_id]
        if room.announce_hold is not None:
            room.announce_hold(lot_id, command_id, False)


def _paddle_in_room(room: Room, user_id: int) -> int | None:
    """The user's paddle from the room's setup (no database round trip); refusals are logged."""
    info = room.paddle_of_user(user_id)
    if info is None:
        return None
    if info.blocked:
        _refused(room, user_id, "blocked", None)
        raise PaddleNotValid(REFUSALS["blocked"])
    if info.channel != "online":
        _refused(room, user_id, "room_channel", None)
        raise PaddleNotValid(REFUSALS["room_channel"])
    return info.number


def _refused(room: Room, user_id: int, reason: str | None, lot_id: int | None) -> None:
    log.warning("online bid refused", extra={"sale_id": room.sale_id, "user_id": user_id, "reason": reason,
                                             "lot_id": lot_id})


async def request_book(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[dict[str, Any]]:
    """The absentee orders and phone requests of the sale's verified paddles, for the clerk's tablet
    (names and phone numbers: staff only). Raises SaleNotFound for an unknown sale."""
    async with sessions() as session:
        if await session.scalar(select(Sale.id).where(Sale.id == sale_id)) is None:
            raise SaleNotFound()
        rows = await session.execute(
            select(BidRequest, Registration.paddle_number, Bidder)
            .join(Registration, Registration.id == BidRequest.registration_id)
            .join(Bidder, Bidder.id == Registration.bidder_id)
            .where(Registration.sale_id == sale_id, Registration.paddle_number.is_not(None),
                   Registration.verified_at.is_not(None))
            .order_by(BidRequest.lot_id, BidRequest.received_at, BidRequest.id))
        return [{"kind": request.kind, "lot_id": request.lot_id, "paddle": paddle, "name": bidder.full_name,
                 "phone": request.phone, "max_amount_cents": request.max_amount_cents,
                 "received_at": request.received_at.isoformat(), "blocked": bidder.blocked_at is not None}
                for request, paddle, bidder in rows]


async def rostrum_book(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[dict[str, Any]]:
    """The same book for the auctioneer's screen: each order's lot, paddle and maximum, each phone
    line's lot and paddle, and whether the paddle is blocked, without the bidders' names and phone
    numbers (a large screen at the rostrum may be read from the front row; the officer calls paddles).
    Raises SaleNotFound for an unknown sale."""
    return [{"kind": r["kind"], "lot_id": r["lot_id"], "paddle": r["paddle"],
             "max_amount_cents": r["max_amount_cents"], "received_at": r["received_at"], "blocked": r["blocked"]}
            for r in await request_book(sessions, sale_id)]
