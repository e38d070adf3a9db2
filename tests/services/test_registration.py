"""Registration services on both databases: one transaction per registration, checks recorded with who
and when, paddles allocated per sale and channel. The fixtures and helpers here serve the tests of the
other registration services too (test_cards, test_id_scans, test_barred_persons…)."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from auction.domain.bidder_checks import EmailNotConfirmed
from auction.domain.errors import InvalidValue
from auction.domain.identity import IdentityDocument
from auction.domain.registration import Attestation, clean_registration
from auction.domain.registration_rules import PaddleRanges
from auction.domain.solvency import SolvencyProof, SolvencyRule
from auction.domain.roles import Role
from auction.models import BarredPerson, BidRequest, Bidder, Case, Lot, Registration, RegistrationCheck, Sale, utcnow
from auction.services import id_scans, registration_rules
from auction.services import registration as service
from auction.services.room import load_paddles

from ..domain.test_registration import form

SECRET = b"test-secret-" + b"x" * 40


def png_bytes(size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
async def sale(db) -> Sale:
    """An announced sale in three weeks, with lots 1 and 2 on offer and lot 3 withdrawn."""
    async with db.sessions() as session, session.begin():
        case = Case(reference="SV-R", debtor_name="M. Débiteur", debtor_address="1 rue", debtor_postcode="69001",
                    debtor_city="Lyon", title_nature="Jugement", title_court="TJ Lyon", title_date=date(2026, 1, 1),
                    seizure_date=date(2026, 9, 1))
        sale = Sale(reference="VR-1", title="Vente de test", starts_at=utcnow() + timedelta(days=21),
                    place_kind="room", place_name="Salle", address="1 quai", postcode="69009", city="Lyon",
                    status="announced")
        session.add_all([case, sale])
        await session.flush()
        for number, status in ((1, "listed"), (2, "listed"), (3, "withdrawn")):
            session.add(Lot(sale_id=sale.id, case_id=case.id, number=number, position=number, title=f"Lot {number}",
                            estimate_low_cents=200_00, estimate_high_cents=400_00, opening_bid_cents=100_00,
                            status=status))
    return sale


def data_of(sale, **changes):
    data, errors = clean_registration(form(**changes), service.sale_day(sale))
    assert errors == {}, errors
    return data


def attestation(number="X4RTBPFW4", seen=True, first="Léa", last="MARTIN-DUPRÉ", solvency=None, expires=date(2031, 5, 1)):
    return Attestation(IdentityDocument("id_card", number, expires, "FR"), seen, first, last, solvency)


async def confirm(db, registration, email="lea.martin@exemple.fr") -> None:
    """The registrant follows the link of the confirmation e-mail."""
    link = service.confirmation_link(SECRET, "https://criee.test", registration, email, utcnow())
    await service.confirm_email(db.sessions, SECRET, link.rsplit("/", 1)[1], utcnow())


async def count(db, model) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_an_online_registration_keeps_its_requests_to_the_microsecond(db, sale):
    now = datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=timezone.utc)
    data = data_of(sale, request_lot_1="1", request_max_1="350", request_lot_2="2", request_kind_2="phone",
                   channel="online")
    registration = await service.register(db.sessions, sale.id, data, via="web", now=now)
    async with db.sessions() as session:
        stored = await session.get(Registration, registration.id)
        requests = (await session.scalars(select(BidRequest).order_by(BidRequest.id))).all()
    assert stored.registered_via == "web" and stored.channel == "online" and stored.paddle_number is None
    assert stored.conditions_accepted_at == now and stored.document_number == "X4RTBPFW4"
    assert stored.bidder.search_name == "martin dupre lea" and stored.bidder.email_confirmed_at is None
    assert [(r.kind, r.max_amount_cents, r.phone) for r in requests] == [("absentee", 350_00, ""),
                                                                        ("phone", None, "06 12 34 56 78")]
    assert all(r.received_at == now for r in requests), "equal maximums are decided by the time of receipt"


async def test_a_refused_request_leaves_no_half_created_bidder(db, sale):
    for changes, message in (({"request_lot_1": "3", "request_max_1": "500"}, "retiré"),
                             ({"request_lot_1": "9", "request_max_1": "500"}, "n'existe pas"),
                             ({"request_lot_1": "1", "request_max_1": "50"}, "mise à prix")):
        with pytest.raises(InvalidValue, match=message):
            await service.register(db.sessions, sale.id, data_of(sale, **changes), via="web", now=utcnow())
    assert (await count(db, Bidder), await count(db, Registration), await count(db, BidRequest)) == (0, 0, 0)


async def test_registration_needs_an_open_sale(db, sale):
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale.id)).status = "closed"
    with pytest.raises(service.RegistrationRefused, match="closes"):
        await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale.id)).status = "draft"
    with pytest.raises(service.NotFound):
        await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    assert await count(db, Bidder) == 0


async def test_a_returning_bidder_is_found_by_name_and_updated_not_duplicated(db, sale):
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    found = await service.find_bidders(db.sessions, "dupre LÉA", SECRET)
    assert [b.id for b in found] == [first.bidder_id]
    assert await service.find_bidders(db.sessions, "durand", SECRET) == []
    with pytest.raises(service.RegistrationRefused, match="déjà inscrit"):
        await service.register(db.sessions, sale.id, data_of(sale, city="Villeurbanne", postcode="69100"),
                               via="desk", now=utcnow(), bidder_id=first.bidder_id)
    async with db.sessions() as session:
        assert (await session.get(Bidder, first.bidder_id)).city == "Lyon"   # rolled back with the refusal


async def test_all_checks_passed_give_the_next_paddle_of_the_channel(db, sale, users):
    clerk = users[Role.CLERK]
    room_reg = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    online_reg = await service.register(
        db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin", birth_date="1971-11-02",
                                      document_number="18CV42817", channel="online"), via="web", now=utcnow())
    await confirm(db, online_reg)
    now = utcnow()
    outcome = await service.verify(db.sessions, sale.id, room_reg.id, attestation(), clerk.id, now)
    assert outcome.passed and outcome.paddle == 1
    outcome = await service.verify(db.sessions, sale.id, online_reg.id,
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
        await service.verify(db.sessions, sale.id, room_reg.id, attestation(), clerk.id, now)


async def test_failed_checks_are_recorded_and_give_no_paddle(db, sale, users):
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, reg)
    outcome = await service.verify(db.sessions, sale.id, reg.id, attestation(seen=False, last="DURAND"),
                                   users[Role.CLERK].id, utcnow())
    assert outcome.paddle is None
    failed = {r.kind for r in outcome.results if not r.passed}
    assert failed == {"identity", "names"}
    async with db.sessions() as session:
        assert (await session.get(Registration, reg.id)).paddle_number is None
        recorded = (await session.scalars(select(RegistrationCheck).where(RegistrationCheck.passed.is_(False)))).all()
    assert {c.kind for c in recorded} == {"identity", "names"}
    outcome = await service.verify(db.sessions, sale.id, reg.id, attestation(), users[Role.CLERK].id, utcnow())
    assert outcome.paddle == 1
    assert await count(db, RegistrationCheck) == 12


async def test_an_online_registration_is_verified_only_once_its_email_is_confirmed(db, sale, users):
    clerk = users[Role.CLERK]
    online = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    with pytest.raises(EmailNotConfirmed, match="pas encore confirmé"):
        await service.verify(db.sessions, sale.id, online.id, attestation(), clerk.id, utcnow())
    async with db.sessions() as session:                 # nothing half-changed: not even the clerk's reading
        stored = await session.get(Registration, online.id)
        assert (stored.paddle_number, stored.verified_at, stored.document_seen, stored.document_last_name) == \
            (None, None, False, "")
    assert await count(db, RegistrationCheck) == 0
    await confirm(db, online)
    assert (await service.verify(db.sessions, sale.id, online.id, attestation(), clerk.id, utcnow())).paddle == 1

    # At the desk, the clerk has the bidder in front of them: no e-mail confirmation is asked.
    desk = await service.register(db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin",
                                                                birth_date="1971-11-02", document_number="18CV42817",
                                                                email="marc@exemple.fr"), via="desk", now=utcnow())
    outcome = await service.verify(db.sessions, sale.id, desk.id, attestation("18CV42817", first="Marc", last="BERTIN"),
                                   clerk.id, utcnow())
    assert outcome.paddle == 2
    async with db.sessions() as session:
        assert (await session.get(Bidder, desk.bidder_id)).email_confirmed_at is None


async def test_solvency_as_the_sale_requires_and_cash_ceiling(db, sale, users):
    officer = users[Role.OFFICER]
    await registration_rules.save_rules(db.sessions, sale.id, PaddleRanges(), SolvencyRule("deposit", 300_00),
                                        officer.id)
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    results = {r.kind: r for r in (await service.verify(db.sessions, sale.id, reg.id, attestation(), officer.id,
                                                        utcnow())).results}
    assert not results["solvency"].passed and "Dépôt de garantie" in results["solvency"].detail
    cash = SolvencyProof("deposit", 1_500_00, "cash", "REC-1")
    outcome = await service.verify(db.sessions, sale.id, reg.id, attestation(solvency=cash), officer.id, utcnow())
    assert outcome.paddle is None and "D112-3" in {r.kind: r for r in outcome.results}["solvency"].detail
    transfer = SolvencyProof("deposit", 1_500_00, "transfer", "VIR-1")
    assert (await service.verify(db.sessions, sale.id, reg.id, attestation(solvency=transfer), officer.id,
                                 utcnow())).paddle == 1


async def test_the_same_person_under_two_records_is_a_duplicate(db, sale, users):
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, first)
    assert (await service.verify(db.sessions, sale.id, first.id, attestation(), users[Role.CLERK].id,
                                 utcnow())).paddle == 1
    second = await service.register(db.sessions, sale.id, data_of(sale, email="autre@exemple.fr",
                                                                  document_number="ZZ98765"), via="web", now=utcnow())
    await confirm(db, second, "autre@exemple.fr")
    assert first.bidder_id != second.bidder_id
    outcome = await service.verify(db.sessions, sale.id, second.id, attestation("ZZ98765"), users[Role.CLERK].id,
                                   utcnow())
    assert outcome.paddle is None
    assert "déjà inscrit à cette vente (panneau 1)" in {r.kind: r for r in outcome.results}["duplicates"].detail
    outcome = await service.verify(db.sessions, sale.id, second.id, attestation("X4RTBPFW4"), users[Role.CLERK].id,
                                   utcnow())
    assert "même pièce" in {r.kind: r for r in outcome.results}["duplicates"].detail


async def test_a_new_registration_reusing_a_checked_bidders_document_is_the_one_flagged(db, sale, users):
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, first)
    assert (await service.verify(db.sessions, sale.id, first.id, attestation(), users[Role.CLERK].id,
                                 utcnow())).paddle == 1
    second = await service.register(db.sessions, sale.id, data_of(sale, first_name="Paul", last_name="Durand",
                                                                  email="paul@exemple.fr",
                                                                  document_number="X4RTBPFW4"), via="web", now=utcnow())
    checked = await service.registration_detail(db.sessions, sale.id, first.id)
    assert {r.kind: r for r in checked.preview}["duplicates"].passed, "the bidder already checked stays clear"
    flagged = {r.kind: r for r in (await service.registration_detail(db.sessions, sale.id, second.id)).preview}
    assert not flagged["duplicates"].passed and "(panneau 1)" in flagged["duplicates"].detail


async def test_the_demo_has_checked_bidders_and_one_waiting_for_the_clerk(db, tmp_path):
    from auction.services.demo import seed_demo
    await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22), tmp_path / "private")
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
        pending = await session.scalar(select(Registration).where(Registration.paddle_number.is_(None)))
        clerk = await session.scalar(select(Registration.verified_by_id).where(Registration.paddle_number == 1))
        barred = await session.scalar(select(func.count()).select_from(BarredPerson))
    rows = await service.sale_registrations(db.sessions, sale.id)
    assert [row.registration.paddle_number for row in rows] == [None, 1, 2, 3, 501]
    assert all(row.last_checks_failed == 0 for row in rows) and barred == 1
    assert (tmp_path / "private" / pending.scan_path).exists()
    outcome = await service.verify(db.sessions, sale.id, pending.id, attestation(
        "19AB12345", first="Camille", last="ROUX", expires=date(2031, 1, 1),
        solvency=SolvencyProof("deposit", 300_00, "transfer", "VIR-2026-0420")), clerk, utcnow())
    assert outcome.paddle == 502, outcome.results


async def test_a_registration_without_paddle_can_be_withdrawn_with_its_scan(db, sale, users, tmp_path):
    private = tmp_path / "private"
    scan = await id_scans.store_scan(png_bytes(), private)
    reg = await service.register(db.sessions, sale.id, data_of(sale, request_lot_1="1", request_max_1="200"),
                                 via="web", now=utcnow(), scan=scan)
    await service.cancel_registration(db.sessions, private, sale.id, reg.id)
    assert (await count(db, Registration), await count(db, BidRequest)) == (0, 0)
    assert not (private / scan.path).exists()
    kept = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    await service.verify(db.sessions, sale.id, kept.id, attestation(), users[Role.CLERK].id, utcnow())
    with pytest.raises(service.AlreadyVerified, match="panneau 1"):
        await service.cancel_registration(db.sessions, private, sale.id, kept.id)
