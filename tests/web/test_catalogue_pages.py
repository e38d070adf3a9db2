"""The public catalogue over HTTP, on the demo sale: search, filters, pages, lot pages, the PDF,
the staff's preview of a draft, and no personal data of the debtors anywhere public."""
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from auction.domain.roles import Role
from auction.models import Case, Lot, Sale
from auction.services.demo import seed_demo
from auction.web.static import static_url

TODAY = date(2026, 11, 22)
NBSP, NNBSP = "\u00a0", "\u202f"
FEES = f"Frais acheteur : 14,28{NBSP}% TTC (11,90{NBSP}% HT)"
LOT_LINK = re.compile(r'<h3><a href="(/ventes/\d+/lots/\d+)[^"]*"><span class="lot-number">Lot ([^<]+)</span>')


@pytest.fixture
async def demo(db, settings):
    await seed_demo(db.sessions, settings.media_dir, TODAY)
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
        lots = list(await session.scalars(select(Lot).where(Lot.sale_id == sale.id).order_by(Lot.position)))
        cases = list(await session.scalars(select(Case).options(selectinload(Case.creditors))))
    return sale, lots, cases


def lot_labels(html: str) -> list[str]:
    return [label for _path, label in LOT_LINK.findall(html)]


def private_strings(cases) -> list[str]:
    """What must never appear on a public page: the debtors' identity, the cases, the creditors."""
    strings = []
    for case in cases:
        strings += [case.debtor_name, case.debtor_address, case.reference, f"{case.debtor_postcode} {case.debtor_city}"
                    if case.debtor_city != "Lyon" else case.debtor_address]
        strings += [creditor.name for creditor in case.creditors]
    return strings


def flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").replace(NNBSP, " ").split())


async def test_sale_page_shows_the_sale_the_fees_and_the_first_page(client, demo):
    sale, lots, _ = demo
    page = await client.get(f"/ventes/{sale.id}")
    assert page.status_code == 200
    assert FEES in page.text
    assert "samedi 12 décembre 2026 à 14 h 00" in page.text and "8 quai de Saône" in page.text
    assert "Conditions de la vente" in page.text and "Exposition publique le matin" in page.text
    assert ">40 lots</h2>" in page.text and "Lots 1 à 24 sur 40" in page.text
    assert lot_labels(page.text) == [str(n) for n in range(1, 25)]
    assert 'rel="next"' in page.text and 'rel="prev"' not in page.text
    assert f'href="/ventes/{sale.id}/catalogue.pdf"' in page.text
    assert f'href="/ventes/{sale.id}/inscription">S\'inscrire pour enchérir</a>' in page.text
    for control in ("f-q", "f-categorie", "f-min", "f-max"):      # every filter has its label
        assert f'<label for="{control}">' in page.text and f'id="{control}"' in page.text


async def test_pages_and_their_boundaries(client, demo):
    sale, _, _ = demo
    second = await client.get(f"/ventes/{sale.id}", params={"page": "2"})
    assert "Lots 25 à 40 sur 40" in second.text and lot_labels(second.text) == [str(n) for n in range(25, 41)]
    assert f'href="/ventes/{sale.id}?page=1#lots-titre" rel="prev"' in second.text and 'rel="next"' not in second.text
    beyond = await client.get(f"/ventes/{sale.id}", params={"page": "3"})
    assert beyond.status_code == 200 and "Lots 25 à 40 sur 40" in beyond.text
    assert "La page 3 n&#39;existe pas : voici la dernière page (2)." in beyond.text


async def test_search_by_text_category_and_estimate(client, demo):
    sale, lots, _ = demo
    found = await client.get(f"/ventes/{sale.id}", params={"q": "ALTENDORF"})
    assert ">1 lot trouvé</h2>" in found.text and "Lots 1 à 1 sur 1" in found.text
    assert lot_labels(found.text) == ["1"] and "Scie à format Altendorf F45" in found.text
    assert 'value="ALTENDORF"' in found.text                            # the search is shown back
    accents = await client.get(f"/ventes/{sale.id}", params={"q": "refrigerateur americain"})
    assert "Réfrigérateur américain LG" in accents.text and ">1 lot trouvé</h2>" in accents.text

    machines = await client.get(f"/ventes/{sale.id}", params={"categorie": "Machines"})
    expected = [lot.label for lot in lots if lot.category == "Machines"]
    assert lot_labels(machines.text) == expected and len(expected) == 5
    assert '<option value="Machines" selected>' in machines.text

    ranged = await client.get(f"/ventes/{sale.id}", params={"min": "1 000", "max": "2000"})
    expected = [lot.label for lot in lots if lot.estimate_high_cents >= 100_000 and lot.estimate_low_cents <= 200_000]
    assert lot_labels(ranged.text) == expected and expected
    nothing = await client.get(f"/ventes/{sale.id}", params={"q": "zeppelin"})
    assert "Aucun lot ne correspond à cette recherche." in nothing.text and ">0 lot trouvé</h2>" in nothing.text


async def test_pagination_links_keep_the_search(client, db, demo):
    sale, lots, _ = demo
    page = await client.get(f"/ventes/{sale.id}", params={"categorie": "Mobilier", "min": "100"})
    furniture = [lot for lot in lots if lot.category == "Mobilier"]
    assert lot_labels(page.text) == [lot.label for lot in furniture]
    first = furniture[0]
    assert f'href="/ventes/{sale.id}/lots/{first.id}?categorie=Mobilier&amp;min=100"' in page.text


async def test_bad_parameters_give_the_page_with_a_french_message(client, demo):
    sale, lots, _ = demo
    page = await client.get(f"/ventes/{sale.id}", params={"page": "abc", "min": "xyz", "max": "1e999"})
    assert page.status_code == 200
    assert "Numéro de page illisible : « abc ». La première page est affichée." in page.text
    assert "Estimation minimale non appliquée. Montant illisible : « xyz »." in page.text
    assert "Estimation maximale non appliquée." in page.text
    assert 'role="alert"' in page.text and "Lots 1 à 24 sur 40" in page.text
    assert 'value="xyz"' in page.text
    for path in (f"/ventes/{sale.id}/lots/abc", f"/ventes/{sale.id}/lots/999999", "/ventes/abc/catalogue.pdf"):
        response = await client.get(path)
        assert response.status_code == 404 and "Page introuvable" in response.text
    lot = await client.get(f"/ventes/{sale.id}/lots/{lots[0].id}", params={"page": "x", "min": "y", "q": "%" * 500})
    assert lot.status_code == 200 and "Scie à format Altendorf F45" in lot.text


async def test_lot_page_shows_everything_and_a_fees_example(client, db, demo):
    sale, lots, _ = demo
    saw = lots[0]
    async with db.sessions() as session, session.begin():   # a low estimate of 1 000 € for a round example
        await session.execute(update(Lot).where(Lot.id == saw.id).values(estimate_low_cents=100_000))
    page = await client.get(f"/ventes/{sale.id}/lots/{saw.id}")
    assert page.status_code == 200
    text = page.text
    assert '<span class="lot-number">Lot 1</span> Scie à format Altendorf F45</h1>' in text
    assert 'alt="Photo du lot 1 : Scie à format Altendorf F45"' in text and 'src="/medias/demo/lot-01.jpg"' in text
    assert "Scie circulaire à format" in text
    assert f"1{NNBSP}000{NBSP}€ – 6{NNBSP}000{NBSP}€" in text and f"<dt>Mise à prix</dt><dd>2{NNBSP}000{NBSP}€" in text
    assert "samedi 12 décembre 2026 à 14 h 00" in text and "Hôtel des ventes judiciaires de Lyon" in text
    assert "Paiement comptant" in text
    assert f"14,28{NBSP}% TTC (11,90{NBSP}% HT)" in text
    assert (f"pour une adjudication à 1{NNBSP}000{NBSP}€, vous paierez 1{NNBSP}142,80{NBSP}€" in text)
    assert f"119,00{NBSP}€ de frais HT et 23,80{NBSP}€ de TVA" in text
    assert 'rel="prev"' not in text and f'href="/ventes/{sale.id}/lots/{lots[1].id}" rel="next"' in text
    assert f'href="/ventes/{sale.id}#lot-{saw.id}"' in text                # back to the catalogue


async def test_a_lot_without_an_opening_bid_shows_its_first_bid_never_0_euros(client, db, demo):
    """A forced sale's lot may have no mise à prix: the catalogue and its page say "Première enchère"
    with the increment table's first step, as the room display does."""
    sale, lots, _ = demo
    async with db.sessions() as session, session.begin():
        await session.execute(update(Lot).where(Lot.id == lots[0].id).values(opening_bid_cents=0))
        await session.execute(update(Sale).where(Sale.id == sale.id).values(increments=[[0, 10_00], [500_00, 50_00]]))
    listing = flat((await client.get(f"/ventes/{sale.id}")).text)
    assert "Première enchère : 10 €" in listing and "Mise à prix : 0 €" not in listing
    assert f"Mise à prix : {lots[1].opening_bid_cents // 100:,} €".replace(",", " ") in listing
    page = (await client.get(f"/ventes/{sale.id}/lots/{lots[0].id}")).text
    assert f"<dt>Première enchère</dt><dd>10{NBSP}€</dd>" in page and "Mise à prix" not in page


async def test_lot_page_neighbours_and_back_link_keep_the_search(client, demo):
    sale, lots, _ = demo
    machines = [lot for lot in lots if lot.category == "Machines"]
    page = await client.get(f"/ventes/{sale.id}/lots/{machines[1].id}", params={"categorie": "Machines"})
    assert f'href="/ventes/{sale.id}/lots/{machines[0].id}?categorie=Machines" rel="prev"' in page.text
    assert f'href="/ventes/{sale.id}/lots/{machines[2].id}?categorie=Machines" rel="next"' in page.text
    assert f'href="/ventes/{sale.id}?categorie=Machines#lot-{machines[1].id}"' in page.text
    last = await client.get(f"/ventes/{sale.id}/lots/{lots[30].id}")            # lot 31 is on page 2
    assert f'href="/ventes/{sale.id}?page=2#lot-{lots[30].id}"' in last.text


async def test_withdrawn_lots_stay_listed_as_withdrawn(client, db, demo):
    sale, lots, _ = demo
    withdrawn = lots[2]
    async with db.sessions() as session, session.begin():
        await session.execute(update(Lot).where(Lot.id == withdrawn.id).values(status="withdrawn"))
    page = await client.get(f"/ventes/{sale.id}")
    assert lot_labels(page.text)[:4] == ["1", "2", "3", "4"] and "Lots 1 à 24 sur 40" in page.text
    item = page.text.split(f'id="lot-{withdrawn.id}"')[1].split("</li>")[0]
    assert "Retiré de la vente" in item and withdrawn.title in item
    assert page.text.count("Retiré de la vente") == 1
    lot = await client.get(f"/ventes/{sale.id}/lots/{withdrawn.id}")
    assert lot.status_code == 200 and "Retiré de la vente" in lot.text
    pdf = await client.get(f"/ventes/{sale.id}/catalogue.pdf")
    assert "Retiré de la vente" in flat(pdf_text(pdf.content))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_catalogue_pdf_lists_every_lot_with_the_fees(client, demo):
    sale, lots, _ = demo
    response = await client.get(f"/ventes/{sale.id}/catalogue.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = flat(pdf_text(response.content))
    assert "Étude Lefèvre & Associés" in text and "VENTE AUX ENCHÈRES PUBLIQUES" in text
    assert "14,28 % TTC (11,90 % HT)" in text and "samedi 12 décembre 2026 à 14 h 00" in text
    assert "Lots (40)" in text
    for lot in lots:
        assert flat(lot.title) in text, lot.title
    assert "4 000 € – 6 000 €" in text and "Scie circulaire à format" in text


async def test_catalogue_pdf_shows_the_first_bid_of_a_lot_without_an_opening_bid(client, db, demo):
    """The printed catalogue says what the web catalogue says for a lot without a mise à prix (a forced
    sale): "Première enchère" with the increment table's first step, never "0 €"; and the PDF cached
    before the change is not served again (its name is the digest of the HTML)."""
    sale, lots, _ = demo
    before = flat(pdf_text((await client.get(f"/ventes/{sale.id}/catalogue.pdf")).content))
    assert "Première enchère" not in before
    async with db.sessions() as session, session.begin():
        await session.execute(update(Lot).where(Lot.id == lots[0].id).values(opening_bid_cents=0))
        await session.execute(update(Sale).where(Sale.id == sale.id).values(increments=[[0, 10_00], [500_00, 50_00]]))
    text = flat(pdf_text((await client.get(f"/ventes/{sale.id}/catalogue.pdf")).content))
    row = text.split(flat(lots[0].title))[1].split(flat(lots[1].title))[0]
    assert "Première enchère : 10 €" in row and " 0 €" not in row
    assert text.count("Première enchère") == 1


async def test_no_debtor_data_on_any_public_page(client, demo):
    sale, lots, cases = demo
    private = private_strings(cases)
    assert "SARL Atelier Marchand" in private and "27 rue Victor-Hugo" in private and "SV-2026-0187" in private
    pages = [await client.get("/"), await client.get(f"/ventes/{sale.id}"),
             await client.get(f"/ventes/{sale.id}", params={"page": "2"})]
    pages += [await client.get(f"/ventes/{sale.id}/lots/{lot.id}") for lot in lots]
    texts = [page.text for page in pages]
    assert all(page.status_code == 200 for page in pages)
    pdf = await client.get(f"/ventes/{sale.id}/catalogue.pdf")
    texts.append(flat(pdf_text(pdf.content)))
    for text in texts:
        for secret in private:
            assert secret not in text and flat(secret) not in text, secret
        assert "/bureau/dossiers/" not in text


async def test_a_draft_sale_is_not_public_but_staff_preview_it(client, db, demo, users, login):
    sale, lots, _ = demo
    async with db.sessions() as session, session.begin():
        await session.execute(update(Sale).where(Sale.id == sale.id).values(status="draft"))
    for path in (f"/ventes/{sale.id}", f"/ventes/{sale.id}/lots/{lots[0].id}", f"/ventes/{sale.id}/catalogue.pdf"):
        response = await client.get(path)
        assert response.status_code == 404, path
    preview = f"/bureau/ventes/{sale.id}/apercu"
    anonymous = await client.get(preview)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")

    await login(client, users[Role.CLERK])
    staff_page = await client.get(f"/bureau/ventes/{sale.id}")
    assert f'href="{preview}">Aperçu du catalogue</a>' in staff_page.text
    page = await client.get(preview, params={"q": "altendorf"})
    assert page.status_code == 200
    assert "Aperçu — vente non publiée." in page.text and FEES in page.text
    assert lot_labels(page.text) == [] and ">1 lot trouvé</h2>" in page.text      # links stay in the preview
    assert f'href="{preview}/lots/{lots[0].id}?q=altendorf"' in page.text
    assert f'action="{preview}#lots-titre"' in page.text
    lot = await client.get(f"{preview}/lots/{lots[0].id}")
    assert lot.status_code == 200 and "Aperçu — vente non publiée." in lot.text and "Scie à format Altendorf F45" in lot.text
    pdf = await client.get(f"{preview}/catalogue.pdf")
    assert pdf.status_code == 200 and "Aperçu — vente non publiée" in flat(pdf_text(pdf.content))
    assert "S'inscrire pour enchérir" not in page.text               # no registration before announcement
    assert (await client.get(f"/ventes/{sale.id}")).status_code == 404            # still not public, even to staff


async def test_preview_of_a_public_sale_says_so(client, demo, users, login):
    sale, _, _ = demo
    await login(client, users[Role.OFFICER])
    page = await client.get(f"/bureau/ventes/{sale.id}/apercu")
    assert "Aperçu — vente publiée." in page.text and f'<a href="/ventes/{sale.id}">Voir la page publique</a>' in page.text


STATE = re.compile(r'<li class="lot[^"]*" id="lot-(\d+)"\s+data-lot="\d+"[^>]*>.*?'
                   r'<span class="state" data-state="(\w+)">([^<]*)</span>', re.S)


async def test_the_held_sales_catalogue_keeps_each_lots_state_from_its_bid_log(client, db, settings):
    """After the sale the states stay: adjugé with its price, invendu, retiré (before the sale); the page no
    longer follows the room (no script, no banner)."""
    from auction.services.demo import held_sale_id
    from auction.services.room import open_room

    assert await seed_demo(db.sessions, settings.media_dir, TODAY, held_sale=True)
    held_id = await held_sale_id(db.sessions)
    room = await open_room(db.sessions, held_id)
    response = await client.get(f"/ventes/{held_id}")
    assert response.status_code == 200
    found = {int(lot_id): (state, flat(label)) for lot_id, state, label in STATE.findall(response.text)}
    assert found, response.text
    for lot_id, (state, label) in found.items():
        result = room.state.results.get(lot_id)
        if room.setup.lots[lot_id].withdrawn or (result and result.withdrawn):
            assert (state, label) == ("withdrawn", "Retiré de la vente")
        elif result and result.sold:
            assert state == "sold" and label == flat(f"Adjugé {result.amount_cents // 100:,} €".replace(",", " "))
        else:
            assert (state, label) == ("unsold", "Invendu"), lot_id
    assert {state for state, _ in found.values()} >= {"sold", "withdrawn"}
    assert "catalogue.js" not in response.text and 'id="live-banner"' not in response.text


async def test_during_the_live_sale_the_live_page_comes_first_and_each_lot_shows_its_state(client, app, db, demo, users):
    from datetime import timedelta

    from auction.domain.room import Actor
    from auction.services.room import submit

    sale, lots, _cases = demo
    before = await client.get(f"/ventes/{sale.id}")
    assert 'class="state"' not in before.text and 'id="live-banner"' not in before.text   # not its day yet
    room = await app.state.rooms.get(sale.id)
    officer = Actor(users[Role.OFFICER].id, Role.OFFICER)
    now = sale.starts_at + timedelta(minutes=1)
    await submit(db.sessions, room, "open-sale-01", "open_sale", {}, officer, now)
    await submit(db.sessions, room, "open-lot-001", "open_lot", {"lot_id": lots[0].id}, officer, now)
    html = (await client.get(f"/ventes/{sale.id}")).text
    banner = html.index('id="live-banner"')
    assert banner < html.index('<h1 id="vente-titre"')             # before anything else of the sale
    assert f'href="/ventes/{sale.id}/direct">Suivre la vente en direct</a>' in html[banner:html.index("<h1")]
    assert html.count("Suivre la vente en direct") == 1
    assert f'data-live-socket="/ws/salle/{sale.id}"' in html and static_url("js/catalogue.js") in html
    found = {int(lot_id): state for lot_id, state, _label in STATE.findall(html)}
    assert found[lots[0].id] == "on_block" and found[lots[1].id] == "upcoming"
    # An absentee order is offered for a lot still to come, not for the one on the block.
    on_block = (await client.get(f"/ventes/{sale.id}/lots/{lots[0].id}")).text
    upcoming = (await client.get(f"/ventes/{sale.id}/lots/{lots[1].id}")).text
    assert "Laisser un ordre d" not in on_block and "inscription?lot=" not in on_block
    assert f'/ventes/{sale.id}/inscription?lot={lots[1].number}#ordres' in upcoming
