"""Building and arranging lots from signed inventory items."""
import io
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import select

from auction.domain.errors import InvalidValue
from auction.domain.inventory import AMICABLE_SALE_NOTICE, CUSTODY_NOTICE, Item
from auction.domain.lots import LotNumber, LotsFrozen, parse_lot_number
from auction.domain.roles import Role
from auction.models import Case, Lot, LotItem, Sale, User
from auction.services import inventory, lots, photos

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def fields(title="Lot", low=100_00, high=200_00, opening=50_00, category="Mobilier"):
    return lots.LotFields(title, "", category, low, high, opening)


async def signed_items(db, reference: str, descriptions: list[str]) -> list[int]:
    async with db.sessions() as session, session.begin():
        officer = User(email=f"me-{reference}@etude.fr", full_name="Me Test", role="officer", password_hash="x")
        case = Case(reference=reference, debtor_name="M. Débiteur", debtor_address="1 rue", debtor_postcode="69001",
                    debtor_city="Lyon", title_nature="Jugement", title_court="TJ Lyon", title_date=date(2026, 1, 1),
                    seizure_date=date(2026, 9, 1))
        session.add_all([officer, case])
    act = await inventory.create_act(db.sessions, case.id, officer.id)
    await inventory.update_header(db.sessions, act.id, inventory.ActHeader(
        date(2026, 9, 1), "1 rue, Lyon", "M. Débiteur", "Aucune.", CUSTODY_NOTICE, AMICABLE_SALE_NOTICE, "JEX Lyon"))
    await inventory.add_items(db.sessions, act.id, [Item(0, d, 1, "bon", 100_00, "Mobilier") for d in descriptions])
    await inventory.sign(db.sessions, act.id, officer.id, Role.OFFICER, NOW)
    signed, _, _ = await inventory.get_act(db.sessions, act.id)
    return [item.id for item in signed.items]


@pytest.fixture
async def sale_id(db):
    async with db.sessions() as session, session.begin():
        sale = Sale(reference="V-1", title="Vente", starts_at=NOW, place_kind="room", place_name="Salle",
                    address="1 quai", postcode="69009", city="Lyon")
        session.add(sale)
    return sale.id


async def numbers(db, sale_id):
    async with db.sessions() as session:
        return [(l.label, l.title) for l in await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))]


def test_lot_numbers_with_bis():
    assert parse_lot_number("12 bis") == LotNumber(12, "bis")
    assert parse_lot_number("12BIS").label == "12 bis"
    assert parse_lot_number(" 7 ") == LotNumber(7)
    for bad in ("", "0", "douze", "12 quinquies", "-3"):
        with pytest.raises(InvalidValue):
            parse_lot_number(bad)


async def test_a_lot_is_built_from_items_of_one_case(db, sale_id):
    a = await signed_items(db, "SV-A", ["Chaise", "Table", "Buffet"])
    b = await signed_items(db, "SV-B", ["Lampe"])
    lot = await lots.create_lot(db.sessions, sale_id, a[:2], fields("Chaise et table"))
    assert lot.number == 1
    with pytest.raises(InvalidValue, match="un seul dossier"):
        await lots.create_lot(db.sessions, sale_id, [a[2], b[0]], fields())
    with pytest.raises(InvalidValue, match="déjà à un lot"):
        await lots.create_lot(db.sessions, sale_id, [a[0]], fields())
    with pytest.raises(InvalidValue, match="déjà pris"):
        await lots.create_lot(db.sessions, sale_id, [a[2]], fields(), LotNumber(1))
    second = await lots.create_lot(db.sessions, sale_id, [b[0]], fields("Lampe"), LotNumber(1, "bis"))
    assert second.case_id != lot.case_id
    assert [i for i, _ in await lots.available_items(db.sessions)] and len(await lots.available_items(db.sessions)) == 1


async def test_unsigned_items_cannot_be_sold(db, sale_id):
    async with db.sessions() as session, session.begin():
        officer = User(email="x@etude.fr", full_name="Me X", role="officer", password_hash="x")
        case = Case(reference="SV-D", debtor_name="D", debtor_address="1", debtor_postcode="69001", debtor_city="L",
                    title_nature="J", title_court="TJ", title_date=date(2026, 1, 1), seizure_date=date(2026, 9, 1))
        session.add_all([officer, case])
    act = await inventory.create_act(db.sessions, case.id, officer.id)
    await inventory.add_items(db.sessions, act.id, [Item(0, "Vase", 1, "bon")])
    draft, _, _ = await inventory.get_act(db.sessions, act.id)
    with pytest.raises(InvalidValue, match="signé"):
        await lots.create_lot(db.sessions, sale_id, [draft.items[0].id], fields())


async def test_merge_split_reorder_renumber(db, sale_id):
    items = await signed_items(db, "SV-M", ["Chaise", "Table", "Buffet", "Commode"])
    one = await lots.create_lot(db.sessions, sale_id, items[:1], fields("Chaise"))
    two = await lots.create_lot(db.sessions, sale_id, items[1:3], fields("Table et buffet", 300_00, 500_00, 100_00))
    three = await lots.create_lot(db.sessions, sale_id, items[3:], fields("Commode"))
    new = await lots.split(db.sessions, sale_id, two.id, [items[2]])
    assert await numbers(db, sale_id) == [("1", "Chaise"), ("2", "Table et buffet"), ("2 bis", "Buffet"), ("3", "Commode")]
    with pytest.raises(InvalidValue, match="ni aucun, ni tous"):
        await lots.split(db.sessions, sale_id, one.id, [items[0]])
    await lots.merge(db.sessions, sale_id, one.id, new.id)
    async with db.sessions() as session:
        merged = await session.get(Lot, one.id)
        linked = (await session.scalars(select(LotItem.item_id).where(LotItem.lot_id == one.id))).all()
    assert sorted(linked) == sorted([items[0], items[2]])
    assert merged.estimate_low_cents == 100_00 + 100_00
    await lots.move(db.sessions, sale_id, three.id, -1)
    assert [label for label, _ in await numbers(db, sale_id)] == ["1", "3", "2"]
    await lots.renumber(db.sessions, sale_id)
    assert await numbers(db, sale_id) == [("1", "Chaise"), ("2", "Commode"), ("3", "Table et buffet")]


async def test_withdrawn_lots_stay_listed_and_lots_freeze_when_the_sale_starts(db, sale_id):
    items = await signed_items(db, "SV-W", ["Chaise"])
    lot = await lots.create_lot(db.sessions, sale_id, items, fields())
    await lots.set_withdrawn(db.sessions, sale_id, lot.id, True)
    async with db.sessions() as session, session.begin():
        assert (await session.get(Lot, lot.id)).status == "withdrawn"
        (await session.get(Sale, sale_id)).status = "live"
    with pytest.raises(LotsFrozen):
        await lots.set_withdrawn(db.sessions, sale_id, lot.id, False)
    with pytest.raises(LotsFrozen):
        await lots.renumber(db.sessions, sale_id)


async def test_r444_47_a_lot_withdrawn_before_the_sale_keeps_its_reason(db, sale_id):
    from auction.domain.errors import InvalidValue
    items = await signed_items(db, "SV-R", ["Commode"])
    lot = await lots.create_lot(db.sessions, sale_id, items, fields())
    with pytest.raises(InvalidValue, match="motif"):
        await lots.set_withdrawn(db.sessions, sale_id, lot.id, True, "   ")
    async with db.sessions() as session:
        assert (await session.get(Lot, lot.id)).status == "listed"
    await lots.set_withdrawn(db.sessions, sale_id, lot.id, True, "  Bien  manquant à la vérification ")
    async with db.sessions() as session:
        assert (await session.get(Lot, lot.id)).withdrawal_reason == "Bien manquant à la vérification"
    await lots.set_withdrawn(db.sessions, sale_id, lot.id, False)
    async with db.sessions() as session:
        assert (await session.get(Lot, lot.id)).withdrawal_reason == ""


def png_bytes(size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_photos_are_checked_by_content_and_thumbnailed(tmp_path):
    path = await photos.store_photo(png_bytes(), tmp_path)
    assert path.endswith(".jpg")
    assert Image.open(tmp_path / path).format == "JPEG"
    assert max(Image.open(tmp_path / photos.thumbnail_of(path)).size) == photos.THUMB_SIZE
    for bad, words in [(b"", "vide"), (b"GIF89a" + b"\x00" * 50, "lisible"), (b"<html>not an image</html>", "lisible")]:
        with pytest.raises(InvalidValue, match=words):
            await photos.store_photo(bad, tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(InvalidValue, match="JPEG, PNG ou WebP"):
        await photos.store_photo(buffer.getvalue(), tmp_path)
    assert len(list((tmp_path / "lots").iterdir())) == 2    # only the good photo and its thumbnail
