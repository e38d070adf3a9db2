"""Clearing a homonym: a bidder refused because their name matches the barred list (the office's staff,
C. civ. 1596, or a person configured for a case) whom the officer has found to be someone else.

Only the officer clears, only the entry that matches, with a written reason; the clearance is kept as
a record and shows in the check's result. A block after a default of payment is not a homonym and is
lifted on the bidder, not here."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.bidder_checks import BlockedBidder, PersonBarred, check_not_barred
from auction.domain.errors import InvalidValue
from auction.models import BarredClearance, Sale

from .catalogue import NotFound
from .bidder_checks import facts_for
from .registration import AlreadyVerified, RegistrationRefused, registration_in_sale
from .registration_rules import rules_in_session

MIN_REASON, MAX_REASON = 10, 500


def clean_reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < MIN_REASON:
        raise InvalidValue("Expliquez en quelques mots pourquoi il s'agit d'une autre personne "
                           "(date de naissance, adresse, pièce d'identité…).", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidValue(f"Motif : {MAX_REASON} caractères au plus.", field="reason")
    return reason


async def clear_homonym(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                        reason: str, officer_id: int, now: datetime) -> str:
    """Record that the barred entry this registration matches is someone else; returns the entry's name."""
    reason = clean_reason(reason)
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id, lock=True)
        if registration.paddle_number is not None:
            raise AlreadyVerified(f"Inscription déjà vérifiée : panneau {registration.paddle_number}.")
        entry_name = await _matching_entry(session, sale, registration)
        session.add(BarredClearance(registration_id=registration.id, entry_name=entry_name, reason=reason,
                                    cleared_at=now, cleared_by_id=officer_id))
    return entry_name


async def _matching_entry(session: AsyncSession, sale: Sale, registration) -> str:
    _, rule = await rules_in_session(session, sale.id)
    facts = await facts_for(session, sale, registration, rule)
    number = facts.document.number if facts.document else ""
    try:
        check_not_barred(facts.first_name, facts.last_name, facts.birth_date, facts.email, number, facts.barred,
                         facts.blocked_reason, facts.cleared_homonyms,
                         document_names=(facts.document_first_names, facts.document_last_name))
    except BlockedBidder:
        raise RegistrationRefused("Cet enchérisseur est bloqué après un défaut de paiement : ce n'est pas une "
                                  "homonymie, le blocage se lève sur sa fiche.") from None
    except PersonBarred as exc:
        return exc.entry_name
    raise RegistrationRefused("Aucune exclusion ne vise cette inscription : rien à lever.")


async def clearances(sessions: async_sessionmaker[AsyncSession], registration_id: int) -> list[BarredClearance]:
    async with sessions() as session:
        return list(await session.scalars(select(BarredClearance).where(
            BarredClearance.registration_id == registration_id).order_by(BarredClearance.id)))
