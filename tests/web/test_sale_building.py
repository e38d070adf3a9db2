"""From two seizure cases to a public catalogue, through the staff pages only."""
import html
import re
from datetime import date

from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import Case, Creditor, InventoryItem, Lot, Sale

from ..conftest import csrf_from
from .test_inventory_pages import fill_header, import_file

CASES = [
    ("SV-2026-0301", "SARL Menuiserie Duval", "Désignation;Quantité;État;Estimation;Catégorie\n"
     "Dégauchisseuse Felder;1;bon état;2 500;Machines\nToupie SCM;1;usure normale;1 500;Machines\n"),
    ("SV-2026-0302", "M. Paul Girard", "Désignation;Quantité;État;Estimation;Catégorie\n"
     "Piano droit Yamaha U1;1;accordé en 2023;1 800;Mobilier\n"),
]


async def make_case(client, reference, debtor, csv_text) -> int:
    token = await csrf_from(client, "/bureau/dossiers/nouveau")
    created = await client.post("/bureau/dossiers", data={
        "csrf_token": token, "reference": reference, "debtor_name": debtor, "debtor_address": "3 rue des Lilas",
        "debtor_postcode": "69003", "debtor_city": "Lyon", "title_nature": "Jugement",
        "title_court": "Tribunal judiciaire de Lyon", "title_date": "2026-03-02", "seizure_date": "2026-09-10",
        "seizure_notified_on": "2026-09-10"})
    assert created.status_code == 303, created.text
    case_path = created.headers["location"]
    added = await client.post(f"{case_path}/creanciers", data={
        "csrf_token": await csrf_from(client, case_path), "name": "Banque du Rhône", "role": "seizing",
        "address": "1 place Bellecour, 69002 Lyon", "principal": "12 000", "interest": "350,20", "costs": "420",
        "as_of": "2026-10-01"})
    assert added.status_code == 303
    act = await client.post(f"{case_path}/actes", data={"csrf_token": await csrf_from(client, case_path)})
    act_path = act.headers["location"]
    preview = await import_file(client, act_path, csv_text.encode())
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    await client.post(f"{act_path}/import/confirmer", data={"csrf_token": await csrf_from(client, act_path), "token": token})
    await fill_header(client, act_path)
    signed = await client.post(f"{act_path}/signer", data={"csrf_token": await csrf_from(client, act_path)})
    assert signed.status_code == 303
    return int(case_path.rsplit("/", 1)[1])


async def test_a_sale_with_lots_from_two_cases_is_built_from_csv_and_published(client, db, users, login, confirmed_rates):
    await login(client, users[Role.OFFICER])
    for reference, debtor, csv_text in CASES:
        await make_case(client, reference, debtor, csv_text)
    created = await client.post("/bureau/ventes", data={
        "csrf_token": await csrf_from(client, "/bureau/ventes/nouvelle"), "reference": "VJ-2027-01",
        "title": "Machines à bois et piano", "starts_on": "2027-01-16", "starts_time": "14:00", "place_kind": "room",
        "place_name": "Hôtel des ventes", "address": "8 quai de Saône", "postcode": "69009", "city": "Lyon",
        "viewing": "Le matin de la vente.", "conditions": "Paiement comptant."})
    assert created.status_code == 303
    sale_path = created.headers["location"]
    sale_id = int(sale_path.rsplit("/", 1)[1])
    async with db.sessions() as session:
        items = (await session.scalars(select(InventoryItem).order_by(InventoryItem.id))).all()
    for item in items:
        response = await client.post(f"{sale_path}/lots", data={
            "csrf_token": await csrf_from(client, f"{sale_path}/lots/nouveau"), "items": [str(item.id)],
            "title": item.description, "estimate_low": str(item.estimate_cents // 100),
            "estimate_high": str(item.estimate_cents // 50), "opening_bid": str(item.estimate_cents // 200)})
        assert response.status_code == 303
    async with db.sessions() as session:
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
        cases = {c.id for c in await session.scalars(select(Case))}
    assert [lot.label for lot in lots] == ["1", "2", "3"] and {lot.case_id for lot in lots} == cases
    assert (await client.get(f"/ventes/{sale_id}")).status_code == 404      # a draft is not public
    announced = await client.post(f"{sale_path}/publicite/annoncer", data={
        "csrf_token": await csrf_from(client, f"{sale_path}/publicite")})
    assert announced.status_code == 303, announced.text
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "announced"
    client.cookies.clear()
    public = await client.get(f"/ventes/{sale_id}")
    assert public.status_code == 200
    for title in ("Dégauchisseuse Felder", "Toupie SCM", "Piano droit Yamaha U1"):
        assert title in public.text
    for _, debtor, _ in CASES:
        assert debtor not in public.text


async def test_case_and_sale_forms_report_errors_in_french(client, db, users, login):
    await login(client, users[Role.CLERK])
    bad_case = await client.post("/bureau/dossiers", data={
        "csrf_token": await csrf_from(client, "/bureau/dossiers/nouveau"), "reference": "", "debtor_name": "X",
        "title_date": "2026-10-01", "seizure_date": "2026-09-01"})
    assert bad_case.status_code == 400
    assert "Référence : champ obligatoire." in bad_case.text and 'value="X"' in bad_case.text
    bad_sale = await client.post("/bureau/ventes", data={
        "csrf_token": await csrf_from(client, "/bureau/ventes/nouvelle"), "reference": "V", "title": "T",
        "starts_on": "2020-01-01", "starts_time": "14:00", "place_kind": "room", "place_name": "Salle",
        "address": "1 rue", "postcode": "69001", "city": "Lyon", "conditions": "Comptant."})
    assert bad_sale.status_code == 400 and "doit être à venir" in bad_sale.text
    async with db.sessions() as session:
        assert (await session.scalars(select(Case))).all() == [] and (await session.scalars(select(Sale))).all() == []


async def test_one_seizing_creditor_per_case(client, db, users, login):
    await login(client, users[Role.OFFICER])
    case_id = await make_case(client, "SV-X", "M. X", CASES[1][2])
    again = await client.post(f"/bureau/dossiers/{case_id}/creanciers", data={
        "csrf_token": await csrf_from(client, f"/bureau/dossiers/{case_id}"), "name": "Autre", "role": "seizing",
        "address": "2 rue", "principal": "10", "as_of": "2026-10-01"})
    assert again.status_code == 400 and "déjà son créancier poursuivant" in again.text
    async with db.sessions() as session:
        assert len((await session.scalars(select(Creditor))).all()) == 1


async def test_l221_5_r221_41_creditors_carry_the_day_they_came_forward(client, db, users, login):
    await login(client, users[Role.OFFICER])
    case_id = await make_case(client, "SV-Y", "M. Y", CASES[1][2])     # seized on 10 September 2026
    path = f"/bureau/dossiers/{case_id}"

    async def add(**fields):
        return await client.post(f"{path}/creanciers", data={
            "csrf_token": await csrf_from(client, path), "name": "Trésor public", "role": "opposing",
            "address": "3 rue", "principal": "100", "as_of": "2026-10-01", **fields})

    undated = await add()
    assert undated.status_code == 400 and "date de l'acte d'opposition" in html.unescape(undated.text)
    before = await add(came_forward_on="2026-09-09")
    assert before.status_code == 400 and "avant la saisie" in before.text
    assert (await add(came_forward_on="2026-09-10")).status_code == 303
    async with db.sessions() as session:
        creditors = (await session.scalars(select(Creditor).order_by(Creditor.id))).all()
    # the seizing creditor's day is the seizure's; the opposing one's, its act's
    assert [(c.role, c.came_forward_on) for c in creditors] == [
        ("seizing", date(2026, 9, 10)), ("opposing", date(2026, 9, 10))]
    page = await client.get(path)
    assert "Manifesté le" in page.text and "10/09/2026" in page.text
