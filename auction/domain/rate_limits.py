"""What a rate limit is (the stores that keep the counts: auction.services.rate_limits). Two kinds:

- token buckets (`Bucket`): `capacity` actions at once, refilled at `rate` per second. A store's
  `take` draws on a chain of buckets in order and stops at the first one that refuses: the later
  ones are not drawn on (a bid refused for its paddle takes nothing from its address's bucket).
- failures in a row (`Pauses`, the login's e-mails): each attempt counts; from `free` failures on,
  the key is paused, `first` seconds then twice as long each time up to `longest`; a count left
  alone `forget_after` seconds starts again.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bucket:
    key: str
    capacity: float
    rate: float                 # tokens per second


@dataclass(frozen=True)
class Pauses:
    """The pauses of a key that keeps failing (the login's e-mails)."""

    free: int
    first: float
    longest: float
    forget_after: float

    def pause_after(self, failures: float) -> float:
        """How long a key is paused once it has `failures` failures in a row (0: not paused)."""
        if failures < self.free:
            return 0.0
        return min(self.longest, self.first * 2 ** min(failures - self.free, 32))


@dataclass(frozen=True)
class Refused:
    """Which bucket of a chain refused (its index), and the seconds until it has a token again."""

    index: int
    wait: float
