"""Fixtures shared by the suite.

Every database test runs twice, on SQLite and on PostgreSQL (the `backend` parameter). Each backend
gets one freshly created, migrated database per test session; each test then runs inside a
transaction that is rolled back, so tests never see each other's rows. Tests that need a real
server process (browser tests) get a fresh database of their own instead (`fresh_database_url`).
"""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from auction.config import Settings
from auction.db import Database, make_engine
from auction.domain.roles import Role
from auction.migrations import upgrade
from auction.models import User

from .live_server import drop_database

BACKENDS = ("sqlite", "postgresql")
# Cheap Argon2 parameters for test accounts: verification reads the parameters from the hash.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "mot-de-passe-de-test"


DEFAULT_POSTGRES_URL = "postgresql+asyncpg://criee:criee@127.0.0.1:5432/criee"  # what `make test` starts


def postgres_admin_url() -> str:
    return os.environ.get("CRIEE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


async def _postgres_reachable(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]
    finally:
        await engine.dispose()


def _require_postgres() -> str:
    url = postgres_admin_url()
    problem = asyncio.run(_postgres_reachable(url))
    if problem:
        message = f"PostgreSQL unavailable for the tests ({problem}); `make test` starts one."
        if os.environ.get("CRIEE_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    return url


async def _admin_execute(admin_url: str, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


class DatabaseFactory:
    """Creates empty databases of one backend and drops them at the end of the session."""

    def __init__(self, backend: str, tmp_dir: Path):
        self.backend = backend
        self.tmp_dir = tmp_dir
        self.admin_url = _require_postgres() if backend == "postgresql" else None
        self.created: list[str] = []

    def create(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.tmp_dir / f'criee-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"criee_test_{secrets.token_hex(6)}"
        asyncio.run(_admin_execute(self.admin_url, f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create_migrated(self) -> str:
        url = self.create()
        upgrade(url)
        return url

    def drop_all(self) -> None:
        for name in self.created:
            drop_database(lambda statement: asyncio.run(_admin_execute(self.admin_url, statement)), name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_factory(backend, tmp_path_factory):
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield factory
    if backend == "postgresql":
        factory.drop_all()


@pytest.fixture(scope="session")
def migrated_url(database_factory) -> str:
    """One migrated database per backend for the whole session (tests roll back inside it)."""
    return database_factory.create_migrated()


@pytest.fixture
def fresh_database_url(database_factory) -> str:
    """A new, empty database (not migrated) of the current backend, for one test."""
    return database_factory.create()


@pytest.fixture
async def db(migrated_url) -> AsyncIterator[Database]:
    """A Database whose sessions all run inside one outer transaction, rolled back after the test."""
    engine = make_engine(migrated_url)
    async with engine.connect() as conn:
        outer = await conn.begin()
        sessions = async_sessionmaker(bind=conn, expire_on_commit=False,
                                      join_transaction_mode="create_savepoint")
        yield Database(engine=engine, sessions=sessions)
        await outer.rollback()
    await engine.dispose()


@pytest.fixture
def settings(tmp_path, migrated_url) -> Settings:
    return Settings(env="development", database_url=migrated_url, data_dir=tmp_path / "data",
                    secret_key="test-secret-" + "x" * 40)


async def add_user(db: Database, role: Role, email: str | None = None, full_name: str | None = None,
                   active: bool = True) -> User:
    async with db.sessions() as session, session.begin():
        user = User(email=email or f"{role.value}@exemple.fr", full_name=full_name or f"Test {role.label}",
                    role=role.value, password_hash=FAST_HASHER.hash(PASSWORD), active=active)
        session.add(user)
    return user


@pytest.fixture
async def users(db) -> dict[Role, User]:
    return {role: await add_user(db, role) for role in Role}


@pytest.fixture
async def app(settings, db):
    from auction.web.app import create_app
    application = create_app(settings, database=db)
    async with application.router.lifespan_context(application):
        # The requests share one connection: refused online bids are written when a test drains them,
        # not by a task of their own in between (tests/web/test_online_refusals_socket.py runs one).
        application.state.refusals.background = False
        application.state.screens.background = False     # likewise the record of screens connected
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    """Load a page as a browser would and read the CSRF token of its forms (every form must carry it)."""
    response = await client.get(path)
    tokens = CSRF_INPUT.findall(response.text)
    assert tokens, f"no CSRF token on {path} (status {response.status_code})"
    assert all(re.fullmatch(r"[0-9a-f]{64}", t) for t in tokens), f"a form of {path} has no CSRF token"
    assert len(set(tokens)) == 1, f"forms of {path} carry different CSRF tokens"
    return tokens[0]


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_from(client, "/connexion")
    return await client.post("/connexion", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login():
    async def _login(client, user: User):
        response = await log_in(client, user.email)
        assert response.status_code == 303, response.text
        return response
    return _login


TESTS_TARIFF_REFERENCE = "Tests : confirmation par le commissaire de justice de la reconduction des taux au 1er mars 2026"


async def confirm_rates(db: Database, effective_from=None, term_ends=None) -> None:
    """The officer's confirmation that the last tariff period is renewed (C. com. A444-3): the shipped
    rates ran to 28 February 2026, and no sale after that may be announced without it."""
    from datetime import date

    from auction.domain.tariff import DEFAULT_TARIFF, renewal_of
    from auction.services.office import period_row

    from sqlalchemy import select

    from auction.models import TariffPeriod

    renewal = renewal_of(DEFAULT_TARIFF[-1], effective_from or date(2026, 3, 1), term_ends, TESTS_TARIFF_REFERENCE)
    async with db.sessions() as session, session.begin():
        if await session.scalar(select(TariffPeriod.id).where(TariffPeriod.effective_from == renewal.effective_from)):
            return      # confirmed already (the demo office's officer does it)
        session.add(period_row(renewal, None))


@pytest.fixture
async def confirmed_rates(db) -> None:
    await confirm_rates(db)


async def verify_goods(db: Database, sale_id: int, day=None) -> None:
    """The officer's verification act before the sale (CPCE R221-36), signed, for every case selling lots
    in the sale, dated `day` (default: the case's seizure day), so that the sale may open. A case the test
    built without a seizure act gets a signed one first (no items: the verification links to it)."""
    from datetime import datetime, time, timezone

    from sqlalchemy import select

    from auction.models import Case, InventoryAct, Lot
    from auction.services.inventory import content_of
    from auction.services.verification import add_signed_verification

    async with db.sessions() as session, session.begin():
        officer_id = await session.scalar(select(User.id).where(User.role == "officer").order_by(User.id))
        cases = (await session.scalars(select(Case).where(
            Case.id.in_(select(Lot.case_id).where(Lot.sale_id == sale_id))).order_by(Case.id))).all()
        for case in cases:
            signed_at = datetime.combine(day or case.seizure_date, time(10), tzinfo=timezone.utc)
            seizure = await session.scalar(select(InventoryAct).where(
                InventoryAct.case_id == case.id, InventoryAct.kind == "seizure", InventoryAct.signed_at.is_not(None)))
            if seizure is None:
                seizure = InventoryAct(case_id=case.id, kind="seizure", act_date=case.seizure_date, place="Lyon",
                                       present_persons="Me Lefèvre")
                session.add(seizure)
                await session.flush()
                await session.refresh(seizure, ["items"])
                seizure.digest = content_of(seizure, case, None).digest()
                seizure.signed_at, seizure.signed_by_id = signed_at, officer_id
            await add_signed_verification(session, case, seizure, officer_id, day or case.seizure_date, signed_at)
