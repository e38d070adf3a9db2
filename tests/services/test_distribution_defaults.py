"""What a defaulter pays after the resale (CPCE R221-38) belongs to the case's proceeds: the shortfall
(first price − new price) and the new adjudication's seller's fees the case bore, counted in the
distribution once the defaulter's statement is paid, distributed and paid out to the cent; money that
reaches a case after its plan was drafted keeps the sale from being settled (it is the creditors',
never the office's)."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from auction.domain import journal
from auction.domain.buyer_accounts import account_of
from auction.domain.defaults import recovered_by_case
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Creditor, Sale, User
from auction.services import defaults, distribution, distribution_steps as steps, invoices, payouts, settlement_log
from auction.services import room as room_service
from auction.services.distribution_claims import set_creditor_details, set_debtor_details

SOLD_AT = datetime(2026, 12, 12, 15, 30, tzinfo=timezone.utc)     # the demo sale's day (services/conftest.py)
NOTICE_AT = datetime(2026, 12, 21, 9, 0, tzinfo=timezone.utc)      # the 8 days to pay (to 20/12) have run
AFTER = datetime(2026, 12, 23, 9, 0, tzinfo=timezone.utc)          # the notice's day (to 22/12) has run
FIRST_PRICE, NEW_PRICE, OTHER_PRICE = 600_000, 450_000, 200_000
IBAN_DE = "DE89370400440532013000"
IBAN_FR = "FR7630006000011234567890189"


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.role == "officer"))
    return Actor(user.id, Role.OFFICER)


async def pay_balance(db, sale_id, paddle, at):
    """The buyer pays what its account shows as due (by card)."""
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        account = account_of(tx.events, paddle)
        tx.append("payment_received", {"paddle": paddle, "registration_id": account.registration_id, "means": "card",
                                       "amount_cents": account.balance_cents, "received_on": at.date().isoformat(),
                                       "reference": f"TPE-{paddle}-{at:%d%H}"}, user_id=None, now=at)


async def defaulted_and_resold(db, sale_id, clerk, officer):
    """Lot A of the workshop case to paddle 1 at 6 000 €, lot B to paddle 2 at 2 000 €; paddle 2 pays,
    paddle 1 does not: notice, default, lot A put up again in the room and sold to paddle 3 at 4 500 €,
    who pays; the defaulter's statement is issued (not yet paid)."""
    rooms = [await room_service.open_room(db.sessions, sale_id)]

    async def run(name, at, actor=clerk, **args):
        return await room_service.submit(db.sessions, rooms[-1], uuid.uuid4().hex, name, args, actor, at)

    room = rooms[0]
    workshop = min(lot.case_id for lot in room.setup.lots.values())
    lot_a, lot_b = [lot.id for lot in room.setup.lots.values() if lot.case_id == workshop][:2]
    await run("open_sale", SOLD_AT)
    for lot_id, paddle, price in ((lot_a, 1, FIRST_PRICE), (lot_b, 2, OTHER_PRICE)):
        await run("open_lot", SOLD_AT, lot_id=lot_id)
        await run("bid", SOLD_AT, paddle=paddle, amount_cents=price)
        for _ in range(3):
            await run("call", SOLD_AT)
        await run("hammer", SOLD_AT)
    await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=SOLD_AT)
    await pay_balance(db, sale_id, 2, SOLD_AT)
    notice = await defaults.send_notice(db.sessions, sale_id, 1, sent_on=NOTICE_AT.date(), days=1, means="registered_letter",
                                        cost_cents=750, user_id=clerk.user_id, now=NOTICE_AT)
    act = await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER)
    rooms.append(await room_service.open_room(db.sessions, sale_id))     # its setup now lists the lot in default
    await run("put_up_again", AFTER, lot_id=lot_a)
    await run("bid", AFTER, paddle=3, amount_cents=NEW_PRICE)
    for _ in range(3):
        await run("call", AFTER)
    await run("hammer", AFTER)
    await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=AFTER)
    await pay_balance(db, sale_id, 3, AFTER)
    statement = await defaults.issue_statement(db.sessions, sale_id, act.seq, user_id=clerk.user_id, now=AFTER)
    return {"room": room, "run": run, "workshop": workshop, "statement": statement}


async def notified_and_received(db, sale_id, case_id, officer, at):
    """The plan drafted and notified on `at`'s day, every letter received that day; bank details set."""
    async with db.sessions() as session:
        creditors = (await session.scalars(select(Creditor).where(Creditor.case_id == case_id)
                                           .order_by(Creditor.id))).all()
    for creditor in creditors:
        await set_creditor_details(db.sessions, creditor.id, came_forward_on=creditor.came_forward_on, iban=IBAN_DE, bic="", email="")
    await set_debtor_details(db.sessions, case_id, iban=IBAN_FR, bic="", email="")
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.user_id, now=at)
    await steps.send_plan(db.sessions, sale_id, case_id, sent_on=at.date(), user_id=officer.user_id, now=at)
    for recipient in ("debtor", *(f"creditor:{c.id}" for c in creditors)):
        await steps.record_receipt(db.sessions, sale_id, case_id, recipient=recipient, received_on=at.date(),
                                   user_id=officer.user_id, now=at)


def proceeds_of(view) -> int:
    return sum(line.cents for line in view.funds.proceeds)


def proceeds_balance(events, case_id) -> int:
    """The case's proceeds payable (467100), credit positive."""
    return -journal.build(events).balances().get((journal.PROCEEDS, journal.case(case_id)), 0)


async def test_r221_38_the_paid_statement_joins_the_cases_proceeds(db, sale_id, clerk, officer):
    done = await defaulted_and_resold(db, sale_id, clerk, officer)
    case_id, line = done["workshop"], done["statement"].payload["lines"][0]
    assert line["shortfall_cents"] == FIRST_PRICE - NEW_PRICE
    new_fees = line["seller_fees_cents"] + line["seller_fees_vat_cents"]
    assert new_fees == 26_784                      # 4.96 % + 20 % VAT on 4 500 €

    # issued, not paid: the shortfall is owed, not received; only the paid lots count
    view = (await distribution.load(db.sessions, sale_id, AFTER.date())).case(case_id)
    assert proceeds_of(view) == NEW_PRICE + OTHER_PRICE
    assert not recovered_by_case(await settlement_log.read(db.sessions, sale_id))

    await pay_balance(db, sale_id, 1, AFTER)
    events = await settlement_log.read(db.sessions, sale_id)
    assert account_of(events, 1).balance_cents == 0
    view = (await distribution.load(db.sessions, sale_id, AFTER.date())).case(case_id)
    recovered = [line for line in view.funds.proceeds if "défaillant" in line.label]
    assert [line.cents for line in recovered] == [FIRST_PRICE - NEW_PRICE + new_fees]
    assert "R221-38" in recovered[0].reference
    # the creditors get the first price: the new price and the shortfall, the new fees repaid by the defaulter
    assert proceeds_of(view) == FIRST_PRICE + OTHER_PRICE + new_fees
    assert view.plan.proceeds_cents == proceeds_of(view)
    assert view.plan.seller_fees_cents == view.fees.total_cents          # fees on the prices actually paid
    assert view.plan.distributable_cents == proceeds_of(view) - view.fees.total_cents
    assert view.plan.shares_cents + view.plan.debtor_cents == view.plan.distributable_cents
    # the journal owes the case exactly what the plan distributes (the proceeds)
    assert proceeds_balance(events, case_id) == view.plan.proceeds_cents


async def test_the_recovered_shortfall_is_distributed_and_paid_out_to_the_cent(db, sale_id, clerk, officer):
    done = await defaulted_and_resold(db, sale_id, clerk, officer)
    case_id = done["workshop"]
    await pay_balance(db, sale_id, 1, AFTER)
    await notified_and_received(db, sale_id, case_id, officer, AFTER)
    later = AFTER + timedelta(days=30)
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=later.date(), cheques={}, user_id=officer.user_id,
                      now=later)
    events = await settlement_log.read(db.sessions, sale_id)
    drafted = (await distribution.load(db.sessions, sale_id, later.date())).case(case_id).drafted
    assert drafted["proceeds_cents"] == FIRST_PRICE + OTHER_PRICE + 26_784
    paid = sum(e.payload["amount_cents"] for e in events if e.kind == "payout_made")
    assert paid == drafted["distributable_cents"]
    assert proceeds_balance(events, case_id) == 0       # every cent of the case went out or to the office
    assert journal.build(events).balanced


async def test_money_reaching_a_case_after_its_plan_keeps_the_sale_open(db, sale_id, clerk, officer):
    """The plan was drafted while the defaulter had not paid; he pays after the payouts: his money is
    the creditors' (the case's proceeds payable), so the sale is not settled and the office's account
    does not take it."""
    done = await defaulted_and_resold(db, sale_id, clerk, officer)
    case_id = done["workshop"]
    await done["run"]("close_sale", AFTER, officer)
    cases = {lot.case_id for lot in done["room"].setup.lots.values()}
    await notified_and_received(db, sale_id, case_id, officer, AFTER)
    later = AFTER + timedelta(days=30)
    await pay_balance(db, sale_id, 1, later)
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=later.date(), cheques={}, user_id=officer.user_id,
                      now=later)
    other = (cases - {case_id}).pop()        # nothing sold for the household case: closed as it is
    await notified_and_received(db, sale_id, other, officer, AFTER)
    await payouts.pay(db.sessions, sale_id, other, paid_on=later.date(), cheques={}, user_id=officer.user_id,
                      now=later)
    events = await settlement_log.read(db.sessions, sale_id)
    late = FIRST_PRICE - NEW_PRICE + 26_784
    assert proceeds_balance(events, case_id) == late
    assert not any(e.kind == "sale_settled" for e in events)
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "closed"
    view = (await distribution.load(db.sessions, sale_id, later.date())).case(case_id)
    assert view.undistributed_cents == late
