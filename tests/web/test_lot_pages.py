"""The clerk's lot pages over HTTP."""
import html

from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import Lot, LotItem, LotPhoto, Sale

from ..conftest import csrf_from
from ..services.test_lots import png_bytes, sale_id, signed_items  # noqa: F401 - fixture


async def test_clerk_builds_a_lot_from_items(client, db, users, login, sale_id):  # noqa: F811
    items = await signed_items(db, "SV-H", ["Scie à format", "Lot de serre-joints"])
    await login(client, users[Role.CLERK])
    form_page = await client.get(f"/bureau/ventes/{sale_id}/lots/nouveau")
    assert "Scie à format" in form_page.text
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/nouveau")
    response = await client.post(f"/bureau/ventes/{sale_id}/lots", data={
        "csrf_token": token, "items": [str(i) for i in items], "title": "Scie et serre-joints",
        "estimate_low": "150", "estimate_high": "300", "opening_bid": "80", "number": "4 bis"})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Lot 4 bis" in page.text and "Lot créé." in page.text
    async with db.sessions() as session:
        lot = await session.scalar(select(Lot))
        assert sorted((await session.scalars(select(LotItem.item_id))).all()) == sorted(items)
    assert (lot.estimate_low_cents, lot.opening_bid_cents) == (150_00, 80_00)


async def test_bad_lot_input_rerenders_and_creates_nothing(client, db, users, login, sale_id):  # noqa: F811
    items = await signed_items(db, "SV-I", ["Buffet"])
    await login(client, users[Role.CLERK])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/nouveau")
    response = await client.post(f"/bureau/ventes/{sale_id}/lots", data={
        "csrf_token": token, "items": [str(items[0])], "title": "Buffet", "estimate_low": "500",
        "estimate_high": "100", "opening_bid": "abc", "number": "douze"})
    assert response.status_code == 400
    assert "Le lot n'a pas été créé." in response.text and "Montant illisible" in response.text
    assert "Numéro de lot" in response.text
    assert 'value="Buffet"' in response.text and "checked" in response.text
    async with db.sessions() as session:
        assert (await session.scalars(select(Lot))).all() == []


async def test_photo_upload_good_and_bad(client, db, users, login, sale_id, settings):  # noqa: F811
    items = await signed_items(db, "SV-P", ["Commode"])
    await login(client, users[Role.CLERK])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/nouveau")
    created = await client.post(f"/bureau/ventes/{sale_id}/lots", data={
        "csrf_token": token, "items": [str(items[0])], "title": "Commode", "estimate_low": "1",
        "estimate_high": "2", "opening_bid": "1"})
    lot_path = created.headers["location"].split("?")[0]
    token = await csrf_from(client, lot_path)
    bad = await client.post(f"{lot_path}/photos", data={"csrf_token": token, "alt": "Commode de face"},
                            files={"photo": ("commode.jpg", b"MZ\x90\x00 not a jpeg", "image/jpeg")})
    assert bad.status_code == 400 and "pas une image lisible" in bad.text
    good = await client.post(f"{lot_path}/photos", data={"csrf_token": token, "alt": "Commode de face"},
                             files={"photo": ("commode.png", png_bytes(), "image/png")})
    assert good.status_code == 303
    async with db.sessions() as session:
        photo = await session.scalar(select(LotPhoto))
    assert (settings.media_dir / photo.path).exists()
    assert len(list((settings.media_dir / "lots").iterdir())) == 2
    page = await client.get(lot_path)
    assert 'alt="Commode de face"' in page.text


async def lots_from_items(client, sale_id: int, items, titles, *, estimate: tuple[str, str], opening_bid: str) -> None:
    """One lot per inventory item, through the new-lot form."""
    for item, title in zip(items, titles):
        token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/nouveau")
        created = await client.post(f"/bureau/ventes/{sale_id}/lots", data={
            "csrf_token": token, "items": [str(item)], "title": title, "estimate_low": estimate[0],
            "estimate_high": estimate[1], "opening_bid": opening_bid})
        assert created.status_code == 303, created.text


async def test_withdraw_and_reorder_over_http(client, db, users, login, sale_id):  # noqa: F811
    items = await signed_items(db, "SV-R", ["Chaise", "Table"])
    await login(client, users[Role.CLERK])
    await lots_from_items(client, sale_id, items, ["Chaise", "Table"], estimate=("1", "2"), opening_bid="1")
    async with db.sessions() as session:
        chair, table = (await session.scalars(select(Lot).order_by(Lot.position))).all()
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}")
    await client.post(f"/bureau/ventes/{sale_id}/lots/{table.id}/deplacer", data={"csrf_token": token, "direction": "up"})
    await client.post(f"/bureau/ventes/{sale_id}/lots/{chair.id}/retrait",
                      data={"csrf_token": token, "withdrawn": "1", "withdrawal_reason": "Bien manquant"})
    page = await client.get(f"/bureau/ventes/{sale_id}")
    assert page.text.index("Table") < page.text.index("Chaise")
    assert "Chaise (retiré)" in page.text


async def test_lot_changes_reach_a_loaded_room_until_the_sale_opens(client, app, db, users, login, sale_id):  # noqa: F811
    """The room display (or the live page) loaded the room before the sale: each change on the lot
    pages reloads it here and tells the other processes; once the sale is live, nothing changes."""
    items = await signed_items(db, "SV-L", ["Chaise", "Table"])
    room = await app.state.rooms.get(sale_id)
    told = []

    async def tell(changed_sale_id):
        told.append(changed_sale_id)
    app.state.rooms.setup_changed.append(tell)
    await login(client, users[Role.CLERK])
    await lots_from_items(client, sale_id, items, ["Chaise", "Table"], estimate=("10", "20"), opening_bid="5")
    async with db.sessions() as session:
        chair, table = (await session.scalars(select(Lot).order_by(Lot.position))).all()
    assert [lot.title for lot in room.setup.lots.values()] == ["Chaise", "Table"]
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/{chair.id}")
    saved = await client.post(f"/bureau/ventes/{sale_id}/lots/{chair.id}", data={
        "csrf_token": token, "title": "Chaise paillée", "estimate_low": "10", "estimate_high": "20",
        "opening_bid": "8", "number": "1"})
    assert saved.status_code == 303
    withdrawn = await client.post(f"/bureau/ventes/{sale_id}/lots/{table.id}/retrait",
                                  data={"csrf_token": token, "withdrawn": "1", "withdrawal_reason": "Bien manquant"})
    assert withdrawn.status_code == 303
    assert (room.setup.lots[chair.id].title, room.setup.lots[chair.id].opening_bid_cents) == ("Chaise paillée", 8_00)
    assert room.setup.lots[table.id].withdrawn
    assert told == [sale_id] * 4
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale_id)).status = "live"
    refused = await client.post(f"/bureau/ventes/{sale_id}/lots/{chair.id}/retrait",
                                data={"csrf_token": token, "withdrawn": "1", "withdrawal_reason": "Bien manquant"})
    assert refused.status_code == 409 and "La vente a commencé" in refused.text
    assert not room.setup.lots[chair.id].withdrawn and told == [sale_id] * 4
    async with db.sessions() as session:
        assert (await session.get(Lot, chair.id)).status == "listed"


async def test_new_lot_says_why_no_item_is_offered_and_is_not_offered_once_the_sale_is_live(
        client, db, users, login, sale_id):  # noqa: F811
    await login(client, users[Role.CLERK])
    empty = await client.get(f"/bureau/ventes/{sale_id}/lots/nouveau")
    assert "aucun procès-verbal d'inventaire n'est encore signé" in html.unescape(empty.text)
    items = await signed_items(db, "SV-N", ["Établi"])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/lots/nouveau")
    created = await client.post(f"/bureau/ventes/{sale_id}/lots", data={
        "csrf_token": token, "items": [str(items[0])], "title": "Établi", "estimate_low": "10",
        "estimate_high": "20", "opening_bid": "5"})
    assert created.status_code == 303
    used = html.unescape((await client.get(f"/bureau/ventes/{sale_id}/lots/nouveau")).text)
    assert "tous les biens des procès-verbaux signés sont déjà dans un lot (1 bien)" in used
    assert "signez d'abord" not in used
    assert "Créer le lot" not in used and 'name="title"' not in used, "no form to fill in for nothing"
    assert "Nouveau lot depuis l'inventaire" in (await client.get(f"/bureau/ventes/{sale_id}")).text
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale_id)).status = "live"
    assert "Nouveau lot" not in (await client.get(f"/bureau/ventes/{sale_id}")).text
    live = await client.get(f"/bureau/ventes/{sale_id}/lots/nouveau")
    assert live.status_code == 409 and "La vente a commencé" in html.unescape(live.text)
    assert 'name="items"' not in live.text
