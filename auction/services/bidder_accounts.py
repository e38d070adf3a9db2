"""Bidder accounts: a person who registered online without an account, once their e-mail address is
confirmed by the signed link, chooses a password and gets the bidder account they log in with — to
follow their registrations, download what the office holds about them, and bid online.

The confirmation link is the proof that they own the address; it is checked again when the account is
made. An address that already has an account is never taken over: its owner logs in instead."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.domain.signing import TokenForged, email_confirmation_registration, verify_email_confirmation
from auction.models import Registration, User

from .accounts import open_session
from .passwords import MIN_PASSWORD_LENGTH, hash_password


class AccountRefused(InvalidValue):
    """No account can be made from this link; the message says what to do instead."""

    code = "account_refused"


@dataclass(frozen=True)
class NewAccount:
    user_id: int
    session_token: str


def check_new_password(password: str, confirmation: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.",
                           field="password")
    if password != confirmation:
        raise InvalidValue("Les deux saisies du mot de passe diffèrent.", field="confirmation")


async def _confirmed_registration(session: AsyncSession, secret: bytes, token: str, now: datetime) -> Registration:
    registration = await session.get(Registration, email_confirmation_registration(token))
    if registration is None:
        raise TokenForged("Lien de confirmation invalide : cette inscription n'existe plus.")
    verify_email_confirmation(secret, token, registration.bidder.email, now)
    return registration


async def has_account(sessions: async_sessionmaker[AsyncSession], secret: bytes, token: str, now: datetime) -> bool:
    """Whether the bidder behind a confirmation link already logs in with an account."""
    async with sessions() as session:
        registration = await _confirmed_registration(session, secret, token, now)
        return registration.bidder.user_id is not None


async def create_bidder_account(sessions: async_sessionmaker[AsyncSession], secret: bytes, token: str,
                                password: str, confirmation: str, now: datetime) -> NewAccount:
    """Make the bidder's account from a valid confirmation link, link it to the bidder, and log them in."""
    check_new_password(password, confirmation)
    email_confirmation_registration(token)                      # a malformed link fails before hashing
    password_hash = await hash_password(password)
    async with sessions() as session, session.begin():
        registration = await _confirmed_registration(session, secret, token, now)
        bidder = registration.bidder
        if bidder.user_id is not None:
            raise AccountRefused("Votre compte existe déjà : connectez-vous avec votre adresse électronique.")
        if await session.scalar(select(User.id).where(User.email == bidder.email)) is not None:
            raise AccountRefused("Un compte existe déjà avec cette adresse : connectez-vous, puis inscrivez-vous "
                                 "aux ventes depuis votre espace.")
        user = User(email=bidder.email, full_name=f"{bidder.first_name} {bidder.last_name}".strip(),
                    role=Role.BIDDER.value, password_hash=password_hash)
        session.add(user)
        try:
            await session.flush()
        except IntegrityError:
            raise AccountRefused("Un compte existe déjà avec cette adresse : connectez-vous.") from None
        bidder.user_id = user.id
        if bidder.email_confirmed_at is None:
            bidder.email_confirmed_at = now
        token_for_cookie = await open_session(session, user.id, now)
    return NewAccount(user.id, token_for_cookie)
