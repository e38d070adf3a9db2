"""Amounts in French words, as the sale record writes the hammer price (CPCE R221-39: "en lettres
et en chiffres").

The cardinals come from num2words (lang "fr", traditional spelling: quatre-vingts / quatre-vingt-un,
deux cents / deux cent un, mille invariable, vingt et un, soixante et onze). Its own currency mode
gets the rest wrong ("un million euros", "zéro centimes", "zéro euros et un centime"), so the units
are put here: "d'euros" after a whole number of millions or milliards, centimes only when there are
any, no euros when there are none.
"""
from __future__ import annotations

from num2words import num2words


def cardinal(number: int) -> str:
    """A non-negative whole number in French words."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError("a non-negative whole number is needed")
    return num2words(number, lang="fr")


def _euros(units: int) -> str:
    words = cardinal(units)
    if units >= 1_000_000 and units % 1_000_000 == 0:     # un million d'euros, deux milliards d'euros
        return f"{words} d'euros"
    return f"{words} euro{'s' if units > 1 else ''}"


def amount_in_words(cents: int) -> str:
    """'deux mille huit cents euros et cinquante centimes', 'un euro', 'un centime', 'zéro euro'."""
    if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
        raise ValueError("an amount in whole, non-negative cents is needed")
    units, rest = divmod(cents, 100)
    centimes = f"{cardinal(rest)} centime{'s' if rest > 1 else ''}" if rest else ""
    if units == 0:
        return centimes or "zéro euro"
    return f"{_euros(units)} et {centimes}" if centimes else _euros(units)
