"""Accounts: creating users, logging in and out, the sessions behind the cookie."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.office import clean_email, required_text
from auction.domain.roles import Role
from auction.models import User, UserSession

from .passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password

SESSION_LIFETIME = timedelta(hours=12)


class LoginFailed(Exception):
    """Wrong e-mail or password, or a disabled account (the message does not say which)."""


@dataclass(frozen=True)
class NewUser:
    email: str
    full_name: str
    role: Role
    password: str


def clean_new_user(form: dict[str, str]) -> tuple[NewUser | None, dict[str, str]]:
    errors: dict[str, str] = {}
    try:
        email = clean_email(form.get("email", ""))
    except InvalidValue as exc:
        errors["email"] = exc.message
    try:
        full_name = required_text(form.get("full_name", ""), "full_name", "Nom complet")
    except InvalidValue as exc:
        errors["full_name"] = exc.message
    try:
        role = Role(form.get("role", ""))
    except ValueError:
        errors["role"] = "Choisissez un rôle."
    password = form.get("password", "")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
    if errors:
        return None, errors
    return NewUser(email, full_name, role, password), {}


class EmailTaken(InvalidValue):
    code = "email_taken"


async def add_user(session: AsyncSession, new: NewUser, password_hash: str) -> User:
    """Add a user inside the caller's transaction."""
    if await session.scalar(select(func.count()).where(User.email == new.email)):
        raise EmailTaken("Un compte existe déjà avec cette adresse.", field="email")
    user = User(email=new.email, full_name=new.full_name, role=new.role.value, password_hash=password_hash)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise EmailTaken("Un compte existe déjà avec cette adresse.", field="email") from None
    return user


async def create_user(sessions: async_sessionmaker[AsyncSession], new: NewUser) -> User:
    password_hash = await hash_password(new.password)
    async with sessions() as session, session.begin():
        return await add_user(session, new, password_hash)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def log_in(sessions: async_sessionmaker[AsyncSession], email: str, password: str, now: datetime) -> tuple[str, User]:
    """Check the credentials and open a session; returns the cookie token and the user."""
    email = (email or "").strip().lower()
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.email == email))
    ok = await verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        raise LoginFailed()
    async with sessions() as session, session.begin():
        token = await open_session(session, user.id, now)
    return token, user


async def open_session(session: AsyncSession, user_id: int, now: datetime) -> str:
    """Open a session for the user inside the caller's transaction; returns the cookie token."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_token_hash(token), user_id=user_id,
                            created_at=now, expires_at=now + SESSION_LIFETIME))
    await session.execute(delete(UserSession).where(UserSession.expires_at < now))
    db_user = await session.get(User, user_id)
    db_user.last_login_at = now
    return token


async def session_user(sessions: async_sessionmaker[AsyncSession], token: str, now: datetime) -> User | None:
    """The active user behind a session cookie, or None when it is unknown, expired or disabled."""
    if not token:
        return None
    async with sessions() as session:
        row = await session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row.user


async def log_out(sessions: async_sessionmaker[AsyncSession], token: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


async def list_users(sessions: async_sessionmaker[AsyncSession]) -> list[User]:
    async with sessions() as session:
        return list(await session.scalars(select(User).order_by(User.role, User.full_name)))
