"""Inventory acts over HTTP: drafting, CSV/XLSX import with preview, signing, immutability, PDF."""
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import Case, InventoryAct, InventoryItem, Office
from auction.services.demo import DEMO_OFFICE

from ..conftest import csrf_from

CSV = ("Désignation;Quantité;État;Estimation;Catégorie\n"
       "Scie à format Altendorf;1;bon état;4 000;Machines\n"
       "Lot de serre-joints;40;usagés;150;Outillage\n").encode()


@pytest.fixture
async def case_id(db, users):
    async with db.sessions() as session, session.begin():
        session.add(Office(**DEMO_OFFICE.__dict__, officer_id=users[Role.OFFICER].id))
        case = Case(reference="SV-TEST-1", debtor_name="SARL Atelier", debtor_address="4 chemin des Tanneurs",
                    debtor_postcode="69100", debtor_city="Villeurbanne", title_nature="Jugement",
                    title_court="Tribunal de commerce de Lyon", title_date=date(2026, 1, 15),
                    seizure_date=date(2026, 9, 1))
        session.add(case)
    return case.id


async def new_act(client, case_id) -> str:
    token = await csrf_from(client, f"/bureau/dossiers/{case_id}")
    response = await client.post(f"/bureau/dossiers/{case_id}/actes", data={"csrf_token": token})
    assert response.status_code == 303
    return response.headers["location"]


async def fill_header(client, act_path):
    token = await csrf_from(client, act_path)
    page = await client.get(act_path)
    custody = re.search(r'name="custody_notice" rows="3">([^<]*)<', page.text)
    amicable = re.search(r'name="amicable_sale_notice" rows="3">([^<]*)<', page.text)
    custody = custody.group(1) if custody else ""
    amicable = amicable.group(1) if amicable else ""
    response = await client.post(act_path, data={
        "csrf_token": token, "act_date": "2026-09-01", "place": "4 chemin des Tanneurs, 69100 Villeurbanne",
        "present_persons": "M. Paul Marchand, gérant\nMe Claire Lefèvre", "prior_seizures_statement": "Aucune.",
        "enforcement_court": "juge de l'exécution du tribunal judiciaire de Lyon",
        "custody_notice": custody.replace("&#39;", "'"), "amicable_sale_notice": amicable.replace("&#39;", "'")})
    assert response.status_code == 303


async def import_file(client, act_path, content, filename="inventaire.csv"):
    token = await csrf_from(client, act_path)
    return await client.post(f"{act_path}/import", data={"csrf_token": token},
                             files={"file": (filename, content, "application/octet-stream")})


async def test_clerk_imports_a_csv_after_a_preview(client, db, users, login, case_id):
    await login(client, users[Role.CLERK])
    act_path = await new_act(client, case_id)
    preview = await import_file(client, act_path, CSV)
    assert preview.status_code == 200
    assert "Scie à format Altendorf" in preview.text and "Importer 2 biens" in preview.text
    async with db.sessions() as session:
        assert (await session.scalars(select(InventoryItem))).all() == []   # nothing before confirming
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', preview.text).group(1)
    confirmed = await client.post(f"{act_path}/import/confirmer", data={"csrf_token": csrf, "token": token})
    assert confirmed.status_code == 303
    async with db.sessions() as session:
        items = (await session.scalars(select(InventoryItem).order_by(InventoryItem.position))).all()
    assert [(i.position, i.description, i.quantity, i.estimate_cents) for i in items] == [
        (1, "Scie à format Altendorf", 1, 400000), (2, "Lot de serre-joints", 40, 15000)]
    again = await client.post(f"{act_path}/import/confirmer", data={"csrf_token": csrf, "token": token})
    assert again.status_code == 400 and "Import expiré" in again.text   # a confirmation is used once


async def test_a_faulty_row_blocks_the_whole_import(client, db, users, login, case_id):
    await login(client, users[Role.CLERK])
    act_path = await new_act(client, case_id)
    bad = CSV + "Chaise;deux;;abc\n".encode()
    preview = await import_file(client, act_path, bad)
    assert preview.status_code == 400
    assert "Ligne 4 : " in preview.text and "quantité « deux » invalide" in preview.text
    assert "rien n'a été importé" in preview.text
    assert 'name="token"' not in preview.text
    async with db.sessions() as session:
        assert (await session.scalars(select(InventoryItem))).all() == []


async def test_xlsx_import_and_content_check(client, db, users, login, case_id):
    await login(client, users[Role.CLERK])
    act_path = await new_act(client, case_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Désignation", "Quantité", "État", "Estimation"])
    sheet.append(["Fourgon Renault Master", 1, "142 000 km", 9000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = await import_file(client, act_path, buffer.getvalue(), "inventaire.xlsx")
    assert preview.status_code == 200 and "Fourgon Renault Master" in preview.text
    disguised = await import_file(client, act_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "inventaire.csv")
    assert disguised.status_code == 400 and "CSV ou XLSX" in disguised.text


async def test_signing_needs_the_mentions_then_freezes_the_act(client, db, users, login, case_id):
    await login(client, users[Role.OFFICER])
    act_path = await new_act(client, case_id)
    token = await csrf_from(client, act_path)
    refused = await client.post(f"{act_path}/signer", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "mentions obligatoires manquantes" in refused.text and "inventaire détaillé" in refused.text
    await import_file(client, act_path, CSV)
    preview = await import_file(client, act_path, CSV)
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    await client.post(f"{act_path}/import/confirmer", data={"csrf_token": await csrf_from(client, act_path), "token": token})
    await fill_header(client, act_path)
    signed = await client.post(f"{act_path}/signer", data={"csrf_token": await csrf_from(client, act_path)})
    assert signed.status_code == 303
    async with db.sessions() as session:
        act = await session.scalar(select(InventoryAct))
    assert act.signed_at is not None and len(act.digest) == 64

    # every edit is now refused over HTTP, and nothing changes
    csrf = await csrf_from(client, act_path)
    for path, data in [(act_path, {"place": "ailleurs"}), (f"{act_path}/biens", {"description": "ajout", "condition": "x"}),
                       (f"{act_path}/signer", {})]:
        response = await client.post(path, data={"csrf_token": csrf, **data})
        assert response.status_code == 409, path
        assert "ne peut plus être modifié" in response.text or "déjà signé" in response.text
    assert (await import_file(client, act_path, CSV)).status_code == 409
    async with db.sessions() as session:
        again = await session.scalar(select(InventoryAct))
        assert again.place != "ailleurs" and again.digest == act.digest
        assert len((await session.scalars(select(InventoryItem))).all()) == 2

    # the PDF carries the items and the digest
    pdf = await client.get(f"{act_path}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Scie à format Altendorf" in text and "Lot de serre-joints" in text
    assert act.digest in text.replace("\n", "").replace(" ", "")
    assert "SV-TEST-1" in text and "INDISPONIBLES" in text


async def test_clerk_cannot_sign(client, users, login, case_id):
    await login(client, users[Role.CLERK])
    act_path = await new_act(client, case_id)
    response = await client.post(f"{act_path}/signer", data={"csrf_token": await csrf_from(client, act_path)})
    assert response.status_code == 403


async def test_verification_act_links_to_the_signed_act(client, db, users, login, case_id):
    await login(client, users[Role.OFFICER])
    act_path = await new_act(client, case_id)
    token = await csrf_from(client, act_path)
    await client.post(f"{act_path}/suite", data={"csrf_token": token, "kind": "verification"})
    async with db.sessions() as session:
        assert len((await session.scalars(select(InventoryAct))).all()) == 1   # refused: not signed yet
    preview = await import_file(client, act_path, CSV)
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    await client.post(f"{act_path}/import/confirmer", data={"csrf_token": await csrf_from(client, act_path), "token": token})
    await fill_header(client, act_path)
    await client.post(f"{act_path}/signer", data={"csrf_token": await csrf_from(client, act_path)})
    created = await client.post(f"{act_path}/suite", data={"csrf_token": await csrf_from(client, act_path),
                                                            "kind": "verification"})
    assert created.status_code == 303
    verification_path = created.headers["location"]
    added = await client.post(f"{verification_path}/biens", data={
        "csrf_token": await csrf_from(client, verification_path), "description": "Serre-joints",
        "quantity": "5", "condition": "introuvables", "refers_to_position": "2", "finding": "missing"})
    assert added.status_code == 303
    await fill_header(client, verification_path)
    signed = await client.post(f"{verification_path}/signer", data={"csrf_token": await csrf_from(client, verification_path)})
    assert signed.status_code == 303
    pdf = await client.get(f"{verification_path}/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "manquant" in text and "R221-36" in text
