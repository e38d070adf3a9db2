"""Bidder registration: online and at the desk, the checks before a paddle, paddle cards, and the
bidders' personal data (identity scans, their access log, retention, the bidder's own export).

Each function owns its transaction. An identity scan is written to the private directory first, then
the database; if the database refuses, the file is removed, so an error never leaves half a bidder.
"""
from __future__ import annotations

import asyncio
import base64
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import DomainError, InvalidValue
from auction.domain.lots import LotNumber
from auction.domain.bidder_checks import (BarredEntry, CheckFacts, CheckResult, OtherRegistration,
                                         check_email_confirmed, run_checks)
from auction.domain.id_scans import scan_due_for_deletion, sniff_scan
from auction.domain.identity import DOCUMENT_TYPES, IdentityDocument, fold_name, mask_document_number
from auction.domain.registration import CHANNELS, Attestation, LotFacts, RegistrationInput, check_bid_request
from auction.domain.registration_rules import PaddleRanges, check_paddle_ranges, next_paddle
from auction.domain.solvency import SolvencyProof, SolvencyRule, check_solvency_rule
from auction.domain.signing import (EMAIL_LINK_VALIDITY, TokenForged, TokenRefused, email_confirmation_registration,
                                    paddle_card_expiry, read_paddle_token, sign_email_confirmation,
                                    sign_paddle_token, verify_email_confirmation, verify_paddle_token)
from auction.formats import long_datetime, to_paris
from auction.models import (BarredClearance, BarredPerson, BidRequest, Bidder, Lot, Office, PersonalDataAccess,
                            Registration, RegistrationCheck, RegistrationRules, Sale, User)

from .catalogue import NotFound

REGISTRATION_OPEN_STATUSES = ("announced", "live")
SCAN_DIR = "pieces-identite"
STAFF_ROLES = ("officer", "clerk")
STAFF_BAR_REASON = ("personnel de l'étude : le commissaire de justice et ceux qui agissent pour lui ne peuvent "
                    "se porter adjudicataires (C. civ. 1596)")


class RegistrationRefused(DomainError):
    """The registration cannot be taken (sale closed, already registered…); the message says why."""

    code = "registration_refused"


class AlreadyVerified(DomainError):
    code = "already_verified"


# --- identity scans on disk ------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredScan:
    path: str              # relative to the private directory
    content_type: str


def _check_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidValue("Cette image est illisible ou tronquée : reprenez la photo de la pièce.",
                           field="scan") from None


def _write_scan(content: bytes, private_dir: Path) -> StoredScan:
    content_type = sniff_scan(content)
    if content_type != "application/pdf":
        _check_image(content)
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[content_type]
    relative = f"{SCAN_DIR}/{uuid.uuid4().hex}.{extension}"
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.write_bytes(content)
    target.chmod(0o600)
    return StoredScan(relative, content_type)


async def store_scan(content: bytes, private_dir: Path) -> StoredScan:
    """Check an uploaded identity scan by its content and keep it in the private directory."""
    return await asyncio.to_thread(_write_scan, content, private_dir)


def remove_scan(private_dir: Path, relative: str | None) -> None:
    if relative:
        (private_dir / relative).unlink(missing_ok=True)


def scan_file(private_dir: Path, relative: str) -> Path:
    path = (private_dir / relative).resolve()
    if private_dir.resolve() not in path.parents:
        raise NotFound()
    return path


# --- the sale's rules --------------------------------------------------------------------------------

async def rules_in_session(session: AsyncSession, sale_id: int) -> tuple[PaddleRanges, SolvencyRule]:
    row = await session.get(RegistrationRules, sale_id)
    if row is None:
        return PaddleRanges(), SolvencyRule()
    return (PaddleRanges(row.room_first, row.room_last, row.online_first, row.online_last),
            SolvencyRule(row.solvency_rule, row.deposit_minimum_cents))


async def sale_rules(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[PaddleRanges, SolvencyRule]:
    async with sessions() as session:
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        return await rules_in_session(session, sale_id)


async def save_rules(sessions: async_sessionmaker[AsyncSession], sale_id: int, ranges: PaddleRanges,
                     rule: SolvencyRule, user_id: int) -> None:
    check_paddle_ranges(ranges)
    check_solvency_rule(rule)
    async with sessions() as session, session.begin():
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        given = (await session.scalars(select(Registration.paddle_number).where(
            Registration.sale_id == sale_id, Registration.paddle_number.is_not(None)))).all()
        outside = sorted(n for n in given if n not in ranges.of("room") and n not in ranges.of("online"))
        if outside:
            raise InvalidValue(f"Les panneaux déjà attribués doivent rester dans les plages : "
                               f"{', '.join(map(str, outside[:5]))}.", field="room_first")
        row = await session.get(RegistrationRules, sale_id)
        if row is None:
            row = RegistrationRules(sale_id=sale_id)
            session.add(row)
        row.room_first, row.room_last = ranges.room_first, ranges.room_last
        row.online_first, row.online_last = ranges.online_first, ranges.online_last
        row.solvency_rule, row.deposit_minimum_cents = rule.kind, rule.deposit_minimum_cents
        row.updated_by_id = user_id


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
        for request in data.requests:
            lot = lots.get(request.lot)
            check_bid_request(request, LotFacts(lot.label, lot.opening_bid_cents, lot.status == "withdrawn")
                              if lot else None)

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


@dataclass(frozen=True)
class CheckRecord:
    check: RegistrationCheck
    checked_by: str


@dataclass(frozen=True)
class BidRequestView:
    request: BidRequest
    lot: Lot


@dataclass(frozen=True)
class AccessRecord:
    entry: PersonalDataAccess
    user_name: str


@dataclass(frozen=True)
class RegistrationDetail:
    sale: Sale
    registration: Registration
    bidder: Bidder
    ranges: PaddleRanges
    rule: SolvencyRule
    preview: list[CheckResult]
    history: list[CheckRecord]
    requests: list[BidRequestView]
    accesses: list[AccessRecord]
    verified_by: str

    @property
    def all_passed(self) -> bool:
        return all(result.passed for result in self.preview)


async def registration_in_sale(session: AsyncSession, sale_id: int, registration_id: int, *, lock: bool = False
                        ) -> Registration:
    statement = select(Registration).where(Registration.id == registration_id, Registration.sale_id == sale_id)
    registration = await session.scalar(statement.with_for_update(of=Registration) if lock else statement)
    if registration is None:
        raise NotFound()
    return registration


async def _barred_entries(session: AsyncSession, sale_id: int, bidder_id: int) -> tuple[BarredEntry, ...]:
    entries = [BarredEntry(user.full_name, STAFF_BAR_REASON, email=user.email)
               for user in await session.scalars(select(User).where(User.role.in_(STAFF_ROLES)))]
    case_ids = select(Lot.case_id).where(Lot.sale_id == sale_id)
    for person in await session.scalars(select(BarredPerson).where(
            (BarredPerson.case_id.is_(None)) | (BarredPerson.case_id.in_(case_ids)))):
        entries.append(BarredEntry(person.full_name, person.reason, person.birth_date))
    for other in await session.scalars(select(Bidder).where(Bidder.blocked_at.is_not(None), Bidder.id != bidder_id)):
        entries.append(BarredEntry(other.full_name, f"bloqué après un défaut de paiement ({other.blocked_reason})",
                                   other.birth_date, other.email))
    return tuple(entries)


async def _others(session: AsyncSession, sale_id: int, registration_id: int) -> tuple[OtherRegistration, ...]:
    rows = await session.execute(
        select(Registration, Bidder).join(Bidder, Bidder.id == Registration.bidder_id)
        .where(Registration.sale_id == sale_id, Registration.id != registration_id))
    return tuple(OtherRegistration(r.id, r.paddle_number, b.first_name, b.last_name, b.birth_date, r.document_number)
                 for r, b in rows)


def _document(registration: Registration) -> IdentityDocument | None:
    if not registration.document_number or registration.document_expires_on is None:
        return None
    return IdentityDocument(registration.document_type, registration.document_number,
                            registration.document_expires_on, registration.document_country)


def _solvency(registration: Registration) -> SolvencyProof | None:
    if not registration.solvency_kind:
        return None
    return SolvencyProof(registration.solvency_kind, registration.solvency_amount_cents,
                         registration.solvency_method, registration.solvency_reference)


async def facts_for(session: AsyncSession, sale: Sale, registration: Registration, rule: SolvencyRule) -> CheckFacts:
    bidder = registration.bidder
    return CheckFacts(
        registration_id=registration.id, sale_day=sale_day(sale), first_name=bidder.first_name,
        last_name=bidder.last_name, birth_date=bidder.birth_date, email=bidder.email,
        tax_residence=bidder.tax_residence, buyer_type=bidder.buyer_type, document=_document(registration),
        document_seen=registration.document_seen, document_first_names=registration.document_first_names,
        document_last_name=registration.document_last_name, solvency_rule=rule, solvency=_solvency(registration),
        barred=await _barred_entries(session, sale.id, bidder.id), blocked_reason=bidder.blocked_reason,
        others=await _others(session, sale.id, registration.id),
        cleared_homonyms=tuple(await session.scalars(select(BarredClearance.entry_name).where(
            BarredClearance.registration_id == registration.id).order_by(BarredClearance.id))))


async def registration_detail(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int
                              ) -> RegistrationDetail:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id)
        ranges, rule = await rules_in_session(session, sale_id)
        preview = run_checks(await facts_for(session, sale, registration, rule))
        names = dict((await session.execute(select(User.id, User.full_name))).all())
        history = [CheckRecord(c, names.get(c.checked_by_id, "—")) for c in await session.scalars(
            select(RegistrationCheck).where(RegistrationCheck.registration_id == registration.id)
            .order_by(RegistrationCheck.id.desc()).limit(60))]
        requests = [BidRequestView(r, lot) for r, lot in await session.execute(
            select(BidRequest, Lot).join(Lot, Lot.id == BidRequest.lot_id)
            .where(BidRequest.registration_id == registration.id).order_by(Lot.position))]
        accesses = [AccessRecord(a, names.get(a.user_id, "—")) for a in await session.scalars(
            select(PersonalDataAccess).where(PersonalDataAccess.registration_id == registration.id)
            .order_by(PersonalDataAccess.id.desc()).limit(50))]
    return RegistrationDetail(sale, registration, registration.bidder, ranges, rule, preview, history, requests,
                              accesses, names.get(registration.verified_by_id, "—"))


@dataclass(frozen=True)
class Verification:
    results: list[CheckResult]
    paddle: int | None

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


async def verify(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                 attestation: Attestation, user_id: int, now: datetime) -> Verification:
    """Record the clerk's reading, run and record every check; all passed: the next paddle number."""
    async with sessions() as session, session.begin():
        sale = await session.scalar(select(Sale).where(Sale.id == sale_id).with_for_update())   # one paddle at a time
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id, lock=True)
        if registration.paddle_number is not None:
            raise AlreadyVerified(f"Inscription déjà vérifiée : panneau {registration.paddle_number}.")
        if sale.status not in REGISTRATION_OPEN_STATUSES:
            raise RegistrationRefused("Les inscriptions à cette vente sont closes.")
        check_email_confirmed(registration.registered_via, registration.bidder.email_confirmed_at is not None)
        document, solvency = attestation.document, attestation.solvency
        registration.document_type, registration.document_number = document.type, document.number
        registration.document_expires_on, registration.document_country = document.expires_on, document.country
        registration.document_seen = attestation.document_seen
        registration.document_first_names = attestation.document_first_names
        registration.document_last_name = attestation.document_last_name
        registration.solvency_kind = solvency.kind if solvency else None
        registration.solvency_amount_cents = solvency.amount_cents if solvency else None
        registration.solvency_method = solvency.method if solvency else None
        registration.solvency_reference = solvency.reference if solvency else ""
        await session.flush()
        ranges, rule = await rules_in_session(session, sale_id)
        results = run_checks(await facts_for(session, sale, registration, rule))
        session.add_all([RegistrationCheck(registration_id=registration.id, kind=r.kind, passed=r.passed,
                                           detail=r.detail, checked_at=now, checked_by_id=user_id)
                         for r in results])
        paddle = None
        if all(r.passed for r in results):
            taken = (await session.scalars(select(Registration.paddle_number).where(
                Registration.sale_id == sale_id, Registration.paddle_number.is_not(None)))).all()
            paddle = next_paddle(registration.channel, ranges, taken)
            registration.paddle_number, registration.verified_at = paddle, now
            registration.verified_by_id = user_id
        try:
            await session.flush()
        except IntegrityError:
            raise RegistrationRefused("Un autre poste vient d'attribuer ce numéro de panneau : recommencez.") from None
    return Verification(results, paddle)


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
        scan = registration.scan_path
        await session.delete(registration)
    remove_scan(private_dir, scan)


async def set_blocked(sessions: async_sessionmaker[AsyncSession], bidder_id: int, reason: str, now: datetime) -> None:
    """Block a bidder after a default of payment (reason given), or unblock (empty reason)."""
    async with sessions() as session, session.begin():
        bidder = await session.get(Bidder, bidder_id)
        if bidder is None:
            raise NotFound()
        bidder.blocked_reason = reason
        bidder.blocked_at = now if reason else None


async def barred_persons(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[BarredPerson]:
    async with sessions() as session:
        case_ids = select(Lot.case_id).where(Lot.sale_id == sale_id)
        return list(await session.scalars(select(BarredPerson).where(
            (BarredPerson.case_id.is_(None)) | (BarredPerson.case_id.in_(case_ids))).order_by(BarredPerson.full_name)))


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


# --- paddle cards --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardData:
    sale: Sale
    registration: Registration
    bidder: Bidder
    office_name: str
    token: str


async def card_data(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                    secret: bytes) -> CardData:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id)
        if registration.paddle_number is None or registration.verified_at is None:
            raise RegistrationRefused("Pas encore de panneau : vérifiez d'abord l'inscription.")
        office = await session.scalar(select(Office).limit(1))
    token = sign_paddle_token(secret, sale_id, registration.id, registration.paddle_number,
                              paddle_card_expiry(sale.starts_at))
    return CardData(sale, registration, registration.bidder, office.name if office else "", token)


def card_of(data: CardData):
    from .cards import Card
    return Card(paddle=data.registration.paddle_number, bidder_name=data.bidder.full_name
                + (f" — {data.bidder.company_name}" if data.bidder.buyer_type == "company" else ""),
                channel_label=CHANNELS[data.registration.channel], sale_reference=data.sale.reference,
                sale_title=data.sale.title, sale_when=long_datetime(data.sale.starts_at),
                office_name=data.office_name, token=data.token)


@dataclass(frozen=True)
class CardRead:
    paddle: int
    name: str
    channel: str


async def read_card(sessions: async_sessionmaker[AsyncSession], sale_id: int, token: str, secret: bytes,
                    now: datetime) -> CardRead:
    """A scanned card, for the tablet: signed, for this sale, not expired, and its paddle still valid."""
    card = verify_paddle_token(secret, token, sale_id, now)
    async with sessions() as session:
        registration = await session.get(Registration, card.registration_id)
    if (registration is None or registration.sale_id != sale_id or registration.verified_at is None
            or registration.paddle_number != card.paddle):
        raise TokenRefused("Carte refusée : ce panneau n'est plus valable (inscription annulée ou panneau "
                           "réattribué). Vérifiez l'inscription.")
    return CardRead(registration.paddle_number, registration.bidder.full_name, registration.channel)


# --- personal data -------------------------------------------------------------------------------------

async def scan_for_staff(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                         user_id: int, now: datetime) -> tuple[str, str]:
    """The scan's path and type; the access is logged (committed) before the file is served."""
    async with sessions() as session, session.begin():
        registration = await registration_in_sale(session, sale_id, registration_id)
        if not registration.scan_path:
            raise NotFound()
        session.add(PersonalDataAccess(at=now, user_id=user_id, action="view_scan", bidder_id=registration.bidder_id,
                                       registration_id=registration.id,
                                       detail=f"Copie de la pièce, inscription {registration.id} à la vente {sale_id}"))
    return registration.scan_path, registration.scan_content_type or "application/octet-stream"


async def purge_scans(sessions: async_sessionmaker[AsyncSession], private_dir: Path, retention_months: int,
                      now: datetime) -> int:
    """Delete the identity scans of sales settled more than `retention_months` ago; how many."""
    async with sessions() as session:
        rows = (await session.execute(
            select(Registration.id, Registration.scan_path, Sale.settled_at).join(Sale, Sale.id == Registration.sale_id)
            .where(Registration.scan_path.is_not(None), Sale.status == "settled"))).all()
    due = [(rid, path) for rid, path, settled_at in rows if scan_due_for_deletion(settled_at, retention_months, now)]
    for _, path in due:   # files first: a rerun finishes the records if the database fails below
        remove_scan(private_dir, path)
    if due:
        async with sessions() as session, session.begin():
            for registration_id, _ in due:
                registration = await session.get(Registration, registration_id)
                registration.scan_path, registration.scan_content_type = None, None
                registration.scan_deleted_at = now
                session.add(PersonalDataAccess(at=now, user_id=None, action="purge_scan",
                                               bidder_id=registration.bidder_id, registration_id=registration_id,
                                               detail=f"Copie supprimée après {retention_months} mois de conservation"))
    return len(due)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


async def bidder_export(sessions: async_sessionmaker[AsyncSession], user_id: int, private_dir: Path,
                        now: datetime) -> dict:
    """Everything held about the bidder of this account (their right of access), as JSON data."""
    async with sessions() as session, session.begin():
        bidder = await session.scalar(select(Bidder).where(Bidder.user_id == user_id))
        if bidder is None:
            raise NotFound()
        registrations = []
        rows = await session.execute(select(Registration, Sale).join(Sale, Sale.id == Registration.sale_id)
                                     .where(Registration.bidder_id == bidder.id).order_by(Registration.id))
        for registration, sale in rows:
            checks = await session.scalars(select(RegistrationCheck).where(
                RegistrationCheck.registration_id == registration.id).order_by(RegistrationCheck.id))
            requests = await session.execute(select(BidRequest, Lot).join(Lot, Lot.id == BidRequest.lot_id)
                                             .where(BidRequest.registration_id == registration.id))
            scan = None
            if registration.scan_path:
                path = private_dir / registration.scan_path
                scan = {"content_type": registration.scan_content_type,
                        "uploaded_at": _iso(registration.scan_uploaded_at),
                        "base64": base64.b64encode(path.read_bytes()).decode() if path.exists() else None}
            registrations.append({
                "sale": {"reference": sale.reference, "title": sale.title, "starts_at": _iso(sale.starts_at)},
                "channel": registration.channel, "registered_via": registration.registered_via,
                "registered_at": _iso(registration.created_at),
                "conditions_accepted_at": _iso(registration.conditions_accepted_at),
                "paddle_number": registration.paddle_number, "verified_at": _iso(registration.verified_at),
                "identity_document": {
                    "type": DOCUMENT_TYPES.get(registration.document_type, registration.document_type),
                    "number": registration.document_number,
                    "expires_on": _iso(registration.document_expires_on),
                    "issuing_country": registration.document_country,
                    "names_read_by_the_office": f"{registration.document_first_names} {registration.document_last_name}".strip(),
                    "scan": scan, "scan_deleted_at": _iso(registration.scan_deleted_at)},
                "solvency": {"kind": registration.solvency_kind, "amount_cents": registration.solvency_amount_cents,
                             "method": registration.solvency_method, "reference": registration.solvency_reference},
                "checks": [{"kind": c.kind, "passed": c.passed, "detail": c.detail, "checked_at": _iso(c.checked_at)}
                           for c in checks],
                "bid_requests": [{"lot": lot.label, "kind": r.kind, "max_amount_cents": r.max_amount_cents,
                                  "phone": r.phone, "received_at": _iso(r.received_at)} for r, lot in requests],
            })
        accesses = await session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.bidder_id == bidder.id)
                                         .order_by(PersonalDataAccess.id))
        access_log = [{"at": _iso(a.at), "action": a.action, "detail": a.detail} for a in accesses]
        session.add(PersonalDataAccess(at=now, user_id=user_id, action="export", bidder_id=bidder.id,
                                       detail="Téléchargement de ses données par l'enchérisseur"))
        return {
            "generated_at": now.isoformat(),
            "bidder": {
                "first_name": bidder.first_name, "last_name": bidder.last_name,
                "birth_date": _iso(bidder.birth_date), "nationality": bidder.nationality, "email": bidder.email,
                "email_confirmed_at": _iso(bidder.email_confirmed_at), "phone": bidder.phone,
                "address": bidder.address, "postcode": bidder.postcode, "city": bidder.city,
                "country": bidder.country, "tax_residence": bidder.tax_residence, "buyer_type": bidder.buyer_type,
                "company_name": bidder.company_name, "company_number": bidder.company_number,
                "representative_capacity": bidder.representative_capacity,
                "blocked": bool(bidder.blocked_at), "blocked_reason": bidder.blocked_reason,
                "created_at": _iso(bidder.created_at)},
            "registrations": registrations,
            "access_log": access_log,
        }
