"""Quick checkout by scanning a paddle card: the cashier's tablet films the card the office printed
(Chromium's fake camera plays its PNG, decoded by the page's own jsQR path), lands on the buyer, issues
the bordereau, takes a cash payment by keyboard alone, and the balance reaches zero; a USB scanner
(text typed, then Enter) finds the same buyer."""
from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS

from .conftest import CHROMIUM_ARGS
from .test_card_camera import write_y4m

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
SALE_ID = 1


def knock_down_a_lot_to_paddle_2(database_url: str) -> None:
    """The room sells one lot to paddle 2 (through the room service, on the server's database)."""
    from auction.db import Database
    from auction.domain.room import Actor
    from auction.models import User, utcnow
    from auction.services import room as room_service

    async def run():
        db = Database.connect(database_url)
        try:
            async with db.sessions() as session:
                clerk = Actor((await session.scalar(select(User).where(User.role == "clerk"))).id, Role.CLERK)
            room = await room_service.open_room(db.sessions, SALE_ID)
            lot = next(lot for lot in room.setup.lots.values() if not lot.withdrawn and lot.opening_bid_cents <= 500_00)
            for name, args in (("open_sale", {}), ("open_lot", {"lot_id": lot.id}),
                               ("bid", {"paddle": 2, "amount_cents": 500_00}), ("call", {}), ("call", {}),
                               ("call", {}), ("hammer", {})):
                await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, clerk, utcnow())
        finally:
            await db.dispose()
    asyncio.run(run())


def test_quick_checkout_by_filming_the_paddle_card(chromium_path, live_server, tmp_path):
    knock_down_a_lot_to_paddle_2(live_server.database_url)
    with sync_playwright() as playwright:
        plain = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        context = plain.new_context(base_url=live_server.base_url, locale="fr-FR")
        page = context.new_page()
        page.goto("/connexion")
        page.get_by_label("Adresse électronique").fill(CLERK.email)
        page.get_by_label("Mot de passe").fill(CLERK.password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(re.compile(r"/bureau$"))
        listing = context.request.get(f"/bureau/ventes/{SALE_ID}/inscriptions").text()
        row = re.search(r'<td class="num">2</td>\s*<td><a href="(/bureau/ventes/1/inscriptions/\d+)">', listing)
        assert row, "paddle 2 is in the demo's registrations"
        card = context.request.get(f"{row.group(1)}/carte.png")
        assert card.status == 200
        video = tmp_path / "card.y4m"
        write_y4m(card.body(), video)

        # A USB scanner types the card's code and Enter: the same buyer.
        page.goto(f"/bureau/ventes/{SALE_ID}/caisse")
        expect(page.get_by_label("Panneau ou carte scannée")).to_be_focused()
        page.keyboard.type("77")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("Panneau 77 inconnu dans cette vente")
        cookies = context.cookies()
        plain.close()

        filming = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        try:
            desk_context = filming.new_context(base_url=live_server.base_url, locale="fr-FR", permissions=["camera"])
            desk_context.add_cookies(cookies)
            desk = desk_context.new_page()
            errors: list[str] = []
            desk.on("pageerror", lambda error: errors.append(str(error)))
            desk.goto(f"/bureau/ventes/{SALE_ID}/caisse")
            desk.get_by_role("button", name="Caméra").click()
            expect(desk).to_have_url(re.compile(rf"/bureau/ventes/{SALE_ID}/caisse/2$"), timeout=15_000)
            expect(desk.get_by_role("heading", level=1)).to_contain_text("Panneau 2")
            expect(desk.locator("#lots")).to_contain_text("Adjugé")

            desk.get_by_role("button", name=re.compile(r"Émettre le bordereau")).click()
            expect(desk.get_by_role("status")).to_contain_text("Bordereau émis.")
            expect(desk.locator("#balance-due")).to_contain_text("571,40")     # 500 € + 11,90 % + VAT 20 %

            # Keyboard only: the amount has the focus; the means is chosen, the amount typed, Enter.
            expect(desk.get_by_label("Montant (€)")).to_be_focused()
            desk.get_by_label("Moyen").select_option("cash")
            desk.get_by_label("Montant (€)").fill("571,40")
            desk.get_by_label("Montant (€)").press("Enter")
            expect(desk.get_by_role("status")).to_contain_text("Paiement enregistré.")
            expect(desk.locator("#balance-due")).to_contain_text("0,00")
            expect(desk.locator("#lots")).to_contain_text("Payé")
            expect(desk.locator("#payments")).to_contain_text("Espèces")

            desk.get_by_role("button", name="Émettre le bon de délivrance").click()
            expect(desk.get_by_role("status")).to_contain_text("Bon de délivrance émis.")
            desk.keyboard.press("Escape")                                       # next buyer
            expect(desk).to_have_url(re.compile(rf"/bureau/ventes/{SALE_ID}/caisse$"))
            expect(desk.get_by_label("Panneau ou carte scannée")).to_be_focused()
            assert errors == []
        finally:
            filming.close()
