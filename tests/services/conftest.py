"""The demo sale and its clerk, for the service tests that run the room on it (online bids, the relay)."""
from datetime import date

import pytest
from sqlalchemy import select

from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Sale, User
from auction.services.demo import seed_demo

TODAY = date(2026, 11, 22)   # the day the demo is seeded on: its sale is a few weeks later


@pytest.fixture
async def sale_id(db, tmp_path):
    await seed_demo(db.sessions, tmp_path, TODAY)
    async with db.sessions() as session:
        return await session.scalar(select(Sale.id))


@pytest.fixture
async def clerk(db, sale_id):
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.role == "clerk"))
    return Actor(user.id, Role.CLERK)
