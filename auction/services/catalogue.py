"""Reading sales, lots and cases for the pages (staff views and the public catalogue)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.models import AmicableOffer, Bidder, Case, Creditor, Lot, Registration, Sale
from auction.models.sale import PUBLIC_SALE_STATUSES


class NotFound(Exception):
    """No such record, or not visible to the one asking."""


async def staff_sales(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[Sale, int]]:
    async with sessions() as session:
        lot_count = select(func.count(Lot.id)).where(Lot.sale_id == Sale.id).scalar_subquery()
        rows = await session.execute(select(Sale, lot_count).order_by(Sale.starts_at.desc()))
        return [(sale, count) for sale, count in rows]


async def public_sales(sessions: async_sessionmaker[AsyncSession]) -> list[Sale]:
    async with sessions() as session:
        return list(await session.scalars(
            select(Sale).where(Sale.status.in_(PUBLIC_SALE_STATUSES)).order_by(Sale.starts_at)))


async def sale_with_lots(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, public: bool) -> Sale:
    """A sale and its lots in catalogue order; `public` hides sales not yet announced."""
    async with sessions() as session:
        sale = await session.scalar(
            select(Sale).where(Sale.id == sale_id)
            .options(selectinload(Sale.lots).selectinload(Lot.photos)))
    if sale is None or (public and not sale.is_public):
        raise NotFound()
    return sale


async def sale_is_public(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> bool:
    """Whether a sale exists and is announced (or further on): one column, for the room's sockets."""
    async with sessions() as session:
        status = await session.scalar(select(Sale.status).where(Sale.id == sale_id))
    return status in PUBLIC_SALE_STATUSES


async def registrations(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Registration]:
    async with sessions() as session:
        return list(await session.scalars(
            select(Registration).where(Registration.sale_id == sale_id)
            .order_by(Registration.paddle_number.is_(None), Registration.paddle_number)))


async def cases(sessions: async_sessionmaker[AsyncSession]) -> list[Case]:
    async with sessions() as session:
        return list(await session.scalars(
            select(Case).order_by(Case.reference)
            .options(selectinload(Case.creditors).selectinload(Creditor.claims))))


async def case_detail(sessions: async_sessionmaker[AsyncSession], case_id: int) -> tuple[Case, list[Lot]]:
    async with sessions() as session:
        case = await session.scalar(
            select(Case).where(Case.id == case_id)
            .options(selectinload(Case.creditors).selectinload(Creditor.claims),
                     selectinload(Case.offers).selectinload(AmicableOffer.letters)))
        if case is None:
            raise NotFound()
        lots = list(await session.scalars(select(Lot).where(Lot.case_id == case_id).order_by(Lot.sale_id, Lot.position)))
    return case, lots


async def bidder_registrations(sessions: async_sessionmaker[AsyncSession], user_id: int) -> tuple[Bidder | None, list[tuple[Registration, Sale]]]:
    async with sessions() as session:
        bidder = await session.scalar(select(Bidder).where(Bidder.user_id == user_id))
        if bidder is None:
            return None, []
        rows = await session.execute(
            select(Registration, Sale).join(Sale, Sale.id == Registration.sale_id)
            .where(Registration.bidder_id == bidder.id).order_by(Sale.starts_at))
        return bidder, [(registration, sale) for registration, sale in rows]
