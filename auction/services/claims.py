"""A claim's interest to a given day, shared by the distribution and the room's stop rule (L221-4)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auction.domain.legal_interest import CreditorType, LegalRate, contractual_interest, legal_interest
from auction.models import Claim, Creditor, LegalInterestRate


async def office_legal_rates(session: AsyncSession) -> list[LegalRate]:
    rows = await session.scalars(select(LegalInterestRate).order_by(LegalInterestRate.half_year))
    return [LegalRate(r.half_year, r.private_rate, r.other_rate, r.reference) for r in rows]


def claim_interest(claim: Claim, creditor: Creditor, interest_to: date, rates: list[LegalRate],
                   legal: bool = True) -> int:
    """The interest recorded with the claim, plus what ran from its `as_of` day to `interest_to`
    (`legal=False`: without the legal interest, for a page that must show the rest)."""
    if claim.interest_basis == "legal" and not legal:
        extra = 0
    elif claim.interest_basis == "legal":
        kind = CreditorType.PRIVATE if creditor.is_private_person else CreditorType.OTHER
        extra = legal_interest(claim.principal_cents, claim.as_of, interest_to, kind,
                               enforceable_on=claim.enforceable_on, office_rates=rates).interest_cents
    elif claim.interest_basis == "title" and claim.interest_rate is not None:
        extra = contractual_interest(claim.principal_cents, claim.as_of, interest_to, claim.interest_rate).interest_cents
    else:
        extra = 0
    return claim.interest_cents + extra


