"""Creating and editing a sale: date, time, place (sale room or the debtor's premises), conditions."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.lots import require_editable
from auction.domain.publication import PublicityError
from auction.domain.room import Actor
from auction.models import Sale

from . import audit, publication


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
                      now: datetime, *, actor: Actor, base_url: str, override_reason: str | None = None) -> None:
    """Change a sale not yet live. Once announced, a change of what the notice says (date, place,
    conditions…) issues a new notice and runs the publicity checks again (publication.reissue_if_changed):
    a failed check refuses the change unless the officer overrides it in writing."""
    _check(details, now)
    try:
        async with sessions() as session, session.begin():
            sale = await publication.sale_for_update(session, sale_id)
            require_editable(sale.status)
            if details.reference != sale.reference and await session.scalar(
                    select(Sale.id).where(Sale.reference == details.reference)):
                raise InvalidValue("Une vente porte déjà cette référence.", field="reference")
            for key, value in asdict(details).items():
                setattr(sale, key, value)
            await publication.reissue_if_changed(session, sale, actor, now, base_url, override_reason)
    except PublicityError as exc:
        await audit.record_alone(sessions, at=now, user_id=actor.user_id, sale_id=sale_id, action="step_refused",
                                 summary=f"Modification de la vente refusée : {exc.message}")
        raise
