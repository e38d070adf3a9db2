"""Identity scans: checked by their content, kept in the private directory (never under the media
served to the public), and deleted once the sale has been settled for the retention period.

A scan is written before the registration that holds it; the caller removes it if the registration
is not recorded. Staff looks at a scan through auction.services.personal_data, which logs it.
"""
from __future__ import annotations

import asyncio
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.id_scans import scan_due_for_deletion, sniff_scan
from auction.models import PersonalDataAccess, Registration, Sale

from .catalogue import NotFound

SCAN_DIR = "pieces-identite"


@dataclass(frozen=True)
class StoredScan:
    path: str              # relative to the private directory
    content_type: str


def _check_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidValue("Cette image est illisible ou tronquée : reprenez la photo de la pièce.",
                           field="scan") from None


def _write_scan(content: bytes, private_dir: Path) -> StoredScan:
    content_type = sniff_scan(content)
    if content_type != "application/pdf":
        _check_image(content)
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[content_type]
    relative = f"{SCAN_DIR}/{uuid.uuid4().hex}.{extension}"
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.write_bytes(content)
    target.chmod(0o600)
    return StoredScan(relative, content_type)


async def store_scan(content: bytes, private_dir: Path) -> StoredScan:
    """Check an uploaded identity scan by its content and keep it in the private directory."""
    return await asyncio.to_thread(_write_scan, content, private_dir)


def remove_scan(private_dir: Path, relative: str | None) -> None:
    if relative:
        (private_dir / relative).unlink(missing_ok=True)


def scan_file(private_dir: Path, relative: str) -> Path:
    path = (private_dir / relative).resolve()
    if private_dir.resolve() not in path.parents:
        raise NotFound()
    return path


async def purge_scans(sessions: async_sessionmaker[AsyncSession], private_dir: Path, retention_months: int,
                      now: datetime) -> int:
    """Delete the identity scans of sales settled more than `retention_months` ago; how many."""
    async with sessions() as session:
        rows = (await session.execute(
            select(Registration.id, Registration.scan_path, Sale.settled_at).join(Sale, Sale.id == Registration.sale_id)
            .where(Registration.scan_path.is_not(None), Sale.status == "settled"))).all()
    due = [(rid, path) for rid, path, settled_at in rows if scan_due_for_deletion(settled_at, retention_months, now)]
    for _, path in due:   # files first: a rerun finishes the records if the database fails below
        remove_scan(private_dir, path)
    if due:
        async with sessions() as session, session.begin():
            for registration_id, _ in due:
                registration = await session.get(Registration, registration_id)
                registration.scan_path, registration.scan_content_type = None, None
                registration.scan_deleted_at = now
                session.add(PersonalDataAccess(at=now, user_id=None, action="purge_scan",
                                               bidder_id=registration.bidder_id, registration_id=registration_id,
                                               detail=f"Copie supprimée après {retention_months} mois de conservation"))
    return len(due)
