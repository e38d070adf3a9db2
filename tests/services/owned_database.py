"""A migrated database of one test's own, committed as a server owns it (not the rolled-back `db`
fixture), with the demo seeded: for the room's appends on their own connections
(test_appends.py on PostgreSQL, test_appends_sqlite.py on SQLite)."""
from __future__ import annotations

import asyncio
import contextlib
import uuid

from sqlalchemy import select

from auction.db import Database
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Sale, User, utcnow
from auction.services import room as room_service
from auction.services.demo import seed_demo

from .conftest import TODAY


@contextlib.asynccontextmanager
async def owned_sale(database_factory, tmp_path):
    """(Database, sale id, clerk) on a new migrated database with the demo seeded."""
    db = Database.connect(await asyncio.to_thread(database_factory.create_migrated))
    try:
        await seed_demo(db.sessions, tmp_path, TODAY)
        async with db.sessions() as session:
            sale_id = await session.scalar(select(Sale.id))
            clerk = await session.scalar(select(User).where(User.role == "clerk"))
        yield db, sale_id, Actor(clerk.id, Role.CLERK)
    finally:
        await db.dispose()


async def opened(db, sale_id, append) -> room_service.Room:
    """The sale's room, appending through `append` (an appends object's method)."""
    room = await room_service.open_room(db.sessions, sale_id)
    room.append = append
    return room


async def run(db, room, actor, name, command_id=None, **args):
    return await room_service.submit(db.sessions, room, command_id or uuid.uuid4().hex, name, args, actor, utcnow())
