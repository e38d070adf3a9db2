"""An invoice's number as people read it: `2026-000123`, the year of issue, then the number of the
office's one continuous series (bordereaux, credit notes and storage invoices share it).

Its own module so that the buyer's account (auction.domain.buyer_accounts), which the invoices
import through the room and the defaults, writes a storage invoice's number without importing the
invoices.
"""
from __future__ import annotations

from datetime import date


def format_number(number: int, issued_on: date) -> str:
    """`2026-000123`: the year of issue, then the number of the office's continuous series."""
    return f"{issued_on.year}-{number:06d}"
