"""The officer's evidence files on the staff pages: the list from the sale record, each lot's and each
session's PDF and JSON, refused to the clerk, the bidders and the public; each download audited."""
import io
import json
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.evidence_verify import verify_document
from auction.domain.roles import Role
from auction.models import AuditEntry, Lot
from auction.services.demo import held_sale_id, seed_demo


async def _held(db, settings):
    assert await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22), settings.private_dir, held_sale=True)
    sale_id = await held_sale_id(db.sessions)
    async with db.sessions() as session:
        lots = {lot.label: lot.id for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale_id))}
    return sale_id, lots


async def test_the_officer_downloads_a_lots_and_a_sessions_evidence_file(client, db, settings, users, login):
    sale_id, lots = await _held(db, settings)
    await login(client, users[Role.OFFICER])
    record = await client.get(f"/bureau/ventes/{sale_id}/proces-verbal")
    assert f'href="/bureau/ventes/{sale_id}/preuve"' in record.text
    page = await client.get(f"/bureau/ventes/{sale_id}/preuve")
    assert page.status_code == 200
    assert f'id="evidence-lot-{lots["10"]}"' in page.text and f'id="evidence-lot-{lots["2"]}"' not in page.text
    assert f"/preuve/seances/2.json" in page.text
    lot_page = await client.get(f"/bureau/ventes/{sale_id}/lots/{lots['10']}")
    assert f"/preuve/lots/{lots['10']}.pdf" in lot_page.text

    pdf = await client.get(f"/bureau/ventes/{sale_id}/preuve/lots/{lots['10']}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="preuve-VJ-2026-11-lot-10.pdf"' in pdf.headers["content-disposition"]
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Dossier de preuve".upper() in text.upper() and "Lot 10" in text
    as_json = await client.get(f"/bureau/ventes/{sale_id}/preuve/lots/{lots['10']}.json")
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    document = json.loads(as_json.content)
    assert verify_document(document).ok and document["refusals"][0]["code"] == "lot_not_open"
    session = await client.get(f"/bureau/ventes/{sale_id}/preuve/seances/1.json")
    assert session.status_code == 200 and verify_document(json.loads(session.content)).sealed

    async with db.sessions() as s:
        entries = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "evidence_file")
                                   .order_by(AuditEntry.id))).all()
    assert [(e.user_id, e.details["format"], e.details["scope"]) for e in entries] == [
        (users[Role.OFFICER].id, "pdf", "lot"), (users[Role.OFFICER].id, "json", "lot"),
        (users[Role.OFFICER].id, "json", "session")]
    journal = await client.get(f"/bureau/journal?vente={sale_id}")
    assert "Dossier de preuve du lot 10 (PDF)" in journal.text and "Dossier de preuve de la séance n° 1 (JSON)" in journal.text


async def test_a_lot_never_offered_or_of_another_sale(client, db, settings, users, login):
    sale_id, lots = await _held(db, settings)
    await login(client, users[Role.OFFICER])
    never = await client.get(f"/bureau/ventes/{sale_id}/preuve/lots/{lots['2']}.pdf")
    assert never.status_code == 409 and "pas été mis en vente" in never.text
    async with db.sessions() as session:
        other = await session.scalar(select(Lot.id).where(Lot.sale_id != sale_id))
    assert (await client.get(f"/bureau/ventes/{sale_id}/preuve/lots/{other}.json")).status_code == 404
    assert (await client.get(f"/bureau/ventes/{sale_id}/preuve/seances/3.json")).status_code == 409
    assert (await client.get("/bureau/ventes/424242/preuve")).status_code == 404
    async with db.sessions() as session:
        assert await session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence_file")) is None


async def test_the_clerk_the_bidder_and_the_public_are_refused(client, db, settings, users, login):
    sale_id, lots = await _held(db, settings)
    paths = [f"/bureau/ventes/{sale_id}/preuve", f"/bureau/ventes/{sale_id}/preuve/lots/{lots['10']}.pdf",
             f"/bureau/ventes/{sale_id}/preuve/lots/{lots['10']}.json",
             f"/bureau/ventes/{sale_id}/preuve/seances/1.json"]
    for path in paths:
        anonymous = await client.get(path)
        assert anonymous.status_code in (302, 303) and "/connexion" in anonymous.headers["location"]
    for role in (Role.CLERK, Role.BIDDER):
        client.cookies.clear()
        await login(client, users[role])
        for path in paths:
            assert (await client.get(path)).status_code == 403, (role, path)
    # The clerk's record and lot pages do not offer it.
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    assert "/preuve" not in (await client.get(f"/bureau/ventes/{sale_id}/proces-verbal")).text
    assert "/preuve" not in (await client.get(f"/bureau/ventes/{sale_id}/lots/{lots['10']}")).text
    async with db.sessions() as session:
        assert await session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence_file")) is None


async def test_the_demo_contest_about_lot_9_links_its_evidence_file_for_the_officer(client, db, settings, users,
                                                                                     login):
    from auction.models import Contest
    sale_id, lots = await _held(db, settings)
    async with db.sessions() as session:
        contest = next(c for c in await session.scalars(select(Contest).where(Contest.sale_id == sale_id))
                       if [item.lot_id for item in c.lots] == [lots["9"]])
    path = f"/bureau/ventes/{sale_id}/contestations/{contest.id}"
    await login(client, users[Role.OFFICER])
    page = await client.get(path)
    assert page.status_code == 200 and 'id="contest-evidence"' in page.text
    assert f"/bureau/ventes/{sale_id}/preuve/lots/{lots['9']}.json" in page.text
    document = json.loads((await client.get(f"/bureau/ventes/{sale_id}/preuve/lots/{lots['9']}.json")).content)
    assert verify_document(document).ok
    assert [e["kind"] for e in document["events"]].count("hammer") == 2      # the contested one, and after
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    assert "/preuve/" not in (await client.get(path)).text
