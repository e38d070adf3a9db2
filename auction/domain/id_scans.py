"""Identity scans: what an upload may be (checked by content), and when a kept scan is deleted."""
from __future__ import annotations

from datetime import datetime

from .errors import InvalidValue
from .months import add_months
from .uploads import MAX_DOCUMENT_BYTES, document_type

MAX_SCAN_BYTES = MAX_DOCUMENT_BYTES
SCAN_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff_scan(content: bytes) -> str:
    """The type of an uploaded identity scan, from its first bytes (never from its name)."""
    if not content:
        raise InvalidValue("Joignez la copie de votre pièce d'identité.", field="scan")
    if len(content) > MAX_SCAN_BYTES:
        raise InvalidValue("Copie trop lourde : 10 Mo au plus.", field="scan")
    kind = document_type(content)
    if kind is not None:
        return kind
    raise InvalidValue("Format refusé : la copie doit être une photo JPEG ou PNG, ou un PDF.", field="scan")


def scan_due_for_deletion(settled_at: datetime | None, retention_months: int, now: datetime) -> bool:
    """Scans are kept `retention_months` after the sale is settled, then deleted."""
    return settled_at is not None and now >= add_months(settled_at, retention_months)
