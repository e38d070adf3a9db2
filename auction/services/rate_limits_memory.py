"""The rate limits' counts in this process's memory (SQLite: one server process); the same answers
as PostgreSQL's table (auction.services.rate_limits_postgres)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auction.domain.rate_limits import Bucket, Pauses, Refused

MAX_MEMORY_KEYS = 10_000        # the memory store forgets beyond this many keys (least restrictive first)


@dataclass
class _Row:
    level: float
    stamp: float
    until: float
    expires_at: float


class MemoryStore:
    """The counts in this process's memory; at most `max_keys` of them (the expired ones go first,
    then those that refuse nothing now, soonest to expire first)."""

    apart = True        # no connection at all: asked at any time, cancelled at no cost

    def __init__(self, max_keys: int = MAX_MEMORY_KEYS):
        self.max_keys = max_keys
        self.rows: dict[str, _Row] = {}

    def _row(self, key: str, now: float) -> _Row | None:
        row = self.rows.get(key)
        if row is None and len(self.rows) >= self.max_keys:
            self._make_room(now)
        return row

    async def take(self, chain: Sequence[Bucket], now: float) -> Refused | None:
        for index, bucket in enumerate(chain):
            row = self._row(bucket.key, now)
            if row is None:
                level, stamp = bucket.capacity, now
            else:
                stamp = max(row.stamp, now)
                level = min(bucket.capacity, row.level + max(0.0, now - row.stamp) * bucket.rate)
            granted = level >= 1
            if granted:
                level -= 1
            self.rows[bucket.key] = _Row(level, stamp, stamp + max(0.0, 1 - level) / bucket.rate,
                                         stamp + (bucket.capacity - level) / bucket.rate)
            if not granted:
                return Refused(index, (1 - level) / bucket.rate)
        return None

    async def give_back(self, bucket: Bucket, now: float) -> None:
        row = self.rows.get(bucket.key)
        if row is None:
            return
        stamp = max(row.stamp, now)
        level = min(bucket.capacity, row.level + max(0.0, now - row.stamp) * bucket.rate + 1)
        self.rows[bucket.key] = _Row(level, stamp, stamp + max(0.0, 1 - level) / bucket.rate,
                                     stamp + (bucket.capacity - level) / bucket.rate)

    async def fail(self, key: str, pauses: Pauses, now: float) -> float:
        row = self._row(key, now)
        if row is not None and row.until > now:
            return row.until - now
        failures = 0.0 if row is None or now - row.stamp > pauses.forget_after else row.level
        failures += 1
        self.rows[key] = _Row(failures, now, now + pauses.pause_after(failures), now + pauses.forget_after)
        return 0.0

    async def forget(self, key: str) -> None:
        self.rows.pop(key, None)

    async def sweep(self, now: float) -> int:
        return self._sweep(now)

    def _make_room(self, now: float) -> None:
        self._sweep(now)
        if len(self.rows) < self.max_keys:
            return
        # Still full: forget a tenth, those refusing nothing now first, soonest to expire first.
        order = sorted(self.rows, key=lambda k: (self.rows[k].until > now, self.rows[k].expires_at))
        for key in order[:max(1, self.max_keys // 10)]:
            del self.rows[key]

    def _sweep(self, now: float) -> int:
        expired = [key for key, row in self.rows.items() if row.expires_at < now]
        for key in expired:
            del self.rows[key]
        return len(expired)

    async def close(self) -> None:
        self.rows.clear()
