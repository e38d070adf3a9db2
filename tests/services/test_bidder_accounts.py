"""A bidder's account made from the e-mail confirmation link: linked to the bidder, logged in at once,
never taking over an address that already has an account, refused on a bad, expired or altered link."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.domain.signing import TokenExpired, TokenForged
from auction.models import Bidder, User, UserSession
from auction.services import registration as service
from auction.services.accounts import session_user
from auction.services.bidder_accounts import AccountRefused, create_bidder_account

from ..conftest import add_user
from .test_registration import SECRET, data_of, sale  # noqa: F401 - fixture

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
PASSWORD = "une phrase de passe"


async def registered(db, sale, **changes):  # noqa: F811
    registration = await service.register(db.sessions, sale.id, data_of(sale, channel="online", **changes),
                                          via="web", now=NOW)
    token = service.confirmation_link(SECRET, "http://x", registration, "lea.martin@exemple.fr", NOW)
    return registration, token.rsplit("/", 1)[1]


async def user_count(db) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(User))


async def test_the_account_is_linked_to_the_bidder_and_logged_in(db, sale):  # noqa: F811
    registration, token = await registered(db, sale)
    account = await create_bidder_account(db.sessions, SECRET, token, PASSWORD, PASSWORD, NOW)
    async with db.sessions() as session:
        bidder = await session.get(Bidder, registration.bidder_id)
        user = await session.get(User, account.user_id)
    assert bidder.user_id == user.id and bidder.email_confirmed_at == NOW
    assert user.role == Role.BIDDER.value and user.email == "lea.martin@exemple.fr"
    assert user.full_name == "Léa Martin-Dupré" and user.password_hash.startswith("$argon2")
    assert (await session_user(db.sessions, account.session_token, NOW)).id == user.id

    with pytest.raises(AccountRefused, match="existe déjà"):          # the same link, twice
        await create_bidder_account(db.sessions, SECRET, token, PASSWORD, PASSWORD, NOW)
    assert await user_count(db) == 1


async def test_an_address_that_has_an_account_is_never_taken_over(db, sale):  # noqa: F811
    await add_user(db, Role.CLERK, "lea.martin@exemple.fr")
    _, token = await registered(db, sale)
    with pytest.raises(AccountRefused, match="connectez-vous"):
        await create_bidder_account(db.sessions, SECRET, token, PASSWORD, PASSWORD, NOW)
    async with db.sessions() as session:
        assert (await session.scalar(select(Bidder))).user_id is None
        assert await session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert await user_count(db) == 1


@pytest.mark.parametrize("password, confirmation, field", [
    ("court", "court", "password"),
    (PASSWORD, PASSWORD + "!", "confirmation"),
])
async def test_a_bad_password_makes_no_account(db, sale, password, confirmation, field):  # noqa: F811
    _, token = await registered(db, sale)
    with pytest.raises(InvalidValue) as refused:
        await create_bidder_account(db.sessions, SECRET, token, password, confirmation, NOW)
    assert refused.value.field == field
    assert await user_count(db) == 0


async def test_an_altered_expired_or_foreign_link_makes_no_account(db, sale):  # noqa: F811
    registration, token = await registered(db, sale)
    with pytest.raises(TokenForged):
        await create_bidder_account(db.sessions, SECRET, token[:-2] + "xx", PASSWORD, PASSWORD, NOW)
    with pytest.raises(TokenForged):
        await create_bidder_account(db.sessions, b"another-secret" * 4, token, PASSWORD, PASSWORD, NOW)
    with pytest.raises(TokenForged):
        await create_bidder_account(db.sessions, SECRET, "pas-un-lien", PASSWORD, PASSWORD, NOW)
    with pytest.raises(TokenExpired):
        await create_bidder_account(db.sessions, SECRET, token, PASSWORD, PASSWORD, NOW + timedelta(days=8))
    assert await user_count(db) == 0
