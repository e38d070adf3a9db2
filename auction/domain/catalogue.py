"""The public catalogue's search: folding text for accent-blind matching, reading the visitor's
filters (text, category, estimate range, page) and paginating the results.

Everything here is plain Python; the services turn a `CatalogueQuery` into SQL.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import InvalidValue
from .money import parse_euros

PAGE_SIZE = 24
MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
MAX_CATEGORY_LENGTH = 60
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'"})
_LOT_NUMBER = re.compile(r"^(?:lot\s*)?(\d{1,6})$")


def fold_text(text: str) -> str:
    """Lower case without accents, for matching: `Scie à format Œuvre` → `scie a format oeuvre`."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def lot_search_text(title: str, description: str) -> str:
    """What a lot's text search runs against: its title and description, folded."""
    return fold_text(f"{title or ''}\n{description or ''}")


@dataclass(frozen=True)
class CatalogueQuery:
    """A visitor's search in one sale's catalogue. `typed` keeps what was typed, to show it back."""

    text: str = ""
    category: str = ""
    min_cents: int | None = None
    max_cents: int | None = None
    page: int = 1
    typed: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def words(self) -> list[str]:
        """The folded words of the text, each to be found in the lot's title or description."""
        words: list[str] = []
        for word in fold_text(self.text).split():
            if word not in words:
                words.append(word)
        return words[:MAX_WORDS]

    @property
    def lot_number(self) -> int | None:
        """`12` or `lot 12` also finds lot number 12."""
        match = _LOT_NUMBER.match(fold_text(self.text))
        return int(match.group(1)) if match else None

    @property
    def is_filtered(self) -> bool:
        return bool(self.words or self.category or self.min_cents is not None or self.max_cents is not None)

    def params(self) -> dict[str, str]:
        """The filters as query-string parameters (without the page), for links that keep the search."""
        params = {}
        if self.text.strip():
            params["q"] = self.text.strip()
        if self.category:
            params["categorie"] = self.category
        if self.min_cents is not None:
            params["min"] = euros_param(self.min_cents)
        if self.max_cents is not None:
            params["max"] = euros_param(self.max_cents)
        return params


def euros_param(cents: int) -> str:
    """Cents as a plain amount a visitor could have typed: `150000` → `1500`, `1050` → `10,50`."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}" if rest else str(whole)


def _amount(raw: str, label: str, messages: list[str]) -> int | None:
    if not raw.strip():
        return None
    try:
        return parse_euros(raw)
    except InvalidValue as exc:
        messages.append(f"{label} non appliquée. {exc.message}")
        return None


def parse_query(params: Mapping[str, str]) -> tuple[CatalogueQuery, list[str]]:
    """Read the search form's parameters. Nothing a visitor types is an error page: a value that
    cannot be read is left out, with a French message saying so."""
    messages: list[str] = []
    text = (params.get("q") or "")[:MAX_QUERY_LENGTH]
    category = (params.get("categorie") or "").strip()[:MAX_CATEGORY_LENGTH]
    min_raw, max_raw = params.get("min") or "", params.get("max") or ""
    min_cents = _amount(min_raw, "Estimation minimale", messages)
    max_cents = _amount(max_raw, "Estimation maximale", messages)
    if min_cents is not None and max_cents is not None and min_cents > max_cents:
        messages.append("L'estimation minimale dépasse l'estimation maximale : "
                        "la fourchette d'estimation n'a pas été appliquée.")
        min_cents = max_cents = None
    page_raw = (params.get("page") or "").strip()
    page = 1
    if page_raw:
        if page_raw.isascii() and page_raw.isdigit() and len(page_raw) <= 9 and int(page_raw) >= 1:
            page = int(page_raw)
        else:
            messages.append(f"Numéro de page illisible : « {page_raw[:20]} ». La première page est affichée.")
    typed = {"q": text, "categorie": category, "min": min_raw[:30], "max": max_raw[:30]}
    return CatalogueQuery(text=text, category=category, min_cents=min_cents, max_cents=max_cents,
                          page=page, typed=typed), messages


@dataclass(frozen=True)
class Pagination:
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def first(self) -> int:
        """1-based rank of the first lot shown (0 when there is none)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(total: int, requested: int, size: int = PAGE_SIZE) -> tuple[Pagination, str | None]:
    """The page to show for `requested`; past the end, the last page, with a message."""
    pages = max(1, -(-total // size))
    if requested > pages:
        return Pagination(total, pages, size), f"La page {requested} n'existe pas : voici la dernière page ({pages})."
    return Pagination(total, max(1, requested), size), None


def page_of(rank: int, size: int = PAGE_SIZE) -> int:
    """The page showing the lot at 0-based `rank` in the results."""
    return rank // size + 1
