"""Anti-money-laundering vigilance, the officer's alone: the flags each buyer of a sale raises (read from
the settlement and bid logs, the registration and the office's dated thresholds), the decisions the
officer records on them (append-only), and the register of those decisions.

Every look at vigilance data (a sale's flags, a buyer's at the checkout, the register) is logged in
the audit log (officer-only, append-only), never in the personal-data access log: the buyer's export
lists that one, and a buyer must never learn he was looked at (CMF L561-18)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import buyer_accounts
from auction.domain import vigilance as v
from auction.domain.deadlines import paris_day
from auction.domain.errors import DomainError, InvalidValue
from auction.models import (BarredClearance, Lot, Registration, Sale, User, VigilanceDecision,
                            VigilanceThreshold)

from . import audit, log_cache
from .catalogue import NotFound
from .checkout import buyer_of, sold_lots


class NoFlag(DomainError):
    code = "no_flag"


def _thresholds(row: VigilanceThreshold) -> v.Thresholds:
    return v.Thresholds(row.effective_from, row.cash_share_percent, row.cash_payments_count, row.cash_window_days,
                        row.estimate_ratio_percent, row.reference)


async def threshold_rows(session: AsyncSession) -> list[v.Thresholds]:
    rows = await session.scalars(select(VigilanceThreshold).order_by(VigilanceThreshold.effective_from))
    return [_thresholds(row) for row in rows]


async def add_thresholds(sessions: async_sessionmaker[AsyncSession], t: v.Thresholds, officer_id: int,
                         now: datetime) -> None:
    """A new row of thresholds from its day (rows are never edited; a day already set is refused)."""
    async with sessions() as session, session.begin():
        if await session.scalar(select(VigilanceThreshold.id).where(VigilanceThreshold.effective_from == t.effective_from)):
            raise InvalidValue(f"Des seuils sont déjà en vigueur à partir du {t.effective_from:%d/%m/%Y} : "
                               "choisissez un autre jour de départ.", field="effective_from")
        session.add(VigilanceThreshold(effective_from=t.effective_from, cash_share_percent=t.cash_share_percent,
                                       cash_payments_count=t.cash_payments_count, cash_window_days=t.cash_window_days,
                                       estimate_ratio_percent=t.estimate_ratio_percent, reference=t.reference.strip(),
                                       created_by_id=officer_id, created_at=now))
        audit.record(session, at=now, user_id=officer_id, action="vigilance_thresholds",
                     summary=f"Seuils de vigilance en vigueur à partir du {t.effective_from:%d/%m/%Y}",
                     details={"effective_from": t.effective_from.isoformat()})


# --- the flags ---------------------------------------------------------------------------------------

async def _remittances(session: AsyncSession, bidder_id: int) -> list[v.CashRemittance]:
    """Every cash remittance of the person: cash payments not reversed in each sale, and cash deposits."""
    rows = (await session.execute(select(Registration, Sale.reference).join(Sale, Sale.id == Registration.sale_id)
                                  .where(Registration.bidder_id == bidder_id,
                                         Registration.paddle_number.is_not(None)))).all()
    found = []
    for registration, reference in rows:
        buyer = buyer_of(registration)
        if buyer.cash_deposit_cents and registration.verified_at is not None:
            found.append(v.CashRemittance(paris_day(registration.verified_at), buyer.cash_deposit_cents, reference))
        events = await log_cache.settlement_events(session, registration.sale_id)
        account = buyer_accounts.accounts(events, {registration.paddle_number}).get(registration.paddle_number)
        for payment in account.payments if account else ():
            if payment.means == "cash" and not payment.reversed:
                found.append(v.CashRemittance(payment.received_on, payment.amount_cents, reference))
    return found


async def _facts(session: AsyncSession, registration: Registration, events, sold) -> v.BuyerFacts:
    paddle = registration.paddle_number
    bidder = registration.bidder
    buyer = buyer_of(registration)
    account = buyer_accounts.accounts(events, {paddle}).get(paddle) or buyer_accounts.BuyerAccount(paddle, registration.id)
    mine = [lot for lot in sold if lot.paddle == paddle]
    highs = dict((await session.execute(select(Lot.id, Lot.estimate_high_cents)
                                        .where(Lot.id.in_([lot.lot_id for lot in mine])))).all()) if mine else {}
    clearances = (await session.scalars(select(BarredClearance.entry_name).where(
        BarredClearance.registration_id == registration.id).order_by(BarredClearance.id))).all()
    return v.BuyerFacts(
        paddle=paddle, first_name=bidder.first_name, last_name=bidder.last_name, company_name=bidder.company_name,
        tax_residence=bidder.tax_residence, buyer_type=bidder.buyer_type,
        cash_in_sale_cents=account.cash_cents + buyer.cash_deposit_cents,
        payments=tuple(v.PaymentFact(p.means, p.amount_cents, p.received_on, p.payer)
                       for p in account.payments if not p.reversed),
        lots=tuple(v.LotFact(lot.label, lot.hammer_cents, highs.get(lot.lot_id, 0)) for lot in mine),
        remittances=tuple(await _remittances(session, bidder.id)), clearances=tuple(clearances))


@dataclass(frozen=True)
class BuyerVigilance:
    paddle: int
    registration_id: int
    name: str
    flags: tuple[v.Flag, ...]
    decisions: tuple[VigilanceDecision, ...]     # oldest first

    @property
    def last(self) -> VigilanceDecision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def pending(self) -> bool:
        last = self.last
        return v.pending(self.flags, [f["code"] for f in last.flags] if last else None)


@dataclass(frozen=True)
class SaleVigilance:
    sale: Sale
    today: date
    thresholds: v.Thresholds | None
    buyers: tuple[BuyerVigilance, ...]           # those with a flag or a decision, by paddle

    @property
    def pending(self) -> int:
        return sum(1 for b in self.buyers if b.pending)


def _name(registration: Registration) -> str:
    bidder = registration.bidder
    return bidder.full_name + (f" — {bidder.company_name}" if bidder.buyer_type == "company" else "")


async def _sale_vigilance(session: AsyncSession, sale_id: int, today: date, paddle: int | None = None) -> SaleVigilance:
    sale = await session.get(Sale, sale_id)
    if sale is None:
        raise NotFound()
    thresholds = v.thresholds_on(await threshold_rows(session), today)
    events = await log_cache.settlement_events(session, sale_id)
    sold = await sold_lots(session, sale_id, paddle)
    paddles = {lot.paddle for lot in sold} | set(buyer_accounts.accounts(events).keys())
    decisions = (await session.scalars(select(VigilanceDecision).where(VigilanceDecision.sale_id == sale_id)
                                       .order_by(VigilanceDecision.id))).all()
    paddles |= {d.paddle for d in decisions}
    if paddle is not None:
        paddles &= {paddle}
    registrations = (await session.scalars(select(Registration).where(
        Registration.sale_id == sale_id, Registration.paddle_number.in_(sorted(paddles))))).unique().all() if paddles else []
    buyers = []
    for registration in sorted(registrations, key=lambda r: r.paddle_number):
        facts = await _facts(session, registration, events, sold)
        found = tuple(v.flags(facts, thresholds, today))
        mine = tuple(d for d in decisions if d.registration_id == registration.id)
        if found or mine:
            buyers.append(BuyerVigilance(registration.paddle_number, registration.id, _name(registration), found, mine))
    return SaleVigilance(sale, today, thresholds, tuple(buyers))


def _log_view(session: AsyncSession, *, viewer_id: int, now: datetime, sale_id: int | None, what: str,
              details: dict) -> None:
    audit.record(session, at=now, user_id=viewer_id, action="vigilance_viewed", sale_id=sale_id,
                 summary=f"Consultation de la vigilance : {what}", details=details)


async def sale_vigilance(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, viewer_id: int,
                         now: datetime) -> SaleVigilance:
    """The flags and decisions of a sale's buyers; the view is logged."""
    async with sessions() as session, session.begin():
        found = await _sale_vigilance(session, sale_id, paris_day(now))
        _log_view(session, viewer_id=viewer_id, now=now, sale_id=sale_id, what=f"vente {found.sale.reference}",
                  details={"paddles": [b.paddle for b in found.buyers]})
    return found


async def checkout_flags(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, *,
                         viewer_id: int, now: datetime) -> BuyerVigilance | None:
    """What the checkout shows the officer for one buyer (None: nothing raised, nothing decided); a view
    that shows something is logged."""
    async with sessions() as session, session.begin():
        found = await _sale_vigilance(session, sale_id, paris_day(now), paddle)
        if not found.buyers:
            return None
        _log_view(session, viewer_id=viewer_id, now=now, sale_id=sale_id,
                  what=f"caisse, vente {found.sale.reference}, panneau {paddle}", details={"paddle": paddle})
    return found.buyers[0]


async def record_decision(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int,
                          form: v.DecisionForm, *, officer_id: int, now: datetime) -> VigilanceDecision:
    """The officer's decision on the buyer, with the flags as they stand now (a snapshot)."""
    today = paris_day(now)
    async with sessions() as session, session.begin():
        officer = await session.get(User, officer_id)
        if officer is None or officer.role != "officer":
            raise DomainError("Seul le commissaire de justice décide des suites de vigilance.")
        found = await _sale_vigilance(session, sale_id, today, paddle)
        buyer = found.buyers[0] if found.buyers else None
        checked = v.check_decision(form, buyer.flags if buyer else (), today)
        decision = VigilanceDecision(
            sale_id=sale_id, registration_id=buyer.registration_id, paddle=paddle,
            flags=[{"code": f.code, "text": f.text} for f in buyer.flags], decision=checked.decision,
            note=checked.note, declared_on=checked.declared_on, declaration_reference=checked.declaration_reference,
            decided_at=now, decided_by_id=officer_id)
        session.add(decision)
        audit.record(session, at=now, user_id=officer_id, action="vigilance_decision", sale_id=sale_id,
                     summary=f"Décision de vigilance, vente {found.sale.reference}, panneau {paddle} : "
                             f"{v.DECISIONS[checked.decision]}",
                     details={"paddle": paddle, "decision": checked.decision})
    return decision


@dataclass(frozen=True)
class RegisterLine:
    decision: VigilanceDecision
    sale_reference: str
    sale_id: int
    name: str
    officer: str


@dataclass(frozen=True)
class Register:
    lines: tuple[RegisterLine, ...]              # latest first
    thresholds: tuple[v.Thresholds, ...]         # latest first
    in_force: v.Thresholds | None
    sales: tuple[tuple[int, str, str], ...]      # (id, reference, title) of the sales with a settlement log


async def register(sessions: async_sessionmaker[AsyncSession], *, viewer_id: int, now: datetime) -> Register:
    """Every decision recorded, the thresholds, the sales to review; the view is logged."""
    from auction.models import SettlementEvent
    async with sessions() as session, session.begin():
        rows = (await session.execute(
            select(VigilanceDecision, Sale.reference, Registration, User.full_name)
            .join(Sale, Sale.id == VigilanceDecision.sale_id)
            .join(Registration, Registration.id == VigilanceDecision.registration_id)
            .join(User, User.id == VigilanceDecision.decided_by_id)
            .order_by(VigilanceDecision.decided_at.desc(), VigilanceDecision.id.desc()))).unique().all()
        lines = tuple(RegisterLine(d, reference, d.sale_id, _name(registration), officer)
                      for d, reference, registration, officer in rows)
        thresholds = await threshold_rows(session)
        sale_ids = select(SettlementEvent.sale_id).distinct()
        sales = tuple((await session.execute(select(Sale.id, Sale.reference, Sale.title).where(Sale.id.in_(sale_ids))
                                             .order_by(Sale.starts_at.desc()))).all())
        _log_view(session, viewer_id=viewer_id, now=now, sale_id=None, what="registre",
                  details={"decisions": len(lines)})
    return Register(lines, tuple(reversed(thresholds)), v.thresholds_on(thresholds, paris_day(now)), sales)
