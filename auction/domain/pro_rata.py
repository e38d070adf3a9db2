"""Sharing an amount of cents in proportion to weights, exactly (largest-remainder rounding).

Each key first gets the whole cents of its exact share; the cents left over go one each to the
keys with the largest fractional remainders. Ties go to the larger weight, then to the key that
sorts first, so the result never depends on the order the keys are given in.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def largest_remainder(amount_cents: int, weights: Mapping[K, int]) -> dict[K, int]:
    """`amount_cents` shared pro rata to `weights` (non-negative integers); the shares add up to
    `amount_cents` exactly. All weights zero: nothing can be shared (ValueError unless amount is 0)."""
    if amount_cents < 0:
        raise ValueError("the amount to share cannot be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("a weight cannot be negative")
    total = sum(weights.values())
    if total == 0:
        if amount_cents:
            raise ValueError("no weight to share the amount by")
        return {key: 0 for key in weights}
    shares: dict[K, int] = {}
    remainders: list[tuple[int, int, K]] = []
    for key, weight in weights.items():
        whole, remainder = divmod(amount_cents * weight, total)
        shares[key] = whole
        remainders.append((remainder, weight, key))
    left = amount_cents - sum(shares.values())
    remainders.sort(key=lambda r: (-r[0], -r[1], _sort_key(r[2])))
    for _remainder, _weight, key in remainders[:left]:
        shares[key] += 1
    return shares


def _sort_key(key):
    return (type(key).__name__, key)
