"""Building and arranging the lots of a sale before it starts.

Lots are made of inventory items from signed acts; each keeps its case and items. The clerk
renumbers, reorders, merges and splits them, and withdraws a lot (it stays listed, C. com. R444-47).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotNumber, check_estimates, next_free_number, require_editable, suffix_after
from auction.models import InventoryAct, InventoryItem, Lot, LotItem, LotPhoto, Sale

from .catalogue import NotFound


@dataclass(frozen=True)
class LotFields:
    title: str
    description: str
    category: str
    estimate_low_cents: int
    estimate_high_cents: int
    opening_bid_cents: int


async def _sale(session: AsyncSession, sale_id: int, *, lock: bool = True) -> Sale:
    query = select(Sale).where(Sale.id == sale_id)
    sale = await session.scalar(query.with_for_update() if lock else query)
    if sale is None:
        raise NotFound()
    require_editable(sale.status)
    return sale


async def _lot(session: AsyncSession, sale_id: int, lot_id: int) -> Lot:
    lot = await session.scalar(select(Lot).where(Lot.id == lot_id, Lot.sale_id == sale_id)
                               .options(selectinload(Lot.photos)))
    if lot is None:
        raise NotFound()
    return lot


async def _taken(session: AsyncSession, sale_id: int) -> set[LotNumber]:
    rows = await session.execute(select(Lot.number, Lot.number_suffix).where(Lot.sale_id == sale_id))
    return {LotNumber(n, s) for n, s in rows}


async def available_items(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[InventoryItem, InventoryAct]]:
    """Items of signed seizure acts that no lot uses yet."""
    async with sessions() as session:
        used = select(LotItem.item_id)
        rows = await session.execute(
            select(InventoryItem, InventoryAct).join(InventoryAct, InventoryAct.id == InventoryItem.act_id)
            .where(InventoryAct.kind == "seizure", InventoryAct.signed_at.is_not(None),
                   InventoryItem.id.not_in(used))
            .order_by(InventoryAct.case_id, InventoryAct.id, InventoryItem.position))
        return [(item, act) for item, act in rows]


@dataclass(frozen=True)
class InventoryState:
    """Why no item may be offered for a new lot: how many items the signed seizure acts hold (all in a lot
    already when `available_items` is empty), and how many seizure acts still wait to be signed."""

    signed_items: int
    unsigned_acts: int


async def inventory_state(sessions: async_sessionmaker[AsyncSession]) -> InventoryState:
    async with sessions() as session:
        signed = await session.scalar(
            select(func.count()).select_from(InventoryItem).join(InventoryAct, InventoryAct.id == InventoryItem.act_id)
            .where(InventoryAct.kind == "seizure", InventoryAct.signed_at.is_not(None)))
        unsigned = await session.scalar(select(func.count()).select_from(InventoryAct).where(
            InventoryAct.kind == "seizure", InventoryAct.signed_at.is_(None)))
    return InventoryState(signed or 0, unsigned or 0)


def _check_fields(fields: LotFields) -> None:
    if not fields.title.strip():
        raise InvalidValue("Titre du lot obligatoire.", field="title")
    check_estimates(fields.estimate_low_cents, fields.estimate_high_cents, fields.opening_bid_cents)


async def create_lot(sessions: async_sessionmaker[AsyncSession], sale_id: int, item_ids: list[int],
                     fields: LotFields, number: LotNumber | None = None) -> Lot:
    """A lot from one or more items of one case, numbered next unless told otherwise."""
    if not item_ids:
        raise InvalidValue("Choisissez au moins un bien de l'inventaire.", field="items")
    _check_fields(fields)
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        rows = (await session.execute(
            select(InventoryItem, InventoryAct).join(InventoryAct, InventoryAct.id == InventoryItem.act_id)
            .where(InventoryItem.id.in_(item_ids)))).all()
        if len(rows) != len(set(item_ids)):
            raise InvalidValue("Un bien choisi n'existe plus.", field="items")
        if any(act.signed_at is None or act.kind != "seizure" for _, act in rows):
            raise InvalidValue("Seuls les biens d'un procès-verbal signé peuvent être mis en vente.", field="items")
        cases = {act.case_id for _, act in rows}
        if len(cases) != 1:
            raise InvalidValue("Un lot réunit des biens d'un seul dossier.", field="items")
        if await session.scalar(select(func.count()).select_from(LotItem).where(LotItem.item_id.in_(item_ids))):
            raise InvalidValue("Un bien choisi appartient déjà à un lot.", field="items")
        taken = await _taken(session, sale_id)
        number = number or next_free_number(taken)
        if number in taken:
            raise InvalidValue(f"Le numéro {number.label} est déjà pris dans cette vente.", field="number")
        position = await session.scalar(select(func.coalesce(func.max(Lot.position), 0)).where(Lot.sale_id == sale_id))
        lot = Lot(sale_id=sale_id, case_id=cases.pop(), number=number.number, number_suffix=number.suffix,
                  position=position + 1, title=fields.title.strip(), description=fields.description.strip(),
                  category=fields.category.strip(), estimate_low_cents=fields.estimate_low_cents,
                  estimate_high_cents=fields.estimate_high_cents, opening_bid_cents=fields.opening_bid_cents)
        session.add(lot)
        await session.flush()
        session.add_all([LotItem(lot_id=lot.id, item_id=item_id) for item_id in set(item_ids)])
    return lot


async def update_lot(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, fields: LotFields,
                     number: LotNumber) -> None:
    _check_fields(fields)
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lot = await _lot(session, sale_id, lot_id)
        if LotNumber(lot.number, lot.number_suffix) != number and number in await _taken(session, sale_id):
            raise InvalidValue(f"Le numéro {number.label} est déjà pris dans cette vente.", field="number")
        lot.number, lot.number_suffix = number.number, number.suffix
        lot.title, lot.description, lot.category = fields.title.strip(), fields.description.strip(), fields.category.strip()
        lot.estimate_low_cents, lot.estimate_high_cents = fields.estimate_low_cents, fields.estimate_high_cents
        lot.opening_bid_cents = fields.opening_bid_cents
        try:
            await session.flush()
        except IntegrityError:
            raise InvalidValue(f"Le numéro {number.label} est déjà pris dans cette vente.", field="number") from None


async def set_withdrawn(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, withdrawn: bool,
                        reason: str | None = None) -> None:
    """Withdraw a lot before the sale, with the reason the sale record states (C. com. R444-47): a
    blank reason is refused (None: a caller with none to give, the record says "non indiqué"), or
    put it back on sale (the reason is cleared)."""
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lot = await _lot(session, sale_id, lot_id)
        if withdrawn and reason is not None and not reason.strip():
            raise InvalidValue("Indiquez le motif du retrait : il figure au procès-verbal de vente (C. com. R444-47).",
                               field="withdrawal_reason")
        lot.withdrawal_reason = " ".join(reason.split())[:500] if withdrawn and reason else ""
        lot.status = "withdrawn" if withdrawn else "listed"


async def move(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, offset: int) -> None:
    """Move a lot up (-1) or down (+1) in the order of the sale."""
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lots = list(await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position)))
        index = next((i for i, lot in enumerate(lots) if lot.id == lot_id), None)
        if index is None:
            raise NotFound()
        target = index + offset
        if 0 <= target < len(lots):
            lots[index].position, lots[target].position = lots[target].position, lots[index].position


async def renumber(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> None:
    """Number the lots 1, 2, 3… in their current order (bis numbers disappear)."""
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lots = list(await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position)))
        for lot in lots:                      # two passes: the unique (sale, number, suffix) holds throughout
            lot.number, lot.number_suffix = lot.number + 100_000, "tmp"
        await session.flush()
        for index, lot in enumerate(lots, start=1):
            lot.number, lot.number_suffix, lot.position = index, "", index


async def merge(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, other_id: int) -> None:
    """Fold `other` into `lot`: items, photos and estimates add up; the other lot disappears."""
    if lot_id == other_id:
        raise InvalidValue("Choisissez un autre lot.", field="other")
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lot, other = await _lot(session, sale_id, lot_id), await _lot(session, sale_id, other_id)
        if lot.case_id != other.case_id:
            raise InvalidValue("Seuls des lots du même dossier peuvent être réunis.", field="other")
        links = list(await session.scalars(select(LotItem).where(LotItem.lot_id == other.id)))
        for link in links:
            await session.delete(link)
        await session.flush()
        session.add_all([LotItem(lot_id=lot.id, item_id=link.item_id) for link in links])
        next_photo = len(lot.photos)
        for photo in list(other.photos):
            photo.lot_id, photo.position = lot.id, next_photo
            next_photo += 1
        lot.estimate_low_cents += other.estimate_low_cents
        lot.estimate_high_cents += other.estimate_high_cents
        lot.opening_bid_cents += other.opening_bid_cents
        lot.description = "\n".join(filter(None, [lot.description, other.title + (". " + other.description if other.description else "")]))
        await session.flush()
        session.expire(other, ["photos"])
        await session.delete(other)


async def split(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, item_ids: list[int]) -> Lot:
    """Take some items out of a lot into a new lot numbered `N bis` right after it."""
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lot = await _lot(session, sale_id, lot_id)
        links = list(await session.scalars(select(LotItem).where(LotItem.lot_id == lot.id)))
        moving = [link for link in links if link.item_id in set(item_ids)]
        if not moving or len(moving) == len(links):
            raise InvalidValue("Choisissez une partie des biens du lot (ni aucun, ni tous).", field="items")
        items = {i.id: i for i in await session.scalars(select(InventoryItem).where(
            InventoryItem.id.in_([link.item_id for link in moving])))}
        number = suffix_after(lot.number, await _taken(session, sale_id))
        for later in await session.scalars(select(Lot).where(Lot.sale_id == sale_id, Lot.position > lot.position)):
            later.position += 1
        moved_estimate = sum(i.estimate_cents or 0 for i in items.values())
        new = Lot(sale_id=sale_id, case_id=lot.case_id, number=number.number, number_suffix=number.suffix,
                  position=lot.position + 1, title=next(iter(items.values())).description[:200],
                  description="\n".join(i.description for i in items.values()), category=lot.category,
                  estimate_low_cents=min(moved_estimate, lot.estimate_low_cents),
                  estimate_high_cents=min(moved_estimate, lot.estimate_high_cents), opening_bid_cents=0)
        lot.estimate_low_cents -= new.estimate_low_cents
        lot.estimate_high_cents -= new.estimate_high_cents
        session.add(new)
        await session.flush()
        for link in moving:
            await session.delete(link)
        await session.flush()
        session.add_all([LotItem(lot_id=new.id, item_id=link.item_id) for link in moving])
    return new


async def lot_detail(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int):
    async with sessions() as session:
        lot = await _lot(session, sale_id, lot_id)
        items = list(await session.scalars(select(InventoryItem).join(LotItem, LotItem.item_id == InventoryItem.id)
                                           .where(LotItem.lot_id == lot_id).order_by(InventoryItem.id)))
        others = list(await session.scalars(select(Lot).where(Lot.sale_id == sale_id, Lot.id != lot_id,
                                                              Lot.case_id == lot.case_id).order_by(Lot.position)))
        sale = await session.get(Sale, sale_id)
        return sale, lot, items, others


async def add_photo(sessions: async_sessionmaker[AsyncSession], sale_id: int, lot_id: int, path: str, alt: str) -> None:
    async with sessions() as session, session.begin():
        await _sale(session, sale_id)
        lot = await _lot(session, sale_id, lot_id)
        session.add(LotPhoto(lot_id=lot.id, position=len(lot.photos), path=path, alt_text=alt[:300]))
