"""The rate limits' stores: the same answers in memory (SQLite) and in PostgreSQL's table, on a fake
clock (the store's own matters: tests/services/test_rate_limits_memory.py, _postgres.py)."""
import pytest
from sqlalchemy import func, select

from auction.domain.rate_limits import Bucket, Pauses, Refused
from auction.models import RateLimit
from auction.services.rate_limits import MemoryStore, PostgresStore, limit_store

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


async def test_the_table_is_empty_on_sqlite_where_memory_counts(db, store):
    await store.take([Bucket("t:x", 1, 1.0)], NOW)
    async with db.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(RateLimit))
    assert rows == (1 if db.dialect == "postgresql" else 0)


async def test_the_store_says_whether_its_checks_run_apart_from_the_apps_sessions(db):
    """In memory or on connections of its own, a check may run alongside the room's work and be cancelled;
    through the app's sessions (a server that does not own its database, as in the tests) it may not."""
    for own in (False, True):
        store = limit_store(db, own)
        try:
            assert store.apart is (own or db.dialect != "postgresql")
        finally:
            await store.close()
