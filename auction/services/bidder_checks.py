"""The checks before a paddle (CPCE R221-31 ff.): the registration's page the clerk checks from (a
preview of every check, their history, the lots asked for, who saw the data) and the verification
that records the clerk's reading, runs and records the checks and, all passed, gives the next paddle.

The rules are `auction.domain.bidder_checks`; taking the registration is `auction.services.registration`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.bidder_checks import CheckFacts, CheckResult, OtherRegistration, check_email_confirmed, run_checks
from auction.domain.identity import IdentityDocument
from auction.domain.registration import Attestation
from auction.domain.registration_rules import PaddleRanges, next_paddle
from auction.domain.solvency import SolvencyProof, SolvencyRule
from auction.models import (BarredClearance, BidRequest, Bidder, Lot, PersonalDataAccess, Registration,
                            RegistrationCheck, Sale, User)

from .barred_persons import barred_entries
from .catalogue import NotFound
from .registration import (REGISTRATION_OPEN_STATUSES, AlreadyVerified, RegistrationRefused, registration_in_sale,
                           sale_day)
from .registration_rules import rules_in_session

Row = TypeVar("Row")


@dataclass(frozen=True)
class ByStaff(Generic[Row]):
    """A row with the name of the member of the staff it names: a check and who ran it, an access to
    personal data and who looked (a registration's page, and a contest's for its documents)."""
    row: Row
    user_name: str


@dataclass(frozen=True)
class BidRequestView:
    request: BidRequest
    lot: Lot


@dataclass(frozen=True)
class RegistrationDetail:
    sale: Sale
    registration: Registration
    bidder: Bidder
    ranges: PaddleRanges
    rule: SolvencyRule
    preview: list[CheckResult]
    history: list[ByStaff[RegistrationCheck]]
    requests: list[BidRequestView]
    accesses: list[ByStaff[PersonalDataAccess]]
    verified_by: str

    @property
    def all_passed(self) -> bool:
        return all(result.passed for result in self.preview)


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
        barred=await barred_entries(session, sale.id, bidder.id), blocked_reason=bidder.blocked_reason,
        others=await _others(session, sale.id, registration.id), paddle=registration.paddle_number,
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
        history = [ByStaff(c, names.get(c.checked_by_id, "—")) for c in await session.scalars(
            select(RegistrationCheck).where(RegistrationCheck.registration_id == registration.id)
            .order_by(RegistrationCheck.id.desc()).limit(60))]
        requests = [BidRequestView(r, lot) for r, lot in await session.execute(
            select(BidRequest, Lot).join(Lot, Lot.id == BidRequest.lot_id)
            .where(BidRequest.registration_id == registration.id).order_by(Lot.position))]
        accesses = [ByStaff(a, names.get(a.user_id, "—")) for a in await session.scalars(
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
