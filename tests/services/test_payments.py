"""The cashier's use cases on both databases: payments, ceilings, clearing, reversals, refunds, cash slips,
release refused before clearing, the pickup, storage, and two screens paying the same invoice at once."""
import asyncio
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from auction.domain.journal import build
from auction.domain.payments import CashAboveCeiling, OverpaymentNotConfirmed, PaymentForm, PaymentRefused, StaleBalance
from auction.domain.release import ReleaseRefused
from auction.models import Registration, Sale
from auction.services import payments, release, settlement_log
from auction.services.checkout import UnknownPaddle, buyer_checkout
from tests.services.checkout_helpers import invoice, sell

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)


def cid() -> str:
    return uuid.uuid4().hex


@pytest.fixture
async def sold(db, sale_id, clerk):
    """Paddle 1 bought two lots (1 000 € and 200 €), paddle 2 one (100 €); both invoiced."""
    lots = await sell(db, sale_id, clerk, [(1, 1_000_00), (1, 200_00), (2, 100_00)])
    await invoice(db, sale_id, 1, lots[:2], [1_000_00, 200_00])
    await invoice(db, sale_id, 2, lots[2:], [100_00])
    return lots


async def _pay(db, sale_id, clerk, paddle, form, **kw):
    return await payments.record_payment(db.sessions, sale_id, paddle, form, user_id=clerk.user_id, now=NOW,
                                         command_id=kw.pop("command_id", cid()), **kw)


async def test_the_checkout_shows_lots_owed_deposit_and_balance(db, sale_id, clerk, sold):
    view = await buyer_checkout(db.sessions, sale_id, 1, NOW)
    assert sorted(s.lot_id for s in view.lots) == sorted(sold[:2])
    assert view.hammer_cents == 1_200_00
    assert view.account.owed_cents == 1_371_36               # 1 142,80 + 228,56
    assert view.buyer.deposit_cents == 300_00 and view.deposit_available_cents == 300_00
    assert view.account.balance_cents == 1_371_36
    with pytest.raises(UnknownPaddle, match="Panneau 77 inconnu"):
        await buyer_checkout(db.sessions, sale_id, 77, NOW)


async def test_payments_by_each_means_then_release_and_pickup(db, sale_id, clerk, sold):
    await _pay(db, sale_id, clerk, 1, PaymentForm("deposit", 300_00))
    await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 500_00))
    await _pay(db, sale_id, clerk, 1, PaymentForm("card", 400_00, reference="TPE 0042"))
    cheque = await _pay(db, sale_id, clerk, 1, PaymentForm("cheque", 171_36, bank="LCL", cheque_number="7781"))
    view = await buyer_checkout(db.sessions, sale_id, 1, NOW)
    assert view.account.balance_cents == 171_36 and view.account.outstanding_cents == 0
    states = {s.lot_id: s.state for s in view.lots}
    assert states == {sold[0]: "paye", sold[1]: "adjuge"}       # 1 142,80 covered, the rest waits for the cheque
    with pytest.raises(ReleaseRefused, match="encaissés"):
        await release.issue_release(db.sessions, sale_id, 1, sold[:2], user_id=clerk.user_id, now=NOW,
                                    command_id=cid())
    await payments.clear_payment(db.sessions, sale_id, cheque.event.seq, date(2026, 12, 14), user_id=clerk.user_id,
                                 now=NOW, command_id=cid())
    slip = await release.issue_release(db.sessions, sale_id, 1, sold[:2], user_id=clerk.user_id, now=NOW,
                                       command_id=cid())
    assert sorted(slip.event.payload["lot_ids"]) == sorted(sold[:2]) and slip.event.payload["number"] >= 1
    await release.record_pickup(db.sessions, sale_id, slip.event.seq, "Marc Bertin (passeport vu)",
                                date(2026, 12, 15), user_id=clerk.user_id, now=NOW, command_id=cid())
    view = await buyer_checkout(db.sessions, sale_id, 1, NOW)
    assert [s.state for s in view.lots] == ["delivre", "delivre"] and view.account.settled
    journal = build(await settlement_log.read(db.sessions, sale_id))
    assert journal.balanced


async def test_cash_above_the_ceiling_is_refused_and_nothing_recorded(db, sale_id, clerk, sold):
    await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 900_00))
    with pytest.raises(CashAboveCeiling, match="1\u202f000"):
        await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 200_00))
    events = await settlement_log.read(db.sessions, sale_id)
    assert [e.kind for e in events].count("payment_received") == 1


async def test_a_cash_deposit_counts_towards_the_ceiling(db, sale_id, clerk, sold):
    async with db.sessions() as session, session.begin():
        await session.execute(update(Registration).where(Registration.sale_id == sale_id,
                                                          Registration.paddle_number == 1)
                              .values(solvency_method="cash"))
    with pytest.raises(CashAboveCeiling, match="dépôt en espèces compris"):
        await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 800_00))


async def test_overpayment_needs_confirmation_then_the_refund_is_paid(db, sale_id, clerk, sold):
    with pytest.raises(OverpaymentNotConfirmed):
        await _pay(db, sale_id, clerk, 2, PaymentForm("card", 120_00, reference="T1"))
    await _pay(db, sale_id, clerk, 2, PaymentForm("card", 120_00, reference="T1"), confirm_refund=True)
    view = await buyer_checkout(db.sessions, sale_id, 2, NOW)
    assert view.account.refund_due_cents == 5_72
    with pytest.raises(PaymentRefused):
        await payments.pay_refund(db.sessions, sale_id, 2, 6_00, "transfer", "VIR-9", user_id=clerk.user_id,
                                  now=NOW, command_id=cid())
    await payments.pay_refund(db.sessions, sale_id, 2, 5_72, "transfer", "VIR-9", user_id=clerk.user_id, now=NOW,
                              command_id=cid())
    assert (await buyer_checkout(db.sessions, sale_id, 2, NOW)).account.balance_cents == 0


async def test_a_reversal_and_the_same_form_posted_twice(db, sale_id, clerk, sold):
    command = cid()
    first = await _pay(db, sale_id, clerk, 2, PaymentForm("card", 50_00, reference="T"), command_id=command)
    again = await _pay(db, sale_id, clerk, 2, PaymentForm("card", 50_00, reference="T"), command_id=command)
    assert again.duplicate and again.event.seq == first.event.seq
    await payments.reverse_payment(db.sessions, sale_id, first.event.seq, "Mauvais montant", user_id=clerk.user_id,
                                   now=NOW, command_id=cid())
    view = await buyer_checkout(db.sessions, sale_id, 2, NOW)
    assert view.account.balance_cents == 114_28 and view.account.payments[0].reversed


async def test_cash_slips_number_in_series_and_empty_the_till(db, sale_id, clerk, sold):
    a = await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 400_00))
    b = await _pay(db, sale_id, clerk, 2, PaymentForm("cash", 50_00))
    first = await payments.bank_cash(db.sessions, sale_id, [a.event.seq, b.event.seq], date(2026, 12, 14),
                                     user_id=clerk.user_id, now=NOW, command_id=cid())
    assert first.event.payload["payment_seqs"] == [a.event.seq, b.event.seq]
    from auction.domain.cash_deposits import SlipRefused
    with pytest.raises(SlipRefused):
        await payments.bank_cash(db.sessions, sale_id, [a.event.seq], date(2026, 12, 14), user_id=clerk.user_id,
                                 now=NOW, command_id=cid())
    balances = build(await settlement_log.read(db.sessions, sale_id)).account_balances()
    assert balances["531000"] == 0 and balances["512000"] == 450_00


async def test_storage_fees_are_charged_then_owed_before_release(db, sale_id, clerk, sold):
    async with db.sessions() as session, session.begin():
        await session.execute(update(Sale).where(Sale.id == sale_id).values(storage_free_days=2, storage_fee_cents=3_00))
        starts = await session.scalar(select(Sale.starts_at).where(Sale.id == sale_id))
    later = starts + timedelta(days=5)
    await _pay(db, sale_id, clerk, 2, PaymentForm("card", 114_28, reference="T"))
    with pytest.raises(ReleaseRefused, match="magasinage"):
        await release.issue_release(db.sessions, sale_id, 2, sold[2:], user_id=clerk.user_id, now=later,
                                    command_id=cid())
    charged = await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id, now=later, command_id=cid())
    assert charged.event.payload["totals"] == {"amount_cents": 9_00, "vat_cents": 1_80, "total_cents": 10_80}
    view = await buyer_checkout(db.sessions, sale_id, 2, later)
    assert view.account.balance_cents == 10_80 and view.storage_lines == []
    await payments.record_payment(db.sessions, sale_id, 2, PaymentForm("cash", 10_80), user_id=clerk.user_id,
                                  now=later, command_id=cid())
    await release.issue_release(db.sessions, sale_id, 2, sold[2:], user_id=clerk.user_id, now=later, command_id=cid())


async def test_two_screens_pay_the_same_invoice_at_once_exactly_one_is_recorded(fresh_database_url, tmp_path):
    """Two connections (two server processes' worth): both screens showed the same balance."""
    from auction.db import Database
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.migrations import upgrade
    from auction.models import User
    from auction.services.demo import seed_demo

    await asyncio.to_thread(upgrade, fresh_database_url)
    databases = [Database.connect(fresh_database_url) for _ in range(2)]
    try:
        db = databases[0]
        await seed_demo(db.sessions, tmp_path, date(2026, 11, 22))
        async with db.sessions() as session:
            sale_id = await session.scalar(select(Sale.id))
            clerk = Actor((await session.scalar(select(User).where(User.role == "clerk"))).id, Role.CLERK)
        lots = await sell(db, sale_id, clerk, [(2, 100_00)])
        await invoice(db, sale_id, 2, lots, [100_00])
        shown = (await buyer_checkout(db.sessions, sale_id, 2, NOW)).account.outstanding_cents

        async def screen(database):
            return await payments.record_payment(database.sessions, sale_id, 2,
                                                 PaymentForm("card", shown, reference="TPE"), user_id=clerk.user_id,
                                                 now=NOW, command_id=cid(), shown_balance_cents=shown)
        results = await asyncio.gather(*(screen(d) for d in databases), return_exceptions=True)
        assert sum(1 for r in results if isinstance(r, payments.Recorded)) == 1
        assert sum(1 for r in results if isinstance(r, StaleBalance)) == 1
        events = await settlement_log.read(db.sessions, sale_id)
        assert [e.kind for e in events].count("payment_received") == 1
        assert await settlement_log.verify(db.sessions, sale_id) == (len(events), None)
    finally:
        for database in databases:
            await database.engine.dispose()


async def test_sold_lots_agree_with_the_room_replay(db, sale_id, clerk, sold):
    from auction.domain.room import replay
    from auction.services.checkout import sold_lots
    from auction.services.room_loaders import load_events
    state = replay(sale_id, [event for event, _ in await load_events(db.sessions, sale_id)])
    async with db.sessions() as session:
        found = await sold_lots(session, sale_id)
    assert {(lot.lot_id, lot.paddle, lot.hammer_cents) for lot in found} == {
        (r.lot_id, r.paddle, r.amount_cents) for r in state.results.values() if r.sold}
