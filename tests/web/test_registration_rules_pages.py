"""The sale's rules page: paddle ranges, the solvency asked for, and the barred persons."""
from auction.domain.roles import Role

from ..conftest import csrf_from
from ..services.test_registration import sale  # noqa: F401 - fixture
from .test_registration_pages import text


async def test_the_officer_sets_the_sales_rules_and_barred_persons(client, db, sale, users, login):  # noqa: F811
    await login(client, users[Role.OFFICER])
    path = f"/bureau/ventes/{sale.id}/inscriptions/regles"
    token = await csrf_from(client, path)
    bad = await client.post(path, data={"csrf_token": token, "room_first": "1", "room_last": "600",
                                        "online_first": "501", "online_last": "999", "solvency_rule": "any"})
    assert bad.status_code == 400 and "chevaucher" in text(bad)
    good = await client.post(path, data={"csrf_token": token, "room_first": "10", "room_last": "99",
                                         "online_first": "500", "online_last": "599", "solvency_rule": "deposit",
                                         "deposit_minimum": "250"})
    assert good.status_code == 303
    added = await client.post(f"/bureau/ventes/{sale.id}/inscriptions/exclusions", data={
        "csrf_token": token, "full_name": "Julien ROCHE", "reason": "débiteur saisi", "case_id": ""})
    assert added.status_code == 303
    page = await client.get(path)
    assert 'value="10"' in text(page) and "Julien ROCHE" in text(page)
    listing = await client.get(f"/bureau/ventes/{sale.id}/inscriptions")
    assert "dépôt de garantie, d'au moins 250" in text(listing).replace("\u202f", " ").replace("\xa0", " ")
