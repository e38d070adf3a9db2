"""Uploaded documents (identity scans, proofs of publicity) recognised by their content, never by
their name: a JPEG or PNG photo, or a complete PDF."""
from __future__ import annotations

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def document_type(content: bytes) -> str | None:
    """The MIME type of a photo (JPEG, PNG) or a complete PDF, from its bytes; None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-2048:]:
        return "application/pdf"
    return None
