"""The bidder's own data over HTTP: a JSON download from their space, for their own record only."""
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import Bidder

from ..services.test_registration import sale  # noqa: F401 - fixture
from .test_registration_pages import register_online, text


async def test_a_bidder_downloads_their_data_as_json(client, db, sale, users, login):  # noqa: F811
    await login(client, users[Role.BIDDER])
    assert (await client.get("/mon-espace/mes-donnees")).status_code == 404      # no bidder record yet
    response = await register_online(client, sale.id, email="bidder@exemple.fr")
    assert response.status_code == 303
    async with db.sessions() as session:
        bidder = await session.scalar(select(Bidder))
    assert bidder.user_id == users[Role.BIDDER].id                            # the logged-in account's record
    space = await client.get("/mon-espace")
    assert "/mon-espace/mes-donnees" in text(space)
    export = await client.get("/mon-espace/mes-donnees")
    assert export.status_code == 200 and export.headers["content-type"] == "application/json"
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["bidder"]["last_name"] == "Martin-Dupré"
    assert data["registrations"][0]["identity_document"]["scan"]["content_type"] == "image/png"
