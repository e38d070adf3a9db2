"""The claims register over HTTP: a clerk records a contest with its documents (checked by content),
bad input re-rendered in French with nothing written, the steps (closing is the officer's), the
documents downloaded by staff only, the office's delays (entered by the officer), the deadlines board,
and bidders and the public refused everywhere."""
import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from auction.domain.deadlines import paris_day
from auction.domain.roles import Role
from auction.models import (Contest, ContestDelayPeriod, ContestDocument, Lot, PersonalDataAccess, Registration, Sale,
                            utcnow)
from auction.services.demo import seed_demo

from ..conftest import csrf_from

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
async def held(db, tmp_path, users):
    """The demo sale, held 40 days ago."""
    await seed_demo(db.sessions, tmp_path, paris_day(utcnow()) - timedelta(days=60))
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
        lots = list(await session.scalars(select(Lot.id).where(Lot.sale_id == sale.id).order_by(Lot.position)))
    return {"sale_id": sale.id, "lots": lots, "day": paris_day(sale.starts_at)}


def contest_form(held, **overrides):
    data = {"subject": "lots", "lot_ids": [str(held["lots"][0])], "contestant_kind": "bidder",
            "contestant_name": "Paul Girard", "contestant_contact": "3 rue Mercière, 69002 Lyon",
            "received_on": (held["day"] + timedelta(days=2)).isoformat(), "means": "lettre recommandée",
            "grounds": "Mon enchère en ligne n'a pas été prise en compte."}
    data.update(overrides)
    return data


async def record(client, held, files=None, **overrides):
    base = f"/bureau/ventes/{held['sale_id']}/contestations"
    token = await csrf_from(client, base)
    return await client.post(base, data={"csrf_token": token, **contest_form(held, **overrides)}, files=files)


async def test_a_clerk_records_a_contest_with_its_document(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    response = await record(client, held, files=[("documents", ("lettre-girard.pdf", PDF, "application/pdf"))])
    assert response.status_code == 303, text(response)
    page = text(await client.get(response.headers["location"]))
    assert "Contestation enregistrée" in page and "Adjudication du lot 1" in page and "Paul Girard" in page
    assert "lettre-girard.pdf" in page and "délai non configuré" in page
    async with db.sessions() as session:
        contest = await session.scalar(select(Contest))
        document = await session.scalar(select(ContestDocument))
    listing = text(await client.get(f"/bureau/ventes/{held['sale_id']}/contestations"))
    assert f"n° {contest.id}" in listing and "délai non configuré" in listing
    download = await client.get(f"/bureau/ventes/{held['sale_id']}/contestations/{contest.id}/pieces/{document.id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    board = text(await client.get("/bureau/echeances"))
    assert "Contestations" in board and "Paul Girard" in board and "délai non configuré" in board


async def test_a_documents_download_is_written_to_the_personal_data_access_log_first(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    location = (await record(client, held, files=[("documents", ("lettre.pdf", PDF, "application/pdf"))])
                ).headers["location"].split("?")[0]
    async with db.sessions() as session:
        document = await session.scalar(select(ContestDocument))
    assert "Aucune consultation." in text(await client.get(location))
    assert (await client.get(f"{location}/pieces/{document.id}")).content == PDF
    assert (await client.get(f"{location}/pieces/{document.id + 1000}")).status_code == 404
    async with db.sessions() as session:
        [entry] = (await session.scalars(select(PersonalDataAccess))).all()
    assert (entry.action, entry.user_id, entry.contest_id, entry.bidder_id) == (
        "view_contest_document", users[Role.CLERK].id, document.contest_id, None)
    assert entry.detail == f"Pièce {document.id} de la contestation {document.contest_id}, vente {held['sale_id']}"
    assert "Paul Girard" not in entry.detail                       # the log says what was seen, not whose
    page = text(await client.get(location))
    assert "Consultations des pièces" in page and users[Role.CLERK].full_name in page and entry.detail in page
    client.cookies.clear()
    await login(client, users[Role.BIDDER])
    assert (await client.get(f"{location}/pieces/{document.id}")).status_code == 403
    async with db.sessions() as session:
        assert len((await session.scalars(select(PersonalDataAccess))).all()) == 1   # a refusal sees nothing


async def test_bad_input_is_answered_in_french_on_the_form_and_nothing_is_written(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    response = await record(client, held, lot_ids=[], contestant_name="", received_on="2026-13-40",
                            files=[("documents", ("photo.jpg", b"not an image at all", "image/jpeg"))])
    assert response.status_code == 400
    page = text(response)
    for message in ("Choisissez le ou les lots", "Indiquez qui conteste.", "une date entre", "Format refusé",
                    "Rien n'a été enregistré"):
        assert message in page, message
    assert 'value="3 rue Mercière, 69002 Lyon"' in page                 # what was typed is kept
    future = await record(client, held, received_on=(paris_day(utcnow()) + timedelta(days=1)).isoformat(),
                          files=[("documents", ("lettre.pdf", PDF, "application/pdf"))])
    assert future.status_code == 400 and "futur" in text(future)
    async with db.sessions() as session:
        assert await session.scalar(select(Contest.id)) is None
        assert await session.scalar(select(ContestDocument.id)) is None


async def test_the_clerk_sends_evidence_the_officer_closes(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    location = (await record(client, held)).headers["location"].split("?")[0]
    today = paris_day(utcnow()).isoformat()
    token = await csrf_from(client, location)
    sent = await client.post(location + "/etapes", data={"csrf_token": token, "step": "evidence_sent",
                                                         "taken_on": today, "note": "Extrait du journal"})
    assert sent.status_code == 303
    page = text(await client.get(location))
    assert 'value="closed"' not in page and "décisions du commissaire de justice" in page
    refused = await client.post(location + "/etapes", data={"csrf_token": token, "step": "closed", "taken_on": today})
    assert refused.status_code == 400 and "décision du commissaire de justice" in text(refused)
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, location)
    before = await client.post(location + "/etapes", data={"csrf_token": token, "step": "closed",
                                                           "taken_on": held["day"].isoformat()})
    assert before.status_code == 400 and "ne peut pas précéder" in text(before)
    closed = await client.post(location + "/etapes", data={"csrf_token": token, "step": "closed", "taken_on": today})
    assert closed.status_code == 303
    page = text(await client.get(location))
    assert "Close" in page and "Test Commissaire de justice" in page and "Test Clerc" in page
    assert "Ajouter des pièces" not in page and "Enregistrer l'étape" not in page


async def test_the_officer_sets_a_dated_delay_and_the_contest_gets_its_date(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    location = (await record(client, held)).headers["location"].split("?")[0]
    assert "Les délais sont saisis par le commissaire de justice" in text(await client.get("/bureau/etude/delais-contestations"))
    token = await csrf_from(client, "/bureau/etude/delais-contestations")
    delay = {"subject": "lots", "step": "answered", "counted_from": "received", "amount": "15", "unit": "days",
             "effective_from": "2026-01-01", "reference": "Règle de l'étude"}
    clerk_post = await client.post("/bureau/etude/delais-contestations", data={"csrf_token": token, **delay})
    assert clerk_post.status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/etude/delais-contestations")
    bad = await client.post("/bureau/etude/delais-contestations",
                            data={"csrf_token": token, **delay, "counted_from": "answered", "amount": "0"})
    assert bad.status_code == 400 and "Durée" in text(bad)
    bad = await client.post("/bureau/etude/delais-contestations", data={"csrf_token": token, **delay, "counted_from": "answered"})
    assert bad.status_code == 400 and "étape antérieure" in text(bad)
    async with db.sessions() as session:
        assert await session.scalar(select(ContestDelayPeriod.id)) is None
    ok = await client.post("/bureau/etude/delais-contestations", data={"csrf_token": token, **delay})
    assert ok.status_code == 303
    page = text(await client.get("/bureau/etude/delais-contestations"))
    assert "15 jours à compter de l'étape « Reçue »" in page and "Règle de l'étude" in page
    detail = text(await client.get(location))
    assert "15 jours à compter de l'étape « Reçue »" in detail
    board = text(await client.get("/bureau/echeances"))
    assert "Répondre (15 jours" in board


async def test_bidders_and_the_public_are_refused(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    location = (await record(client, held, files=[("documents", ("l.pdf", PDF, "application/pdf"))])
                ).headers["location"].split("?")[0]
    async with db.sessions() as session:
        document = await session.scalar(select(ContestDocument))
    pages = [f"/bureau/ventes/{held['sale_id']}/contestations", location, f"{location}/pieces/{document.id}",
             "/bureau/etude/delais-contestations"]
    client.cookies.clear()
    for path in pages:
        assert (await client.get(path)).status_code == 303                 # to the login page
    await login(client, users[Role.BIDDER])
    token = await csrf_from(client, "/")
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 403 and "Accès refusé" in text(response)
        assert "Girard" not in response.text
    for path in (pages[0], location + "/etapes", location + "/pieces", pages[3]):
        assert (await client.post(path, data={"csrf_token": token})).status_code == 403


async def test_a_contest_names_the_bidders_paddle_or_is_refused_in_french(client, db, held, users, login):
    await login(client, users[Role.CLERK])
    for paddle, message in (("douze", "Panneau : un nombre entier"),
                            ("777", "Aucun enchérisseur de cette vente n'a le panneau n° 777")):
        response = await record(client, held, paddle=paddle)
        assert response.status_code == 400 and message in text(response)
        assert f'value="{paddle}"' in response.text               # what was typed is kept
    async with db.sessions() as session:
        assert (await session.scalars(select(Contest))).all() == []
    response = await record(client, held, paddle="501")           # the demo's online bidder
    assert response.status_code == 303, text(response)
    assert "panneau n° 501" in text(await client.get(response.headers["location"]))
    async with db.sessions() as session:
        contest = await session.scalar(select(Contest))
        bidder_id = await session.scalar(select(Registration.bidder_id).where(
            Registration.sale_id == held["sale_id"], Registration.paddle_number == 501))
    assert contest.bidder_id == bidder_id is not None
