"""A sale's registration rules: paddle numbers sequential in separate room and online ranges."""

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.registration_rules import (PaddleRanges, PaddlesExhausted, check_paddle_ranges, clean_rules,
                                               next_paddle)
from auction.domain.solvency import SolvencyRule

# --- paddle numbers ---------------------------------------------------------------------------------------

def test_paddles_are_sequential_in_separate_ranges():
    ranges = PaddleRanges()
    assert next_paddle("room", ranges, []) == 1
    assert next_paddle("room", ranges, [1, 2, 3, 501]) == 4
    assert next_paddle("online", ranges, [1, 2, 3, 501]) == 502
    assert next_paddle("room", ranges, [1, 7]) == 8                   # after the highest, never a gap
    custom = PaddleRanges(100, 199, 900, 905)
    assert next_paddle("room", custom, [1, 2, 3]) == 100              # numbers outside the range are ignored
    with pytest.raises(PaddlesExhausted, match="900 à 905"):
        next_paddle("online", custom, [905])


@pytest.mark.parametrize("ranges, message", [
    (PaddleRanges(0, 10, 11, 20), "de 1 à"), (PaddleRanges(10, 5, 501, 999), "le premier avant"),
    (PaddleRanges(1, 600, 501, 999), "chevaucher"), (PaddleRanges(1, 10, 11, 10_000_000), "de 1 à"),
])
def test_bad_paddle_ranges_are_refused(ranges, message):
    with pytest.raises(InvalidValue, match=message):
        check_paddle_ranges(ranges)


def test_the_rules_form():
    parsed, errors = clean_rules({"room_first": "1", "room_last": "299", "online_first": "300", "online_last": "399",
                                  "solvency_rule": "deposit", "deposit_minimum": "500"})
    assert errors == {} and parsed == (PaddleRanges(1, 299, 300, 399), SolvencyRule("deposit", 500_00))
    _, errors = clean_rules({"room_first": "un", "room_last": "2", "online_first": "3", "online_last": "4",
                             "solvency_rule": "gage"})
    assert set(errors) == {"room_first", "solvency_rule"}
    _, errors = clean_rules({"room_first": "1", "room_last": "600", "online_first": "501", "online_last": "999",
                             "solvency_rule": "none"})
    assert "chevaucher" in errors["online_first"]
