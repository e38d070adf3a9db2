"""The tablet reads a paddle card with its camera. Chromium is given a fake camera that films the
card the office printed (its PNG, as served), so the page's own decoding path runs for real: on
Linux, Chromium has no BarcodeDetector, so this is the vendored jsQR reading video frames."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS

from .conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
SALE_ID = 1
FRAME = (640, 480)


def write_y4m(card_png: bytes, path: Path) -> None:
    """A one-frame Y4M video (4:2:0) of the card on a grey desk; Chromium loops it as its camera."""
    card = Image.open(io.BytesIO(card_png)).convert("RGB")
    card.thumbnail((FRAME[0] - 40, FRAME[1] - 40))
    frame = Image.new("RGB", FRAME, (128, 128, 128))
    frame.paste(card, ((FRAME[0] - card.width) // 2, (FRAME[1] - card.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (FRAME[0] // 2, FRAME[1] // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + b"FRAME\n" + planes)


def test_the_tablet_selects_a_bidder_by_filming_the_paddle_card(chromium_path, live_server, tmp_path):
    with sync_playwright() as playwright:
        # First a plain browser, as the clerk, to fetch the printed card of paddle 2.
        plain = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        context = plain.new_context(base_url=live_server.base_url, locale="fr-FR")
        page = context.new_page()
        page.goto("/connexion")
        page.get_by_label("Adresse électronique").fill(CLERK.email)
        page.get_by_label("Mot de passe").fill(CLERK.password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(re.compile(r"/bureau$"))
        listing = context.request.get(f"/bureau/ventes/{SALE_ID}/inscriptions").text()
        row = re.search(r'<td class="num">2</td>\s*<td><a href="(/bureau/ventes/1/inscriptions/\d+)">([^<]+)</a>',
                        listing)
        assert row, "paddle 2 is in the demo's registrations"
        card = context.request.get(f"{row.group(1)}/carte.png")
        assert card.status == 200 and card.headers["content-type"] == "image/png"
        video = tmp_path / "card.y4m"
        write_y4m(card.body(), video)
        cookies = context.cookies()
        plain.close()

        # Then the tablet, on a browser whose camera films that card.
        filming = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        try:
            tablet_context = filming.new_context(base_url=live_server.base_url, locale="fr-FR",
                                                 permissions=["camera"])
            tablet_context.add_cookies(cookies)
            tablet = tablet_context.new_page()
            errors: list[str] = []
            tablet.on("pageerror", lambda error: errors.append(str(error)))
            tablet.goto(f"/bureau/ventes/{SALE_ID}/salle")
            expect(tablet.locator("#clerk")).to_have_attribute("data-state", "ready", timeout=10_000)
            assert tablet.evaluate("'BarcodeDetector' in window") is False, "Linux Chromium: jsQR does the reading"
            tablet.get_by_role("button", name="Caméra").click()
            expect(tablet.locator("#paddle-display")).to_have_text("2", timeout=15_000)
            expect(tablet.locator("#room-notice")).to_contain_text("Carte lue : panneau 2")
            expect(tablet.locator("#camera-dialog")).not_to_be_visible()
            assert tablet.evaluate("typeof window.jsQR") == "function"
            assert errors == []
        finally:
            filming.close()
