"""Registration services on both databases: one transaction per registration, checks recorded with who
and when, paddles allocated per sale and channel. The fixtures and helpers here serve the tests of the
other registration services too (test_bidder_checks, test_cards, test_id_scans, test_barred_persons…)."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from auction.domain.errors import InvalidValue
from auction.domain.identity import IdentityDocument
from auction.domain.registration import Attestation, clean_registration
from auction.domain.solvency import SolvencyProof
from auction.domain.roles import Role
from auction.models import BarredPerson, BidRequest, Bidder, Case, Lot, Registration, Sale, utcnow
from auction.services import id_scans
from auction.services import bidder_checks
from auction.services import registration as service

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
    outcome = await bidder_checks.verify(db.sessions, sale.id, pending.id, attestation(
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
    await bidder_checks.verify(db.sessions, sale.id, kept.id, attestation(), users[Role.CLERK].id, utcnow())
    with pytest.raises(service.AlreadyVerified, match="panneau 1"):
        await service.cancel_registration(db.sessions, private, sale.id, kept.id)
