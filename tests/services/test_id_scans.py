"""Identity scans: checked by their content, kept private, every look logged, purged after retention."""
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import PersonalDataAccess, Registration, Sale, utcnow
from auction.services import id_scans, personal_data
from auction.services import registration as service

from .test_registration import data_of, png_bytes, sale  # noqa: F401 - fixture


async def test_scans_are_checked_by_content_and_kept_private(tmp_path):
    private, media = tmp_path / "private", tmp_path / "media"
    stored = await id_scans.store_scan(png_bytes(), private)
    path = private / stored.path
    assert stored.content_type == "image/png" and path.exists() and not media.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(InvalidValue, match="illisible"):
        await id_scans.store_scan(b"\x89PNG\r\n\x1a\n" + b"truncated", private)
    with pytest.raises(InvalidValue, match="Format refusé"):
        await id_scans.store_scan(b"GIF89a...", private)
    assert len(list((private / id_scans.SCAN_DIR).iterdir())) == 1


async def test_scan_access_is_logged_and_scans_are_purged_after_retention(db, sale, users, tmp_path):
    private = tmp_path / "private"
    scan = await id_scans.store_scan(png_bytes(), private)
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow(), scan=scan)
    path, content_type = await personal_data.scan_for_staff(db.sessions, sale.id, reg.id, users[Role.CLERK].id,
                                                            utcnow())
    assert (path, content_type) == (scan.path, "image/png")
    async with db.sessions() as session:
        log = (await session.scalars(select(PersonalDataAccess))).all()
    assert [(e.action, e.user_id, e.registration_id) for e in log] == [("view_scan", users[Role.CLERK].id, reg.id)]

    now = utcnow()
    assert await id_scans.purge_scans(db.sessions, private, 6, now) == 0                 # sale not settled
    async with db.sessions() as session, session.begin():
        settled = await session.get(Sale, sale.id)
        settled.status, settled.settled_at = "settled", now - timedelta(days=120)
    assert await id_scans.purge_scans(db.sessions, private, 6, now) == 0                 # four months only
    assert await id_scans.purge_scans(db.sessions, private, 3, now) == 1
    assert not (private / scan.path).exists()
    async with db.sessions() as session:
        stored = await session.get(Registration, reg.id)
        actions = (await session.scalars(select(PersonalDataAccess.action).order_by(PersonalDataAccess.id))).all()
    assert stored.scan_path is None and stored.scan_deleted_at == now and actions == ["view_scan", "purge_scan"]
    with pytest.raises(service.NotFound):
        await personal_data.scan_for_staff(db.sessions, sale.id, reg.id, users[Role.CLERK].id, utcnow())
    assert await id_scans.purge_scans(db.sessions, private, 3, now) == 0
