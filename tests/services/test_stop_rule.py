"""The claims the room's stop rule (CPCE L221-4) counts: creditors who came forward by the verification
act (L221-5, R221-41), with interest to the sale's day; a change reaches a loaded room."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from auction.domain.legal_interest import LegalRate, contractual_interest
from auction.models import Case, Claim, Creditor, InventoryAct, Sale
from auction.services.distribution_claims import add_legal_rate
from auction.services.room import RoomRegistry
from auction.services.stop_rule import stop_rule_cases
from auction.services.verification import sale_day

from .conftest import TODAY

WORKSHOP = "SV-2026-0142"


async def workshop(db):
    async with db.sessions() as session:
        case = await session.scalar(select(Case).where(Case.reference == WORKSHOP))
        sale = await session.scalar(select(Sale))
        claims = (await session.execute(select(Creditor, Claim).join(Claim, Claim.creditor_id == Creditor.id)
                                        .where(Creditor.case_id == case.id).order_by(Creditor.id))).all()
    return case, sale, claims


async def threshold(db, case, sale):
    async with db.sessions() as session:
        return (await stop_rule_cases(session, {case.id}, sale_day(sale)))[case.id]


async def set_came_forward(db, creditor_id, day):
    async with db.sessions() as session, session.begin():
        await session.execute(update(Creditor).where(Creditor.id == creditor_id).values(came_forward_on=day))


async def test_l221_5_r221_41_a_creditor_after_the_verification_does_not_count(db, sale_id):
    case, sale, claims = await workshop(db)
    (bank, bank_claim), (lessor, lessor_claim) = claims
    everyone = bank_claim.total_cents + lessor_claim.total_cents
    assert (await threshold(db, case, sale)).claims_cents == everyone
    await set_came_forward(db, lessor.id, TODAY)                   # the verification act's day: counts
    assert (await threshold(db, case, sale)).claims_cents == everyone
    await set_came_forward(db, lessor.id, TODAY + timedelta(days=1))   # the day after: does not
    assert (await threshold(db, case, sale)).claims_cents == bank_claim.total_cents


async def test_l221_4_without_a_verification_act_yet_every_creditor_counts(db, sale_id):
    case, sale, claims = await workshop(db)
    await set_came_forward(db, claims[1][0].id, TODAY + timedelta(days=5))
    async with db.sessions() as session, session.begin():
        await session.execute(update(InventoryAct).where(InventoryAct.kind == "verification")
                              .values(signed_at=None, signed_by_id=None, digest=None))
    assert (await threshold(db, case, sale)).claims_cents == sum(claim.total_cents for _, claim in claims)


async def test_l221_4_interest_runs_to_the_sale_day(db, sale_id):
    case, sale, claims = await workshop(db)
    (bank, bank_claim), (_, lessor_claim) = claims
    async with db.sessions() as session, session.begin():
        await session.execute(update(Claim).where(Claim.id == bank_claim.id)
                              .values(interest_basis="title", interest_rate=Decimal("0.10")))
    run = contractual_interest(bank_claim.principal_cents, bank_claim.as_of, sale_day(sale), Decimal("0.10"))
    assert run.interest_cents > 0
    found = await threshold(db, case, sale)
    assert found.claims_cents == bank_claim.total_cents + run.interest_cents + lessor_claim.total_cents
    assert found.claims_note == ""


async def test_l313_3_a_legal_rate_not_entered_is_said_never_taken_as_0(db, sale_id):
    case, sale, claims = await workshop(db)
    (bank, bank_claim), (_, lessor_claim) = claims
    async with db.sessions() as session, session.begin():
        await session.execute(update(Claim).where(Claim.id == bank_claim.id).values(interest_basis="legal"))
    missing = await threshold(db, case, sale)
    assert "taux légal non comptés" in missing.claims_note and "2026" in missing.claims_note
    assert missing.claims_cents == bank_claim.total_cents + lessor_claim.total_cents
    await add_legal_rate(db.sessions, LegalRate(date(2026, 7, 1), Decimal("0.0667"), Decimal("0.0262"),
                                                "Arrêté (essai)"), None)
    entered = await threshold(db, case, sale)
    assert entered.claims_note == "" and entered.claims_cents > missing.claims_cents


async def test_l221_4_a_claim_changed_during_the_sale_reaches_the_room(db, sale_id):
    registry = RoomRegistry(db.sessions)
    room = await registry.get(sale_id)
    case, sale, claims = await workshop(db)
    before = room.setup.cases[case.id].claims_cents
    async with db.sessions() as session, session.begin():
        await session.execute(update(Claim).where(Claim.id == claims[0][1].id)
                              .values(costs_cents=claims[0][1].costs_cents + 1_000_00))
    assert room.setup.cases[case.id].claims_cents == before          # not yet told
    await registry.refresh_claims(case.id)
    assert room.setup.cases[case.id].claims_cents == before + 1_000_00
