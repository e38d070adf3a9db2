"""The office's deadlines board on both databases: the cash a sale must take to the bank by the first
working day after receipt (décret 2022-949), overdue first; banked cash leaves the board. (The
distributions' deadlines on the board: tests/web/test_distribution_pages.py.)"""
from datetime import datetime, timezone

from auction.domain.money import format_euros
from auction.domain.payments import PaymentForm
from auction.services import invoices, payments
from auction.services.deadlines_board import deadlines_board

from .held_sale import sell

FRIDAY = datetime(2026, 12, 18, 17, 0, tzinfo=timezone.utc)     # cash taken on a Friday


async def test_the_board_lists_the_plans_month_and_the_cash_to_bank(db, sale_id, clerk):
    sold = await sell(db.sessions, sale_id, clerk, [(0, 2)])
    await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=FRIDAY)
    (_paddle, hammer), = sold.values()
    cash = await payments.record_payment(db.sessions, sale_id, 2, PaymentForm("cash", min(hammer, 50_000)),
                                         user_id=clerk.user_id, now=FRIDAY, command_id="cash-1")
    on_monday = await deadlines_board(db.sessions, datetime(2026, 12, 21).date())
    kinds = [(row.deadline.kind, row.deadline.due.isoformat(), row.overdue) for row in on_monday]
    assert ("cash", "2026-12-21", False) in kinds                 # banked by Monday (CPC-style: next working day)
    row = next(row for row in on_monday if row.deadline.kind == "cash")
    assert row.case_id is None and row.who == format_euros(min(hammer, 50_000))
    on_tuesday = await deadlines_board(db.sessions, datetime(2026, 12, 22).date())
    assert on_tuesday[0].deadline.kind == "cash" and on_tuesday[0].overdue              # overdue first
    await payments.bank_cash(db.sessions, sale_id, [cash.event.seq], datetime(2026, 12, 22).date(),
                             user_id=clerk.user_id, now=FRIDAY, command_id="slip-1")
    assert not [r for r in await deadlines_board(db.sessions, datetime(2026, 12, 22).date())
                if r.deadline.kind == "cash"]
