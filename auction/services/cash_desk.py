"""The sale's cash desk as the staff see it: the buyers and their balances, the buyers overdue (lots
unpaid past the payment deadline, where the default procedure starts), the cash waiting for the bank
and the slips made, the checkout conditions; and, across sales, the cash not banked in time (the
office dashboard's warning, décret 2022-949 art. 62)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import cash_deposits
from auction.domain.bidlog import Event
from auction.domain.buyer_accounts import BuyerAccount, Payment, accounts
from auction.domain.errors import InvalidValue
from auction.domain.release import LotStatus, lot_statuses
from auction.models import Registration, Sale, SettlementEvent

from . import log_cache, settlement_log
from .catalogue import NotFound
from .checkout import default_due_on, sold_lots

CASH_KINDS = ("payment_received", "payment_reversed", "cash_banked")
MAX_DAYS = 3650


@dataclass(frozen=True)
class BuyerRow:
    paddle: int
    name: str
    account: BuyerAccount


@dataclass(frozen=True)
class OverdueBuyer:
    """A buyer with lots still unpaid past their payment deadline (the lot states' `overdue`)."""
    paddle: int
    name: str
    lots: list[LotStatus]
    balance_cents: int

    @property
    def due_on(self) -> date:
        return min(status.facts.due_on for status in self.lots)

    @property
    def hammer_cents(self) -> int:
        return sum(status.facts.lot.hammer_cents for status in self.lots)


@dataclass(frozen=True)
class CashDesk:
    sale: Sale
    buyers: list[BuyerRow]
    unbanked: list[Payment]
    slips: list[cash_deposits.CashSlip]
    warnings: list[cash_deposits.LateCash]
    today: date
    overdue: list[OverdueBuyer] = ()
    awaiting: list[OverdueBuyer] = ()   # past their deadline, but payments still clearing cover them

    @property
    def unbanked_cents(self) -> int:
        return sum(p.amount_cents for p in self.unbanked)


async def cash_desk(sessions: async_sessionmaker[AsyncSession], sale_id: int, today: date) -> CashDesk:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        events = await log_cache.settlement_events(session, sale_id)
        sold = await sold_lots(session, sale_id)
        names = {paddle: registration for paddle, registration in (await session.execute(
            select(Registration.paddle_number, Registration).where(Registration.sale_id == sale_id,
                                                                    Registration.paddle_number.is_not(None)))).all()}

    def name(paddle: int) -> str:
        return names[paddle].bidder.full_name if paddle in names else f"Panneau {paddle}"
    by_paddle = accounts(events)
    rows = [BuyerRow(paddle, name(paddle), account) for paddle, account in sorted(by_paddle.items())]
    late: dict[int, list[LotStatus]] = {}
    clearing: dict[int, list[LotStatus]] = {}
    for status in lot_statuses(sold, events, today, default_due_on(sale), payment_days=sale.payment_days).values():
        if status.overdue:
            late.setdefault(status.facts.lot.paddle, []).append(status)
        elif status.awaiting_clearing and today > status.facts.due_on:
            clearing.setdefault(status.facts.lot.paddle, []).append(status)

    def listed(found: dict[int, list[LotStatus]]) -> list[OverdueBuyer]:
        return [OverdueBuyer(paddle, name(paddle), lots,
                             by_paddle[paddle].balance_cents if paddle in by_paddle else sum(
                                 status.facts.lot.hammer_cents for status in lots))
                for paddle, lots in sorted(found.items())]
    return CashDesk(sale, rows, cash_deposits.unbanked(events), cash_deposits.slips(events),
                    cash_deposits.banking_warnings(events, today), today, listed(late), listed(clearing))


@dataclass(frozen=True)
class SaleWarning:
    sale: Sale
    warnings: list[cash_deposits.LateCash]

    @property
    def cents(self) -> int:
        return sum(w.payment.amount_cents for w in self.warnings)

    def late(self, today: date) -> bool:
        return any(w.late(today) for w in self.warnings)


async def banking_warnings(sessions: async_sessionmaker[AsyncSession], today: date) -> list[SaleWarning]:
    """Every sale with cash received and not banked whose deadline is today or past."""
    async with sessions() as session:
        rows = (await session.scalars(select(SettlementEvent).where(SettlementEvent.kind.in_(CASH_KINDS))
                                      .order_by(SettlementEvent.sale_id, SettlementEvent.seq))).all()
        by_sale: dict[int, list[Event]] = {}
        for row in rows:
            by_sale.setdefault(row.sale_id, []).append(settlement_log.to_event(row))
        found = []
        for sale_id, events in by_sale.items():
            warnings = cash_deposits.banking_warnings(events, today)
            if warnings:
                found.append(SaleWarning(await session.get(Sale, sale_id), warnings))
    return found


async def set_conditions(sessions: async_sessionmaker[AsyncSession], sale_id: int, payment_days: int,
                         storage_free_days: int, storage_fee_cents: int) -> None:
    """The sale's checkout conditions: days to pay after the sale, storage fees (free days, fee per day and lot)."""
    for value, field in ((payment_days, "payment_days"), (storage_free_days, "storage_free_days")):
        if not 0 <= value <= MAX_DAYS:
            raise InvalidValue(f"Un nombre de jours entre 0 et {MAX_DAYS}.", field=field)
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        sale.payment_days, sale.storage_free_days, sale.storage_fee_cents = (payment_days, storage_free_days,
                                                                             storage_fee_cents)
