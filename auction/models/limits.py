"""The limits of what the database stores, read from the models: the forms check them before a value
reaches a column (PostgreSQL refuses a NUL byte, an integer past 2**31 - 1 or a text longer than its
column with an error; SQLite would keep the text whole)."""
from __future__ import annotations

from sqlalchemy import String

from .base import Base

INT_MAX = 2**31 - 1          # an Integer column, every id and sequence number
CENTS_MAX = 2**63 - 1        # a BigInteger column (amounts in cents)
TEXT_MAX = 20_000            # a Text column (descriptions, notes): what a form may send in one field
QUERY_MAX = 1_000            # one value in a page's query string
MIN_YEAR, MAX_YEAR = 1900, 2200   # a date a form may give (act dates, sale dates, payments)


def _string_lengths() -> dict[str, int]:
    """Column name -> the longest String(n) of that name across the tables. A form field named as a
    column is held to it; one name used with several lengths gets the largest (a form is never refused
    what its column takes), and the database's own limit stays behind it."""
    from . import __all__  # noqa: F401 - every model is imported, so every table is in the metadata
    lengths: dict[str, int] = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                lengths[column.name] = max(lengths.get(column.name, 0), column.type.length)
    return lengths


STRING_LENGTHS = _string_lengths()


def text_limit(field: str) -> int:
    """The most characters a form field named `field` may hold."""
    return STRING_LENGTHS.get(field, TEXT_MAX)


# Typed with the spaces a paper form shows, stored without them: a form may send a few more characters.
FORMATTED = {"iban": 50, "debtor_iban": 50, "client_account_iban": 50, "bic": 20, "debtor_bic": 20,
             "siret": 20, "company_number": 20, "phone": 40}
STRING_LENGTHS.update({name: max(length, STRING_LENGTHS.get(name, 0)) for name, length in FORMATTED.items()})
