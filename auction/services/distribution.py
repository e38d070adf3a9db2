"""The distribution of a sale's proceeds, per case: what goes in (paid lots, seller's fees, costs,
claims with their rank and interest), the plan (provisional, or as drafted in the settlement log),
and the summary `criee distribution SALE --json` prints.

Inputs are read from the stored facts: the bid log says which lots sold for how much; the
settlement log says which were paid (`domain/lot_allocation.py`), which costs were recorded and what was
drafted; the claims table holds the officer's ranks. Everything else is derived by the domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain import distribution_log as dlog
from auction.domain import buyer_accounts, lot_allocation
from auction.domain.bidlog import Event
from auction.domain.deadlines import paris_day
from auction.domain.defaults import recovered_by_case
from auction.domain.distribution import AmountLine, CaseFunds, Claim as PlanClaim, Plan, RankKind, draft_plan
from auction.domain.distribution_procedure import ProcedureState
from auction.domain.errors import DomainError
from auction.domain.invoices import sold_lots
from auction.domain.legal_interest import LegalRate, MissingLegalRate
from auction.domain.room import LotInfo
from auction.domain.seller_fees import SellerFees, SoldLot, seller_fees
from auction.models import Case, Creditor, InventoryAct, Lot, Sale, SaleEvent
from auction.services import settlement_log
from auction.services.office import tariff_for
from auction.services.room_loaders import to_event

from .claims import claim_interest, office_legal_rates  # noqa: F401 - the distribution's, kept importable here


class DistributionNotFound(DomainError):
    code = "distribution_not_found"


@dataclass(frozen=True)
class CaseView:
    """One case's distribution as a page, a document or the CLI needs it."""
    case: Case
    funds: CaseFunds
    fees: SellerFees | None
    plan: Plan | None              # as it would be drafted today (None: see `plan_error`)
    plan_error: MissingLegalRate | None
    drafted: dict | None           # the frozen plan in the log, once drafted
    log: dlog.CaseLog
    state: ProcedureState
    today: date

    def provisional_payload(self) -> dict:
        if self.plan is None:
            raise self.plan_error
        return dlog.plan_payload(self.plan, drafted_on=self.today, interest_to=self.today,
                                 seller_fees_vat_cents=self.fees.vat_cents if self.fees else 0,
                                 verification_on=self.funds.verification_on)

    @property
    def received_cents(self) -> int:
        """The proceeds received for the case so far (paid lots, paid defaulters' statements)."""
        return sum(line.cents for line in self.funds.proceeds)

    @property
    def undistributed_cents(self) -> int:
        """What reached the case after its plan was drafted (a defaulter's statement paid late): the
        creditors' money, which the frozen plan does not share; 0 without a plan."""
        if self.drafted is None:
            return 0
        return max(0, self.received_cents - self.drafted["proceeds_cents"])

    @property
    def shown_plan(self) -> dict | None:
        """The drafted plan, else today's provisional one, as a payload (None if it cannot be computed)."""
        if self.drafted is not None:
            return self.drafted
        return self.provisional_payload() if self.plan is not None else None


@dataclass(frozen=True)
class SaleDistribution:
    sale: Sale
    sale_day: date
    events: list[Event]
    cases: list[CaseView]

    def case(self, case_id: int) -> CaseView:
        for view in self.cases:
            if view.case.id == case_id:
                return view
        raise DistributionNotFound("Ce dossier n'a pas de lot dans cette vente.")


def plan_claims(case: Case, interest_to: date, rates: list[LegalRate], legal: bool = True) -> tuple[PlanClaim, ...]:
    found = []
    for creditor in case.creditors:
        came = creditor.came_forward_on or (case.seizure_date if creditor.role == "seizing" else None)
        for claim in creditor.claims:
            found.append(PlanClaim(
                claim.id, creditor.id, creditor.name, claim.principal_cents,
                claim_interest(claim, creditor, interest_to, rates, legal), claim.costs_cents, RankKind(claim.rank_kind),
                claim.rank_order, came, claim.conservatory))
    return tuple(found)


async def verification_days(session: AsyncSession, case_ids: set[int]) -> dict[int, date]:
    """Each case's latest signed verification act (R221-36)."""
    rows = await session.execute(
        select(InventoryAct.case_id, InventoryAct.act_date)
        .where(InventoryAct.case_id.in_(case_ids), InventoryAct.kind == "verification",
               InventoryAct.signed_at.is_not(None), InventoryAct.act_date.is_not(None)))
    found: dict[int, date] = {}
    for case_id, day in rows:
        found[case_id] = max(day, found.get(case_id, day))
    return found


def paid_lot_ids(events: list[Event]) -> set[int]:
    paid: set[int] = set()
    for account in buyer_accounts.accounts(events).values():
        paid |= lot_allocation.paid_lots(account)
    return paid


async def load(sessions: async_sessionmaker[AsyncSession], sale_id: int, today: date,
               interest_to: date | None = None) -> SaleDistribution:
    """Every case of a sale with its distribution as of `today` (interest counted to `interest_to`,
    by default the day a plan is drafted: today)."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise DistributionNotFound("Vente introuvable.")
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
        bid_rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq))
        bid_events = [to_event(row) for row in bid_rows]
        events = await settlement_log.load_events(session, sale_id)
        case_ids = {lot.case_id for lot in lots}
        cases = (await session.scalars(
            select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
            .options(selectinload(Case.creditors).selectinload(Creditor.claims)))).all()
        rates = await office_legal_rates(session)
        verified = await verification_days(session, case_ids)
    sale_day = paris_day(sale.starts_at)
    tariff = await tariff_for(sessions, sale_day)
    infos = {lot.id: LotInfo(lot.id, lot.label, lot.title, lot.case_id, lot.opening_bid_cents,
                             lot.status == "withdrawn") for lot in lots}
    sold = sold_lots(sale_id, bid_events, infos)
    paid = paid_lot_ids(events)
    in_proceeds = [lot for lot in sold if lot.lot_id in paid]
    fees = seller_fees([SoldLot(lot.case_id, lot.lot_id, lot.hammer_cents) for lot in in_proceeds], tariff)
    logs = dlog.fold(events)
    recovered = recovered_by_case(events)   # lots in default: what the defaulter paid for them
    views = []
    for case in cases:
        log = logs.get(case.id) or dlog.CaseLog(case.id)
        proceeds = tuple(AmountLine(f"Lot {lot.label} — {lot.title}", lot.hammer_cents, "adjudication payée")
                         for lot in in_proceeds if lot.case_id == case.id)
        proceeds += tuple(AmountLine(label, cents, "décompte du défaillant payé (CPCE R221-38)")
                          for label, cents in recovered.get(case.id, ()))
        case_fees = fees.get(case.id)
        plan, error = None, None
        try:
            claims = plan_claims(case, interest_to or today, rates)
        except MissingLegalRate as exc:
            claims, error = plan_claims(case, interest_to or today, rates, legal=False), exc
        funds = CaseFunds(case.id, proceeds, case_fees.total_cents if case_fees else 0, tuple(log.costs),
                          claims, verified.get(case.id))
        if error is None:
            plan = draft_plan(funds)
        single = log.plan["single_creditor"] if log.plan else len({c.creditor_id for c in funds.claims}) <= 1
        state = dlog.state_of(log, sale_day=sale_day, single_creditor=single, today=today)
        views.append(CaseView(case, funds, case_fees, plan, error, log.plan, log, state, today))
    return SaleDistribution(sale, sale_day, events, views)


def summary_json(distribution: SaleDistribution) -> dict:
    """`criee distribution SALE --json`."""
    return {"sale_id": distribution.sale.id, "sale_day": distribution.sale_day.isoformat(),
            "cases": [dlog.summary(view.case.id, view.shown_plan or view.provisional_payload(),
                                   str(view.state.summary_status)) | {
                "reference": view.case.reference, "drafted": view.drafted is not None,
                "single_creditor": view.state.single_creditor,
                "deadlines": [{"kind": d.kind, "label": d.label, "due": d.due.isoformat(), "recipient": d.recipient}
                              for d in view.state.deadlines()]}
                for view in distribution.cases]}


async def summary(sessions: async_sessionmaker[AsyncSession], sale_id: int, now: datetime) -> dict:
    return summary_json(await load(sessions, sale_id, paris_day(now)))
