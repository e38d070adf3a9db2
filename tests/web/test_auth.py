"""Login, logout, session cookies, CSRF protection and the throttling of password guesses."""
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from auction.domain.roles import Role
from auction.models import UserSession, utcnow
from auction.services import accounts
from auction.web.ratelimit import LoginThrottle

from ..conftest import CSRF_INPUT, PASSWORD, add_user, csrf_from, log_in


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


# --- throttling password guesses ---------------------------------------------------------------------

@pytest.fixture
def clock(app):
    """The app's login throttle on a fake clock: tests move time instead of sleeping."""
    now = [1_780_000_000.0]
    app.state.login_throttle = LoginThrottle(app.state.limit_store, app.state.settings.secret_key.encode(),
                                             clock=lambda: now[0])
    return now


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the password verifications actually run."""
    calls = []
    real = accounts.verify_password

    async def counting(password_hash, password):
        calls.append(password)
        return await real(password_hash, password)
    monkeypatch.setattr(accounts, "verify_password", counting)
    return calls


def other_address(app, host="203.0.113.9"):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(host, 40000)),
                             base_url="http://testserver")


async def test_repeated_failures_pause_the_account_even_for_the_right_password(
        app, client, users, clock, password_checks, caplog):
    clerk = users[Role.CLERK]
    for _ in range(LoginThrottle.FREE_ATTEMPTS):
        assert (await log_in(client, clerk.email, "mauvais-mot-de-passe")).status_code == 400
    assert len(password_checks) == LoginThrottle.FREE_ATTEMPTS
    with caplog.at_level(logging.WARNING, logger="criee.auth"):
        refused = await log_in(client, clerk.email, PASSWORD)
    assert refused.status_code == 429
    assert "Trop de tentatives de connexion" in refused.text and "réessayez dans 1 minute." in refused.text
    assert refused.headers["retry-after"] == str(int(LoginThrottle.FIRST_PAUSE))
    assert f'value="{clerk.email}"' in refused.text and CSRF_INPUT.search(refused.text), "the form is re-rendered"
    assert "criee_session" not in client.cookies
    assert len(password_checks) == LoginThrottle.FREE_ATTEMPTS, "a paused attempt checks no password"
    (record,) = [r for r in caplog.records if r.getMessage() == "login throttled"]
    assert record.reason == "too_many_attempts_account" and len(record.email_tag) == 16
    assert clerk.email not in str(vars(record)) and PASSWORD not in str(vars(record))

    # Another account, from another address, is not affected.
    async with other_address(app) as other:
        assert (await log_in(other, users[Role.OFFICER].email)).status_code == 303

    # Time passes: the right password gets in, and the count starts afresh.
    clock[0] += LoginThrottle.FIRST_PAUSE
    assert (await log_in(client, clerk.email, PASSWORD)).status_code == 303
    client.cookies.clear()
    for _ in range(LoginThrottle.FREE_ATTEMPTS):
        assert (await log_in(client, clerk.email, "encore-faux")).status_code == 400


async def test_an_unknown_email_is_paused_the_same_way(client, clock):
    answers = [(await log_in(client, "personne@exemple.fr", "x" * 12)).status_code
               for _ in range(LoginThrottle.FREE_ATTEMPTS + 1)]
    assert answers == [400] * LoginThrottle.FREE_ATTEMPTS + [429]


async def test_one_address_trying_many_accounts_is_paused(app, client, users, clock, password_checks):
    app.state.login_throttle.ADDRESS = (3, 1 / 30)     # a small budget, to keep the test short
    emails = [users[role].email for role in (Role.CLERK, Role.OFFICER, Role.BIDDER)]
    for email in emails:
        assert (await log_in(client, email, "mauvais-mot-de-passe")).status_code == 400
    refused = await log_in(client, users[Role.CLERK].email, PASSWORD)
    assert refused.status_code == 429 and "réessayez dans 1 minute." in refused.text
    assert len(password_checks) == 3
    async with other_address(app) as other:         # the same accounts, from elsewhere
        assert (await log_in(other, users[Role.CLERK].email)).status_code == 303
    clock[0] += 30
    assert (await log_in(client, users[Role.OFFICER].email)).status_code == 303
