"""The live room of a sale: its state in this process, and commands appended to the bid log.

A command is checked by the domain against the in-memory state, appended to the log in its own
transaction, and only then applied and acknowledged. One asyncio lock per sale orders the commands
of this process; the (sale, seq) unique constraint stops two processes appending the same step.

The absentee orders of the lot on the block answer in the same transaction as the event that
triggers them (the lot opening, a competing bid): their bids are appended right after it, so the
log never shows a lot open or a bid without the orders' answer.

With several processes, `auction.services.relay` tells each room what the others appended
(`known_seq`, and events applied under the room's lock) and publishes this process's events.
A server that owns its PostgreSQL database appends in one round trip (`auction.services.appends`).
What a room reads from the database (its setup, the order book, the stored log) is in
`auction.services.room_loaders`.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

import orjson
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.absentee import TRIGGERS as ORDER_TRIGGERS
from auction.domain.absentee import AbsenteeOrder, respond
from auction.domain.bidlog import Event, chain
from auction.domain.room_errors import CommandIdReused
from auction.domain.room import (Actor, OnlineBidPending, PaddleInfo, RoomError, RoomState, SaleSetup, apply,
                                 decide, replay)
from auction.models import Lot, Sale, SaleEvent

from .publication import require_publicity_before_opening
from .room_loaders import SaleNotFound  # noqa: F401 - re-exported: the room's handlers catch it from here
from .room_loaders import load_events, load_orders, load_paddles, load_phone_paddles, load_setup
from .verification import require_verification_before_opening

SALE_STATUS_AFTER = {"sale_opened": "live", "sale_closed": "closed", "sale_stopped": "closed"}
# Commands that end a lot: held while an online bid received for that lot is undecided.
HELD_BY_ONLINE_BIDS = ("hammer", "pass_lot", "withdraw_lot")


class ConcurrentAppend(RoomError):
    code = "concurrent_update"


class AppendConflict(Exception):
    """Raised by a room's `append`: the step or the command id is in the log already."""


@dataclass(frozen=True)
class Outcome:
    event: Event
    duplicate: bool = False


Listener = Callable[[Event], None]
# Called inside the append transaction (the relay's pg_notify): other processes hear of the event
# if and when it commits.
Publisher = Callable[[AsyncSession, Event, "str | None"], Awaitable[None]]
# Appends the events (the first one the command's, with its command id) and the sale's new status
# if any in one statement of its own (auction.services.appends); False when it could not tell
# whether it did: the room then appends through a session. Raises AppendConflict.
Appender = Callable[[list[Event], "str | None", "str | None"], Awaitable[bool]]


class Room:
    """One sale's live state in this process."""

    def __init__(self, setup: SaleSetup, state: RoomState, command_ids: dict[str, int], events: list[Event],
                 orders: list[AbsenteeOrder] | None = None):
        self.setup = setup
        self.state = state
        self.command_ids = command_ids
        # command_id -> (the command and its arguments, the refusal it got or None): a resent id gets
        # the same answer, another command under it is refused (docs/protocol.md). The last REMEMBERED.
        self.answered: OrderedDict[str, tuple[bytes, RoomError | None]] = OrderedDict()
        self.events = events           # the whole log, for clients catching up and for verify
        self.lock = asyncio.Lock()
        self.listeners: list[Listener] = []
        # Commands (the staff's, the online bidders') received and not yet answered: while there are
        # some, the fan-out to the displays waits (auction.web.live), so that they are answered at the
        # speed of the commit; `settled` runs when the last one is answered.
        self.commands_in_flight = 0
        self.settled: list[Callable[[], None]] = []
        self.orders = orders or []     # the absentee orders of verified paddles (the order book)
        # Online bids received and not yet decided, per lot they name. The hammer (and passing the
        # lot) waits while the lot on the block has one: the log decides, not the network. Those of
        # this process are counted here; those of the other processes are announced by the relay
        # (command id -> lot and until when, on the monotonic clock: a process that dies with a bid
        # undecided holds the hammer no longer than that).
        self.online_pending: Counter[int] = Counter()
        self.remote_holds: dict[str, tuple[int, float]] = {}
        self.known_seq = state.seq     # the highest seq known to be in the log (others' appends included)
        self.publish: Publisher | None = None
        self.append: Appender | None = None
        # Set by the relay: tells the other processes that an online bid (lot, command id) was received
        # (True) or decided (False). Never awaits.
        self.announce_hold: Callable[[int, str, bool], None] | None = None

    @property
    def sale_id(self) -> int:
        return self.setup.sale_id

    def online_bid_undecided(self, lot_id: int) -> bool:
        """Whether an online bid for the lot was received, here or by another process, and not yet decided."""
        if self.online_pending[lot_id] > 0:
            return True
        now = time.monotonic()
        for command_id, (lot, until) in list(self.remote_holds.items()):
            if until <= now:
                del self.remote_holds[command_id]
            elif lot == lot_id:
                return True
        return False

    def paddle_of_user(self, user_id: int) -> PaddleInfo | None:
        """The verified paddle of this sale held by a bidder's account, as the room last loaded it."""
        return next((p for p in self.setup.paddles.values() if p.user_id == user_id), None)

    def _apply(self, event: Event, command_id: str | None) -> None:
        apply(self.state, event)
        self.events.append(event)
        if command_id:
            self.command_ids[command_id] = event.seq
        for listener in list(self.listeners):
            listener(event)


async def open_room(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> Room:
    """Load a sale's setup and rebuild its state by replaying its log."""
    setup = await load_setup(sessions, sale_id)
    rows = await load_events(sessions, sale_id)
    events = [event for event, _ in rows]
    state = replay(sale_id, events)
    async with sessions() as session:
        orders = await load_orders(session, sale_id)
    return Room(setup, state, {cid: event.seq for event, cid in rows if cid}, events, orders)


async def catch_up(sessions, room: Room) -> int:
    """Apply, in sequence order, the events of the stored log this room has not seen; how many.
    The caller holds `room.lock`."""
    rows = await load_events(sessions, room.sale_id, room.state.seq)
    for event, command_id in rows:
        if event.seq == room.state.seq + 1:    # another task may have applied it meanwhile
            room._apply(event, command_id)
    room.known_seq = max(room.known_seq, room.state.seq)
    return len(rows)


REMEMBERED = 10_000   # command ids whose answer a room keeps (the log keeps every acknowledged one)
RETRYABLE = (ConcurrentAppend, OnlineBidPending)   # the same command may succeed when sent again


def fingerprint(command: str, args: dict) -> bytes:
    try:
        return orjson.dumps([command, args], option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return repr((command, sorted(args.items(), key=repr))).encode()


def remember(room: Room, command_id: str, print_: bytes, refusal: RoomError | None) -> None:
    room.answered[command_id] = (print_, refusal)
    room.answered.move_to_end(command_id)
    while len(room.answered) > REMEMBERED:
        room.answered.popitem(last=False)


def earlier_answer(room: Room, command_id: str, print_: bytes) -> None:
    """Raise what a command_id already got: its refusal again, or CommandIdReused for other arguments."""
    seen = room.answered.get(command_id)
    if seen is None:
        return
    if seen[0] != print_:
        raise CommandIdReused("Cet identifiant de commande a déjà servi pour une autre commande : "
                              "chaque commande a le sien.")
    if seen[1] is not None:
        raise seen[1]


async def submit(sessions: async_sessionmaker[AsyncSession], room: Room, command_id: str, command: str,
                 args: dict, actor: Actor, now: datetime,
                 admit: Callable[[], Awaitable[None]] | None = None) -> Outcome:
    """Check a command, append its event, apply it. A command_id is consumed by its first answer: the
    same id again gets the same ack (duplicate) or the same refusal; with other arguments, CommandIdReused.

    `admit`, if given, runs first under the room's lock and may refuse the command (an online bid's
    rate limit, RateLimited): the command keeps its place in the room's order from its arrival, even
    though that check waits for the database, so a clerk's bid that came in later is decided after it."""
    print_ = fingerprint(command, args)
    earlier_answer(room, command_id, print_)
    room.commands_in_flight += 1
    try:
        outcome = await _submit(sessions, room, command_id, command, args, actor, now, admit)
    except RETRYABLE:
        raise
    except RoomError as exc:
        remember(room, command_id, print_, exc)
        raise
    finally:
        room.commands_in_flight -= 1
        if not room.commands_in_flight:
            for settled in list(room.settled):
                settled()
    if not outcome.duplicate:
        remember(room, command_id, print_, None)
    return outcome


async def _submit(sessions: async_sessionmaker[AsyncSession], room: Room, command_id: str, command: str,
                  args: dict, actor: Actor, now: datetime,
                  admit: Callable[[], Awaitable[None]] | None = None) -> Outcome:
    async with room.lock:
        if admit is not None:
            await admit()
        if room.known_seq > room.state.seq:
            await catch_up(sessions, room)   # another process appended: decide on the fresh state
        if command_id in room.command_ids:
            return Outcome(room.events[room.command_ids[command_id] - 1], duplicate=True)
        if command == "open_sale" and room.state.status == "ready":
            # CPCE R221-34/35, L221-3: the publicity checks again; refused with code publicity_incomplete.
            await require_publicity_before_opening(sessions, room.sale_id, actor.user_id, now)
            # CPCE R221-36: the goods checked before the sale, the act of it signed; code verification_missing.
            await require_verification_before_opening(sessions, room.sale_id, actor.user_id, now)
            # The lots freeze as the sale opens (auction.domain.lots.require_editable): the room takes
            # them, and the rest of its setup, as they are now, even had it missed a change's reload.
            room.setup = await load_setup(sessions, room.sale_id)
        if command == "bid" and (args.get("paddle") not in room.setup.paddles or (
                args.get("source") == "phone" and args.get("paddle") not in room.setup.phone_paddles)):
            await _refresh_paddles(sessions, room)   # a bidder verified since the room was loaded
        if command in ("open_lot", "reoffer_lot", "put_up_again"):
            await _refresh_paddles(sessions, room)   # orders taken since: the lot's book as it opens
        if (command in HELD_BY_ONLINE_BIDS and room.state.lot_id is not None
                and room.online_bid_undecided(room.state.lot_id)):
            raise OnlineBidPending("Une enchère en ligne est arrivée pour ce lot et n'est pas encore enregistrée : "
                                   "attendez qu'elle s'affiche avant d'adjuger.")
        kind, payload = decide(room.state, room.setup, command, args, actor)
        event = chain(room.sale_id, room.state.seq + 1, kind, payload, now, actor.user_id, room.state.last_hash)
        events = [event, *_orders_answer(room, event, now)]
        try:
            if room.append is None or not await room.append(events, command_id, SALE_STATUS_AFTER.get(kind)):
                await _append_in_session(sessions, room, events, command_id)
        except (IntegrityError, AppendConflict):
            # Another process appended first: take its events, then answer from the fresh state.
            await catch_up(sessions, room)
            if command_id in room.command_ids:
                return Outcome(room.events[room.command_ids[command_id] - 1], duplicate=True)
            if command == "bid":
                # A bid that lost its step to another process is told so, with the amount that beat
                # it (Outbid, BidTooLow…); any other command: the screen checks and tries again.
                decide(room.state, room.setup, command, args, actor)
            raise ConcurrentAppend("Un autre poste a enregistré une action au même moment : "
                                   "l'écran est à jour, vérifiez et recommencez.") from None
        room._apply(event, command_id)
        for answer in events[1:]:
            room._apply(answer, None)
        return Outcome(event)


async def _append_in_session(sessions: async_sessionmaker[AsyncSession], room: Room, events: list[Event],
                             command_id: str | None) -> None:
    event = events[0]
    async with sessions() as session, session.begin():
        for appended in events:
            session.add(SaleEvent(sale_id=appended.sale_id, seq=appended.seq, kind=appended.kind,
                                  payload=appended.payload, at=appended.at, user_id=appended.user_id,
                                  command_id=command_id if appended is event else None,
                                  prev_hash=appended.prev_hash, hash=appended.hash))
        if event.kind in SALE_STATUS_AFTER:
            await session.execute(update(Sale).where(Sale.id == room.sale_id)
                                  .values(status=SALE_STATUS_AFTER[event.kind]))
        if room.publish is not None:
            for appended in events:           # the orders' answers too: other processes see them all
                await room.publish(session, appended, command_id if appended is event else None)


def _orders_answer(room: Room, event: Event, now: datetime) -> list[Event]:
    """The absentee orders' bids after `event` (none unless it opened a lot or was a bid), chained
    after it. Made by the room, so without a user."""
    if event.kind not in ORDER_TRIGGERS or not room.orders:
        return []
    projected = apply(replace(room.state), event)    # a shallow copy: apply() replaces, never mutates, its lists
    answers = []
    for bid in respond(projected, room.setup, room.orders):
        answer = chain(room.sale_id, projected.seq + 1, "bid", bid.payload(), now, None, projected.last_hash)
        apply(projected, answer)
        answers.append(answer)
    return answers


async def _refresh_paddles(sessions, room: Room) -> None:
    """Verified paddles, phone requests and absentee orders as they are now in the database."""
    async with sessions() as session:
        paddles = await load_paddles(session, room.sale_id)
        phone_paddles = await load_phone_paddles(session, room.sale_id)
        room.orders = await load_orders(session, room.sale_id)
    room.setup = replace(room.setup, paddles=paddles, phone_paddles=phone_paddles)


class RoomRegistry:
    """The rooms this process serves, loaded on first use (or at start for live sales)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        self.sessions = sessions
        self.rooms: dict[int, Room] = {}
        self._loading = asyncio.Lock()
        self.opened: list[Callable[[Room], None]] = []                  # run on each room once loaded
        self.setup_changed: list[Callable[[int], Awaitable[None]]] = []  # tell the other processes

    async def get(self, sale_id: int) -> Room:
        room = self.rooms.get(sale_id)
        if room is None:
            async with self._loading:
                room = self.rooms.get(sale_id)
                if room is None:
                    room = self.rooms[sale_id] = await open_room(self.sessions, sale_id)
                    for hook in self.opened:
                        hook(room)
        return room

    async def reload_setup(self, sale_id: int, *, announce: bool = True) -> None:
        """After the sale's settings or lots changed: the next commands and views use the new setup
        (in every process: the other ones are told unless `announce` is false). Screens see it with
        the next event or snapshot: nothing is pushed."""
        room = self.rooms.get(sale_id)
        if room is not None:
            async with room.lock:
                room.setup = await load_setup(self.sessions, sale_id)
                async with self.sessions() as session:
                    room.orders = await load_orders(session, sale_id)
        if announce:
            for hook in self.setup_changed:
                await hook(sale_id)

    async def refresh_claims(self, case_id: int | None = None) -> None:
        """After a creditor or claim of the case changed (None: any case, e.g. a legal rate entered): the
        rooms of the sales selling its lots take the new stop threshold (L221-4), in every process."""
        async with self.sessions() as session:
            query = select(Sale.id).where(Sale.status.in_(("draft", "announced", "live")))
            if case_id is not None:
                query = query.where(Sale.id.in_(select(Lot.sale_id).where(Lot.case_id == case_id)))
            sale_ids = (await session.scalars(query)).all()
        for sale_id in sale_ids:
            await self.reload_setup(sale_id)

    async def refresh_paddles(self) -> None:
        """After a paddle changed (a bidder blocked or unblocked): every loaded room reloads its paddles,
        and the other processes are told to reload theirs."""
        for room in list(self.rooms.values()):
            async with room.lock:
                await _refresh_paddles(self.sessions, room)
            for hook in self.setup_changed:
                await hook(room.sale_id)

    async def load_live_sales(self) -> list[int]:
        async with self.sessions() as session:
            ids = (await session.scalars(select(Sale.id).where(Sale.status == "live"))).all()
        for sale_id in ids:
            await self.get(sale_id)
        return list(ids)
