"""The checks before a paddle on both databases (auction.services.bidder_checks): every check recorded
with who and when, the next paddle of the channel once all passed, the e-mail confirmed first, solvency,
duplicates."""
import pytest
from sqlalchemy import select

from auction.domain.bidder_checks import EmailNotConfirmed
from auction.domain.registration_rules import PaddleRanges
from auction.domain.solvency import SolvencyProof, SolvencyRule
from auction.domain.roles import Role
from auction.models import Bidder, Registration, RegistrationCheck, utcnow
from auction.services import bidder_checks, registration_rules
from auction.services import registration as service
from auction.services.room_loaders import load_paddles

from .test_registration import attestation, confirm, count, data_of, sale  # noqa: F401 - fixture


async def test_all_checks_passed_give_the_next_paddle_of_the_channel(db, sale, users):
    clerk = users[Role.CLERK]
    room_reg = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    online_reg = await service.register(
        db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin", birth_date="1971-11-02",
                                      document_number="18CV42817", channel="online"), via="web", now=utcnow())
    await confirm(db, online_reg)
    now = utcnow()
    outcome = await bidder_checks.verify(db.sessions, sale.id, room_reg.id, attestation(), clerk.id, now)
    assert outcome.passed and outcome.paddle == 1
    outcome = await bidder_checks.verify(db.sessions, sale.id, online_reg.id,
                                   attestation("18CV42817", first="Marc", last="BERTIN"), clerk.id, now)
    assert outcome.paddle == 501
    async with db.sessions() as session:
        checks = (await session.scalars(select(RegistrationCheck).where(
            RegistrationCheck.registration_id == room_reg.id))).all()
        stored = await session.get(Registration, room_reg.id)
        paddles = await load_paddles(session, sale.id)           # the live room's contract
    assert sorted(c.kind for c in checks) == sorted(["identity", "age", "names", "solvency", "not_barred", "duplicates"])
    assert all(c.passed and c.checked_by_id == clerk.id and c.checked_at == now for c in checks)
    assert stored.verified_at == now and stored.verified_by_id == clerk.id and stored.document_seen
    assert sorted(paddles) == [1, 501] and paddles[501].channel == "online"
    with pytest.raises(service.AlreadyVerified, match="panneau 1"):
        await bidder_checks.verify(db.sessions, sale.id, room_reg.id, attestation(), clerk.id, now)


async def test_failed_checks_are_recorded_and_give_no_paddle(db, sale, users):
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, reg)
    outcome = await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(seen=False, last="DURAND"),
                                   users[Role.CLERK].id, utcnow())
    assert outcome.paddle is None
    failed = {r.kind for r in outcome.results if not r.passed}
    assert failed == {"identity", "names"}
    async with db.sessions() as session:
        assert (await session.get(Registration, reg.id)).paddle_number is None
        recorded = (await session.scalars(select(RegistrationCheck).where(RegistrationCheck.passed.is_(False)))).all()
    assert {c.kind for c in recorded} == {"identity", "names"}
    outcome = await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(), users[Role.CLERK].id, utcnow())
    assert outcome.paddle == 1
    assert await count(db, RegistrationCheck) == 12


async def test_an_online_registration_is_verified_only_once_its_email_is_confirmed(db, sale, users):
    clerk = users[Role.CLERK]
    online = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    with pytest.raises(EmailNotConfirmed, match="pas encore confirmé"):
        await bidder_checks.verify(db.sessions, sale.id, online.id, attestation(), clerk.id, utcnow())
    async with db.sessions() as session:                 # nothing half-changed: not even the clerk's reading
        stored = await session.get(Registration, online.id)
        assert (stored.paddle_number, stored.verified_at, stored.document_seen, stored.document_last_name) == \
            (None, None, False, "")
    assert await count(db, RegistrationCheck) == 0
    await confirm(db, online)
    assert (await bidder_checks.verify(db.sessions, sale.id, online.id, attestation(), clerk.id, utcnow())).paddle == 1

    # At the desk, the clerk has the bidder in front of them: no e-mail confirmation is asked.
    desk = await service.register(db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin",
                                                                birth_date="1971-11-02", document_number="18CV42817",
                                                                email="marc@exemple.fr"), via="desk", now=utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, desk.id, attestation("18CV42817", first="Marc", last="BERTIN"),
                                   clerk.id, utcnow())
    assert outcome.paddle == 2
    async with db.sessions() as session:
        assert (await session.get(Bidder, desk.bidder_id)).email_confirmed_at is None


async def test_solvency_as_the_sale_requires_and_cash_ceiling(db, sale, users):
    officer = users[Role.OFFICER]
    await registration_rules.save_rules(db.sessions, sale.id, PaddleRanges(), SolvencyRule("deposit", 300_00),
                                        officer.id)
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    results = {r.kind: r for r in (await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(), officer.id,
                                                        utcnow())).results}
    assert not results["solvency"].passed and "Dépôt de garantie" in results["solvency"].detail
    cash = SolvencyProof("deposit", 1_500_00, "cash", "REC-1")
    outcome = await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(solvency=cash), officer.id, utcnow())
    assert outcome.paddle is None and "D112-3" in {r.kind: r for r in outcome.results}["solvency"].detail
    transfer = SolvencyProof("deposit", 1_500_00, "transfer", "VIR-1")
    assert (await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(solvency=transfer), officer.id,
                                 utcnow())).paddle == 1


async def test_the_same_person_under_two_records_is_a_duplicate(db, sale, users):
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, first)
    assert (await bidder_checks.verify(db.sessions, sale.id, first.id, attestation(), users[Role.CLERK].id,
                                 utcnow())).paddle == 1
    second = await service.register(db.sessions, sale.id, data_of(sale, email="autre@exemple.fr",
                                                                  document_number="ZZ98765"), via="web", now=utcnow())
    await confirm(db, second, "autre@exemple.fr")
    assert first.bidder_id != second.bidder_id
    outcome = await bidder_checks.verify(db.sessions, sale.id, second.id, attestation("ZZ98765"), users[Role.CLERK].id,
                                   utcnow())
    assert outcome.paddle is None
    assert "déjà inscrit à cette vente (panneau 1)" in {r.kind: r for r in outcome.results}["duplicates"].detail
    outcome = await bidder_checks.verify(db.sessions, sale.id, second.id, attestation("X4RTBPFW4"), users[Role.CLERK].id,
                                   utcnow())
    assert "même pièce" in {r.kind: r for r in outcome.results}["duplicates"].detail


async def test_a_new_registration_reusing_a_checked_bidders_document_is_the_one_flagged(db, sale, users):
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, first)
    assert (await bidder_checks.verify(db.sessions, sale.id, first.id, attestation(), users[Role.CLERK].id,
                                 utcnow())).paddle == 1
    second = await service.register(db.sessions, sale.id, data_of(sale, first_name="Paul", last_name="Durand",
                                                                  email="paul@exemple.fr",
                                                                  document_number="X4RTBPFW4"), via="web", now=utcnow())
    checked = await bidder_checks.registration_detail(db.sessions, sale.id, first.id)
    assert {r.kind: r for r in checked.preview}["duplicates"].passed, "the bidder already checked stays clear"
    flagged = {r.kind: r for r in (await bidder_checks.registration_detail(db.sessions, sale.id, second.id)).preview}
    assert not flagged["duplicates"].passed and "(panneau 1)" in flagged["duplicates"].detail
