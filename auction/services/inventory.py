"""Inventory acts: drafting, items, signing (officer), and the linked correction/verification acts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.errors import InvalidValue
from auction.domain.inventory import (ACT_KINDS, AMICABLE_SALE_NOTICE, CUSTODY_NOTICE, ActContent, Item,
                                      TitleReference, check_can_sign, refuse_if_signed)
from auction.domain.roles import Role
from auction.models import Case, InventoryAct, InventoryItem

from .catalogue import NotFound

HEADER_FIELDS = ("place", "present_persons", "prior_seizures_statement", "custody_notice",
                 "amicable_sale_notice", "enforcement_court", "correction_note")


class NotOfficer(InvalidValue):
    code = "officer_required"


@dataclass(frozen=True)
class ActHeader:
    act_date: date | None
    place: str
    present_persons: str
    prior_seizures_statement: str
    custody_notice: str
    amicable_sale_notice: str
    enforcement_court: str
    correction_note: str = ""


async def _act(session: AsyncSession, act_id: int, *, lock: bool = False) -> InventoryAct:
    query = select(InventoryAct).where(InventoryAct.id == act_id).options(selectinload(InventoryAct.items))
    if lock:
        query = query.with_for_update(of=InventoryAct)
    act = await session.scalar(query)
    if act is None:
        raise NotFound()
    return act


async def get_act(sessions: async_sessionmaker[AsyncSession], act_id: int) -> tuple[InventoryAct, Case, InventoryAct | None]:
    async with sessions() as session:
        act = await _act(session, act_id)
        case = await session.get(Case, act.case_id)
        parent = await _act(session, act.parent_id) if act.parent_id else None
        return act, case, parent


async def acts_of_case(sessions: async_sessionmaker[AsyncSession], case_id: int) -> list[InventoryAct]:
    async with sessions() as session:
        return list(await session.scalars(select(InventoryAct).where(InventoryAct.case_id == case_id)
                                          .order_by(InventoryAct.id).options(selectinload(InventoryAct.items))))


async def create_act(sessions: async_sessionmaker[AsyncSession], case_id: int, author_id: int, *,
                     kind: str = "seizure", parent_id: int | None = None) -> InventoryAct:
    """A new draft act. Corrections and verifications link to a signed act of the same case."""
    if kind not in ACT_KINDS:
        raise InvalidValue("Type d'acte inconnu.", field="kind")
    async with sessions() as session, session.begin():
        case = await session.get(Case, case_id)
        if case is None:
            raise NotFound()
        act = InventoryAct(case_id=case_id, kind=kind, created_by_id=author_id, place="",
                           custody_notice=CUSTODY_NOTICE if kind == "seizure" else "",
                           amicable_sale_notice=AMICABLE_SALE_NOTICE if kind == "seizure" else "")
        if kind != "seizure":
            parent = await _act(session, parent_id) if parent_id else None
            if parent is None or parent.case_id != case_id or parent.signed_at is None:
                raise InvalidValue("Un acte rectificatif ou de vérification se rattache à un acte signé du dossier.",
                                   field="parent_id")
            act.parent_id = parent.id
            act.place = parent.place
        session.add(act)
    return act


async def update_header(sessions: async_sessionmaker[AsyncSession], act_id: int, header: ActHeader) -> None:
    async with sessions() as session, session.begin():
        act = await _act(session, act_id, lock=True)
        refuse_if_signed(act.signed_at)
        act.act_date = header.act_date
        for name in HEADER_FIELDS:
            setattr(act, name, getattr(header, name))


def _check_item(item: Item) -> None:
    if not item.description.strip():
        raise InvalidValue("Désignation obligatoire.", field="description")
    if item.quantity < 1:
        raise InvalidValue("La quantité est un entier positif.", field="quantity")
    if item.estimate_cents is not None and item.estimate_cents < 0:
        raise InvalidValue("L'estimation ne peut pas être négative.", field="estimate")


async def add_items(sessions: async_sessionmaker[AsyncSession], act_id: int, items: list[Item]) -> int:
    """Append items to a draft act, all or none; returns how many were added."""
    for item in items:
        _check_item(item)
    async with sessions() as session, session.begin():
        act = await _act(session, act_id, lock=True)
        refuse_if_signed(act.signed_at)
        position = await session.scalar(select(func.coalesce(func.max(InventoryItem.position), 0))
                                        .where(InventoryItem.act_id == act_id))
        originals = {}
        if act.parent_id:
            parent = await _act(session, act.parent_id)
            originals = {i.position: i.id for i in parent.items}
        for item in items:
            position += 1
            refers = None
            if item.refers_to_position is not None:
                refers = originals.get(item.refers_to_position)
                if refers is None:
                    raise InvalidValue(f"L'acte d'origine n'a pas de bien n° {item.refers_to_position}.",
                                       field="refers_to_position")
            session.add(InventoryItem(act_id=act_id, position=position, description=item.description.strip(),
                                      quantity=item.quantity, condition=item.condition.strip(),
                                      estimate_cents=item.estimate_cents, category=item.category.strip(),
                                      refers_to_item_id=refers, finding=item.finding))
    return len(items)


async def delete_item(sessions: async_sessionmaker[AsyncSession], act_id: int, item_id: int) -> None:
    async with sessions() as session, session.begin():
        act = await _act(session, act_id, lock=True)
        refuse_if_signed(act.signed_at)
        item = next((i for i in act.items if i.id == item_id), None)
        if item is None:
            raise NotFound()
        await session.delete(item)


def content_of(act: InventoryAct, case: Case, parent: InventoryAct | None) -> ActContent:
    positions = {i.id: i.position for i in parent.items} if parent else {}
    return ActContent(
        kind=act.kind, case_reference=case.reference, debtor_name=case.debtor_name,
        title=TitleReference(case.title_nature, case.title_court, case.title_date),
        act_date=act.act_date, place=act.place, present_persons=act.present_persons,
        prior_seizures_statement=act.prior_seizures_statement, custody_notice=act.custody_notice,
        amicable_sale_notice=act.amicable_sale_notice, enforcement_court=act.enforcement_court,
        parent_digest=parent.digest if parent else None, correction_note=act.correction_note,
        items=tuple(Item(i.position, i.description, i.quantity, i.condition, i.estimate_cents, i.category,
                         positions.get(i.refers_to_item_id), i.finding) for i in act.items),
    )


async def sign(sessions: async_sessionmaker[AsyncSession], act_id: int, officer_id: int, role: Role,
               now: datetime) -> str:
    """The officer signs: the mandatory mentions are checked, the digest recorded, the act frozen."""
    if role is not Role.OFFICER:
        raise NotOfficer("Seul le commissaire de justice signe les actes.", field="sign")
    async with sessions() as session, session.begin():
        act = await _act(session, act_id, lock=True)
        case = await session.get(Case, act.case_id)
        parent = await _act(session, act.parent_id) if act.parent_id else None
        digest = check_can_sign(content_of(act, case, parent), already_signed=act.signed_at is not None)
        act.signed_at, act.signed_by_id, act.digest = now, officer_id, digest
    return digest
