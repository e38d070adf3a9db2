"""Vigilance on both databases: the flags read from the real checkout (payments, the registration's
deposit and clearances, the lots' estimates), the office's thresholds by date, the decisions kept
append-only with the flags they saw, and every view logged in the audit log."""
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select, update

from auction.domain import vigilance as v
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.payments import PaymentForm
from auction.models import AuditEntry, BarredClearance, Lot, Registration, User, VigilanceDecision
from auction.services import payments, vigilance
from tests.services.checkout_helpers import invoice, sell

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)
THRESHOLDS = v.Thresholds(date(2026, 12, 1), cash_share_percent=80, cash_payments_count=2, cash_window_days=7,
                          estimate_ratio_percent=300, reference="Procédure interne")


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        return await session.scalar(select(User).where(User.role == "officer"))


@pytest.fixture
async def sold(db, sale_id, clerk):
    """Paddle 1 bought two lots (1 000 € and 200 €), paddle 2 one (100 €); both invoiced."""
    lots = await sell(db, sale_id, clerk, [(1, 1_000_00), (1, 200_00), (2, 100_00)])
    await invoice(db, sale_id, 1, lots[:2], [1_000_00, 200_00])
    await invoice(db, sale_id, 2, lots[2:], [100_00])
    return lots


async def _pay(db, sale_id, clerk, paddle, form):
    return await payments.record_payment(db.sessions, sale_id, paddle, form, user_id=clerk.user_id, now=NOW,
                                         command_id=uuid.uuid4().hex)


async def _view(db, sale_id, officer):
    return await vigilance.sale_vigilance(db.sessions, sale_id, viewer_id=officer.id, now=NOW)


def _codes(found, paddle):
    return [f.code for b in found.buyers if b.paddle == paddle for f in b.flags]


async def test_without_thresholds_only_third_parties_and_clearances_are_flagged(db, sale_id, clerk, officer, sold):
    await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 900_00))
    await _pay(db, sale_id, clerk, 2, PaymentForm("cheque", 114_28, bank="LCL", cheque_number="1", payer="Paul TIERS"))
    found = await _view(db, sale_id, officer)
    assert found.thresholds is None
    assert _codes(found, 1) == [] and _codes(found, 2) == ["third_party"]
    async with db.sessions() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                                       Registration.paddle_number == 1))
        session.add(BarredClearance(registration_id=registration.id, entry_name="Jean HOMONYME",
                                    reason="Autre date de naissance", cleared_at=NOW, cleared_by_id=officer.id))
    assert _codes(await _view(db, sale_id, officer), 1) == ["cleared_registration"]


async def test_the_offices_thresholds_flag_cash_near_the_ceiling_repeated_cash_and_high_prices(
        db, sale_id, clerk, officer, sold):
    await vigilance.add_thresholds(db.sessions, THRESHOLDS, officer.id, NOW)
    with pytest.raises(InvalidValue, match="déjà en vigueur"):
        await vigilance.add_thresholds(db.sessions, THRESHOLDS, officer.id, NOW)
    # The 300 € deposit was paid in cash at the registration's check, ten days before NOW: outside the
    # week of the office's window (the seeded registration's date is the day the tests run).
    async with db.sessions() as session, session.begin():
        await session.execute(update(Registration).where(Registration.sale_id == sale_id,
                                                         Registration.paddle_number == 1)
                              .values(solvency_method="cash", verified_at=datetime(2026, 12, 2, 10, 0,
                                                                                   tzinfo=timezone.utc)))
    await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 400_00))
    assert _codes(await _view(db, sale_id, officer), 1) == []     # 700 € of 1 000 €; one remittance this week
    await _pay(db, sale_id, clerk, 1, PaymentForm("cash", 100_00))
    found = await _view(db, sale_id, officer)
    assert _codes(found, 1) == ["cash_near_ceiling", "repeated_cash"]     # 800 € with the deposit; two today
    async with db.sessions() as session, session.begin():
        await session.execute(update(Lot).where(Lot.id == sold[0]).values(estimate_low_cents=100_00,
                                                                           estimate_high_cents=333_33))
    found = await _view(db, sale_id, officer)
    assert "above_estimates" in _codes(found, 1)            # 1 000 € ≥ 300 % of 333,33 €
    [buyer] = [b for b in found.buyers if b.paddle == 1]
    assert buyer.pending and buyer.last is None


async def test_a_decision_keeps_the_flags_it_saw_and_the_views_are_logged(db, sale_id, clerk, officer, sold):
    await _pay(db, sale_id, clerk, 2, PaymentForm("cheque", 114_28, bank="LCL", cheque_number="1", payer="Paul TIERS"))
    async with db.sessions() as session:
        before = await session.scalar(select(func.count()).select_from(AuditEntry)
                                      .where(AuditEntry.action == "vigilance_viewed"))
    form = v.DecisionForm("enhanced_checks", "Justificatif du lien avec le tireur demandé")
    with pytest.raises(DomainError, match="Seul le commissaire"):
        await vigilance.record_decision(db.sessions, sale_id, 2, form, officer_id=clerk.user_id, now=NOW)
    with pytest.raises(InvalidValue, match="Aucun signalement"):
        await vigilance.record_decision(db.sessions, sale_id, 1, form, officer_id=officer.id, now=NOW)
    decision = await vigilance.record_decision(db.sessions, sale_id, 2, form, officer_id=officer.id, now=NOW)
    assert decision.flags[0]["code"] == "third_party" and "Paul TIERS" in decision.flags[0]["text"]
    found = await _view(db, sale_id, officer)
    [buyer] = found.buyers
    assert not buyer.pending and buyer.last.decision == "enhanced_checks"
    later = v.DecisionForm("suspicion_declared", "Aucun justificatif reçu", date(2026, 12, 12), "ERMES 77")
    await vigilance.record_decision(db.sessions, sale_id, 2, later, officer_id=officer.id, now=NOW)
    register = await vigilance.register(db.sessions, viewer_id=officer.id, now=NOW)
    assert [line.decision.decision for line in register.lines] == ["suspicion_declared", "enhanced_checks"]
    assert register.sales and register.sales[0][0] == sale_id
    flagged = await vigilance.checkout_flags(db.sessions, sale_id, 2, viewer_id=officer.id, now=NOW)
    assert flagged.flags and len(flagged.decisions) == 2
    assert await vigilance.checkout_flags(db.sessions, sale_id, 1, viewer_id=officer.id, now=NOW) is None
    async with db.sessions() as session:
        views = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "vigilance_viewed")
                                       .order_by(AuditEntry.id))).all()
    assert len(views) - before == 3           # the sale, the register, the checkout that showed something
    assert all(entry.user_id == officer.id for entry in views)


async def test_the_database_refuses_to_change_or_delete_a_decision(db, sale_id, clerk, officer, sold):
    await _pay(db, sale_id, clerk, 2, PaymentForm("cheque", 114_28, bank="LCL", cheque_number="1", payer="Paul TIERS"))
    decision = await vigilance.record_decision(db.sessions, sale_id, 2, v.DecisionForm("no_action", "Conjoint, vérifié."),
                                               officer_id=officer.id, now=NOW)
    for statement in (update(VigilanceDecision).where(VigilanceDecision.id == decision.id).values(note="effacé"),
                      VigilanceDecision.__table__.delete().where(VigilanceDecision.id == decision.id)):
        with pytest.raises(Exception, match="append-only"):
            async with db.sessions() as session, session.begin():
                await session.execute(statement)
