"""Login, logout, session cookies and CSRF protection."""
from datetime import timedelta

from sqlalchemy import select, update

from auction.domain.roles import Role
from auction.models import UserSession, utcnow
from auction.services import accounts

from ..conftest import PASSWORD, add_user, csrf_from, log_in


async def test_login_sets_a_hardened_session_cookie(client, users):
    response = await log_in(client, users[Role.CLERK].email)
    assert response.status_code == 303
    assert response.headers["location"] == "/bureau"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("criee_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in tests; see the https test below
    page = await client.get("/bureau")
    assert page.status_code == 200
    assert users[Role.CLERK].full_name in page.text


async def test_cookies_are_secure_behind_https(app):
    import httpx
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://criee.example") as c:
        page = await c.get("/connexion")
        assert "Secure" in page.headers["set-cookie"]


async def test_bidder_lands_on_their_space(client, users):
    response = await log_in(client, users[Role.BIDDER].email)
    assert response.headers["location"] == "/mon-espace"


async def test_login_follows_a_local_next_page_only(client, users):
    token = await csrf_from(client, "/connexion")
    response = await client.post("/connexion", data={
        "email": users[Role.CLERK].email, "password": PASSWORD, "csrf_token": token, "suite": "//evil.example/"})
    assert response.headers["location"] == "/bureau"
    client.cookies.clear()
    token = await csrf_from(client, "/connexion")
    response = await client.post("/connexion", data={
        "email": users[Role.CLERK].email, "password": PASSWORD, "csrf_token": token, "suite": "/bureau/tarif"})
    assert response.headers["location"] == "/bureau/tarif"


async def test_wrong_password_rerenders_in_french_and_keeps_the_email(client, users):
    response = await log_in(client, users[Role.CLERK].email, "mauvais-mot-de-passe")
    assert response.status_code == 400
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert f'value="{users[Role.CLERK].email}"' in response.text
    assert "criee_session" not in client.cookies


async def test_unknown_email_gets_the_same_answer(client):
    response = await log_in(client, "personne@exemple.fr")
    assert response.status_code == 400
    assert "Adresse électronique ou mot de passe incorrect." in response.text


async def test_disabled_account_cannot_log_in(client, db):
    user = await add_user(db, Role.CLERK, email="parti@exemple.fr", active=False)
    response = await log_in(client, user.email)
    assert response.status_code == 400


async def test_login_without_csrf_token_is_refused(client, users):
    await client.get("/connexion")
    response = await client.post("/connexion", data={"email": users[Role.CLERK].email, "password": PASSWORD})
    assert response.status_code == 403
    assert "La page a expiré" in response.text
    assert "criee_session" not in client.cookies


async def test_csrf_token_from_another_browser_is_refused(app, client, users):
    import httpx
    token = await csrf_from(client, "/connexion")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await other.get("/connexion")
        response = await other.post("/connexion", data={
            "email": users[Role.CLERK].email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 403


async def test_forms_of_a_logged_in_user_need_the_token_of_their_session(client, users, login):
    await login(client, users[Role.OFFICER])
    anonymous_style = await client.post("/bureau/tarif", data={"csrf_token": "0" * 64})
    assert anonymous_style.status_code == 403
    token = await csrf_from(client, "/bureau/tarif")
    accepted = await client.post("/bureau/tarif", data={"csrf_token": token})
    assert accepted.status_code == 400  # past CSRF, into form validation


async def test_logout_ends_the_session_on_the_server(client, users, db, login):
    await login(client, users[Role.CLERK])
    stolen = client.cookies.get("criee_session")
    token = await csrf_from(client, "/bureau")
    response = await client.post("/deconnexion", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/connexion")
    client.cookies.set("criee_session", stolen)  # replaying the old cookie does not work
    assert (await client.get("/bureau")).status_code == 303
    async with db.sessions() as session:
        assert (await session.scalars(select(UserSession))).all() == []


async def test_expired_session_is_refused(client, users, db, login):
    await login(client, users[Role.CLERK])
    async with db.sessions() as session, session.begin():
        await session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await client.get("/bureau")
    assert response.status_code == 303


async def test_disabling_an_account_ends_its_sessions(client, users, db, login):
    await login(client, users[Role.CLERK])
    async with db.sessions() as session, session.begin():
        user = await session.get(type(users[Role.CLERK]), users[Role.CLERK].id)
        user.active = False
    assert (await client.get("/bureau")).status_code == 303


async def test_session_lookup_ignores_unknown_tokens(db):
    assert await accounts.session_user(db.sessions, "nope", utcnow()) is None
    assert await accounts.session_user(db.sessions, "", utcnow()) is None


async def test_passwords_are_stored_as_argon2_hashes(db):
    from auction.services.accounts import NewUser, create_user
    user = await create_user(db.sessions, NewUser("nouveau@exemple.fr", "Nouveau Clerc", Role.CLERK, "un-long-secret"))
    assert user.password_hash.startswith("$argon2id$")
    assert "un-long-secret" not in user.password_hash
