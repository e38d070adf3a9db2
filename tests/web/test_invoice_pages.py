"""A sale's bordereaux for the staff over HTTP: issue them, view one with what is paid, its PDF
(Factur-X for a company), a credit note (refusals in French, a double post issues one), the export zip."""
import html
import io
import re
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Bidder, Registration, Sale, utcnow
from auction.services import invoices
from auction.services.demo import seed_demo
from tests.services.held_sale import sell

from ..conftest import csrf_from


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
async def held(db, tmp_path, users):
    await seed_demo(db.sessions, tmp_path, date(2026, 11, 22))
    async with db.sessions() as session, session.begin():
        sale_id = await session.scalar(select(Sale.id))
        reg = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                               Registration.paddle_number == 2))
        bidder = await session.get(Bidder, reg.bidder_id)
        bidder.buyer_type, bidder.company_name, bidder.company_number = "company", "Bois & Fils SARL", "732829320"
    await sell(db.sessions, sale_id, Actor(users[Role.CLERK].id, Role.CLERK), [(0, 1), (1, 1), (2, 2)])
    return sale_id


async def test_the_clerk_issues_the_bordereaux_then_views_one_and_its_pdf(client, login, users, held, db):
    await login(client, users[Role.CLERK])
    base = f"/bureau/ventes/{held}/factures"
    page = await client.get(base)
    assert page.status_code == 200 and "3 lots adjugés sans bordereau, pour 2 adjudicataires" in text(page)
    issued = await client.post(base, data={"csrf_token": await csrf_from(client, base)})
    assert issued.status_code == 303 and issued.headers["location"].endswith("?ok=emises")
    again = await client.post(base, data={"csrf_token": await csrf_from(client, base)})
    assert again.headers["location"].endswith("?ok=aucune")
    page = await client.get(base)
    assert "2026-000001" in page.text and "Bois &amp; Fils SARL" in page.text and "Factur-X" in page.text
    [mine, company] = await invoices.sale_invoices(db.sessions, held)
    view = await client.get(f"{base}/{mine.number}")
    assert view.status_code == 200 and "Facture n° 2026-000001" in text(view) and "Émettre un avoir" in text(view)
    pdf = await client.get(f"{base}/{mine.number}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="facture-2026-000001.pdf"' in pdf.headers["content-disposition"]
    assert "factur-x.xml" not in PdfReader(io.BytesIO(pdf.content)).attachments
    einvoice = await client.get(f"{base}/{company.number}/pdf")
    assert "factur-x.xml" in PdfReader(io.BytesIO(einvoice.content)).attachments
    for missing in (f"{base}/99", f"{base}/abc", f"{base}/99/pdf", f"/bureau/ventes/999999/factures",
                    f"{base}/{mine.number}/avoirs/9/pdf"):
        assert (await client.get(missing)).status_code == 404, missing


async def test_a_credit_note_from_the_invoice_page(client, login, users, held, db):
    await login(client, users[Role.OFFICER])
    [mine, _] = await invoices.issue_invoices(db.sessions, held, user_id=users[Role.CLERK].id,
                                              now=utcnow())
    path = f"/bureau/ventes/{held}/factures/{mine.number}"
    page = await client.get(path)
    command_id = re.search(r'name="command_id" value="([^"]+)"', page.text).group(1)
    lot_id = mine.lines[1].lot_id
    no_reason = await client.post(f"{path}/avoir", data={"csrf_token": await csrf_from(client, path),
                                                         "command_id": command_id, "lot_ids": str(lot_id)})
    assert no_reason.status_code == 400 and "Indiquez le motif de l'avoir" in text(no_reason)
    assert f'value="{lot_id}" checked' in no_reason.text
    no_line = await client.post(f"{path}/avoir", data={"csrf_token": await csrf_from(client, path),
                                                       "command_id": command_id, "reason": "Erreur"})
    assert no_line.status_code == 400 and "Choisissez au moins une ligne" in text(no_line)
    form = {"csrf_token": await csrf_from(client, path), "command_id": command_id, "lot_ids": str(lot_id),
            "reason": "Lot manquant à l'enlèvement"}
    done = await client.post(f"{path}/avoir", data=form)
    assert done.status_code == 303 and "?ok=avoir#avoir-3" in done.headers["location"]
    twice = await client.post(f"{path}/avoir", data=form)
    assert "?ok=deja" in twice.headers["location"]
    page = await client.get(path)
    assert "Avoir n° 2026-000003" in text(page) and "Lot manquant" in text(page)
    [after, _] = await invoices.sale_invoices(db.sessions, held)
    assert len(after.credit_notes) == 1 and after.amount_due_cents == mine.totals["total_cents"] - mine.lines[1].total_cents
    note_pdf = await client.get(f"{path}/avoirs/3/pdf")
    assert note_pdf.status_code == 200 and "Lot manquant" in PdfReader(io.BytesIO(note_pdf.content)).pages[0].extract_text()
    # The list: the credit note is a row of its own, in number order (one series, no gap shown).
    listing = await client.get(f"/bureau/ventes/{held}/factures")
    numbers = re.findall(r'<td class="doc-number"><a href="[^"]+">(2026-\d{6})</a>', listing.text)
    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert f"Avoir sur la facture {mine.label}" in text(listing)


async def test_the_export_zip_holds_every_document_and_the_csv(client, login, users, held, db):
    await invoices.issue_invoices(db.sessions, held, user_id=users[Role.CLERK].id, now=utcnow())
    await login(client, users[Role.CLERK])
    response = await client.get(f"/bureau/ventes/{held}/factures/export.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["facture-2026-000001.pdf", "facture-2026-000002.pdf", "invoices.csv"]
    assert archive.read("invoices.csv").decode().splitlines()[0].startswith("number,kind,paddle,buyer,siren")


async def test_bidders_and_the_public_get_no_invoice_page(client, login, users, held):
    assert (await client.get(f"/bureau/ventes/{held}/factures")).status_code in (302, 303, 401)
    await login(client, users[Role.BIDDER])
    assert (await client.get(f"/bureau/ventes/{held}/factures")).status_code == 403


async def test_the_buyer_sees_the_bordereau_and_its_balance_in_mon_espace(client, login, users, held, db):
    async with db.sessions() as session, session.begin():
        reg = await session.scalar(select(Registration).where(Registration.sale_id == held,
                                                               Registration.paddle_number == 1))
        (await session.get(Bidder, reg.bidder_id)).user_id = users[Role.BIDDER].id
    [mine, company] = await invoices.issue_invoices(db.sessions, held, user_id=users[Role.CLERK].id, now=utcnow())
    await login(client, users[Role.BIDDER])
    space = await client.get("/mon-espace")
    assert space.status_code == 200
    assert f"Bordereau n° {mine.label}" in text(space) and "Reste à régler" in text(space)
    assert company.label not in text(space)
    own = await client.get(f"/mon-espace/bordereaux/{held}/{mine.number}")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    assert (await client.get(f"/mon-espace/bordereaux/{held}/{company.number}")).status_code == 404
    assert (await client.get(f"/mon-espace/bordereaux/{held}/99")).status_code == 404


async def test_the_staff_e_mail_the_bordereau_to_the_buyer(client, login, users, held, db, settings):
    from tests.mailbox import dev_mails
    [mine, _] = await invoices.issue_invoices(db.sessions, held, user_id=users[Role.CLERK].id, now=utcnow())
    await login(client, users[Role.CLERK])
    path = f"/bureau/ventes/{held}/factures/{mine.number}"
    sent = await client.post(f"{path}/envoi", data={"csrf_token": await csrf_from(client, path)})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?ok=non-envoye")   # no SMTP in the tests
    [mail] = dev_mails(settings)
    assert [a.filename for a in mail.attachments] == [f"facture-{mine.label}.pdf"] and mine.label in mail.subject
    assert mail.attachments[0].content.startswith(b"%PDF")


async def test_a_storage_invoice_is_listed_printed_and_shown_on_the_buyers_checkout_page(client, login, users, held, db):
    import uuid
    from datetime import timedelta

    from sqlalchemy import update

    from auction.services import release

    clerk = users[Role.CLERK]
    await invoices.issue_invoices(db.sessions, held, user_id=clerk.id, now=utcnow())
    async with db.sessions() as session, session.begin():
        await session.execute(update(Sale).where(Sale.id == held).values(storage_free_days=1, storage_fee_cents=2_00))
        starts = await session.scalar(select(Sale.starts_at).where(Sale.id == held))
    charged = await release.charge_storage(db.sessions, held, 2, user_id=clerk.id, now=starts + timedelta(days=4),
                                           command_id=uuid.uuid4().hex)
    label = f"{charged.event.payload['issued_on'][:4]}-{charged.event.payload['number']:06d}"
    await login(client, clerk)
    base = f"/bureau/ventes/{held}/factures"
    page = text(await client.get(base))
    assert "Factures de frais de magasinage" in page and label in page
    pdf = await client.get(f"{base}/{charged.event.payload['number']}/pdf")
    assert pdf.status_code == 200 and f'filename="facture-{label}.pdf"' in pdf.headers["content-disposition"]
    assert "factur-x.xml" in PdfReader(io.BytesIO(pdf.content)).attachments      # paddle 2 is a company
    desk = text(await client.get(f"/bureau/ventes/{held}/caisse/2"))
    assert f"Facture n° {label}" in desk and f"{base}/{charged.event.payload['number']}/pdf" in desk
