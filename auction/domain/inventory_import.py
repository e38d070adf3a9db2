"""Checking inventory rows imported from a spreadsheet: every faulty row is named, nothing is
imported while any row is wrong."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import InvalidValue
from .inventory import Item
from .money import parse_euros

COLUMNS = {
    "description": ("designation", "description", "bien", "libelle"),
    "quantity": ("quantite", "qte", "nombre"),
    "condition": ("etat", "condition"),
    "estimate": ("estimation", "estimate", "valeur", "prix estime"),
    "category": ("categorie", "category", "rubrique"),
}
REQUIRED = ("description", "condition")
MAX_ROWS = 2000


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


def map_columns(headers: list[str]) -> dict[str, int]:
    """Which column holds which field; raises when a required column is missing."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _key(header)
        for field, names in COLUMNS.items():
            if key in names and field not in found:
                found[field] = index
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        labels = {"description": "Désignation", "condition": "État"}
        raise InvalidValue("Colonnes obligatoires absentes : " + ", ".join(labels[m] for m in missing)
                           + ". En-têtes attendus : Désignation ; Quantité ; État ; Estimation ; Catégorie.",
                           field="file")
    return found


@dataclass(frozen=True)
class RowResult:
    line: int                      # the line number in the file (headers are line 1)
    values: dict[str, str]
    item: Item | None
    errors: tuple[str, ...]


def check_rows(headers: list[str], rows: list[list[str]]) -> list[RowResult]:
    columns = map_columns(headers)
    if len(rows) > MAX_ROWS:
        raise InvalidValue(f"Fichier trop long : {MAX_ROWS} lignes au plus.", field="file")
    results: list[RowResult] = []
    for offset, row in enumerate(rows):
        values = {field: (str(row[index]).strip() if index < len(row) and row[index] is not None else "")
                  for field, index in columns.items()}
        if not any(values.values()):
            continue   # blank lines are skipped
        errors: list[str] = []
        if not values.get("description"):
            errors.append("désignation manquante")
        if not values.get("condition"):
            errors.append("état manquant")
        quantity = 1
        if values.get("quantity"):
            text = values["quantity"].replace(",0", "").replace(".0", "")
            if text.isascii() and text.isdigit() and len(text) < 10 and int(text) >= 1:
                quantity = int(text)
            else:
                errors.append(f"quantité « {values['quantity']} » invalide (entier positif)")
        estimate = None
        if values.get("estimate"):
            try:
                estimate = parse_euros(values["estimate"])
            except InvalidValue as exc:
                errors.append(exc.message.rstrip(".").lower())
        item = None if errors else Item(position=0, description=values["description"], quantity=quantity,
                                        condition=values["condition"], estimate_cents=estimate,
                                        category=values.get("category", ""))
        results.append(RowResult(offset + 2, values, item, tuple(errors)))
    if not results:
        raise InvalidValue("Le fichier ne contient aucun bien.", field="file")
    return results
