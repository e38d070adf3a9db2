"""The demo's held sale (sale 2) on the staff pages `criee demo` points to: each answers with its data."""
import html
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from auction.cli import HELD_SALE_PAGES
from auction.domain.invoices import invoices_of
from auction.domain.roles import Role
from auction.models import Contest, Registration
from auction.services import settlement_log
from auction.services.demo import held_sale_id, seed_demo


async def test_every_page_the_demo_prints_for_the_held_sale_shows_it(client, db, settings, users, login):
    assert await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22), settings.private_dir, held_sale=True)
    sale_id = await held_sale_id(db.sessions)
    await login(client, users[Role.OFFICER])
    pages = {}
    for label, path in HELD_SALE_PAGES:
        response = await client.get(path.format(sale=sale_id))
        assert response.status_code == 200, (label, path, response.status_code)
        pages[path] = " ".join(response.text.split())
    record = pages["/bureau/ventes/{sale}/proces-verbal"]
    assert "Séance n° 1" in record and "Séance n° 2" in record and "Peugeot 308 SW" in record
    assert "Chambre froide positive" in record and "remis en vente" in record
    pdf = await client.get(f"/bureau/ventes/{sale_id}/proces-verbal.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    listed = pages["/bureau/ventes/{sale}/factures"]
    assert "SAS Le Bistrot des Canuts" in listed and "Louis PERRIN" in listed
    desk = pages["/bureau/ventes/{sale}/caisse"]
    assert "Isabelle MOREAU" in desk
    # Her cheque for the whole balance still clearing: listed as awaiting it, not overdue, no notice.
    awaiting = desk.split('id="awaiting-clearing"')[1].split("</section>")[0]
    assert "Isabelle MOREAU" in awaiting and "chèque en attente d'encaissement" in awaiting
    if 'id="overdue"' in desk:
        assert "Isabelle MOREAU" not in desk.split('id="overdue"')[1].split("</section>")[0]
    assert "MOREAU" not in pages["/bureau/ventes/{sale}/defauts"].split('id="retards"')[1].split("</section>")[0]
    buyer = " ".join((await client.get(f"/bureau/ventes/{sale_id}/caisse/7")).text.split())
    assert "Solde (paiements encaissés seulement)" in buyer
    assert "Reste à régler (paiements en attente déduits)</dt><dd id=\"outstanding\"><strong>0,00" in buyer
    defaults = pages["/bureau/ventes/{sale}/defauts"]
    assert "Kevin LEROY" in defaults and "Louis PERRIN" in defaults      # in default; overdue
    contests = pages["/bureau/ventes/{sale}/contestations"]
    assert "Nadia HADDAD" in contests and "Adjudication du lot 9" in contests and "Pièces transmises" in contests
    assert "La vente" in contests and "délai non configuré" in contests          # the debtor's: no delay set
    async with db.sessions() as session:    # hers names her paddle: it is in her personal-data export
        [(contest_id, name, paddle)] = (await session.execute(
            select(Contest.id, Contest.contestant_name, Registration.paddle_number)
            .join(Registration, (Registration.bidder_id == Contest.bidder_id) & (Registration.sale_id == sale_id))
            .where(Contest.sale_id == sale_id))).all()
    assert name == "Nadia HADDAD" and paddle is not None
    mine = " ".join((await client.get(f"/bureau/ventes/{sale_id}/contestations/{contest_id}")).text.split())
    assert f"panneau n° {paddle}" in mine
    board = html.unescape(pages["/bureau/echeances"])
    assert "Répondre (15 jours à compter de l'étape « Reçue »)" in board
    distribution = pages["/bureau/ventes/{sale}/repartition"]
    assert "SV-2026-0098" in distribution and "SV-2026-0121" in distribution
    events = await settlement_log.read(db.sessions, sale_id)
    [business] = [invoice for invoice in invoices_of(events) if invoice.buyer.is_company]
    invoice = await client.get(f"/bureau/ventes/{sale_id}/factures/{business.number}/pdf")
    assert invoice.status_code == 200
    assert "factur-x.xml" in PdfReader(io.BytesIO(invoice.content)).attachments      # the Factur-X invoice
