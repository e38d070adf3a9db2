"""The sale's verification page (CPCE R221-36): staff see it, the officer records the act (CSRF)."""
from sqlalchemy import select

from auction.domain.roles import Role
from auction.formats import to_paris
from auction.models import InventoryAct, Lot, utcnow

from ..conftest import csrf_from


async def first_lot(db, sale_id) -> Lot:
    async with db.sessions() as session:
        return await session.scalar(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))


async def verification_count(db) -> int:
    async with db.sessions() as session:
        return len((await session.scalars(select(InventoryAct).where(InventoryAct.kind == "verification"))).all())


async def test_r221_36_the_page_shows_each_cases_act(client, users, login, sale_id):
    await login(client, users[Role.CLERK])
    page = await client.get(f"/bureau/ventes/{sale_id}/verification")
    assert page.status_code == 200
    assert "SV-2026-0142" in page.text and "SV-2026-0187" in page.text
    assert "Acte de vérification du 22/11/2026" in page.text
    assert "Seul le commissaire de justice dresse et signe" in page.text
    assert "Signer l'acte de vérification" not in page.text


async def test_r221_36_a_clerk_cannot_record_the_act(client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    lot = await first_lot(db, sale_id)
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/verification")
    response = await client.post(f"/bureau/ventes/{sale_id}/verification/{lot.case_id}", data={
        "csrf_token": token, "act_date": "2026-11-30", "place": "Lyon", "present_persons": "Me Lefèvre"})
    assert response.status_code == 403
    assert await verification_count(db) == 2


async def test_r221_36_the_act_needs_the_csrf_token(client, db, users, login, sale_id):
    await login(client, users[Role.OFFICER])
    lot = await first_lot(db, sale_id)
    response = await client.post(f"/bureau/ventes/{sale_id}/verification/{lot.case_id}", data={
        "act_date": "2026-11-30", "place": "Lyon", "present_persons": "Me Lefèvre"})
    assert response.status_code == 403
    assert await verification_count(db) == 2


async def test_r221_36_the_officer_records_the_act_and_the_lot_is_withdrawn(client, db, users, login, sale_id):
    await login(client, users[Role.OFFICER])
    lot = await first_lot(db, sale_id)
    path = f"/bureau/ventes/{sale_id}/verification"
    today = to_paris(utcnow()).date().isoformat()
    bad = await client.post(f"{path}/{lot.case_id}", data={
        "csrf_token": await csrf_from(client, path), "act_date": "2027-03-01", "place": "Lyon",
        "present_persons": "Me Lefèvre", f"finding_{lot.id}": "missing", f"action_{lot.id}": "withdrawn"})
    assert bad.status_code == 400 and "avant la vente" in bad.text and "Rien n'a été enregistré" in bad.text
    incomplete = await client.post(f"{path}/{lot.case_id}", data={
        "csrf_token": await csrf_from(client, path), "act_date": today, "place": "Lyon",
        "present_persons": "Me Lefèvre", f"finding_{lot.id}": "damaged"})
    assert incomplete.status_code == 400 and "retirer le lot ou le décrire" in incomplete.text
    assert await verification_count(db) == 2
    done = await client.post(f"{path}/{lot.case_id}", data={
        "csrf_token": await csrf_from(client, path), "act_date": today, "place": "Lyon",
        "present_persons": "Me Lefèvre", f"finding_{lot.id}": "missing", f"action_{lot.id}": "withdrawn"})
    assert done.status_code == 303 and done.headers["location"] == f"{path}?enregistre=1"
    assert (await first_lot(db, sale_id)).status == "withdrawn"
    page = await client.get(done.headers["location"])
    assert "Acte de vérification enregistré et signé" in page.text and "manquant ; lot 1" in page.text
