"""The sale's room settings: increments (officer) and display currencies (staff)."""
from auction.domain.roles import Role
from auction.models import Sale

from ..conftest import csrf_from


async def stored(db, sale_id):
    async with db.sessions() as session:
        return await session.get(Sale, sale_id)


async def test_officer_sets_the_sales_own_increments(client, db, users, login, sale_id, app):
    await login(client, users[Role.OFFICER])
    path = f"/bureau/ventes/{sale_id}/reglages"
    token = await csrf_from(client, path)
    response = await client.post(f"/bureau/ventes/{sale_id}/paliers", data={
        "csrf_token": token, "from_0": "0", "step_0": "10", "from_1": "1 000", "step_1": "250"})
    assert response.status_code == 303
    assert (await stored(db, sale_id)).increments == [[0, 1000], [100000, 25000]]
    page = await client.get(response.headers["location"])
    assert "Réglages enregistrés" in page.text
    room = await app.state.rooms.get(sale_id)
    assert room.setup.increments.step(150000) == 25000


async def test_bad_increments_rerender_and_save_nothing(client, db, users, login, sale_id):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/reglages")
    response = await client.post(f"/bureau/ventes/{sale_id}/paliers", data={
        "csrf_token": token, "from_0": "0", "step_0": "10", "from_1": "0", "step_1": "20"})
    assert response.status_code == 400
    assert "croissants" in response.text and "Rien n'a été enregistré" in response.text
    assert (await stored(db, sale_id)).increments is None


async def test_clerk_enters_currency_rates(client, db, users, login, sale_id):
    await login(client, users[Role.CLERK])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/reglages")
    response = await client.post(f"/bureau/ventes/{sale_id}/devises", data={
        "csrf_token": token, "code_0": "usd", "rate_0": "1,0842", "code_1": "GBP", "rate_1": "0,8531"})
    assert response.status_code == 303
    assert (await stored(db, sale_id)).display_currencies == [
        {"code": "USD", "rate": "1.0842"}, {"code": "GBP", "rate": "0.8531"}]
    bad = await client.post(f"/bureau/ventes/{sale_id}/devises", data={
        "csrf_token": await csrf_from(client, f"/bureau/ventes/{sale_id}/reglages"), "code_0": "XX", "rate_0": "1"})
    assert bad.status_code == 400 and "trois lettres" in bad.text
    assert len((await stored(db, sale_id)).display_currencies) == 2
