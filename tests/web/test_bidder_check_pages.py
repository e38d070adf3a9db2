"""The registration's page over HTTP (auction.web.pages.bidder_checks): no verification before the
e-mail is confirmed, and only the officer clears a homonym of a barred person, with a reason."""

from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import BarredClearance, Registration, RegistrationCheck

from ..conftest import add_user, csrf_from
from ..services.test_registration import sale  # noqa: F401 - fixture
from .test_registration_pages import confirm_by_the_link, count, register_online, text


async def test_an_online_registration_is_not_verified_before_its_email_is_confirmed(
        app, client, db, sale, users, login):  # noqa: F811
    await register_online(client, sale.id)
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    path = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}"
    page = await client.get(path)
    assert "(non confirmé)" in text(page) and 'id="email-unconfirmed"' in page.text     # said before trying
    token = await csrf_from(client, path)
    attestation = {"csrf_token": token, "document_type": "id_card", "document_number": "X4RTBPFW4",
                   "document_expires_on": "2031-05-01", "document_country": "FR", "document_first_names": "Léa",
                   "document_last_name": "MARTIN-DUPRÉ", "document_seen": "1"}
    refused = await client.post(f"{path}/verifier", data=attestation)
    assert refused.status_code == 409
    assert "pas encore confirmé son adresse électronique" in text(refused) and "Rien n'a été enregistré" in text(refused)
    assert 'value="MARTIN-DUPRÉ"' in text(refused), "the clerk's reading comes back in the form"
    async with db.sessions() as session:
        stored = await session.get(Registration, registration.id)
        assert (stored.paddle_number, stored.document_seen, stored.document_last_name) == (None, False, "")
    assert await count(db, RegistrationCheck) == 0

    await confirm_by_the_link(app)
    page = await client.get(path)
    assert "(confirmé)" in text(page) and 'id="email-unconfirmed"' not in page.text
    granted = await client.post(f"{path}/verifier", data=attestation)
    assert granted.status_code == 303 and granted.headers["location"] == f"{path}?ok=panneau"
    history = " ".join(text(await client.get(path)).split("Historique des contrôles")[1].split())
    assert f"<td>{users[Role.CLERK].full_name}</td>" in history and "Satisfait — " in history   # each check, by whom


async def test_only_the_officer_clears_a_homonym_with_a_reason(client, db, sale, users, login):  # noqa: F811
    await add_user(db, Role.CLERK, "lea.martin@etude.fr", "Léa MARTIN")
    await register_online(client, sale.id, last_name="Martin")
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    path = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}"

    await login(client, users[Role.CLERK])
    page = await client.get(path)
    assert "Ne peut pas enchérir dans cette vente : Léa MARTIN" in text(page)
    assert "Seul le commissaire de justice peut lever" in text(page) and f'action="{path}/homonyme"' not in page.text
    token = await csrf_from(client, path)
    assert (await client.post(f"{path}/homonyme", data={"csrf_token": token, "reason": "x" * 20})).status_code == 403

    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, path)
    short = await client.post(f"{path}/homonyme", data={"csrf_token": token, "reason": "autre"})
    assert short.status_code == 400 and "pourquoi il s'agit d'une autre personne" in text(short)
    assert await count(db, BarredClearance) == 0
    done = await client.post(f"{path}/homonyme", data={"csrf_token": token,
                                                       "reason": "Née en 1990 à Lyon ; la clerc est née en 1978."})
    assert done.status_code == 303 and done.headers["location"] == f"{path}?ok=homonyme"
    page = await client.get(done.headers["location"])
    assert "Homonymie enregistrée" in text(page) and "n'est pas « Léa MARTIN » — Née en 1990" in text(page)
    assert "Homonymie levée par le commissaire de justice : Léa MARTIN" in text(page)
