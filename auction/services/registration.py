"""Bidder registration: online and at the desk, the e-mail confirmation, the clerk's list, a returning
bidder found again; the checks before a paddle and the registration's page are bidder_checks.

Each function owns its transaction. An identity scan (auction.services.id_scans) is written to the
private directory before the registration that holds it; the caller removes it if the registration
is refused, so an error never leaves half a bidder. Elsewhere: the sale's rules (registration_rules),
who may not bid (barred_persons), paddle cards (cards), the bidders' personal data (personal_data).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import DomainError
from auction.domain.lots import LotNumber
from auction.domain.identity import fold_name, mask_document_number
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.domain.registration import LotFacts, RegistrationInput, check_bid_request
from auction.domain.solvency import SolvencyRule
from auction.domain.signing import (EMAIL_LINK_VALIDITY, TokenForged, TokenRefused, email_confirmation_registration,
                                    read_paddle_token, sign_email_confirmation, verify_email_confirmation)
from auction.formats import to_paris
from auction.models import BidRequest, Bidder, Lot, PersonalDataAccess, Registration, RegistrationCheck, Sale

from .catalogue import NotFound
from .id_scans import StoredScan, remove_scan
from .registration_rules import rules_in_session

REGISTRATION_OPEN_STATUSES = ("announced", "live")


class RegistrationRefused(DomainError):
    """The registration cannot be taken (sale closed, already registered…); the message says why."""

    code = "registration_refused"


class AlreadyVerified(DomainError):
    code = "already_verified"


class AlreadyPending(RegistrationRefused):
    """This e-mail has a registration for this sale waiting for the clerk (no paddle yet)."""

    code = "registration_pending"

    def __init__(self, registration_id: int):
        super().__init__(f"Une demande d'inscription à cette vente, faite avec cette adresse électronique, attend "
                         f"déjà la vérification de l'étude (demande n° {registration_id}) : rien n'a été enregistré "
                         "de ce nouvel envoi.", field="email")
        self.registration_id = registration_id


async def pending_in_session(session: AsyncSession, sale_id: int, email: str) -> Registration | None:
    """The online registration without a paddle that the bidder of this e-mail already has for this sale
    (one the clerk took at the desk asks for no confirmation e-mail: the checks find a duplicate there)."""
    return await session.scalar(
        select(Registration).join(Bidder, Bidder.id == Registration.bidder_id)
        .where(Registration.sale_id == sale_id, Registration.paddle_number.is_(None),
               Registration.registered_via == "web",
               func.lower(Bidder.email) == email.strip().lower())
        .order_by(Registration.id).limit(1))


# --- taking a registration ---------------------------------------------------------------------------

async def registration_sale(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, public: bool = True
                            ) -> tuple[Sale, SolvencyRule]:
    """A sale open to registration (announced or live), with the solvency it asks for."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None or (public and not sale.is_public):
            raise NotFound()
        _, rule = await rules_in_session(session, sale_id)
    return sale, rule


@dataclass(frozen=True)
class RequestLot:
    """A lot an absentee order or phone bid may name, as the form echoes it once its number is typed."""

    label: str
    title: str
    withdrawn: bool


async def request_lots(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[RequestLot]:
    """The sale's lots in catalogue order (the public catalogue shows them all, withdrawn ones marked)."""
    async with sessions() as session:
        lots = await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))
        return [RequestLot(lot.label, lot.title, lot.status == "withdrawn") for lot in lots]


def sale_day(sale: Sale):
    return to_paris(sale.starts_at).date()


async def register(sessions: async_sessionmaker[AsyncSession], sale_id: int, data: RegistrationInput, *,
                   via: str, now: datetime, scan: StoredScan | None = None, user_id: int | None = None,
                   bidder_id: int | None = None) -> Registration:
    """Record a registration, its absentee orders and phone bids, in one transaction.

    `via` is 'web' (the bidder's own form: a new bidder, or the one of the logged-in account `user_id`)
    or 'desk' (the clerk: a new bidder, or the returning `bidder_id`, whose details are updated)."""
    async with sessions() as session, session.begin():
        sale = await session.scalar(select(Sale).where(Sale.id == sale_id).with_for_update())
        if sale is None or (via == "web" and not sale.is_public):
            raise NotFound()
        if sale.status not in REGISTRATION_OPEN_STATUSES:
            raise RegistrationRefused("Les inscriptions à cette vente sont closes.")
        lots = {LotNumber(lot.number, lot.number_suffix): lot for lot in await session.scalars(
            select(Lot).where(Lot.sale_id == sale_id))}
        increments = IncrementTable.from_json(sale.increments) if sale.increments else DEFAULT_INCREMENTS
        for request in data.requests:
            lot = lots.get(request.lot)
            check_bid_request(request, LotFacts(lot.label, lot.opening_bid_cents, lot.status == "withdrawn",
                                                increments) if lot else None)

        if via == "web":   # checked before the scan was kept too: this closes the race of two posts
            pending = await pending_in_session(session, sale_id, data.bidder.email)
            if pending is not None:
                raise AlreadyPending(pending.id)

        bidder = None
        if bidder_id is not None:
            bidder = await session.get(Bidder, bidder_id)
            if bidder is None:
                raise NotFound()
        elif user_id is not None:
            bidder = await session.scalar(select(Bidder).where(Bidder.user_id == user_id))
        if bidder is None:
            bidder = Bidder(user_id=user_id)
            session.add(bidder)
        elif await session.scalar(select(func.count()).select_from(Registration).where(
                Registration.sale_id == sale_id, Registration.bidder_id == bidder.id)):
            raise RegistrationRefused("Cet enchérisseur est déjà inscrit à cette vente.")
        details = data.bidder
        if bidder.email and bidder.email != details.email:
            bidder.email_confirmed_at = None
        for name in ("first_name", "last_name", "birth_date", "nationality", "email", "phone", "address", "postcode",
                     "city", "country", "tax_residence", "buyer_type", "company_name", "company_number",
                     "representative_capacity"):
            setattr(bidder, name, getattr(details, name))
        await session.flush()

        document = data.document
        registration = Registration(
            sale_id=sale_id, bidder_id=bidder.id, channel=data.channel, registered_via=via,
            conditions_accepted_at=now, document_type=document.type, document_number=document.number,
            document_expires_on=document.expires_on, document_country=document.country,
            scan_path=scan.path if scan else None, scan_content_type=scan.content_type if scan else None,
            scan_uploaded_at=now if scan else None, created_at=now)
        session.add(registration)
        try:
            await session.flush()
        except IntegrityError:
            raise RegistrationRefused("Cet enchérisseur est déjà inscrit à cette vente.") from None
        session.add_all([
            BidRequest(registration_id=registration.id, lot_id=lots[r.lot].id, kind=r.kind,
                       max_amount_cents=r.max_amount_cents, phone=r.phone, received_at=now)
            for r in data.requests])
        await session.flush()
    return registration


def confirmation_link(secret: bytes, base_url: str, registration: Registration, email: str, now: datetime) -> str:
    token = sign_email_confirmation(secret, registration.id, email, now + EMAIL_LINK_VALIDITY)
    return f"{base_url.rstrip('/')}/inscription/confirmer/{token}"


async def confirm_email(sessions: async_sessionmaker[AsyncSession], secret: bytes, token: str, now: datetime
                        ) -> tuple[Registration, Sale]:
    registration_id = email_confirmation_registration(token)
    async with sessions() as session, session.begin():
        registration = await session.get(Registration, registration_id)
        if registration is None:
            raise TokenForged("Lien de confirmation invalide : cette inscription n'existe plus.")
        bidder = registration.bidder
        verify_email_confirmation(secret, token, bidder.email, now)
        if bidder.email_confirmed_at is None:
            bidder.email_confirmed_at = now
        sale = await session.get(Sale, registration.sale_id)
    return registration, sale


# --- staff views -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegistrationRow:
    registration: Registration
    bidder: Bidder
    masked_document: str
    requests: int
    last_checks_failed: int


async def sale_registrations(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[RegistrationRow]:
    async with sessions() as session:
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        registrations = (await session.scalars(
            select(Registration).where(Registration.sale_id == sale_id)
            .order_by(Registration.paddle_number.is_(None).desc(), Registration.paddle_number, Registration.id))).all()
        ids = [r.id for r in registrations]
        counts = dict((await session.execute(
            select(BidRequest.registration_id, func.count()).where(BidRequest.registration_id.in_(ids))
            .group_by(BidRequest.registration_id))).all()) if ids else {}
        checks = await _latest_checks(session, ids)
    return [RegistrationRow(r, r.bidder, mask_document_number(r.document_number), counts.get(r.id, 0),
                            sum(1 for c in checks.get(r.id, {}).values() if not c.passed))
            for r in registrations]


async def _latest_checks(session: AsyncSession, registration_ids: list[int]) -> dict[int, dict[str, RegistrationCheck]]:
    latest: dict[int, dict[str, RegistrationCheck]] = {}
    if not registration_ids:
        return latest
    rows = await session.scalars(select(RegistrationCheck).where(
        RegistrationCheck.registration_id.in_(registration_ids)).order_by(RegistrationCheck.id))
    for row in rows:
        latest.setdefault(row.registration_id, {})[row.kind] = row
    return latest


async def find_bidders(sessions: async_sessionmaker[AsyncSession], query: str, secret: bytes) -> list[Bidder]:
    """A returning bidder, by name (any order, accents ignored) or by an earlier paddle card's token."""
    query = (query or "").strip()
    async with sessions() as session:
        if query.upper().startswith("P1-"):
            try:
                card = read_paddle_token(secret, query)
            except TokenRefused:
                return []
            registration = await session.get(Registration, card.registration_id)
            return [registration.bidder] if registration is not None else []
        words = fold_name(query).split()[:5]
        if not words:
            return []
        statement = select(Bidder)
        for word in words:
            statement = statement.where(Bidder.search_name.contains(word, autoescape=True))
        return list(await session.scalars(statement.order_by(Bidder.search_name).limit(20)))


async def returning_bidder(sessions: async_sessionmaker[AsyncSession], bidder_id: int
                           ) -> tuple[Bidder, Registration | None]:
    """A bidder and their latest registration (to pre-fill the desk form)."""
    async with sessions() as session:
        bidder = await session.get(Bidder, bidder_id)
        if bidder is None:
            raise NotFound()
        latest = await session.scalar(select(Registration).where(Registration.bidder_id == bidder_id)
                                      .order_by(Registration.id.desc()).limit(1))
    return bidder, latest


async def registration_in_sale(session: AsyncSession, sale_id: int, registration_id: int, *, lock: bool = False
                        ) -> Registration:
    statement = select(Registration).where(Registration.id == registration_id, Registration.sale_id == sale_id)
    registration = await session.scalar(statement.with_for_update(of=Registration) if lock else statement)
    if registration is None:
        raise NotFound()
    return registration


async def attach_scan(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                      scan: StoredScan, now: datetime) -> str | None:
    """Give a registration its scan (the clerk's photo of the document); returns the replaced file."""
    async with sessions() as session, session.begin():
        registration = await registration_in_sale(session, sale_id, registration_id, lock=True)
        previous = registration.scan_path
        registration.scan_path, registration.scan_content_type = scan.path, scan.content_type
        registration.scan_uploaded_at, registration.scan_deleted_at = now, None
    return previous


async def cancel_registration(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int,
                              registration_id: int) -> None:
    """Withdraw a registration that has no paddle yet (a duplicate, a mistake), with its requests and scan."""
    async with sessions() as session, session.begin():
        registration = await registration_in_sale(session, sale_id, registration_id, lock=True)
        if registration.paddle_number is not None:
            raise AlreadyVerified(f"Le panneau {registration.paddle_number} est attribué : l'inscription reste.")
        seen = await session.scalar(select(PersonalDataAccess.id).where(
            PersonalDataAccess.registration_id == registration.id).limit(1))
        if seen is not None:   # the access log names it, and that log is never rewritten
            raise AlreadyVerified("Les données de cette inscription ont été consultées : elle est conservée "
                                  "(journal des accès aux données personnelles).")
        scan = registration.scan_path
        await session.delete(registration)
    remove_scan(private_dir, scan)

