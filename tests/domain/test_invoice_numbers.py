"""An invoice's number as people read it: the year of issue, then the office's continuous series."""
from datetime import date

from auction.domain.invoice_numbers import format_number


def test_the_year_of_issue_then_six_digits_at_least():
    assert format_number(123, date(2026, 12, 12)) == "2026-000123"
    assert format_number(1_234_567, date(2027, 1, 2)) == "2027-1234567"
    assert format_number(1, date(2027, 1, 1)) == "2027-000001"
