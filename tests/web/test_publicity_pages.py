"""The publicity pages over HTTP: announcing, the Atom feed and the schema.org Event (parsed, not
compared as strings), the poster and the certificate read back from their PDFs, proofs checked by
content, the officer's overrides, the audit log, and the case's amicable-sale data."""
import html
import io
import json
import re
from datetime import date, datetime, timedelta, timezone
from xml.etree import ElementTree

import feedparser
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from auction.domain.months import add_months
from auction.domain.roles import Role
from auction.formats import PARIS
from auction.models import Case, PublicationAct, Sale, SaleNotice

from ..conftest import csrf_from
from ..services.test_publication import draft, jpeg

pytestmark = pytest.mark.usefixtures("confirmed_rates")   # C. com. A444-3: rates confirmed after their term

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ATOM = "{http://www.w3.org/2005/Atom}"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


async def debtor_names(db, sale_id) -> list[str]:
    async with db.sessions() as session:
        cases = await session.scalars(select(Case).where(Case.reference.like(f"%{(await session.get(Sale, sale_id)).reference}%")))
        return [c.debtor_name for c in cases]


async def announce(client, sale_id, **data):
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/publicite")
    return await client.post(f"/bureau/ventes/{sale_id}/publicite/annoncer", data={"csrf_token": token, **data})


@pytest.fixture
async def sale_id(db):
    # in 2027, so that the checks' deadlines are still ahead whatever the day the suite runs
    return await draft(db, starts_at=datetime(2027, 1, 16, 13, tzinfo=timezone.utc), cities=("Villeurbanne", "Bron"))


async def test_the_clerk_announces_the_sale_and_the_public_page_carries_a_schema_org_event(client, db, users, login,
                                                                                            sale_id):
    await login(client, users[Role.CLERK])
    page = await client.get(f"/bureau/ventes/{sale_id}/publicite")
    assert page.status_code == 200 and "Annoncer la vente" in page.text and "À faire" in page.text
    assert (await client.get(f"/ventes/{sale_id}")).status_code == 404
    response = await announce(client, sale_id)
    assert response.status_code == 303 and response.headers["location"].endswith("?ok=annoncee")
    page = await client.get(response.headers["location"])
    assert "Vente annoncée" in page.text and "Avis de vente n° 1" in page.text

    client.cookies.clear()
    public = await client.get(f"/ventes/{sale_id}")
    assert public.status_code == 200
    [block] = JSON_LD.findall(public.text)
    event = json.loads(block)
    assert event["@context"] == "https://schema.org" and event["@type"] == "Event"
    start = datetime.fromisoformat(event["startDate"])
    assert start.utcoffset() == timedelta(hours=1) and start == datetime(2027, 1, 16, 13, tzinfo=timezone.utc)
    place = next(loc for loc in event["location"] if loc["@type"] == "Place")
    assert place["address"]["@type"] == "PostalAddress" and place["address"]["postalCode"] == "69009"
    assert place["address"]["addressLocality"] == "Lyon" and place["address"]["addressCountry"] == "FR"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["url"].endswith(f"/ventes/{sale_id}") and "Machines (2 lots)" in event["description"]
    assert "Nature des biens" in public.text and "Paiement en espèces limité" in public.text
    for name in await debtor_names(db, sale_id):
        assert name not in public.text


async def test_the_feed_parses_as_atom_and_lists_only_announced_sales(client, db, users, login, sale_id):
    other_draft = await draft(db, starts_at=datetime(2027, 1, 20, 13, tzinfo=timezone.utc))
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    client.cookies.clear()
    response = await client.get("/ventes.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title.startswith("Ventes judiciaires annoncées")
    [entry] = feed.entries
    assert entry.link == f"http://testserver/ventes/{sale_id}" and entry.id == entry.link
    assert "16 janvier 2027" in entry.title and "Machines (2 lots)" in entry.summary
    assert entry.updated_parsed is not None and entry.published_parsed is not None
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")] == [entry.id]
    assert f"http://testserver/ventes/{other_draft}" not in {e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")}
    for name in await debtor_names(db, sale_id):
        assert name not in response.text


async def test_posters_and_debtor_notices_with_proofs_then_the_poster_and_certificate_pdfs(client, db, users, login,
                                                                                          sale_id):
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    path = f"/bureau/ventes/{sale_id}/publicite"
    today = datetime.now(timezone.utc).date().isoformat()
    for where in ("69100 villeurbanne", "69100 bron", "lieu-de-vente"):
        response = await client.post(f"{path}/affiches", data={
            "csrf_token": await csrf_from(client, path), "where": where, "done_on": today, "done_time": "00:01"},
            files={"proof": ("affiche.jpg", jpeg(), "image/jpeg")})
        assert response.status_code == 303, response.text
    async with db.sessions() as session:
        cases = list(await session.scalars(select(Case).where(Case.debtor_name.like("M. Débiteur%"))
                                           .order_by(Case.id)))
    response = await client.post(f"{path}/debiteurs", data={
        "csrf_token": await csrf_from(client, path), "case_id": str(cases[0].id), "told_on": today,
        "means": "registered_letter", "reference": "LRAR 1A 234 567 8901 2"})
    assert response.status_code == 303, response.text

    poster = await client.get(f"{path}/affiche.pdf")
    assert poster.status_code == 200 and poster.headers["content-type"] == "application/pdf"
    text = pdf_text(poster.content)
    assert "VENTE AUX ENCHÈRES PUBLIQUES" in text.upper() and "samedi 16 janvier 2027 à 14 h 00" in text
    assert "8 quai de Saône" in text and "Machines (2 lots)" in text and "avis n° 1" in text
    for case in cases:
        assert case.debtor_name not in text
    a3 = PdfReader(io.BytesIO((await client.get(f"{path}/affiche.pdf?format=A3")).content))
    assert round(float(a3.pages[0].mediabox.height)) == 1191      # A3: 420 mm

    certificate = await client.get(f"{path}/certificat.pdf")
    text = pdf_text(certificate.content)
    assert "CERTIFICAT DE PUBLICITÉ" in text.upper()
    assert "Affiche en mairie" in text and "Affiche au lieu de la vente" in text and "Publication sur le site" in text
    async with db.sessions() as session:
        sha = await session.scalar(select(PublicationAct.proof_sha256).where(PublicationAct.kind == "poster_sale_place"))
    assert sha[:20] in text.replace(" ", "")
    assert "LRAR 1A 234 567 8901 2" in text and cases[0].debtor_name in text
    assert "R221-35" in text and "Aucune dérogation" in text

    async with db.sessions() as session:
        act_id = await session.scalar(select(PublicationAct.id).where(PublicationAct.kind == "poster_sale_place"))
    proof = await client.get(f"{path}/preuves/actes/{act_id}")
    assert proof.status_code == 200 and proof.content == jpeg() and proof.headers["content-type"] == "image/jpeg"
    client.cookies.clear()
    assert (await client.get(f"{path}/preuves/actes/{act_id}")).status_code == 303      # staff only


async def test_r221_34_poster_during_amicable_window_does_not_count_and_the_page_says_why(client, db, users, login):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    notified = (now - timedelta(days=10)).astimezone(PARIS).date()     # the window runs some twenty days more
    sale_id = await draft(db, starts_at=now + timedelta(days=60), notified_on=notified)
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    path = f"/bureau/ventes/{sale_id}/publicite"
    page = await client.get(path)
    assert "une affiche apposée pendant ce délai ne compte pas" in html.unescape(page.text)
    today = now.astimezone(PARIS).date()
    response = await client.post(f"{path}/affiches", data={
        "csrf_token": await csrf_from(client, path), "where": "lieu-de-vente", "done_on": today.isoformat(),
        "done_time": "00:01"}, files={"proof": ("affiche.jpg", jpeg(), "image/jpeg")})
    assert response.status_code == 303, response.text
    page = html.unescape((await client.get(path)).text)
    assert "Ne compte pas." in page
    assert f"apposée le {today:%d/%m/%Y}, pendant le délai de vente amiable" in page
    first_day = add_months(notified, 1) + timedelta(days=1)
    assert f"à partir du {first_day:%d/%m/%Y}" in page
    async with db.sessions() as session:
        act_id = await session.scalar(select(PublicationAct.id).where(PublicationAct.sale_id == sale_id,
                                                                      PublicationAct.kind == "poster_sale_place"))
    assert act_id is not None
    row = re.search(r"<tr class=\"check-(\w+)\"><td>CPCE R221-34</td><td>Affiche au lieu de la vente</td>", page)
    assert row.group(1) == "pending"


async def test_a_proof_is_checked_by_its_content_and_a_refusal_keeps_the_form(client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    path = f"/bureau/ventes/{sale_id}/publicite"
    response = await client.post(f"{path}/affiches", data={
        "csrf_token": await csrf_from(client, path), "where": "lieu-de-vente", "done_on": "2026-11-02",
        "done_time": "09:15", "note": "Panneau de la salle"},
        files={"proof": ("photo.jpg", b"MZ\x90\x00 not an image", "image/jpeg")})
    assert response.status_code == 400 and "Format refusé" in response.text
    assert 'value="2026-11-02"' in response.text and 'value="Panneau de la salle"' in response.text
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PublicationAct)
                                    .where(PublicationAct.kind != "web")) == 0


async def test_a_failed_check_blocks_the_clerk_and_the_officer_overrides_it_in_writing(client, db, users, login):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    sale_id = await draft(db, starts_at=now + timedelta(days=20), notified_on=now.date() - timedelta(days=1))
    await login(client, users[Role.CLERK])
    refused = await announce(client, sale_id, override_reason="Je passe outre.")
    assert refused.status_code == 409 and "commissaire de justice peut passer outre" in refused.text
    refused = await announce(client, sale_id)
    assert refused.status_code == 409 and "L221-3" in refused.text and "Seul le commissaire de justice" in refused.text
    assert "Motif de la dérogation" not in refused.text
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    page = await client.get(f"/bureau/ventes/{sale_id}/publicite")
    assert "Motif de la dérogation" in page.text
    reason = "Le débiteur a renoncé par écrit au délai de vente amiable."
    assert (await announce(client, sale_id, override_reason=reason)).status_code == 303
    text = pdf_text((await client.get(f"/bureau/ventes/{sale_id}/publicite/certificat.pdf")).content)
    assert reason in text and "CPCE L221-3" in text
    journal = await client.get(f"/bureau/journal?vente={sale_id}")
    assert journal.status_code == 200 and reason in journal.text and "Annonce refusée" in journal.text
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    assert (await client.get("/bureau/journal")).status_code == 403


async def test_changing_the_date_of_an_announced_sale_issues_a_new_notice(client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
    form = {"reference": sale.reference, "title": sale.title, "starts_on": "2027-01-23", "starts_time": "10:00",
            "place_kind": "room", "place_name": sale.place_name, "address": sale.address, "postcode": sale.postcode,
            "city": sale.city, "viewing": sale.viewing, "conditions": sale.conditions}
    edit = f"/bureau/ventes/{sale_id}/modifier"
    page = await client.get(edit)
    assert "émet un nouvel avis de vente" in page.text
    response = await client.post(edit, data={"csrf_token": await csrf_from(client, edit), **form})
    assert response.status_code == 303
    async with db.sessions() as session:
        versions = list(await session.scalars(select(SaleNotice.version).where(SaleNotice.sale_id == sale_id,
                                                                             SaleNotice.superseded_at.is_(None))))
    assert versions == [2]
    publicity = await client.get(f"/bureau/ventes/{sale_id}/publicite")
    assert "Avis de vente n° 2" in publicity.text and "Remplacé le" in publicity.text
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    response = await client.post(edit, data={"csrf_token": await csrf_from(client, edit),
                                             **{**form, "starts_on": tomorrow}})
    assert response.status_code == 409 and "R221-34" in response.text and f'value="{tomorrow}"' in response.text
    client.cookies.clear()
    public = await client.get(f"/ventes/{sale_id}")
    event = json.loads(JSON_LD.findall(public.text)[0])
    assert event["eventStatus"] == "https://schema.org/EventRescheduled"
    assert datetime.fromisoformat(event["previousStartDate"]) == datetime(2027, 1, 16, 13, tzinfo=timezone.utc)
    assert "Vente reportée" in public.text


async def test_the_case_records_the_notification_and_an_offer_with_its_letters(client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    async with db.sessions() as session:
        case = await session.scalar(select(Case).where(Case.debtor_city == "Bron"))
    path = f"/bureau/dossiers/{case.id}"
    bad = await client.post(f"{path}/signification", data={"csrf_token": await csrf_from(client, path),
                                                           "seizure_notified_on": "2026-09-01"})
    assert bad.status_code == 400 and "ne peut pas précéder la saisie" in bad.text
    ok = await client.post(f"{path}/signification", data={"csrf_token": await csrf_from(client, path),
                                                          "seizure_notified_on": "2026-09-11"})
    assert ok.status_code == 303
    ok = await client.post(f"{path}/offres", data={"csrf_token": await csrf_from(client, path), "reported_on": "2026-09-20",
                                                  "offeror": "M. Alain Petit", "amount": "1 500", "description": "Le piano"})
    assert ok.status_code == 303
    page = await client.get(path)
    assert "11/09/2026" in page.text and "M. Alain Petit" in page.text and "lettre non enregistrée" in page.text
    offer_id = re.search(r"/offres/(\d+)/courriers", page.text).group(1)
    creditor_id = re.search(r'name="creditor_id" value="(\d+)"', page.text).group(1)
    ok = await client.post(f"{path}/offres/{offer_id}/courriers", data={
        "csrf_token": await csrf_from(client, path), "creditor_id": creditor_id, "sent_on": "2026-09-21",
        "received_on": "2026-09-23"})
    assert ok.status_code == 303
    page = await client.get(f"/bureau/ventes/{sale_id}/publicite")
    assert "n'a pas été communiquée au créancier Bailleur" in html.unescape(page.text)


async def test_the_officer_sets_the_sellers_vat_on_the_case_page_and_the_clerk_cannot(client, db, users, login,
                                                                                     sale_id):
    async with db.sessions() as session:
        case_id = await session.scalar(select(Case.id).order_by(Case.id))
    path = f"/bureau/dossiers/{case_id}"
    await login(client, users[Role.CLERK])
    page = await client.get(path)
    assert "TVA sur le prix d'adjudication" in page.text and "Seul le commissaire de justice la modifie" in page.text
    refused = await client.post(f"{path}/tva-vendeur", data={"csrf_token": await csrf_from(client, path),
                                                              "seller_charges_vat": "1", "seller_vat_rate": "20"})
    assert refused.status_code == 400 and "Seul le commissaire de justice" in refused.text
    await client.post("/deconnexion", data={"csrf_token": await csrf_from(client, path)})
    await login(client, users[Role.OFFICER])
    bad = await client.post(f"{path}/tva-vendeur", data={"csrf_token": await csrf_from(client, path),
                                                          "seller_charges_vat": "1", "seller_vat_rate": "abc"})
    assert bad.status_code == 400 and "Taux de TVA illisible" in bad.text
    ok = await client.post(f"{path}/tva-vendeur", data={"csrf_token": await csrf_from(client, path),
                                                         "seller_charges_vat": "1", "seller_vat_rate": "5,5"})
    assert ok.status_code == 303 and ok.headers["location"].endswith("?ok=tva#tva-vendeur")
    page = await client.get(path)
    assert "5,50\u00a0% en sus du prix d'adjudication" in page.text and 'value="5,5"' in page.text
    off = await client.post(f"{path}/tva-vendeur", data={"csrf_token": await csrf_from(client, path)})
    assert off.status_code == 303
    async with db.sessions() as session:
        assert (await session.get(Case, case_id)).seller_vat_rate is None


async def test_cpc_642_a_window_ending_on_a_saturday_is_shown_to_the_officer_and_a_friday_is_not(client, db, users,
                                                                                                login):
    saturday = await draft(db, starts_at=datetime(2027, 1, 16, 13, tzinfo=timezone.utc), notified_on=date(2026, 9, 10))
    friday = await draft(db, starts_at=datetime(2027, 1, 16, 13, tzinfo=timezone.utc), notified_on=date(2026, 9, 9))
    await login(client, users[Role.OFFICER])
    page = html.unescape((await client.get(f"/bureau/ventes/{saturday}/publicite")).text)
    assert "Délais qui expirent un samedi, un dimanche ou un jour férié (CPC 642)" in page
    assert "expire le samedi 10/10/2026" in page and "lundi 12/10/2026" in page
    page = html.unescape((await client.get(f"/bureau/ventes/{friday}/publicite")).text)
    assert "(CPC 642)" not in page
    async with db.sessions() as session:
        sale = await session.get(Sale, saturday)
        case_id = await session.scalar(select(Case.id).where(Case.reference.like(f"%{sale.reference}%")))
    page = html.unescape((await client.get(f"/bureau/dossiers/{case_id}")).text)
    assert "(CPC 642)" in page and "expire le samedi 10/10/2026" in page


async def test_r221_35_the_clerk_records_a_simple_letter_or_an_email_without_proof_and_another_means_described(
        client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    assert (await announce(client, sale_id)).status_code == 303
    path = f"/bureau/ventes/{sale_id}/publicite"
    page = html.unescape((await client.get(path)).text)
    assert 'value="simple_letter"' in page and 'value="email"' in page and 'value="other"' in page
    assert "par lettre simple ou par tout moyen approprié" in page
    async with db.sessions() as session:
        cases = list(await session.scalars(select(Case).where(Case.debtor_name.like("M. Débiteur%")).order_by(Case.id)))
    today = datetime.now(timezone.utc).astimezone(PARIS).date().isoformat()
    refused = await client.post(f"{path}/debiteurs", data={
        "csrf_token": await csrf_from(client, path), "case_id": str(cases[0].id), "told_on": today, "means": "other",
        "means_detail": "", "reference": ""})
    assert refused.status_code == 400 and "Décrivez le moyen employé" in html.unescape(refused.text)
    assert "Rien n'a été enregistré" in html.unescape(refused.text)
    refused = await client.post(f"{path}/debiteurs", data={
        "csrf_token": await csrf_from(client, path), "case_id": str(cases[0].id), "told_on": today,
        "means": "registered_letter", "means_detail": "1 rue", "reference": ""})
    assert refused.status_code == 400 and "Indiquez la référence" in html.unescape(refused.text)
    assert 'value="1 rue"' in refused.text                                     # the form as typed
    for case, means, detail in ((cases[0], "simple_letter", "1 rue, 69100 Villeurbanne"),
                                (cases[1], "email", "debiteur@exemple.fr")):
        done = await client.post(f"{path}/debiteurs", data={
            "csrf_token": await csrf_from(client, path), "case_id": str(case.id), "told_on": today, "means": means,
            "means_detail": detail, "reference": ""})
        assert done.status_code == 303, done.text
    page = html.unescape((await client.get(path)).text)
    assert "Lettre simple : 1 rue, 69100 Villeurbanne" in page and "Courrier électronique : debiteur@exemple.fr" in page
    text = pdf_text((await client.get(f"{path}/certificat.pdf")).content)
    assert "Lettre simple" in text and "facultative pour ce moyen" in text
