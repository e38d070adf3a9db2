"""Hammer prices in words (CPCE R221-39: the record states the price in words and in figures)."""
import pytest

from auction.domain.amount_words import amount_in_words, cardinal

HARD_CASES = [
    (1_00, "un euro"),
    (1, "un centime"),
    (2, "deux centimes"),
    (1_01, "un euro et un centime"),
    (0, "zéro euro"),
    (21_00, "vingt et un euros"),
    (71_00, "soixante et onze euros"),
    (80_00, "quatre-vingts euros"),
    (81_00, "quatre-vingt-un euros"),
    (91_00, "quatre-vingt-onze euros"),
    (200_00, "deux cents euros"),
    (201_00, "deux cent un euros"),
    (280_00, "deux cent quatre-vingts euros"),
    (1_000_00, "mille euros"),
    (2_000_00, "deux mille euros"),
    (1_200_00, "mille deux cents euros"),
    (80_000_00, "quatre-vingt mille euros"),
    (2_800_00, "deux mille huit cents euros"),
    (2_800_50, "deux mille huit cents euros et cinquante centimes"),
    (1_001_99, "mille un euros et quatre-vingt-dix-neuf centimes"),
    (1_000_000_00, "un million d'euros"),
    (2_000_000_00, "deux millions d'euros"),
    (200_000_000_00, "deux cents millions d'euros"),
    (1_000_001_00, "un million un euros"),
    (1_500_000_00, "un million cinq cent mille euros"),
    (3_000_000_25, "trois millions d'euros et vingt-cinq centimes"),
]


@pytest.mark.parametrize(("cents", "words"), HARD_CASES)
def test_r221_39_hammer_price_in_words(cents, words):
    assert amount_in_words(cents) == words


@pytest.mark.parametrize("bad", [-1, 1.5, "100", True, None])
def test_only_whole_non_negative_cents(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_cardinal():
    assert cardinal(100) == "cent" and cardinal(1000) == "mille"
    with pytest.raises(ValueError):
        cardinal(-3)
