"""What a room reads from the database: the sale's setup, the order book and the stored bid log.

`auction.services.room` loads a room with these (`open_room`) and reloads parts of its setup with
them while the sale goes on (a paddle verified, a lot changed); the other services read the stored
log through `load_events` and `to_event`, and `verify_log` recomputes its chain.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.absentee import AbsenteeOrder
from auction.domain.bidlog import BrokenLink, Event, verify_chain
from auction.domain.currencies import from_json as currencies_from_json
from auction.domain.defaults import lots_in_default, procedures
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.domain.room import LotInfo, PaddleInfo, SaleSetup
from auction.formats import to_paris
from auction.models import BidRequest, Bidder, Lot, Registration, Sale, SaleEvent

from . import settlement_log
from .office import tariff_lookup
from .stop_rule import stop_rule_cases


class SaleNotFound(Exception):
    pass


def to_event(row: SaleEvent) -> Event:
    return Event(sale_id=row.sale_id, seq=row.seq, kind=row.kind, payload=row.payload, at=row.at,
                 user_id=row.user_id, prev_hash=row.prev_hash, hash=row.hash)


async def load_events(sessions: async_sessionmaker[AsyncSession], sale_id: int, after_seq: int = 0) -> list[tuple[Event, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id, SaleEvent.seq > after_seq)
                                     .order_by(SaleEvent.seq))
        return [(to_event(row), row.command_id) for row in rows]


async def load_orders(session: AsyncSession, sale_id: int) -> list[AbsenteeOrder]:
    """The absentee orders of the sale's verified, unblocked paddles."""
    rows = await session.execute(
        select(BidRequest, Registration.paddle_number)
        .join(Registration, Registration.id == BidRequest.registration_id)
        .join(Bidder, Bidder.id == Registration.bidder_id)
        .where(Registration.sale_id == sale_id, BidRequest.kind == "absentee",
               Registration.paddle_number.is_not(None), Registration.verified_at.is_not(None),
               Bidder.blocked_at.is_(None)))
    return [AbsenteeOrder(request.id, request.lot_id, paddle, request.max_amount_cents, request.received_at)
            for request, paddle in rows]


async def load_phone_paddles(session: AsyncSession, sale_id: int) -> frozenset[int]:
    """Verified paddles that asked to bid by phone in this sale (for any of its lots)."""
    rows = await session.scalars(
        select(Registration.paddle_number).join(BidRequest, BidRequest.registration_id == Registration.id)
        .where(Registration.sale_id == sale_id, BidRequest.kind == "phone",
               Registration.paddle_number.is_not(None), Registration.verified_at.is_not(None)))
    return frozenset(rows)


async def load_paddles(session: AsyncSession, sale_id: int) -> dict[int, PaddleInfo]:
    rows = await session.execute(
        select(Registration, Bidder).join(Bidder, Bidder.id == Registration.bidder_id)
        .where(Registration.sale_id == sale_id, Registration.paddle_number.is_not(None),
               Registration.verified_at.is_not(None)))
    return {reg.paddle_number: PaddleInfo(reg.paddle_number, reg.id, reg.channel, bidder.full_name,
                                          f"{bidder.address}, {bidder.postcode} {bidder.city}",
                                          bidder.user_id, bidder.blocked_at is not None)
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
        # L221-4: the claims of the creditors admitted by the verification act, interest to the sale's day.
        found = await stop_rule_cases(session, case_ids, to_paris(sale.starts_at).date())
        cases = {case_id: found[case_id] for case_id in sorted(case_ids)}
        paddles = await load_paddles(session, sale_id)
        phone_paddles = await load_phone_paddles(session, sale_id)
        defaulted = await load_defaulted(session, sale_id)
    tariff = (await tariff_lookup(sessions, to_paris(sale.starts_at).date())).tariff   # None: not confirmed
    return SaleSetup(
        sale_id=sale_id,
        lots={lot.id: LotInfo(lot.id, lot.label, lot.title, lot.case_id, lot.opening_bid_cents,
                              lot.status == "withdrawn", photos[lot.id]) for lot in lots},
        paddles=paddles, cases=cases, phone_paddles=phone_paddles,
        increments=IncrementTable.from_json(sale.increments) if sale.increments else DEFAULT_INCREMENTS,
        seller_fee_rate_incl_vat=tariff.seller_fee_rate_incl_vat if tariff else Decimal(0),
        currencies=currencies_from_json(sale.display_currencies),
        defaulted=defaulted,
        tariff=tariff,
    )


async def load_defaulted(session: AsyncSession, sale_id: int) -> dict[int, int]:
    """The sale's lots whose default of payment is declared (settlement log) -> the defaulting paddle."""
    found = procedures(await settlement_log.load_events(session, sale_id))
    return {lot_id: procedure.act.paddle for lot_id, procedure in lots_in_default(found).items()}


async def verify_log(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[int, BrokenLink | None]:
    """Recompute the chain of a sale's stored log: how many events, and the first broken link."""
    events = [event for event, _ in await load_events(sessions, sale_id)]
    return len(events), verify_chain(events)
