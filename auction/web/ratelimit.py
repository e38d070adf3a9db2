"""Token buckets for online bids: per paddle and per client address.

In memory and per process: with several server processes each one counts its own clients (a
bidder connected to two processes gets twice the budget). Good enough to stop a stuck key or a
script from flooding the room; not an accounting of who bid what (the bid log is).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """`capacity` actions at once, refilled at `rate` per second; per key."""

    def __init__(self, capacity: float, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000):
        self.capacity = capacity
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: dict[Hashable, _Bucket] = {}

    def _refill(self, bucket: _Bucket, now: float) -> None:
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now

    def allow(self, key: Hashable) -> bool:
        """Take one token for `key`; False (nothing taken) when its bucket is empty."""
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._forget_full(now)
            bucket = self.buckets[key] = _Bucket(self.capacity, now)
        self._refill(bucket, now)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _forget_full(self, now: float) -> None:
        """Drop the keys whose bucket has filled up again (they would start full anyway)."""
        for key, bucket in list(self.buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.capacity:
                del self.buckets[key]
        if len(self.buckets) >= self.max_keys:      # all busy: forget the oldest
            oldest = min(self.buckets, key=lambda k: self.buckets[k].updated)
            del self.buckets[oldest]


class BidLimits:
    """The two limits an online bid passes: its paddle's, then its address's."""

    # A bidder taps at most a few times in a row; a household or an office shares one address.
    PADDLE = (5, 1.0)       # 5 at once, then one per second
    ADDRESS = (20, 5.0)     # 20 at once, then five per second

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.paddles = TokenBucket(*self.PADDLE, clock=clock)
        self.addresses = TokenBucket(*self.ADDRESS, clock=clock)

    def check(self, sale_id: int, paddle_key: Hashable, address: str | None) -> str | None:
        """None when the bid may go on, else which limit refused it ("paddle" or "address")."""
        if not self.paddles.allow((sale_id, paddle_key)):
            return "paddle"
        if address and not self.addresses.allow(address):
            return "address"
        return None
