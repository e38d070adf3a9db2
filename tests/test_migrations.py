"""Alembic migrations are the only way the schema is made: they must agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from auction.db import make_engine
from auction.migrations import SchemaOutOfDate, check_at_head, current_revision, head_revision, upgrade
from auction.models import Base

import pytest


def _diff(sync_conn):
    context = MigrationContext.configure(sync_conn, opts={"compare_type": True, "compare_server_default": True})
    return compare_metadata(context, Base.metadata)


async def test_models_and_migrations_agree(migrated_url):
    engine = make_engine(migrated_url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


async def test_fresh_database_is_not_at_head_until_upgraded(fresh_database_url):
    engine = make_engine(fresh_database_url)
    try:
        assert await current_revision(engine) is None
        with pytest.raises(SchemaOutOfDate, match="criee db upgrade"):
            await check_at_head(engine)
    finally:
        await engine.dispose()


def test_upgrade_reaches_head(fresh_database_url):
    import asyncio
    upgrade(fresh_database_url)

    async def check():
        engine = make_engine(fresh_database_url)
        try:
            assert await current_revision(engine) == head_revision()
            await check_at_head(engine)
        finally:
            await engine.dispose()
    asyncio.run(check())
