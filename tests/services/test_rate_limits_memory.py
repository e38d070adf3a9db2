"""The memory store's own bound (auction.services.rate_limits_memory)."""
import asyncio

from auction.domain.rate_limits import Bucket
from auction.services.rate_limits_memory import MemoryStore

from .test_rate_limits import NOW, PAUSES


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
