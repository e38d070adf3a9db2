"""The rate limits' stores: the same answers in memory (SQLite) and in PostgreSQL's table, on a fake
clock; on PostgreSQL, two stores on connections of their own share one budget."""
import asyncio

import pytest
from sqlalchemy import func, select

from auction.db import make_engine
from auction.migrations import upgrade
from auction.models import RateLimit
from auction.services.rate_limits import (Bucket, MemoryStore, Pauses, PoolExecutor, PostgresStore, Refused,
                                          limit_store, take_statement)
from auction.services.relay import listener_dsn
from auction.web.ratelimit import BidLimits

NOW = 1_780_000_000.0          # seconds since the epoch, as the servers' clocks give them
PAUSES = Pauses(free=3, first=60.0, longest=240.0, forget_after=3600.0)


@pytest.fixture
async def store(db):
    """The store the app uses on this backend, inside the test's transaction."""
    store = limit_store(db, own=False)
    assert isinstance(store, PostgresStore if db.dialect == "postgresql" else MemoryStore)
    yield store
    await store.close()


async def test_a_bucket_gives_its_capacity_then_one_token_per_period(store):
    bucket = Bucket("t:a", 3, 0.5)
    assert [await store.take([bucket], NOW) for _ in range(3)] == [None] * 3
    refused = await store.take([bucket], NOW)
    assert refused == Refused(0, pytest.approx(2.0))
    assert (await store.take([bucket], NOW + 1)).wait == pytest.approx(1.0), "a refusal takes nothing"
    assert await store.take([bucket], NOW + 2) is None
    assert await store.take([bucket], NOW + 2) is not None
    assert await store.take([Bucket("t:b", 3, 0.5)], NOW) is None, "another key, another budget"
    # Never more than its capacity, however long it was left alone.
    assert [await store.take([bucket], NOW + 10_000) for _ in range(4)].count(None) == 3


async def test_a_chain_stops_at_the_first_bucket_that_refuses(store):
    paddle, address = Bucket("t:paddle", 2, 1.0), Bucket("t:address", 3, 1.0)
    assert await store.take([paddle, address], NOW) is None
    assert await store.take([paddle, address], NOW) is None
    refused = await store.take([paddle, address], NOW)
    assert refused.index == 0 and refused.wait == pytest.approx(1.0)
    # The paddle's refusal took nothing from the address: it has one token left, not zero.
    assert await store.take([Bucket("t:other", 2, 1.0), address], NOW) is None
    refused = await store.take([Bucket("t:other", 2, 1.0), address], NOW)
    assert refused.index == 1
    assert await store.take([], NOW) is None


async def test_a_token_given_back_never_exceeds_the_capacity(store):
    bucket = Bucket("t:login", 2, 1 / 30)
    await store.give_back(bucket, NOW)           # no count yet: nothing to give back
    assert await store.take([bucket], NOW) is None and await store.take([bucket], NOW) is None
    assert await store.take([bucket], NOW) is not None
    await store.give_back(bucket, NOW)
    assert await store.take([bucket], NOW) is None
    for _ in range(5):
        await store.give_back(bucket, NOW)
    assert [await store.take([bucket], NOW) for _ in range(3)].count(None) == 2


async def test_failures_pause_a_key_longer_and_longer_and_are_forgotten(store):
    assert [await store.fail("t:mail", PAUSES, NOW) for _ in range(PAUSES.free + 1)] == [0.0, 0.0, 0.0, 60.0]
    assert await store.fail("t:mail", PAUSES, NOW + 10) == pytest.approx(50.0), "paused: not counted"
    assert await store.fail("t:mail", PAUSES, NOW + 60) == 0.0           # the pause is over: one more try
    assert await store.fail("t:mail", PAUSES, NOW + 61) == pytest.approx(119.0)   # twice as long
    assert await store.fail("t:mail", PAUSES, NOW + 180) == 0.0
    assert await store.fail("t:mail", PAUSES, NOW + 180) == pytest.approx(240.0)
    assert await store.fail("t:mail", PAUSES, NOW + 420) == 0.0
    assert await store.fail("t:mail", PAUSES, NOW + 420) == pytest.approx(240.0), "up to the longest"
    await store.forget("t:mail")
    assert [await store.fail("t:mail", PAUSES, NOW + 500) for _ in range(2)] == [0.0, 0.0]
    assert await store.fail("t:mail", PAUSES, NOW + 500 + PAUSES.forget_after + 1) == 0.0, "a count left alone"
    assert await store.fail("t:mail", PAUSES, NOW + 500 + PAUSES.forget_after + 1) == 0.0
    assert await store.fail("t:other", PAUSES, NOW + 500) == 0.0


async def test_expired_counts_are_swept_and_change_nothing(store, db):
    bucket = Bucket("t:sweep", 2, 1.0)
    await store.take([bucket], NOW)
    await store.fail("t:sweep-mail", PAUSES, NOW)
    assert await store.sweep(NOW) == 0
    assert await store.sweep(NOW + 2) == 1, "the bucket is full again after 1 s"
    assert await store.sweep(NOW + PAUSES.forget_after + 1) == 1
    assert [await store.take([bucket], NOW + 3) for _ in range(3)].count(None) == 2
    if db.dialect == "postgresql":
        async with db.sessions() as session:
            keys = (await session.scalars(select(RateLimit.key))).all()
        assert keys == ["t:sweep"]


def test_memory_stays_bounded_and_keeps_the_refusing_keys_longest():
    store = MemoryStore(max_keys=4)

    async def run():
        for _ in range(PAUSES.free):
            await store.fail("paused", PAUSES, NOW)
        assert await store.fail("paused", PAUSES, NOW) > 0
        for n in range(10):
            await store.take([Bucket(f"b{n}", 5, 0.01)], NOW + 1)
            await store.fail(f"m{n}", PAUSES, NOW + 1)
        assert len(store.rows) <= 4
        assert await store.fail("paused", PAUSES, NOW + 2) > 0, "the paused key is kept"
    asyncio.run(run())


def test_the_chain_is_one_statement():
    statement = take_statement(3)
    assert statement.count("INSERT INTO rate_limits") == 3 and statement.count(";") == 0
    assert "(SELECT granted FROM t1)" in statement and "(SELECT granted FROM t0)" in statement


@pytest.fixture
def shared_database(database_factory):
    """A migrated PostgreSQL database of this test's own: its rows are committed, as a server's are."""
    if database_factory.backend != "postgresql":
        pytest.skip("the memory store is one process's")
    url = database_factory.create()
    upgrade(url)
    return url


async def test_two_processes_share_one_budget(shared_database):
    """Two stores, each on its own pool of connections (as two server processes are), drawing at
    once on one bucket and one login e-mail: together they get one budget, not two."""
    first, second = (PostgresStore(PoolExecutor(listener_dsn(shared_database))) for _ in range(2))
    try:
        bucket = Bucket("bid-paddle:shared", 20, 1e-6)
        answers = await asyncio.gather(*(store.take([bucket], NOW) for store in (first, second) * 30))
        assert answers.count(None) == 20
        assert all(a.index == 0 for a in answers if a is not None)
        pauses = Pauses(free=5, first=60.0, longest=900.0, forget_after=86400.0)
        counted = await asyncio.gather(*(store.fail("login-email:shared", pauses, NOW) for store in (first, second) * 8))
        assert counted.count(0.0) == 5
        # The checks were committed outside any transaction of the test; the keys carry no clear value.
        engine = make_engine(shared_database)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(select(RateLimit.key, RateLimit.level))).all()
                synchronous = (await conn.exec_driver_sql("SHOW synchronous_commit")).scalar()
        finally:
            await engine.dispose()
        assert dict(rows) == {"bid-paddle:shared": pytest.approx(0, abs=1e-3), "login-email:shared": 5}
        assert synchronous == "on", "only the limits' own connections skip the WAL flush"
        async with (await first.executor._pool()).acquire() as connection:
            assert await connection.fetchval("SHOW synchronous_commit") == "off"
        # The online bid's limits on the two stores: one paddle's five, not ten; one address's twenty.
        bids = [BidLimits(store, b"one-secret", clock=lambda: NOW) for store in (first, second)]
        answers = await asyncio.gather(*(limits.check(1, 501, "198.51.100.7") for limits in bids * 6))
        assert answers.count(None) == BidLimits.PADDLE[0] and set(answers) == {None, "paddle"}
        answers = await asyncio.gather(*(bids[n % 2].check(2, n, "198.51.100.8") for n in range(30)))
        assert answers.count(None) == BidLimits.ADDRESS[0] and set(answers) == {None, "address"}
        assert await second.sweep(NOW + 10**9) == 2 + 2 + 30 + 1
    finally:
        await first.close()
        await second.close()


async def test_the_table_is_empty_on_sqlite_where_memory_counts(db, store):
    await store.take([Bucket("t:x", 1, 1.0)], NOW)
    async with db.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(RateLimit))
    assert rows == (1 if db.dialect == "postgresql" else 0)
