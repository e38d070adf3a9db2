"""The live room of a sale: its state in this process, and commands appended to the bid log.

A command is checked by the domain against the in-memory state, appended to the log in its own
transaction, and only then applied and acknowledged. One asyncio lock per sale orders the commands
of this process; the (sale, seq) unique constraint stops two processes appending the same step.
With several processes, `auction.services.relay` tells each room what the others appended
(`known_seq`, and events applied under the room's lock) and publishes this process's events.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.bidlog import BrokenLink, Event, chain, verify_chain
from auction.domain.currencies import from_json as currencies_from_json
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.domain.room import (Actor, CaseInfo, LotInfo, PaddleInfo, RoomError, RoomState, SaleSetup,
                                 apply, decide, replay)
from auction.formats import to_paris
from auction.models import Bidder, Case, Claim, Creditor, Lot, Registration, Sale, SaleEvent

from .office import tariff_for

SALE_STATUS_AFTER = {"sale_opened": "live", "sale_closed": "closed", "sale_stopped": "closed"}


class SaleNotFound(Exception):
    pass


class ConcurrentAppend(RoomError):
    code = "concurrent_update"


@dataclass(frozen=True)
class Outcome:
    event: Event
    duplicate: bool = False


Listener = Callable[[Event], None]
# Called inside the append transaction (the relay's pg_notify): other processes hear of the event
# if and when it commits.
Publisher = Callable[[AsyncSession, Event, "str | None"], Awaitable[None]]


class Room:
    """One sale's live state in this process."""

    def __init__(self, setup: SaleSetup, state: RoomState, command_ids: dict[str, int], events: list[Event]):
        self.setup = setup
        self.state = state
        self.command_ids = command_ids
        self.events = events           # the whole log, for clients catching up and for verify
        self.lock = asyncio.Lock()
        self.listeners: list[Listener] = []
        self.known_seq = state.seq     # the highest seq known to be in the log (others' appends included)
        self.publish: Publisher | None = None

    @property
    def sale_id(self) -> int:
        return self.setup.sale_id

    def _apply(self, event: Event, command_id: str | None) -> None:
        apply(self.state, event)
        self.events.append(event)
        if command_id:
            self.command_ids[command_id] = event.seq
        for listener in list(self.listeners):
            listener(event)


def to_event(row: SaleEvent) -> Event:
    return Event(sale_id=row.sale_id, seq=row.seq, kind=row.kind, payload=row.payload, at=row.at,
                 user_id=row.user_id, prev_hash=row.prev_hash, hash=row.hash)


async def load_events(sessions: async_sessionmaker[AsyncSession], sale_id: int, after_seq: int = 0) -> list[tuple[Event, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id, SaleEvent.seq > after_seq)
                                     .order_by(SaleEvent.seq))
        return [(to_event(row), row.command_id) for row in rows]


async def load_paddles(session: AsyncSession, sale_id: int) -> dict[int, PaddleInfo]:
    rows = await session.execute(
        select(Registration, Bidder).join(Bidder, Bidder.id == Registration.bidder_id)
        .where(Registration.sale_id == sale_id, Registration.paddle_number.is_not(None),
               Registration.verified_at.is_not(None)))
    return {reg.paddle_number: PaddleInfo(reg.paddle_number, reg.id, reg.channel, bidder.full_name,
                                          f"{bidder.address}, {bidder.postcode} {bidder.city}")
            for reg, bidder in rows}


async def load_setup(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> SaleSetup:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise SaleNotFound()
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position)
                                      .options(selectinload(Lot.photos)))).all()
        photos = {lot.id: lot.photos[0].path if lot.photos else None for lot in lots}
        case_ids = {lot.case_id for lot in lots}
        claims = await session.execute(
            select(Creditor.case_id, Claim.principal_cents + Claim.interest_cents + Claim.costs_cents)
            .join(Claim, Claim.creditor_id == Creditor.id).where(Creditor.case_id.in_(case_ids)))
        totals = {case_id: 0 for case_id in case_ids}
        for case_id, total in claims:
            totals[case_id] += total
        references = dict((await session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids)))).all())
        cases = {case_id: CaseInfo(case_id, references[case_id], totals[case_id]) for case_id in sorted(case_ids)}
        paddles = await load_paddles(session, sale_id)
    tariff = await tariff_for(sessions, to_paris(sale.starts_at).date())
    return SaleSetup(
        sale_id=sale_id,
        lots={lot.id: LotInfo(lot.id, lot.label, lot.title, lot.case_id, lot.opening_bid_cents,
                              lot.status == "withdrawn", photos[lot.id]) for lot in lots},
        paddles=paddles, cases=cases,
        increments=IncrementTable.from_json(sale.increments) if sale.increments else DEFAULT_INCREMENTS,
        seller_fee_rate_incl_vat=tariff.seller_fee_rate * (1 + tariff.vat_rate),
        currencies=currencies_from_json(sale.display_currencies),
    )


async def open_room(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> Room:
    """Load a sale's setup and rebuild its state by replaying its log."""
    setup = await load_setup(sessions, sale_id)
    rows = await load_events(sessions, sale_id)
    events = [event for event, _ in rows]
    state = replay(sale_id, events)
    return Room(setup, state, {cid: event.seq for event, cid in rows if cid}, events)


async def catch_up(sessions, room: Room) -> int:
    """Apply, in sequence order, the events of the stored log this room has not seen; how many.
    The caller holds `room.lock`."""
    rows = await load_events(sessions, room.sale_id, room.state.seq)
    for event, command_id in rows:
        if event.seq == room.state.seq + 1:    # another task may have applied it meanwhile
            room._apply(event, command_id)
    room.known_seq = max(room.known_seq, room.state.seq)
    return len(rows)


async def submit(sessions: async_sessionmaker[AsyncSession], room: Room, command_id: str, command: str,
                 args: dict, actor: Actor, now: datetime) -> Outcome:
    """Check a command, append its event, apply it; the same command_id twice gives the first outcome."""
    async with room.lock:
        if room.known_seq > room.state.seq:
            await catch_up(sessions, room)   # another process appended: decide on the fresh state
        if command_id in room.command_ids:
            return Outcome(room.events[room.command_ids[command_id] - 1], duplicate=True)
        if command == "bid" and args.get("paddle") not in room.setup.paddles:
            await _refresh_paddles(sessions, room)   # a bidder verified since the room was loaded
        kind, payload = decide(room.state, room.setup, command, args, actor)
        event = chain(room.sale_id, room.state.seq + 1, kind, payload, now, actor.user_id, room.state.last_hash)
        try:
            async with sessions() as session, session.begin():
                session.add(SaleEvent(sale_id=event.sale_id, seq=event.seq, kind=event.kind, payload=event.payload,
                                      at=event.at, user_id=event.user_id, command_id=command_id,
                                      prev_hash=event.prev_hash, hash=event.hash))
                if kind in SALE_STATUS_AFTER:
                    await session.execute(update(Sale).where(Sale.id == room.sale_id)
                                          .values(status=SALE_STATUS_AFTER[kind]))
                if room.publish is not None:
                    await room.publish(session, event, command_id)
        except IntegrityError:
            # Another process appended first: take its events, then answer from the fresh state.
            await catch_up(sessions, room)
            if command_id in room.command_ids:
                return Outcome(room.events[room.command_ids[command_id] - 1], duplicate=True)
            raise ConcurrentAppend("Un autre poste a enregistré une action au même moment : "
                                   "l'écran est à jour, vérifiez et recommencez.") from None
        room._apply(event, command_id)
        return Outcome(event)


async def _refresh_paddles(sessions, room: Room) -> None:
    async with sessions() as session:
        paddles = await load_paddles(session, room.sale_id)
    room.setup = replace(room.setup, paddles=paddles)


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
        """After the sale's settings changed: the next commands and views use the new setup
        (in every process: the other ones are told unless `announce` is false)."""
        room = self.rooms.get(sale_id)
        if room is not None:
            async with room.lock:
                room.setup = await load_setup(self.sessions, sale_id)
        if announce:
            for hook in self.setup_changed:
                await hook(sale_id)

    async def load_live_sales(self) -> list[int]:
        async with self.sessions() as session:
            ids = (await session.scalars(select(Sale.id).where(Sale.status == "live"))).all()
        for sale_id in ids:
            await self.get(sale_id)
        return list(ids)


async def verify_log(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[int, BrokenLink | None]:
    """Recompute the chain of a sale's stored log: how many events, and the first broken link."""
    events = [event for event, _ in await load_events(sessions, sale_id)]
    return len(events), verify_chain(events)
