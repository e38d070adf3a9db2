"""Bid increments (paliers): the minimum step above the current bid.

No legal table exists; the officer sets it per sale. The default is the house table of a major
French platform (../shared/domain/judicial-sale.md, "Bid increments").
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import InvalidValue


@dataclass(frozen=True)
class IncrementTable:
    """Rows of (from_cents, step_cents), sorted by `from_cents`, the first starting at 0."""

    rows: tuple[tuple[int, int], ...]

    def __post_init__(self):
        validate_rows(self.rows)

    def step(self, current_cents: int) -> int:
        step = self.rows[0][1]
        for start, row_step in self.rows:
            if current_cents >= start:
                step = row_step
            else:
                break
        return step

    def first_bid(self, opening_bid_cents: int) -> int:
        """The lowest first bid of a lot: its opening bid, or, for a lot without one, the table's
        first step (a bid is a price, C. civ. 1591: never 0)."""
        return opening_bid_cents if opening_bid_cents > 0 else self.rows[0][1]

    def next_minimum(self, current_cents: int | None, opening_bid_cents: int) -> int:
        """The lowest acceptable bid: the first bid (`first_bid`), then current + step."""
        if current_cents is None:
            return self.first_bid(opening_bid_cents)
        return current_cents + self.step(current_cents)

    def to_json(self) -> list[list[int]]:
        return [list(row) for row in self.rows]

    @classmethod
    def from_json(cls, rows: Iterable[Sequence[int]]) -> "IncrementTable":
        return cls(tuple((int(start), int(step)) for start, step in rows))


def validate_rows(rows: Sequence[tuple[int, int]]) -> None:
    if not rows or rows[0][0] != 0:
        raise InvalidValue("Le tableau des paliers doit commencer à 0 €.", field="increments")
    previous = -1
    for start, step in rows:
        if start <= previous:
            raise InvalidValue("Les seuils des paliers doivent être croissants.", field="increments")
        if step <= 0:
            raise InvalidValue("Chaque palier doit être positif.", field="increments")
        previous = start


DEFAULT_INCREMENTS = IncrementTable((
    (0, 5_00),
    (20_00, 10_00),
    (200_00, 50_00),
    (500_00, 100_00),
    (1_000_00, 200_00),
    (5_000_00, 500_00),
    (10_000_00, 1_000_00),
    (20_000_00, 2_000_00),
    (50_000_00, 5_000_00),
    (100_000_00, 10_000_00),
))


def sale_increments(rows: Iterable[Sequence[int]] | None) -> IncrementTable:
    """A sale's own table (its stored rows), or the default one when it has none."""
    return IncrementTable.from_json(rows) if rows else DEFAULT_INCREMENTS
