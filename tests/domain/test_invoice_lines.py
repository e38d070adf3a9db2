"""One lot's invoice line (auction.domain.invoice_lines): its payload, and what credit notes left due."""
from dataclasses import replace
from decimal import Decimal

from auction.domain.invoice_lines import InvoiceLine

TAXED = InvoiceLine(7, "12", "Commode Louis XV", 3, 1_000_00, 200_00, 119_00, 23_80, Decimal("0.2000"))


def test_the_payload_carries_the_total_and_reads_back_as_the_same_line():
    payload = TAXED.to_payload()
    assert payload["total_cents"] == 1_000_00 + 200_00 + 119_00 + 23_80
    assert payload["hammer_vat_rate"] == "0.2000"
    assert InvoiceLine.from_payload(payload) == TAXED
    untaxed = replace(TAXED, hammer_vat_cents=0, hammer_vat_rate=None)
    assert untaxed.to_payload()["hammer_vat_rate"] == ""
    assert InvoiceLine.from_payload(untaxed.to_payload()) == untaxed


def test_what_credit_notes_cancelled_is_due_no_more_and_never_written_in_the_payload():
    credited = replace(TAXED, credited_cents=TAXED.total_cents)
    assert (TAXED.due_cents, credited.due_cents) == (TAXED.total_cents, 0)
    assert "credited_cents" not in credited.to_payload()
    assert credited.to_payload() == TAXED.to_payload()
