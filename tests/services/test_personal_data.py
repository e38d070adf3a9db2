"""The bidder's own data: everything held about them, and nobody else's."""
import pytest
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import PersonalDataAccess, utcnow
from auction.services import id_scans, personal_data
from auction.services import registration as service

from .test_registration import data_of, png_bytes, sale  # noqa: F401 - fixture


async def test_a_bidder_downloads_their_own_data(db, sale, users, tmp_path):
    bidder_user = users[Role.BIDDER]
    private = tmp_path / "private"
    scan = await id_scans.store_scan(png_bytes(), private)
    await service.register(db.sessions, sale.id, data_of(sale, request_lot_1="1", request_max_1="250"), via="web",
                           now=utcnow(), scan=scan, user_id=bidder_user.id)
    await service.register(db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin",
                                                         email="marc@exemple.fr", document_number="18CV42817"),
                           via="web", now=utcnow())
    export = await personal_data.bidder_export(db.sessions, bidder_user.id, private, utcnow())
    assert export["bidder"]["first_name"] == "Léa" and len(export["registrations"]) == 1
    registration = export["registrations"][0]
    assert registration["identity_document"]["number"] == "X4RTBPFW4"
    assert registration["identity_document"]["scan"]["base64"]
    assert registration["bid_requests"][0]["max_amount_cents"] == 250_00
    assert "Marc" not in str(export) and "marc@exemple.fr" not in str(export)
    async with db.sessions() as session:
        assert (await session.scalars(select(PersonalDataAccess.action))).all() == ["export"]
    with pytest.raises(service.NotFound):
        await personal_data.bidder_export(db.sessions, users[Role.CLERK].id, private, utcnow())
