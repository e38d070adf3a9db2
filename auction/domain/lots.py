"""Lots of a sale: numbering (with bis/ter numbers), and what may change before the sale."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import DomainError, InvalidValue

SUFFIXES = ("", "bis", "ter", "quater")
EDITABLE_SALE_STATUSES = ("draft", "announced")
NUMBER = re.compile(r"^\s*(\d{1,5})\s*(bis|ter|quater)?\s*$", re.IGNORECASE)


class LotsFrozen(DomainError):
    code = "lots_frozen"


@dataclass(frozen=True, order=True)
class LotNumber:
    number: int
    suffix: str = ""

    @property
    def label(self) -> str:
        return f"{self.number} {self.suffix}".strip()


def parse_lot_number(text: str) -> LotNumber:
    """`12`, `12 bis`, `12bis`, `12 TER` → LotNumber."""
    match = NUMBER.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise InvalidValue("Numéro de lot : un entier positif, suivi au besoin de bis, ter ou quater.",
                           field="number")
    return LotNumber(int(match.group(1)), (match.group(2) or "").lower())


def require_editable(sale_status: str) -> None:
    if sale_status not in EDITABLE_SALE_STATUSES:
        raise LotsFrozen("La vente a commencé : ses lots ne peuvent plus être modifiés.")


def check_estimates(low_cents: int, high_cents: int, opening_bid_cents: int) -> None:
    if low_cents > high_cents:
        raise InvalidValue("L'estimation basse dépasse l'estimation haute.", field="estimate_high")
    if opening_bid_cents > high_cents and high_cents > 0:
        raise InvalidValue("La mise à prix dépasse l'estimation haute.", field="opening_bid")


def next_free_number(taken: set[LotNumber]) -> LotNumber:
    highest = max((n.number for n in taken), default=0)
    return LotNumber(highest + 1)


def suffix_after(number: int, taken: set[LotNumber]) -> LotNumber:
    """The next free bis number after `number` (for a lot split off or inserted after it)."""
    for suffix in SUFFIXES[1:]:
        candidate = LotNumber(number, suffix)
        if candidate not in taken:
            return candidate
    raise InvalidValue(f"Plus de numéro bis libre après le lot {number} : renumérotez.", field="number")
