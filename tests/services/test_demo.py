"""The demo office is realistic enough to run a sale from it."""
from datetime import date

from PIL import Image
from sqlalchemy import func, select

from auction.models import Bidder, Case, Lot, Office, Registration, Sale, User
from auction.services.accounts import log_in
from auction.services.demo import DEMO_LOGINS, seed_demo
from auction.models import utcnow

TODAY = date(2026, 11, 22)


async def test_demo_seeds_office_cases_sale_lots_and_bidders(db, tmp_path):
    assert await seed_demo(db.sessions, tmp_path, TODAY) is True
    async with db.sessions() as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert await count(Office) == 1
        assert await count(User) == 3
        assert await count(Case) == 2
        assert await count(Sale) == 1
        assert await count(Lot) == 40
        assert await count(Bidder) >= 3
        sale = await session.scalar(select(Sale))
        cases = (await session.scalars(select(Case))).all()
        for case in cases:
            lots = await session.scalar(select(func.count()).select_from(Lot).where(Lot.case_id == case.id))
            assert lots == 20
        paddles = (await session.scalars(select(Registration.paddle_number).where(
            Registration.sale_id == sale.id, Registration.verified_at.is_not(None)))).all()
        assert len(set(paddles)) == len(paddles) and all(paddles)
        lots = (await session.scalars(select(Lot))).all()
        assert all(lot.estimate_low_cents <= lot.estimate_high_cents for lot in lots)
        assert all(0 < lot.opening_bid_cents <= lot.estimate_low_cents for lot in lots)
    assert sale.starts_at > utcnow()
    image = Image.open(tmp_path / "demo" / "lot-01.jpg")
    assert image.size == (800, 600)


async def test_demo_is_seeded_once(db, tmp_path):
    assert await seed_demo(db.sessions, tmp_path, TODAY) is True
    assert await seed_demo(db.sessions, tmp_path, TODAY) is False
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Lot)) == 40


async def test_demo_logins_work(db, tmp_path):
    await seed_demo(db.sessions, tmp_path, TODAY)
    for login in DEMO_LOGINS:
        token, user = await log_in(db.sessions, login.email, login.password, utcnow())
        assert token and user.role == login.role.value


async def test_public_catalogue_of_the_demo_shows_lots_but_no_debtor(client, db, settings):
    await seed_demo(db.sessions, settings.media_dir, TODAY)
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
        cases = (await session.scalars(select(Case))).all()
    page = await client.get(f"/ventes/{sale.id}")
    assert page.status_code == 200
    assert page.text.count('<li class="lot') == 24 and "Lots 1 à 24 sur 40" in page.text   # 24 a page
    assert "Scie à format Altendorf F45" in page.text
    for case in cases:
        assert case.debtor_name not in page.text
        assert case.debtor_address not in page.text
    photo = await client.get("/medias/demo/lot-01.jpg")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    display = await client.get(f"/salle/{sale.id}")
    assert display.status_code == 200 and "ROCHE" not in display.text


async def test_demo_lots_come_from_signed_inventories(db, tmp_path):
    from auction.models import InventoryAct, LotItem
    from auction.services.inventory import content_of, get_act
    await seed_demo(db.sessions, tmp_path, TODAY)
    async with db.sessions() as session:
        acts = (await session.scalars(select(InventoryAct))).all()
        links = (await session.scalars(select(LotItem))).all()
    # each case: its seizure inventory and its verification act before the sale (CPCE R221-36)
    assert sorted(a.kind for a in acts) == ["seizure", "seizure", "verification", "verification"]
    assert all(a.signed_at and a.digest for a in acts)
    assert len(links) == 40
    for act in acts:
        loaded, case, parent = await get_act(db.sessions, act.id)
        assert content_of(loaded, case, parent).digest() == act.digest


async def test_demo_web_publication_names_the_address_the_demo_serves_on(db, tmp_path):
    from auction.models import PublicationAct
    await seed_demo(db.sessions, tmp_path, TODAY, base_url="http://127.0.0.1:8140/")
    async with db.sessions() as session:
        web = await session.scalar(select(PublicationAct).where(PublicationAct.kind == "web"))
    assert web.place.startswith("http://127.0.0.1:8140/ventes/")
    assert "8000" not in web.place and "8140" in web.system_record


def test_generated_images_draw_french_accents():
    """DejaVu Sans, not Pillow's default font whose missing accents came out as boxes ("Scie ▯ format")."""
    from PIL import ImageDraw
    from auction.fonts import font
    assert font(40).getname()[0] == "DejaVu Sans"

    def drawn(text):
        image = Image.new("L", (200, 80))
        ImageDraw.Draw(image).text((10, 10), text, font=font(40), fill=255)
        return image.tobytes()
    assert drawn("à") != drawn("a") and drawn("é") != drawn("e") and drawn("à") != drawn("\ue000")
