"""Engine, sessions and the start-up checks of the database (reachable, schema at head).

Services own their transactions: a unit of work that writes opens it with
`async with sessions() as session, session.begin():`, a read-only one uses a bare `sessions()`
(autobegin, never committed). On SQLite the first takes the database's write lock at its BEGIN
(BEGIN IMMEDIATE, waiting up to busy_timeout for another writer), the second stays a deferred
read: see `WriteSession`.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction

# A connection's execution option: its transaction takes SQLite's write lock at BEGIN.
SQLITE_IMMEDIATE = "criee_sqlite_immediate"


class DatabaseError(Exception):
    """The database cannot be used as configured; the message tells the operator what to do."""


def make_engine(url: str, **kwargs) -> AsyncEngine:
    # A failed statement's error never carries its bound values (names, e-mails, addresses) into a log.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_settings(dbapi_connection, busy_timeout_ms: int = 30_000) -> None:
    """A new SQLite connection's settings: foreign keys on, WAL, transactions begun by SQLAlchemy
    (not by the driver), waiting up to `busy_timeout_ms` for another writer."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, and transactions that SQLAlchemy controls (so SAVEPOINT works)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_settings(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(SQLITE_IMMEDIATE) else "BEGIN")


class WriteSession(Session):
    """A session whose explicit `begin()` (a unit of work that writes) takes SQLite's write lock at once.

    A deferred transaction reads from the snapshot of its first read; if another connection commits
    before its first write (on a live sale, the background record of screens and refused bids commits
    at any moment), SQLite refuses that write at once, "database is locked" (SQLITE_BUSY_SNAPSHOT,
    which busy_timeout does not wait for). BEGIN IMMEDIATE instead waits for the other writer, up to
    busy_timeout, then reads and writes with nobody committing in between. Autobegun sessions (pages,
    the room's replay: they never commit) stay deferred, so readers neither wait nor hold writers
    back. A savepoint, a session bound to a connection (the tests' rolled-back transaction) and
    PostgreSQL are left as they are.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested=nested)
        bind = self.bind
        if not nested and isinstance(bind, Engine) and bind.dialect.name == "sqlite":
            self.connection(execution_options={SQLITE_IMMEDIATE: True})     # BEGIN IMMEDIATE, now
        return transaction


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str) -> "Database":
        engine = make_engine(url)
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False, sync_session_class=WriteSession))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


async def check_reachable(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
    except (OSError, socket.gaierror, DBAPIError, OperationalError) as exc:
        reason = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
        target = describe(str(engine.url))
        if engine.dialect.name == "postgresql":
            hint = "start PostgreSQL or fix DATABASE_URL"
        else:
            hint = "check that CRIEE_DATA_DIR / DATABASE_URL points to a writable file"
        raise DatabaseError(f"Cannot reach the database {target} ({reason}): {hint}.") from exc
