"""The catalogue PDF is rendered once per content: cached on disk, shared by concurrent requests,
made again when anything in it changes."""
import asyncio

import pytest
from sqlalchemy import select

from auction.models import Lot
from auction.services import catalogue_pdf as module
from auction.services.catalogue import NotFound
from auction.services.catalogue_pdf import CatalogueCache, catalogue_pdf

from .test_catalogue import make_sale


@pytest.fixture
def renders(monkeypatch):
    """Counts the renderings and makes them instant (and slow enough to overlap when asked)."""
    calls = []

    async def fake_pdf(html: str) -> bytes:
        calls.append(html)
        await asyncio.sleep(0.05)
        return b"%PDF-fake " + str(len(calls)).encode()
    monkeypatch.setattr(module, "pdf_from_html", fake_pdf)
    return calls


async def test_same_content_is_rendered_once(db, tmp_path, renders):
    sale_id = await make_sale(db)
    cache = CatalogueCache(tmp_path / "cache")
    first, name = await catalogue_pdf(db.sessions, cache, sale_id)
    again, _ = await catalogue_pdf(db.sessions, cache, sale_id)
    assert first == again == b"%PDF-fake 1" and len(renders) == 1 and name == "catalogue-VJ-T.pdf"
    assert "Piano droit Yamaha" in renders[0]
    assert [p.name.split("-")[2] for p in (tmp_path / "cache").iterdir()] == ["public"]


async def test_concurrent_requests_share_one_rendering(tmp_path, renders):
    # The cache alone: the test database runs every session on one connection, so no concurrent reads.
    cache = CatalogueCache(tmp_path / "cache")
    results = await asyncio.gather(*(cache.get(7, "public", "<p>catalogue</p>") for _ in range(5)))
    assert set(results) == {b"%PDF-fake 1"} and len(renders) == 1
    assert await cache.get(7, "public", "<p>catalogue</p>") == b"%PDF-fake 1" and len(renders) == 1


async def test_a_change_makes_a_new_pdf_and_drops_the_old_one(db, tmp_path, renders):
    sale_id = await make_sale(db)
    cache = CatalogueCache(tmp_path / "cache")
    await catalogue_pdf(db.sessions, cache, sale_id)
    async with db.sessions() as session, session.begin():
        lot = await session.scalar(select(Lot).where(Lot.sale_id == sale_id, Lot.number == 3))
        lot.status = "withdrawn"
    pdf, _ = await catalogue_pdf(db.sessions, cache, sale_id)
    assert pdf == b"%PDF-fake 2" and "Retiré de la vente" in renders[1]
    assert len(list((tmp_path / "cache").glob("*.pdf"))) == 1


async def test_preview_pdf_is_kept_apart_and_drafts_are_not_public(db, tmp_path, renders):
    sale_id = await make_sale(db, status="draft")
    cache = CatalogueCache(tmp_path / "cache")
    with pytest.raises(NotFound):
        await catalogue_pdf(db.sessions, cache, sale_id)
    await catalogue_pdf(db.sessions, cache, sale_id, preview=True)
    assert "Aperçu — vente non publiée" in renders[0]
    assert [p.name.split("-")[2] for p in (tmp_path / "cache").iterdir()] == ["apercu"]
