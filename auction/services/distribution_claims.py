"""What the officer enters before a plan: each claim's rank and interest basis, each creditor's
opposition day and bank account, the debtor's bank account, and the legal interest rates of the
half-years the project does not ship (CMF L313-2). A claim of a case whose plan was notified
no longer changes: the plan froze it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import distribution_log as dlog
from auction.domain.bank_accounts import clean_bic, clean_payee_iban
from auction.domain.distribution import RankKind
from auction.domain.distribution_procedure import StepRefused
from auction.domain.errors import InvalidValue
from auction.domain.legal_interest import LegalRate, validate_rate
from auction.domain.office import clean_email
from auction.models import Case, Claim, Creditor, LegalInterestRate, Lot
from auction.services import settlement_log

INTEREST_BASES = {"none": "Intérêts arrêtés au décompte", "legal": "Intérêt légal (CMF L313-2, L313-3)",
                  "title": "Taux du titre"}


@dataclass(frozen=True)
class ClaimRank:
    kind: RankKind
    order: int = 1
    conservatory: bool = False
    interest_basis: str = "none"
    interest_rate: Decimal | None = None
    enforceable_on: date | None = None


async def _refuse_if_notified(session: AsyncSession, case_id: int) -> None:
    """A case whose plan has been notified in one of its sales keeps its claims as they were."""
    sale_ids = set(await session.scalars(select(Lot.sale_id).where(Lot.case_id == case_id).distinct()))
    for sale_id in sale_ids:
        case = dlog.fold(await settlement_log.load_events(session, sale_id)).get(case_id)
        if case is not None and (case.steps or case.payouts or case.deposits):
            raise StepRefused("Le projet de répartition de ce dossier est notifié : ses créances ne changent plus.")


def validate_rank(rank: ClaimRank) -> None:
    if rank.order < 1 or rank.order > 99:
        raise InvalidValue("Le rang est un entier de 1 à 99.", field="rank_order")
    if rank.interest_basis not in INTEREST_BASES:
        raise InvalidValue("Choisissez la base des intérêts.", field="interest_basis")
    if rank.interest_basis == "title" and (rank.interest_rate is None or not (0 < rank.interest_rate < 1)):
        raise InvalidValue("Indiquez le taux du titre (entre 0 et 100 %).", field="interest_rate")


async def set_claim_rank(sessions: async_sessionmaker[AsyncSession], claim_id: int, rank: ClaimRank) -> Claim:
    validate_rank(rank)
    async with sessions() as session, session.begin():
        claim = await session.get(Claim, claim_id)
        if claim is None:
            raise InvalidValue("Créance introuvable.", field="claim_id")
        creditor = await session.get(Creditor, claim.creditor_id)
        await _refuse_if_notified(session, creditor.case_id)
        claim.rank_kind = str(rank.kind)
        claim.rank_order = rank.order
        claim.conservatory = rank.conservatory
        claim.interest_basis = rank.interest_basis
        claim.interest_rate = rank.interest_rate if rank.interest_basis == "title" else None
        claim.enforceable_on = rank.enforceable_on
    return claim


def clean_account(iban: str, bic: str) -> tuple[str, str]:
    iban = (iban or "").strip()
    if not iban:
        if (bic or "").strip():
            raise InvalidValue("Un BIC sans IBAN ne sert à rien.", field="bic")
        return "", ""
    iban = clean_payee_iban(iban)
    return iban, clean_bic(bic, iban) or ""


async def set_creditor_details(sessions: async_sessionmaker[AsyncSession], creditor_id: int, *,
                               came_forward_on: date | None, iban: str, bic: str, email: str) -> Creditor:
    iban, bic = clean_account(iban, bic)
    email = clean_email(email, required=False)
    async with sessions() as session, session.begin():
        creditor = await session.get(Creditor, creditor_id)
        if creditor is None:
            raise InvalidValue("Créancier introuvable.", field="creditor_id")
        if came_forward_on is None:
            # L221-5, R221-41: every creditor carries the day it came forward; the seizing one's is the seizure's.
            if creditor.role != "seizing":
                raise InvalidValue("Indiquez la date de l'acte d'opposition : seuls les créanciers manifestés avant "
                                   "la vérification des biens participent à la répartition (CPCE L221-5, R221-41).",
                                   field="came_forward_on")
            came_forward_on = (await session.get(Case, creditor.case_id)).seizure_date
        if came_forward_on != creditor.came_forward_on:
            await _refuse_if_notified(session, creditor.case_id)
        creditor.came_forward_on, creditor.iban, creditor.bic, creditor.email = came_forward_on, iban, bic, email
    return creditor


async def set_debtor_details(sessions: async_sessionmaker[AsyncSession], case_id: int, *, iban: str, bic: str,
                             email: str) -> Case:
    iban, bic = clean_account(iban, bic)
    email = clean_email(email, required=False)
    async with sessions() as session, session.begin():
        case = await session.get(Case, case_id)
        if case is None:
            raise InvalidValue("Dossier introuvable.", field="case_id")
        case.debtor_iban, case.debtor_bic, case.debtor_email = iban, bic, email
    return case


async def add_legal_rate(sessions: async_sessionmaker[AsyncSession], row: LegalRate, author_id: int) -> None:
    """A half-year's legal rates, as the arrêté publishes them; never edited once entered."""
    validate_rate(row)
    async with sessions() as session, session.begin():
        if await session.scalar(select(LegalInterestRate.id).where(LegalInterestRate.half_year == row.half_year)):
            raise InvalidValue("Les taux de ce semestre sont déjà saisis.", field="half_year")
        session.add(LegalInterestRate(half_year=row.half_year, private_rate=row.private_rate,
                                      other_rate=row.other_rate, reference=row.reference.strip(),
                                      created_by_id=author_id))
