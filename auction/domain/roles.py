"""Who may do what: the roles of the people using Criée."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"   # commissaire de justice
    CLERK = "clerk"       # clerc
    BIDDER = "bidder"     # enchérisseur

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_staff(self) -> bool:
        return self in STAFF


ROLE_LABELS = {
    Role.OFFICER: "Commissaire de justice",
    Role.CLERK: "Clerc",
    Role.BIDDER: "Enchérisseur",
}

STAFF = frozenset({Role.OFFICER, Role.CLERK})
