"""auction.db: the transactions of the services against another connection that commits meanwhile.

The case of a live sale on the embedded (SQLite) database: the record of screens and of refused online
bids is written by a task of its own (auction.services.background_writes), committing at any moment.
A service's transaction that reads and then writes must not be refused because such a commit came in
between; a read-only session must not wait for a writer. Both backends, each on a database file or
server of its own with two engines (two connections), as the server and a background writer have.
"""
from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from auction.db import Database
from auction.models import User

WRITER_WAIT = 1.0     # seconds given to the other connection's commit before the first transaction writes


def new_user(name: str) -> User:
    return User(email=f"{name}-{uuid.uuid4().hex[:8]}@exemple.fr", full_name=name, role="clerk",
                password_hash="not-a-hash")


async def users(db: Database) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count(User.id)))


async def commit_a_user(db: Database, name: str) -> None:
    async with db.sessions() as session, session.begin():
        session.add(new_user(name))


async def test_a_transaction_that_reads_then_writes_survives_a_commit_of_another_connection(database_factory):
    url = await asyncio.to_thread(database_factory.create_migrated)
    service, background = Database.connect(url), Database.connect(url)
    try:
        async with service.sessions() as session, session.begin():
            before = await session.scalar(select(func.count(User.id)))      # the read
            other = asyncio.create_task(commit_a_user(background, "background"))
            # The other connection commits now (PostgreSQL, SQLite before the fix) or waits for this
            # transaction to end (SQLite: it holds the write lock from its BEGIN).
            await asyncio.wait({other}, timeout=WRITER_WAIT)
            session.add(new_user("service"))                                 # the write
            await session.flush()
        await asyncio.wait_for(other, 30)
        assert await users(service) == before + 2
    finally:
        await service.dispose()
        await background.dispose()


async def test_a_read_only_session_neither_waits_for_a_writer_nor_holds_one_back(database_factory):
    url = await asyncio.to_thread(database_factory.create_migrated)
    writer, reader = Database.connect(url), Database.connect(url)
    try:
        await commit_a_user(writer, "first")
        # A reader while a write transaction is open (and has written): it reads at once, the
        # committed rows only.
        async with writer.sessions() as session, session.begin():
            session.add(new_user("pending"))
            await session.flush()
            assert await asyncio.wait_for(users(reader), WRITER_WAIT) == 1
        # A writer while a read-only session is open (and has read): it commits at once.
        async with reader.sessions() as session:
            assert await session.scalar(select(func.count(User.id))) == 2
            await asyncio.wait_for(commit_a_user(writer, "second"), WRITER_WAIT)
        assert await users(reader) == 3
    finally:
        await writer.dispose()
        await reader.dispose()
