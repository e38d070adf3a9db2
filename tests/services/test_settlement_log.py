"""The stored settlement log: appends under the sale's lock, commands recognised, gapless numbers."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.models import Sale, utcnow
from auction.services import settlement_log

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


async def _sale(db, reference="V-SETTLE") -> int:
    async with db.sessions() as session, session.begin():
        sale = Sale(reference=reference, title="Vente", starts_at=utcnow(), place_kind="room", place_name="Salle",
                    address="1 quai", postcode="69009", city="Lyon")
        session.add(sale)
    return sale.id


async def test_appends_chain_and_verify(db):
    sale_id = await _sale(db)
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        tx.append("invoice_issued", {"number": 1}, user_id=None, now=NOW, command_id="c-1")
        tx.append("payment_received", {"amount_cents": 500}, user_id=None, now=NOW)
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        assert [e.seq for e in tx.events] == [1, 2]
        assert tx.find("c-1").kind == "invoice_issued"
        assert tx.find("c-2") is None
        tx.append("payment_cleared", {"payment_seq": 2}, user_id=None, now=NOW)
    assert await settlement_log.verify(db.sessions, sale_id) == (3, None)


async def test_nothing_is_kept_when_the_use_case_fails(db):
    sale_id = await _sale(db)
    with pytest.raises(RuntimeError):
        async with settlement_log.transaction(db.sessions, sale_id) as tx:
            tx.append("invoice_issued", {"number": await tx.next_number("test-invoice")}, user_id=None, now=NOW)
            raise RuntimeError("refused halfway")
    assert await settlement_log.read(db.sessions, sale_id) == []
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        assert await tx.next_number("test-invoice") == 1     # the failed transaction gave its number back


async def test_number_series_are_continuous_and_separate(db):
    sale_id = await _sale(db)
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        assert [await tx.next_number("s-a") for _ in range(3)] == [1, 2, 3]
        assert await tx.next_number("s-b") == 1


async def test_an_unknown_sale_is_refused(db):
    with pytest.raises(settlement_log.SaleNotFound):
        async with settlement_log.transaction(db.sessions, 999_999):
            pass


async def test_the_database_refuses_to_change_the_log_or_lower_a_number(db):
    sale_id = await _sale(db)
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        tx.append("invoice_issued", {"number": 1}, user_id=None, now=NOW)
        await tx.next_number("s-guard")
    for statement in ("UPDATE settlement_events SET payload = '{}'", "DELETE FROM settlement_events",
                      "UPDATE number_series SET last_number = 0", "DELETE FROM number_series"):
        with pytest.raises((DBAPIError, IntegrityError), match="append-only|only moves forward"):
            async with db.sessions() as session, session.begin():
                await session.execute(text(statement))
    assert await settlement_log.verify(db.sessions, sale_id) == (1, None)


async def test_concurrent_use_cases_on_separate_connections_never_share_a_seq_or_a_number(fresh_database_url):
    """Two processes' worth of connections: the sale's lock orders the appends, the series has no gap."""
    import asyncio

    from auction.db import Database
    from auction.migrations import upgrade

    await asyncio.to_thread(upgrade, fresh_database_url)
    databases = [Database.connect(fresh_database_url) for _ in range(2)]
    try:
        sale_id = await _sale(databases[0])

        async def issue(db, i):
            async with settlement_log.transaction(db.sessions, sale_id) as tx:
                number = await tx.next_number("invoice-test")
                await asyncio.sleep(0.01)     # hold the lock a moment: the other waits, it does not collide
                tx.append("invoice_issued", {"number": number}, user_id=None, now=NOW, command_id=f"c-{i}")
        await asyncio.gather(*(issue(databases[i % 2], i) for i in range(8)))
        events = await settlement_log.read(databases[0].sessions, sale_id)
        assert sorted(e.payload["number"] for e in events) == list(range(1, 9))
        assert [e.seq for e in events] == list(range(1, 9))
        assert await settlement_log.verify(databases[0].sessions, sale_id) == (8, None)
    finally:
        for db in databases:
            await db.engine.dispose()
