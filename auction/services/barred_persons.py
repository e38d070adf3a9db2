"""Who may not bid in a sale: the office's staff (C. civ. 1596), the persons the officer bars for the
sale or one of its cases, and bidders blocked after a default of payment. The registration checks
(auction.domain.bidder_checks) compare each bidder with these entries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.bidder_checks import BarredEntry
from auction.domain.errors import InvalidValue
from auction.models import BarredPerson, Bidder, Lot, User

from .catalogue import NotFound

STAFF_ROLES = ("officer", "clerk")
STAFF_BAR_REASON = ("personnel de l'étude : le commissaire de justice et ceux qui agissent pour lui ne peuvent "
                    "se porter adjudicataires (C. civ. 1596)")


def _of_sale(sale_id: int):
    """The barred persons that apply to a sale: barred from every sale, or for one of its cases."""
    case_ids = select(Lot.case_id).where(Lot.sale_id == sale_id)
    return select(BarredPerson).where(BarredPerson.case_id.is_(None) | BarredPerson.case_id.in_(case_ids))


async def barred_entries(session: AsyncSession, sale_id: int, bidder_id: int) -> tuple[BarredEntry, ...]:
    """Everyone this bidder may not be, in this sale (the bidder's own block is checked apart)."""
    entries = [BarredEntry(user.full_name, STAFF_BAR_REASON, email=user.email)
               for user in await session.scalars(select(User).where(User.role.in_(STAFF_ROLES)))]
    for person in await session.scalars(_of_sale(sale_id)):
        entries.append(BarredEntry(person.full_name, person.reason, person.birth_date))
    for other in await session.scalars(select(Bidder).where(Bidder.blocked_at.is_not(None), Bidder.id != bidder_id)):
        entries.append(BarredEntry(other.full_name, f"bloqué après un défaut de paiement ({other.blocked_reason})",
                                   other.birth_date, other.email))
    return tuple(entries)


async def barred_persons(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[BarredPerson]:
    async with sessions() as session:
        return list(await session.scalars(_of_sale(sale_id).order_by(BarredPerson.full_name)))


async def add_barred_person(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int | None,
                            full_name: str, birth_date, reason: str, user_id: int) -> None:
    async with sessions() as session, session.begin():
        if case_id is not None and not await session.scalar(select(func.count()).select_from(Lot).where(
                Lot.sale_id == sale_id, Lot.case_id == case_id)):
            raise InvalidValue("Choisissez un dossier de cette vente.", field="case_id")
        session.add(BarredPerson(case_id=case_id, full_name=full_name, birth_date=birth_date, reason=reason,
                                 created_by_id=user_id))


async def remove_barred_person(sessions: async_sessionmaker[AsyncSession], barred_id: int) -> None:
    async with sessions() as session, session.begin():
        person = await session.get(BarredPerson, barred_id)
        if person is None:
            raise NotFound()
        await session.delete(person)


async def set_blocked(sessions: async_sessionmaker[AsyncSession], bidder_id: int, reason: str, now: datetime) -> None:
    """Block a bidder after a default of payment (reason given), or unblock (empty reason)."""
    async with sessions() as session, session.begin():
        bidder = await session.get(Bidder, bidder_id)
        if bidder is None:
            raise NotFound()
        bidder.blocked_reason = reason
        bidder.blocked_at = now if reason else None
        bidder.blocked_sale_id = bidder.blocked_default_seq = None   # a block set by hand names no default act
