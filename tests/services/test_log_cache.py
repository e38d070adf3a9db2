"""The logs read fast: events read once are kept, later reads fetch only what follows, and a log that
is not the one cached (another database, a rolled-back test reusing the sale id) is read again whole."""
from datetime import datetime, timezone

from auction.models import Sale, utcnow
from auction.services import log_cache, settlement_log

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)


async def _sale(db, reference):
    async with db.sessions() as session, session.begin():
        sale = Sale(reference=reference, title="Vente", starts_at=utcnow(), place_kind="room", place_name="Salle",
                    address="1 quai", postcode="69009", city="Lyon")
        session.add(sale)
    return sale.id


async def _read(db, sale_id):
    async with db.sessions() as session:
        return await log_cache.settlement_events(session, sale_id)


async def test_later_reads_add_what_follows(db):
    sale_id = await _sale(db, "V-CACHE-1")
    assert await _read(db, sale_id) == []
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        tx.append("invoice_issued", {"number": 1}, user_id=None, now=NOW)
    first = await _read(db, sale_id)
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        tx.append("payment_received", {"amount_cents": 5}, user_id=None, now=NOW)
    again = await _read(db, sale_id)
    assert [e.seq for e in first] == [1] and [e.seq for e in again] == [1, 2]
    assert again == await settlement_log.read(db.sessions, sale_id)


async def test_a_different_log_under_the_same_key_is_read_again(db):
    sale_id = await _sale(db, "V-CACHE-2")
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        tx.append("invoice_issued", {"number": 1}, user_id=None, now=NOW)
    cached = await _read(db, sale_id)
    key = next(k for k in log_cache._cache if k[2] == sale_id and k[1] == "settlement_events")
    forged = [cached[0].__class__(**{**cached[0].__dict__, "payload": {"number": 99}, "hash": "0" * 64})]
    log_cache._cache[key] = log_cache._Cached(forged)           # as if another database had been read
    assert await _read(db, sale_id) == cached
