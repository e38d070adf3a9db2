"""Alembic migrations are the only way the schema is made: they must agree with the models."""
import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.db import make_engine
from auction.migrations import (SchemaOutOfDate, alembic_config, check_at_head, current_revision, head_revision,
                                upgrade)
from auction.models import AuditEntry, Base, PersonalDataAccess, Sale, User, utcnow

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
    upgrade(fresh_database_url)

    async def check():
        engine = make_engine(fresh_database_url)
        try:
            assert await current_revision(engine) == head_revision()
            await check_at_head(engine)
        finally:
            await engine.dispose()
    asyncio.run(check())


async def _audit_entry(session, **values) -> int:
    entry = AuditEntry(at=utcnow(), action="test", summary="Entrée de test", details={}, **values)
    session.add(entry)
    await session.flush()
    return entry.id


async def test_the_database_refuses_to_change_or_delete_an_audit_entry(db):
    async with db.sessions() as session, session.begin():
        entry_id = await _audit_entry(session)
    for statement in (update(AuditEntry).values(summary="Réécrit"), delete(AuditEntry),
                      text("UPDATE audit_log SET user_id = NULL"), text("DELETE FROM audit_log")):
        with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
            async with db.sessions() as session, session.begin():
                await session.execute(statement)
    async with db.sessions() as session:
        assert (await session.get(AuditEntry, entry_id)).summary == "Entrée de test"


async def test_what_the_audit_log_names_cannot_be_deleted(db):
    """Its foreign keys do not cascade (SET NULL would rewrite the entries): deleting is refused."""
    async with db.sessions() as session, session.begin():
        user = User(email="auditee@etude.fr", full_name="Me Audit", role="clerk", password_hash="x")
        sale = Sale(reference="V-AUDIT", title="Vente", starts_at=utcnow(), place_kind="room", place_name="Salle",
                    address="1 quai", postcode="69009", city="Lyon")
        session.add_all([user, sale])
        await session.flush()
        await _audit_entry(session, user_id=user.id, sale_id=sale.id)
    for table, row_id in (("users", user.id), ("sales", sale.id)):
        with pytest.raises(IntegrityError):
            async with db.sessions() as session, session.begin():
                await session.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})


def test_the_audit_log_migration_keeps_the_entries_and_goes_down(fresh_database_url):
    """0009 on a database holding entries (SQLite copies the table to change its foreign keys), down, up."""
    upgrade(fresh_database_url, "0008")

    async def run(statement):
        engine = make_engine(fresh_database_url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(statement)
                return result.all() if result.returns_rows else None
        finally:
            await engine.dispose()
    asyncio.run(run(insert(AuditEntry.__table__).values(at=utcnow(), action="test", summary="Avant", details={})))
    upgrade(fresh_database_url)
    with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
        asyncio.run(run(text("UPDATE audit_log SET summary = 'Réécrit'")))
    assert asyncio.run(run(select(AuditEntry.summary))) == [("Avant",)]
    command.downgrade(alembic_config(fresh_database_url), "0008")
    asyncio.run(run(text("UPDATE audit_log SET summary = 'Réécrit'")))
    asyncio.run(run(text("DELETE FROM audit_log")))
    upgrade(fresh_database_url)


async def test_the_personal_data_access_log_is_append_only_and_what_it_names_stays(db):
    """Like the audit log: no update, no delete, and the user it names cannot be deleted (0019)."""
    async with db.sessions() as session, session.begin():
        user = User(email="lecteur@etude.fr", full_name="Clerc Lecteur", role="clerk", password_hash="x")
        session.add(user)
        await session.flush()
        entry = PersonalDataAccess(at=utcnow(), user_id=user.id, action="export", detail="export de test")
        session.add(entry)
        await session.flush()
    for statement in (update(PersonalDataAccess).values(detail="Réécrit"), delete(PersonalDataAccess),
                      text("UPDATE personal_data_access_log SET user_id = NULL")):
        with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
            async with db.sessions() as session, session.begin():
                await session.execute(statement)
    with pytest.raises(IntegrityError):
        async with db.sessions() as session, session.begin():
            await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    async with db.sessions() as session:
        assert (await session.get(PersonalDataAccess, entry.id)).detail == "export de test"
