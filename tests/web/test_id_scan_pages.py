"""Identity scans over HTTP: for staff only, never under the public media, every look logged."""
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import PersonalDataAccess, Registration

from ..services.test_registration import png_bytes, sale  # noqa: F401 - fixture
from .test_registration_pages import register_online, text


async def test_identity_scans_are_for_staff_and_every_look_is_logged(client, db, sale, users, login):  # noqa: F811
    await register_online(client, sale.id)
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    scan_path = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}/piece"
    anonymous = await client.get(scan_path)
    assert anonymous.status_code == 303
    assert (await client.get(f"/medias/{registration.scan_path}")).status_code == 404
    for role in (Role.BIDDER,):
        await login(client, users[role])
        assert (await client.get(scan_path)).status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    shown = await client.get(scan_path)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff" and "no-store" in shown.headers["cache-control"]
    assert shown.content == png_bytes()
    async with db.sessions() as session:
        log = (await session.scalars(select(PersonalDataAccess))).all()
    assert [(e.action, e.user_id) for e in log] == [("view_scan", users[Role.OFFICER].id)]
    page = await client.get(f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}")
    assert "Consultations de la copie" in text(page) and "Test Commissaire de justice" in text(page)
