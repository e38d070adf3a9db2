"""The documents received with a contest: checked by their content (auction.domain.uploads, a photo
opened to its end), kept in the private directory (never under the media served to the public), as
identity scans are (auction.services.id_scans). A file is written before the row that holds it; the
caller removes it if the row is not recorded."""
from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from auction.domain.errors import InvalidValue
from auction.domain.uploads import MAX_DOCUMENT_BYTES, document_type

from .catalogue import NotFound

DOCUMENT_DIR = "contestations"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


@dataclass(frozen=True)
class StoredDocument:
    path: str              # relative to the private directory
    content_type: str
    size: int
    sha256: str


def check_document(content: bytes, field: str = "document") -> str:
    """The type of an uploaded document, from its bytes (never its name), or a French refusal."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidValue("Document trop lourd : 10 Mo au plus.", field=field)
    kind = document_type(content)
    if kind is None:
        raise InvalidValue("Format refusé : le document doit être un PDF complet ou une photo JPEG ou PNG.",
                           field=field)
    if kind != "application/pdf":
        try:
            with Image.open(io.BytesIO(content)) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise InvalidValue("Cette image est illisible ou tronquée.", field=field) from None
    return kind


def _write(content: bytes, private_dir: Path, field: str) -> StoredDocument:
    kind = check_document(content, field)
    relative = f"{DOCUMENT_DIR}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.write_bytes(content)
    target.chmod(0o600)
    return StoredDocument(relative, kind, len(content), hashlib.sha256(content).hexdigest())


async def store_document(content: bytes, private_dir: Path, field: str = "document") -> StoredDocument:
    return await asyncio.to_thread(_write, content, private_dir, field)


def remove_document(private_dir: Path, relative: str | None) -> None:
    if relative:
        (private_dir / relative).unlink(missing_ok=True)


def document_file(private_dir: Path, relative: str) -> Path:
    path = (private_dir / relative).resolve()
    if private_dir.resolve() not in path.parents:
        raise NotFound()
    return path
