"""Creating and editing a sale: date, time, place (sale room or the debtor's premises), conditions."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.lots import require_editable
from auction.models import Sale

from .catalogue import NotFound


@dataclass(frozen=True)
class SaleDetails:
    reference: str
    title: str
    starts_at: datetime          # aware, UTC
    place_kind: str              # "room" or "premises"
    place_name: str
    address: str
    postcode: str
    city: str
    viewing: str
    conditions: str


def _check(details: SaleDetails, now: datetime) -> None:
    if details.place_kind not in ("room", "premises"):
        raise InvalidValue("Lieu : salle des ventes ou locaux du débiteur.", field="place_kind")
    if details.starts_at <= now:
        raise InvalidValue("La date de la vente doit être à venir.", field="starts_on")


async def create_sale(sessions: async_sessionmaker[AsyncSession], details: SaleDetails, now: datetime) -> Sale:
    _check(details, now)
    async with sessions() as session, session.begin():
        if await session.scalar(select(Sale.id).where(Sale.reference == details.reference)):
            raise InvalidValue("Une vente porte déjà cette référence.", field="reference")
        sale = Sale(**asdict(details), status="draft")
        session.add(sale)
    return sale


async def update_sale(sessions: async_sessionmaker[AsyncSession], sale_id: int, details: SaleDetails,
                      now: datetime) -> None:
    _check(details, now)
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        require_editable(sale.status)
        if details.reference != sale.reference and await session.scalar(
                select(Sale.id).where(Sale.reference == details.reference)):
            raise InvalidValue("Une vente porte déjà cette référence.", field="reference")
        for key, value in asdict(details).items():
            setattr(sale, key, value)
