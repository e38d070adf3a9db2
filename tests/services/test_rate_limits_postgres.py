"""PostgreSQL's store (auction.services.rate_limits_postgres): a chain is one statement, and two
stores on connections of their own share one budget."""
import asyncio

import pytest
from sqlalchemy import select

from auction.db import make_engine
from auction.domain.rate_limits import Bucket, Pauses
from auction.migrations import upgrade
from auction.models import RateLimit
from auction.services.rate_limits_postgres import PoolExecutor, PostgresStore, take_statement
from auction.services.relay_notices import listener_dsn
from auction.web.ratelimit import BidLimits

from .test_rate_limits import NOW


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
