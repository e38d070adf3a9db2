"""Registration over HTTP: the public form, the e-mail link, the clerk's desk form (the registration's page
and its checks: test_bidder_check_pages).
The helpers here serve the other registration pages' tests too (cards, scans, rules, personal data)."""
import html
import logging
import re

import httpx
from sqlalchemy import func, select

from auction.domain.roles import Role
from auction.models import BidRequest, Bidder, Lot, Registration, Sale
from auction.web.static import static_url

from ..conftest import csrf_from
from ..mailbox import dev_mails
from ..domain.test_registration import form
from ..services.test_registration import png_bytes, sale  # noqa: F401 - fixture

JPEG_MAGIC_ONLY = b"\xff\xd8\xff\xe0 not really a jpeg"


def text(response) -> str:
    """The page as read (messages in French carry apostrophes, escaped in the HTML)."""
    return html.unescape(response.text)


def registration_form(**changes) -> dict[str, str]:
    return form(**changes)


async def register_online(client, sale_id, scan=None, **changes):
    token = await csrf_from(client, f"/ventes/{sale_id}/inscription")
    files = {"scan": ("piece.png", png_bytes() if scan is None else scan, "image/png")}
    return await client.post(f"/ventes/{sale_id}/inscription", data={"csrf_token": token, **registration_form(**changes)},
                             files=files)


async def count(db, model) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_bidder_registers_online_and_confirms_the_email(client, db, sale, settings, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="criee.mail")
    page = await client.get(f"/ventes/{sale.id}/inscription")
    assert page.status_code == 200
    for label in ("Date de naissance", "Nationalité", "Résidence fiscale", "SIREN ou SIRET", "Numéro de la pièce",
                  "Copie de la pièce", "Ordres d'achat", "conditions de la vente"):
        assert label in text(page)
    response = await register_online(client, sale.id, request_lot_1="1", request_max_1="300")
    assert response.status_code == 303 and response.headers["location"] == f"/ventes/{sale.id}/inscription/envoyee"
    assert "bien été reçue" in (await client.get(response.headers["location"])).text

    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    assert registration.scan_path and (settings.private_dir / registration.scan_path).exists()
    assert not settings.media_dir.exists() or not any(settings.media_dir.rglob("*.png"))
    assert await count(db, BidRequest) == 1

    mails = dev_mails(settings)
    assert mails and mails[-1].to == "lea.martin@exemple.fr"
    [notice] = [r for r in caplog.records if r.name == "criee.mail"]     # one line, nothing of the e-mail
    assert notice.getMessage() == "e-mail (development, not sent) written to the development mailbox"
    assert not any(word in str(vars(notice)) for word in ("lea.martin", "Léa", "confirmer", mails[-1].subject))
    link = re.search(r"http://testserver(/inscription/confirmer/\S+)", mails[-1].body).group(1)
    confirmed = await client.get(link)
    assert confirmed.status_code == 200 and "Adresse confirmée" in text(confirmed)
    async with db.sessions() as session:
        assert (await session.scalar(select(Bidder))).email_confirmed_at is not None
    forged = await client.get(link[:-3] + "abc")
    assert forged.status_code == 400 and "Lien de confirmation invalide" in text(forged)

    # The confirmation page offers the bidder's account; a bad password re-renders it and makes nothing.
    assert "Créer votre compte" in text(confirmed) and f'action="{link}/compte"' in confirmed.text
    token = await csrf_from(client, link)
    refused = await client.post(f"{link}/compte", data={"csrf_token": token, "password": "une phrase de passe",
                                                         "confirmation": "une autre phrase"})
    assert refused.status_code == 400 and "Les deux saisies du mot de passe diffèrent" in text(refused)
    assert "Aucun compte n'a été créé" in text(refused)
    async with db.sessions() as session:
        assert (await session.scalar(select(Bidder))).user_id is None
    made = await client.post(f"{link}/compte", data={"csrf_token": token, "password": "une phrase de passe",
                                                      "confirmation": "une phrase de passe"})
    assert made.status_code == 303 and made.headers["location"] == "/mon-espace?compte=cree"
    space = await client.get(made.headers["location"])                # logged in by the cookie just set
    assert space.status_code == 200 and "Votre compte est créé" in text(space) and "Vente de test" in text(space)
    assert "Créer votre compte" not in text(await client.get(link))    # offered once


async def test_bad_input_is_refused_in_french_and_creates_nothing(client, db, sale, settings):  # noqa: F811
    response = await register_online(client, sale.id, birth_date="2012-01-01", email="pas-une-adresse",
                                     conditions=None, buyer_type="company", company_number="123")
    assert response.status_code == 400
    for message in ("Mineur le jour de la vente", "Adresse électronique invalide", "Acceptez les conditions",
                    "SIREN (9 chiffres) ou SIRET", "Joignez de nouveau la copie"):
        assert message in text(response), message
    assert 'value="Léa"' in text(response)                          # what was typed comes back
    missing = await register_online(client, sale.id, first_name="")
    assert missing.status_code == 400
    assert "Prénom : champ obligatoire." in text(missing) and "Prénom : Prénom" not in text(missing)
    assert '<a href="#f-first_name">Prénom</a> : champ obligatoire.' in missing.text
    bad_scan = await register_online(client, sale.id, scan=b"MZ\x90\x00 a program")
    assert bad_scan.status_code == 400 and "Format refusé" in text(bad_scan)
    fake_jpeg = await register_online(client, sale.id, scan=JPEG_MAGIC_ONLY)
    assert fake_jpeg.status_code == 400 and "illisible" in text(fake_jpeg)
    withdrawn = await register_online(client, sale.id, request_lot_1="3", request_max_1="500",
                                 email="autre.adresse@exemple.fr")   # the e-mail's throttle (3) is spent
    assert withdrawn.status_code == 400 and "retiré de la vente" in text(withdrawn)
    assert (await count(db, Bidder), await count(db, Registration)) == (0, 0)
    assert not (settings.private_dir / "pieces-identite").exists() or \
        not any((settings.private_dir / "pieces-identite").iterdir()), "the refused scan was removed"


async def confirm_by_the_link(app) -> None:
    """The registrant follows the link of the last confirmation e-mail, in their own browser."""
    mails = dev_mails(app.state.settings)
    link = re.search(r"http://testserver(/inscription/confirmer/\S+)", mails[-1].body).group(1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as phone:
        confirmed = await phone.get(link)
    assert confirmed.status_code == 200 and "Adresse confirmée" in text(confirmed)


async def test_the_clerk_registers_at_the_desk_in_one_go(client, db, sale, users, login):  # noqa: F811
    await login(client, users[Role.CLERK])
    path = f"/bureau/ventes/{sale.id}/inscriptions/nouvelle"
    assert "Inscrire, vérifier et attribuer un panneau" in (await client.get(path)).text
    token = await csrf_from(client, path)
    response = await client.post(f"/bureau/ventes/{sale.id}/inscriptions", data={
        "csrf_token": token, **registration_form(), "document_seen": "1", "document_first_names": "Léa",
        "document_last_name": "Martin-Dupré"})
    assert response.status_code == 303 and response.headers["location"].endswith("?ok=panneau")
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    assert registration.registered_via == "desk" and registration.paddle_number == 1 and registration.scan_path is None

    found = await client.get(f"{path}?q=martin")
    assert "Léa MARTIN-DUPRÉ" in text(found)
    prefilled = await client.get(f"{path}?encherisseur={registration.bidder_id}")
    assert 'name="bidder_id"' in text(prefilled) and 'value="X4RTBPFW4"' in text(prefilled)
    again = await client.post(f"/bureau/ventes/{sale.id}/inscriptions", data={
        "csrf_token": token, **registration_form(), "bidder_id": str(registration.bidder_id)})
    assert again.status_code == 400 and "déjà inscrit à cette vente" in text(again)


async def test_registration_is_closed_when_the_sale_is(client, db, sale):  # noqa: F811
    token = await csrf_from(client, f"/ventes/{sale.id}/inscription")
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale.id)).status = "closed"
    page = await client.get(f"/ventes/{sale.id}/inscription")
    assert "Les inscriptions à cette vente sont closes" in text(page)
    response = await client.post(f"/ventes/{sale.id}/inscription", data={"csrf_token": token, **registration_form()},
                                 files={"scan": ("piece.png", png_bytes(), "image/png")})
    assert response.status_code == 400 and "closes" in text(response)
    assert await count(db, Bidder) == 0


async def test_a_lot_page_opens_the_form_with_its_lot_and_rows_past_the_fifth_are_taken(
        client, db, sale):  # noqa: F811
    async with db.sessions() as session:
        lots = {lot.number: lot for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale.id))}
    lot_page = await client.get(f"/ventes/{sale.id}/lots/{lots[2].id}")
    link = f"/ventes/{sale.id}/inscription?lot=2#ordres"
    assert f'href="{link}"' in lot_page.text and "Laisser un ordre d'achat" in text(lot_page)
    withdrawn_page = await client.get(f"/ventes/{sale.id}/lots/{lots[3].id}")
    assert "Laisser un ordre d'achat" not in text(withdrawn_page)

    form_page = await client.get(link.split("#")[0])
    page = text(form_page)
    assert '<details class="requests" id="ordres" open>' in page
    assert 'name="request_lot_1" value="2"' in page and "Lot 2 : Lot 2" in page     # the title echoed
    assert '<datalist id="sale-lots"><option value="1" data-key="1">Lot 1</option><option value="2"' in page
    assert '<option value="3" data-key="3">Lot 3</option>' in page.split('id="withdrawn-lots"')[1]
    assert f'src="{static_url("js/bid-requests.js")}"' in page and '<template id="request-row-template">' in page
    assert 'name="request_lot___N__"' in page.split('<template id="request-row-template">')[1]
    assert page.count("data-request-row>") == 5 + 1, "five rows without script, one in the template"

    # A row the script added past the fifth is read like the others; an unknown lot is echoed as such.
    refused = await register_online(client, sale.id, request_lot_7="9", request_max_7="300")
    assert refused.status_code == 400
    assert '<a href="#f-request_lot_7">Demande 7, n° du lot</a> : Le lot 9 n\'existe pas' in text(refused)
    assert "Aucun lot n° 9 dans cette vente." in text(refused) and 'name="request_lot_7" value="9"' in text(refused)
    sent = await register_online(client, sale.id, request_lot_7="1", request_max_7="300",
                                 request_lot_2="2 ", request_kind_2="phone", request_max_2="")
    assert sent.status_code == 303
    async with db.sessions() as session:
        requests = {(r.lot_id, r.kind, r.max_amount_cents) for r in await session.scalars(select(BidRequest))}
    assert requests == {(lots[1].id, "absentee", 300_00), (lots[2].id, "phone", None)}
