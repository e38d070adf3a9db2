"""What the stop rule (CPCE L221-4) compares a case's net proceeds with: the claims of its creditors.

Only the creditors who came forward (seizure or opposition act) by the case's verification act count
(L221-5, R221-41; auction/domain/verification.py), with their principal, the interest recorded and the
interest run to the sale's day (legal rate, CMF L313-3, or the title's), and their costs. Before the
act is signed (the sale cannot open then) every creditor is counted. A legal rate the office has not
entered yet is never taken as 0: the interest it would give is left out and the case says so
(`CaseInfo.claims_note`), so the officer sees the threshold is a lower bound.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from auction.domain.legal_interest import MissingLegalRate
from auction.domain.room import CaseInfo
from auction.domain.verification import is_admitted
from auction.models import Case, Creditor

from .claims import claim_interest, office_legal_rates
from .verification import verified_days


def came_forward_on(case: Case, creditor: Creditor) -> date | None:
    """The day of the creditor's act: its opposition, or the seizure for the seizing creditor."""
    return creditor.came_forward_on or (case.seizure_date if creditor.role == "seizing" else None)


async def stop_rule_cases(session: AsyncSession, case_ids: set[int], sale_day: date) -> dict[int, CaseInfo]:
    cases = (await session.scalars(
        select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
        .options(selectinload(Case.creditors).selectinload(Creditor.claims)))).all()
    rates = await office_legal_rates(session)
    verified = await verified_days(session, set(case_ids), sale_day)
    found = {}
    for case in cases:
        verification_on = verified.get(case.id)
        total, notes = 0, []
        for creditor in case.creditors:
            if verification_on is not None and not is_admitted(came_forward_on(case, creditor), verification_on):
                continue   # came forward after the verification: shares only what is left (R221-41)
            for claim in creditor.claims:
                try:
                    interest = claim_interest(claim, creditor, sale_day, rates)
                except MissingLegalRate as exc:
                    interest = claim_interest(claim, creditor, sale_day, rates, legal=False)
                    if exc.message not in notes:
                        notes.append(exc.message)
                total += claim.principal_cents + interest + claim.costs_cents
        note = ("Intérêts au taux légal non comptés : " + " ".join(notes)) if notes else ""
        found[case.id] = CaseInfo(case.id, case.reference, total, note)
    return found
