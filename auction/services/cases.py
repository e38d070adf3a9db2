"""Seizure cases: the debtor, the enforceable title, the creditors and their claims."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.money import format_rate
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Case, Claim, Creditor

from . import audit
from .catalogue import NotFound


@dataclass(frozen=True)
class CaseDetails:
    reference: str
    debtor_name: str
    debtor_is_company: bool
    debtor_address: str
    debtor_postcode: str
    debtor_city: str
    title_nature: str
    title_court: str
    title_date: date
    seizure_date: date
    seizure_notified_on: date | None = None   # notification of the seizure act (L221-3), may come later


@dataclass(frozen=True)
class CreditorClaim:
    name: str
    address: str
    role: str
    is_private_person: bool
    represented_by: str
    description: str
    principal_cents: int
    interest_cents: int
    costs_cents: int
    as_of: date
    # The day of the seizure or opposition act (L221-5, R221-41): only creditors who came forward by the
    # verification act share the proceeds. The seizing creditor's defaults to the seizure's day.
    came_forward_on: date | None = None


def check_case(details: CaseDetails) -> None:
    if details.title_date > details.seizure_date:
        raise InvalidValue("La saisie ne peut pas précéder le titre exécutoire.", field="seizure_date")
    if details.seizure_notified_on is not None and details.seizure_notified_on < details.seizure_date:
        raise InvalidValue("La signification ne peut pas précéder la saisie.", field="seizure_notified_on")


async def create_case(sessions: async_sessionmaker[AsyncSession], details: CaseDetails) -> Case:
    check_case(details)
    async with sessions() as session, session.begin():
        if await session.scalar(select(Case.id).where(Case.reference == details.reference)):
            raise InvalidValue("Un dossier porte déjà cette référence.", field="reference")
        case = Case(**asdict(details))
        session.add(case)
    return case


async def add_creditor(sessions: async_sessionmaker[AsyncSession], case_id: int, entry: CreditorClaim) -> None:
    """A creditor with the claim of its title; one case has one seizing creditor."""
    if entry.role not in ("seizing", "opposing"):
        raise InvalidValue("Qualité du créancier : poursuivant ou opposant.", field="role")
    async with sessions() as session, session.begin():
        case = await session.get(Case, case_id)
        if case is None:
            raise NotFound()
        if entry.role == "seizing" and await session.scalar(
                select(Creditor.id).where(Creditor.case_id == case_id, Creditor.role == "seizing")):
            raise InvalidValue("Le dossier a déjà son créancier poursuivant ; les autres sont opposants.", field="role")
        came = entry.came_forward_on or (case.seizure_date if entry.role == "seizing" else None)
        if came is None:
            raise InvalidValue("Indiquez la date de l'acte d'opposition : seuls les créanciers manifestés avant "
                               "la vérification des biens participent à la répartition (CPCE L221-5, R221-41).",
                               field="came_forward_on")
        if came < case.seizure_date:
            raise InvalidValue("Un créancier ne se manifeste pas avant la saisie.", field="came_forward_on")
        creditor = Creditor(case_id=case_id, name=entry.name, address=entry.address, role=entry.role,
                            is_private_person=entry.is_private_person, represented_by=entry.represented_by,
                            came_forward_on=came)
        creditor.claims.append(Claim(description=entry.description, principal_cents=entry.principal_cents,
                                     interest_cents=entry.interest_cents, costs_cents=entry.costs_cents,
                                     as_of=entry.as_of))
        session.add(creditor)


class NotOfficer(InvalidValue):
    code = "not_officer"


async def set_seller_vat(sessions: async_sessionmaker[AsyncSession], case_id: int, rate: Decimal | None,
                         actor: Actor, now: datetime) -> None:
    """The officer says whether the case's seller is a taxable business that charges VAT on the hammer
    prices, and at which rate (None: it does not; the bordereau then says VAT is on the fees only)."""
    if actor.role is not Role.OFFICER:
        raise NotOfficer("Seul le commissaire de justice indique la TVA du vendeur.", field="seller_vat_rate")
    async with sessions() as session, session.begin():
        case = await session.get(Case, case_id)
        if case is None:
            raise NotFound()
        before, case.seller_vat_rate = case.seller_vat_rate, rate
        audit.record(session, at=now, user_id=actor.user_id, case_id=case.id, action="seller_vat",
                     summary=f"Dossier {case.reference} : {_vat_text(rate)}"
                             + (f" (auparavant : {_vat_text(before)})" if before != rate else "") + ".")


def _vat_text(rate: Decimal | None) -> str:
    return "prix d'adjudication sans TVA" if rate is None else f"TVA du vendeur {format_rate(rate)} sur le prix d'adjudication"
