"""The bidder's own data: everything held about them (their contests and who downloaded their
documents included), and nobody else's."""
import base64
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from auction.domain.contests import Contestant, Subject
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import Contest, Lot, PersonalDataAccess, User, utcnow
from auction.services import contests, id_scans, personal_data
from auction.services import registration as service
from auction.services.contest_documents import store_document

from .test_registration import data_of, png_bytes, sale  # noqa: F401 - fixture

AFTER_SALE = datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)     # the demo sale was on 12/12/2026
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


async def test_the_contests_recorded_as_the_bidders_and_their_downloads_are_in_their_export(db, sale_id, tmp_path):
    private = tmp_path / "private"
    async with db.sessions() as session:
        bidder_user = await session.scalar(select(User).where(User.email == "encherisseur@exemple.fr"))  # paddle 501
        clerk = await session.scalar(select(User).where(User.role == "clerk"))
        lot_id = await session.scalar(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position))
    letter = await store_document(PDF, private)
    theirs = await contests.record_contest(db.sessions, sale_id, contests.NewContest(
        Subject.LOTS, Contestant.BIDDER, "Sophie Durand", "sophie@exemple.fr", date(2026, 12, 14), "courriel",
        "Mon enchère en ligne n'a pas été prise.", (lot_id,), paddle=501),
        [contests.NewDocument("lettre.pdf", letter)], user_id=clerk.id, now=AFTER_SALE)
    # The debtor's contest, with a document downloaded too, is not the bidder's.
    other = await contests.record_contest(db.sessions, sale_id, contests.NewContest(
        Subject.SALE, Contestant.DEBTOR, "M. Blanc", "", date(2026, 12, 14), "lettre", "La vente est nulle."),
        [contests.NewDocument("blanc.pdf", await store_document(PDF, private))], user_id=clerk.id, now=AFTER_SALE)
    downloaded = []
    for contest in (theirs, other):
        (document,) = (await contests.contest_view(db.sessions, sale_id, contest.id)).contest.documents
        await contests.document_for_staff(db.sessions, sale_id, contest.id, document.id, user_id=clerk.id,
                                          now=AFTER_SALE)
        downloaded.append(document.id)
    assert (await contests.contest_view(db.sessions, sale_id, theirs.id)).paddle == 501
    export = await personal_data.bidder_export(db.sessions, bidder_user.id, private, utcnow())
    (contest,) = export["contests"]
    assert (contest["subject"], contest["lots"], contest["grounds"]) == ("lots", ["1"],
                                                                         "Mon enchère en ligne n'a pas été prise.")
    assert [s["step"] for s in contest["steps"]] == ["received"] and contest["received_on"] == "2026-12-14"
    (document,) = contest["documents"]
    assert (document["title"], document["sha256"]) == ("lettre.pdf", letter.sha256)
    assert base64.b64decode(document["base64"]) == PDF
    downloads = [a for a in export["access_log"] if a["action"] == "view_contest_document"]
    assert [a["detail"] for a in downloads] == [f"Pièce {downloaded[0]} de la contestation {theirs.id}, vente {sale_id}"]
    assert "M. Blanc" not in str(export) and "blanc.pdf" not in str(export)


async def test_a_paddle_names_a_bidder_of_the_sale_or_is_refused(db, sale_id):
    async with db.sessions() as session:
        clerk = await session.scalar(select(User).where(User.role == "clerk"))
    for kind, paddle, message in ((Contestant.BIDDER, 777, "Aucun enchérisseur de cette vente n'a le panneau n° 777"),
                                  (Contestant.DEBTOR, 501, "Seul un enchérisseur ou un adjudicataire a un panneau")):
        with pytest.raises(InvalidValue, match=message) as refused:
            await contests.record_contest(db.sessions, sale_id, contests.NewContest(
                Subject.SALE, kind, "X", "", date(2026, 12, 14), "lettre", "Motif.", paddle=paddle), [],
                user_id=clerk.id, now=AFTER_SALE)
        assert refused.value.field == "paddle"
    async with db.sessions() as session:
        assert (await session.scalars(select(Contest))).all() == []
