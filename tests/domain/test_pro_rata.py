"""Largest-remainder sharing: exact to the cent, never order-dependent."""
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from auction.domain.pro_rata import largest_remainder


def test_whole_cents_first_then_the_largest_remainders():
    # 100 cents for weights 1, 1, 1: 33 each, the cent left goes to the first key on a full tie
    assert largest_remainder(100, {3: 1, 1: 1, 2: 1}) == {1: 34, 2: 33, 3: 33}
    # 320 480 cents for 400 000 and 200 000: 213 653.33 and 106 826.67 → the cent to the larger remainder
    assert largest_remainder(320_480, {"a": 400_000, "b": 200_000}) == {"a": 213_653, "b": 106_827}


def test_on_equal_remainders_the_larger_weight_wins():
    # 2 cents for weights 1 and 3: 0.5 and 1.5, equal remainders; the cent left goes to the weight 3
    assert largest_remainder(2, {1: 1, 2: 3}) == {1: 0, 2: 2}
    # 1 cent for weights 2, 2 and 4: remainders 0.25, 0.25 and 0.5: the largest remainder first
    assert largest_remainder(1, {1: 2, 2: 2, 3: 4}) == {1: 0, 2: 0, 3: 1}


def test_zero_weights_get_nothing():
    assert largest_remainder(10, {1: 0, 2: 5}) == {1: 0, 2: 10}
    assert largest_remainder(0, {1: 0}) == {1: 0}
    with pytest.raises(ValueError):
        largest_remainder(1, {1: 0})
    with pytest.raises(ValueError):
        largest_remainder(-1, {1: 1})
    with pytest.raises(ValueError):
        largest_remainder(1, {1: -1})


@given(st.integers(0, 10**9), st.dictionaries(st.integers(0, 50), st.integers(0, 10**8), min_size=1))
def test_shares_add_up_exactly_and_stay_within_a_cent_of_the_exact_share(amount, weights):
    total = sum(weights.values())
    if total == 0:
        amount = 0
    shares = largest_remainder(amount, weights)
    assert sum(shares.values()) == amount
    for key, weight in weights.items():
        exact = Fraction(amount * weight, total) if total else Fraction(0)
        assert abs(shares[key] - exact) < 1
        assert shares[key] >= int(exact)
    assert shares == largest_remainder(amount, dict(reversed(list(weights.items()))))
