"""The web tests' shared fixtures."""
from datetime import date

import pytest
from sqlalchemy import select

from auction.models import Sale
from auction.services.demo import seed_demo


@pytest.fixture
async def sale_id(db, settings):
    """The demo sale (seeded on 22 November 2026: it is held a few weeks later); a module may have its own."""
    await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22))
    async with db.sessions() as session:
        return await session.scalar(select(Sale.id).order_by(Sale.id))
