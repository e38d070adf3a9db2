"""Identity scans: recognised by content, refused otherwise, deleted a set time after settlement."""
from datetime import datetime, timezone

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.id_scans import scan_due_for_deletion, sniff_scan

# --- identity scans ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, kind", [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"),
])
def test_scans_are_recognised_by_content(content, kind):
    assert sniff_scan(content) == kind


@pytest.mark.parametrize("content, message", [
    (b"", "Joignez"), (b"MZ\x90\x00 an executable named scan.jpg", "Format refusé"),
    (b"%PDF-1.7 but cut short", "Format refusé"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Format refusé"),
    (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "10 Mo"),
])
def test_other_uploads_are_refused(content, message):
    with pytest.raises(InvalidValue, match=message):
        sniff_scan(content)


def test_scans_are_deleted_a_set_number_of_months_after_the_sale_is_settled():
    settled = datetime(2026, 8, 31, 10, 0, tzinfo=timezone.utc)
    assert not scan_due_for_deletion(None, 6, datetime(2040, 1, 1, tzinfo=timezone.utc))   # not settled
    assert not scan_due_for_deletion(settled, 6, datetime(2027, 2, 27, tzinfo=timezone.utc))
    assert scan_due_for_deletion(settled, 6, datetime(2027, 2, 28, 10, 0, tzinfo=timezone.utc))
    assert scan_due_for_deletion(settled, 0, settled)
