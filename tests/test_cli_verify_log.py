"""`criee verify-log`: a sale's logs verified, and the first broken link of a tampered bid log named
in one line (the seals' check is tests/test_cli_sale_record.py)."""
from .test_cli import criee, one_line_error


def test_verify_log_reports_the_first_broken_link(fresh_database_url, tmp_path):
    import asyncio
    import uuid
    from datetime import date

    from sqlalchemy import select, text

    from auction.db import Database
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.migrations import upgrade
    from auction.models import User, utcnow
    from auction.services import room as room_service
    from auction.services.demo import seed_demo

    upgrade(fresh_database_url)

    async def sell_one_lot():
        db = Database.connect(fresh_database_url)
        try:
            await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22))
            async with db.sessions() as session:
                clerk = await session.scalar(select(User).where(User.role == "clerk"))
            room = await room_service.open_room(db.sessions, 1)
            actor = Actor(clerk.id, Role.CLERK)
            lot_id = next(iter(room.setup.lots))
            steps = [("open_sale", {}), ("open_lot", {"lot_id": lot_id}),
                     ("bid", {"paddle": 1, "amount_cents": room.setup.lots[lot_id].opening_bid_cents}),
                     ("call", {}), ("call", {}), ("call", {}), ("hammer", {})]
            for name, args in steps:
                await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, actor, utcnow())
        finally:
            await db.dispose()

    async def tamper():
        db = Database.connect(fresh_database_url)
        try:
            async with db.engine.begin() as conn:
                if db.dialect == "postgresql":
                    await conn.execute(text("ALTER TABLE sale_events DISABLE TRIGGER sale_events_append_only"))
                else:
                    await conn.execute(text("DROP TRIGGER sale_events_no_update"))
                await conn.execute(text(
                    "UPDATE sale_events SET payload = :p WHERE seq = 3"), {"p": '{"lot_id": 1, "paddle": 1, '
                                                                             '"amount_cents": 1, "source": "room"}'})
        finally:
            await db.dispose()

    asyncio.run(sell_one_lot())
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    ok = criee("verify-log", "1", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "7 événements, chaîne vérifiée" in ok.stdout
    asyncio.run(tamper())
    line = one_line_error(criee("verify-log", "1", env=env))
    assert "événement 3" in line
