"""The public catalogue of a sale: its lots searched, filtered and paginated in SQL, one lot with
its neighbours in the results, and everything the printable catalogue needs.

`preview=True` is the staff's view of a sale not yet announced; otherwise only public sales exist.
Nothing read here touches the case (debtor, creditors, reference): public pages must not show it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.catalogue import PAGE_SIZE, CatalogueQuery, Pagination, fold_text, page_of, paginate
from auction.domain.lot_states import LotState, follows_the_room, lot_states, shows_states
from auction.domain.tariff import Tariff, TariffOnDay
from auction.formats import to_paris
from auction.models import Lot, Office, Sale

from .catalogue import NotFound
from .office import tariff_lookup
from .room import RoomRegistry


@dataclass
class SaleCatalogue:
    sale: Sale
    tariff: Tariff | None            # None when no rates are in force on the sale's date
    categories: list[str]
    lots: list[Lot]                  # the page shown, photos loaded
    pagination: Pagination
    page_message: str | None         # the requested page did not exist
    tariff_note: str | None = None   # then, why (the rates await the officer's confirmation)


@dataclass
class LotView:
    sale: Sale
    tariff: Tariff | None
    lot: Lot                         # photos loaded
    previous: Lot | None             # neighbours within the search, in catalogue order
    next: Lot | None
    page: int                        # the results page that lists this lot
    in_results: bool                 # False when the lot does not match the search (then ignored)
    tariff_note: str | None = None


async def _visible_sale(session: AsyncSession, sale_id: int, preview: bool) -> Sale:
    sale = await session.get(Sale, sale_id)
    if sale is None or not (preview or sale.is_public):
        raise NotFound()
    return sale


async def sale_tariff(sessions: async_sessionmaker[AsyncSession], sale: Sale) -> TariffOnDay:
    """The rates for the day of the sale (Paris time): in force, or awaiting confirmation, or none."""
    day: date = to_paris(sale.starts_at).date()
    return await tariff_lookup(sessions, day)


def _conditions(sale_id: int, query: CatalogueQuery) -> list:
    """The WHERE clause of a search: every word in the title or description (folded), the category,
    and an estimate range that overlaps the one asked. Withdrawn lots stay in (R444-47)."""
    conditions = [Lot.sale_id == sale_id]
    words = [Lot.search_text.contains(word, autoescape=True) for word in query.words]
    if words:
        text = and_(*words)
        number = query.lot_number
        conditions.append(or_(Lot.number == number, text) if number is not None else text)
    if query.category:
        conditions.append(Lot.category == query.category)
    if query.min_cents is not None:
        conditions.append(Lot.estimate_high_cents >= query.min_cents)
    if query.max_cents is not None:
        conditions.append(Lot.estimate_low_cents <= query.max_cents)
    return conditions


def _rank(query: CatalogueQuery) -> ColumnElement[int] | None:
    """The results' first sort key when the search is a lot number (`12`, `lot 12`): that lot (and its
    `bis`) first, 0 against 1 for the lots whose text matched; None otherwise (catalogue order)."""
    number = query.lot_number if query.words else None
    return case((Lot.number == number, 0), else_=1) if number is not None else None


def _order(query: CatalogueQuery, descending: bool = False) -> list:
    rank = _rank(query)
    keys = ([] if rank is None else [rank]) + [Lot.position, Lot.id]
    return [key.desc() for key in keys] if descending else keys


def _ordered(statement: Select, query: CatalogueQuery) -> Select:
    return statement.order_by(*_order(query))


async def search_lots(session: AsyncSession, sale_id: int, query: CatalogueQuery,
                      size: int = PAGE_SIZE) -> tuple[list[Lot], Pagination, str | None]:
    """One page of the lots matching `query`, in catalogue order, with their photos."""
    conditions = _conditions(sale_id, query)
    total = await session.scalar(select(func.count()).select_from(Lot).where(*conditions)) or 0
    pagination, message = paginate(total, query.page, size)
    lots = list(await session.scalars(
        _ordered(select(Lot).where(*conditions), query).limit(size).offset(pagination.offset)
        .options(selectinload(Lot.photos))))
    return lots, pagination, message


async def sale_catalogue(sessions: async_sessionmaker[AsyncSession], sale_id: int, query: CatalogueQuery,
                         *, preview: bool = False, size: int = PAGE_SIZE) -> SaleCatalogue:
    async with sessions() as session:
        sale = await _visible_sale(session, sale_id, preview)
        categories = sorted(await session.scalars(
            select(Lot.category).where(Lot.sale_id == sale_id, Lot.category != "").distinct()), key=fold_text)
        lots, pagination, message = await search_lots(session, sale_id, query, size)
    found = await sale_tariff(sessions, sale)
    return SaleCatalogue(sale, found.tariff, categories, lots, pagination, message, found.note)


def _beside(lot: Lot, query: CatalogueQuery, after: bool):
    """The lots listed before (or after) `lot` in the results of `query`, in `_ordered`'s order."""
    ahead = (lambda column, value: column > value) if after else (lambda column, value: column < value)
    within = or_(ahead(Lot.position, lot.position), and_(Lot.position == lot.position, ahead(Lot.id, lot.id)))
    rank = _rank(query)
    if rank is None:
        return within
    own = 0 if lot.number == query.lot_number else 1
    return or_(ahead(rank, own), and_(rank == own, within))


def _before(lot: Lot, query: CatalogueQuery):
    return _beside(lot, query, after=False)


def _after(lot: Lot, query: CatalogueQuery):
    return _beside(lot, query, after=True)


async def lot_view(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, query: CatalogueQuery,
                   *, preview: bool = False, size: int = PAGE_SIZE) -> LotView:
    """A lot of a visible sale, with the previous and next lots of the same search."""
    async with sessions() as session:
        sale = await _visible_sale(session, sale_id, preview)
        lot = await session.scalar(select(Lot).where(Lot.id == lot_id, Lot.sale_id == sale_id)
                                   .options(selectinload(Lot.photos)))
        if lot is None:
            raise NotFound()
        conditions = _conditions(sale_id, query)
        in_results = True
        if query.is_filtered:
            in_results = await session.scalar(select(Lot.id).where(*conditions, Lot.id == lot.id)) is not None
            if not in_results:
                query = CatalogueQuery()
                conditions = _conditions(sale_id, query)
        previous = await session.scalar(
            select(Lot).where(*conditions, _before(lot, query))
            .order_by(*_order(query, descending=True)).limit(1))
        following = await session.scalar(_ordered(select(Lot).where(*conditions, _after(lot, query)), query).limit(1))
        rank = await session.scalar(
            select(func.count()).select_from(Lot).where(*conditions, _before(lot, query))) or 0
    found = await sale_tariff(sessions, sale)
    return LotView(sale, found.tariff, lot, previous, following, page_of(rank, size), in_results, found.note)


async def printable_catalogue(sessions: async_sessionmaker[AsyncSession], sale_id: int, *,
                              preview: bool = False) -> tuple[Sale, TariffOnDay, list[Lot], Office | None]:
    """Everything the catalogue PDF shows: the sale, its rates, all its lots, the office."""
    async with sessions() as session:
        sale = await _visible_sale(session, sale_id, preview)
        lots = list(await session.scalars(_ordered(select(Lot).where(Lot.sale_id == sale_id), CatalogueQuery())))
        office = await session.scalar(select(Office).order_by(Office.id).limit(1))
    return sale, await sale_tariff(sessions, sale), lots, office


@dataclass(frozen=True)
class LiveCatalogue:
    follow: bool                       # the open page follows the room (public socket)
    states: dict[int, LotState]        # each lot's state, by id


async def live_catalogue(rooms: RoomRegistry, sale: Sale, now: datetime) -> LiveCatalogue | None:
    """The lots' states as the room has them (its bid log), once the room may open: None before the
    sale's day. The room is the one the sockets serve (loaded once per process, kept current)."""
    follow = follows_the_room(sale.status, to_paris(sale.starts_at).date(), to_paris(now).date())
    if not (follow or shows_states(sale.status)):
        return None
    room = await rooms.get(sale.id)
    return LiveCatalogue(follow, lot_states(room.state, room.setup))
