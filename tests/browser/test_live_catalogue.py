"""The public catalogue during the live sale (issue 17), on a phone (390×844) and at 1180×820: the way
to the live page first, each lot's state following the room without a reload (the public socket), a
search for a lot number putting that lot first; and a lot without an opening bid shown from its first
bid on the live page and the room display.

The module has its own demo server (tests/browser/conftest.py); the tests run in order on its sale 1.
A failing test leaves a screenshot of each page it opened (tests/browser/conftest.py); with
CRIEE_SHOTS set, the steps worth looking at are shot there too.
"""
from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from auction.db import Database
from auction.domain.increments import DEFAULT_INCREMENTS
from auction.services.demo import WORKSHOP_LOTS
from tests.browser.conftest import shot
from tests.browser.test_screens import PHONE, SALE_ID, SCREEN, euros, open_tablet, type_paddle

pytestmark = pytest.mark.browser

WIDE = {"viewport": {"width": 1180, "height": 820}}
LOT_1_TITLE, _, _, LOT_1_LOW, _ = WORKSHOP_LOTS[0]
LOT_1_OPENING = (LOT_1_LOW // 2) * 100
FIRST_STEP = DEFAULT_INCREMENTS.first_bid(0)        # lot 2 is made a lot without an opening bid


def without_opening_bid(database_url: str, lot_number: int) -> int:
    """The lot's opening bid set to 0 ("mise à prix 0 €"), as the office may; returns its id."""
    from sqlalchemy import select

    from auction.models import Lot

    async def change():
        db = Database.connect(database_url)
        try:
            async with db.sessions() as session, session.begin():
                lot = await session.scalar(select(Lot).where(Lot.sale_id == SALE_ID, Lot.number == lot_number))
                lot.opening_bid_cents = 0
                return lot.id
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, change()).result()


def state_of(page: Page, lot_id: int):
    return page.locator(f"#lot-{lot_id} .lot-state .state")


def lot_ids(page: Page) -> list[int]:
    return [int(value) for value in page.locator("ol.lots > li").evaluate_all("(items) => items.map((i) => i.dataset.lot)")]


def test_the_catalogue_follows_the_room_on_a_phone_and_at_1180(screens, live_server):
    lot_2 = without_opening_bid(live_server.database_url, 2)    # before the room is loaded
    tablet = open_tablet(screens)
    display = screens("display", SCREEN)
    display.goto(f"/salle/{SALE_ID}")
    # Before the sale, the display's first lot; lot 2 without an opening bid comes after it.
    expect(display.locator("#display-caption")).to_have_text("Mise à prix")
    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(tablet.locator("#sale-status")).to_have_attribute("data-status", "open")

    phone = screens("phone", {**PHONE, "device_scale_factor": 2})
    phone.goto(f"/ventes/{SALE_ID}")
    wide = screens("wide", WIDE)
    wide.goto(f"/ventes/{SALE_ID}")
    lot_1 = lot_ids(phone)[0]
    for page, (width, height) in ((phone, (390, 844)), (wide, (1180, 820))):
        # The way to the live page first: above the sale's title, in the first screen.
        banner = page.locator("#live-banner")
        expect(banner).to_be_visible()
        link = banner.get_by_role("link", name="Suivre la vente en direct")
        expect(link).to_have_attribute("href", f"/ventes/{SALE_ID}/direct")
        boxes = page.evaluate("""() => ({
            banner: document.getElementById('live-banner').getBoundingClientRect().toJSON(),
            link: document.querySelector('#live-banner a').getBoundingClientRect().toJSON(),
            title: document.getElementById('vente-titre').getBoundingClientRect().toJSON()})""")
        assert boxes["banner"]["bottom"] <= boxes["title"]["top"], boxes
        assert boxes["link"]["top"] >= 0 and boxes["link"]["bottom"] <= min(200, height), boxes
        assert boxes["link"]["height"] >= 44 and boxes["link"]["right"] <= width, boxes
        assert page.get_by_role("link", name="Suivre la vente en direct").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(state_of(page, lot_1)).to_have_text("À venir")

    # The clerk puts lot 1 up, a bid, the hammer: both catalogues follow without a reload.
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    for page in (phone, wide):
        expect(state_of(page, lot_1)).to_have_text("En vente")
        expect(state_of(page, lot_1)).to_have_attribute("data-state", "on_block")
        expect(state_of(page, lot_2)).to_have_text("À venir")
    shot(phone, "phone-on-block")
    type_paddle(tablet, 2)
    tablet.locator("#bid-next").click()
    for _ in range(3):
        tablet.locator("#call-button").click()
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    tablet.get_by_role("button", name="Confirmer l'adjudication").click()
    for page in (phone, wide):
        expect(state_of(page, lot_1)).to_have_text(f"Adjugé {euros(LOT_1_OPENING)}")
        expect(state_of(page, lot_1)).to_have_attribute("data-state", "sold")

    # Lot 2 has no opening bid: the display and the live page show its first bid, not "0 €".
    live = screens("live", PHONE)
    live.goto(f"/ventes/{SALE_ID}/direct")
    expect(live.locator("#connection-state")).to_have_attribute("data-state", "connected")
    expect(display.locator("#display-overlay")).to_be_hidden(timeout=8_000)
    expect(display.locator("#display-kicker")).to_have_text("Prochain lot")
    expect(display.locator("#display-caption")).to_have_text("Première enchère")
    expect(display.locator("#display-amount")).to_have_text(euros(FIRST_STEP))
    expect(live.locator("#live-coming-list li").first).to_contain_text(f"première enchère {euros(FIRST_STEP)}")
    rostrum = tablet.context.new_page()          # the auctioneer's screen, signed in as the clerk
    rostrum.goto(f"/bureau/ventes/{SALE_ID}/pupitre")
    expect(rostrum.locator("#rostrum-lot")).to_have_text("Lot 2")
    expect(rostrum.locator("#rostrum-ask-caption")).to_have_text("Première enchère")
    expect(rostrum.locator("#rostrum-ask")).to_have_text(euros(FIRST_STEP))
    rostrum.close()
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 2)").click()
    for page, caption, amount in ((display, "#display-caption", "#display-amount"),
                                  (live, "#live-caption", "#live-amount")):
        expect(page.locator(caption)).to_have_text("Première enchère")
        expect(page.locator(amount)).to_have_text(euros(FIRST_STEP))
    expect(live.locator("#live-next")).to_have_text(f"Prochaine enchère : {euros(FIRST_STEP)}")
    expect(tablet.locator("#current-caption")).to_have_text("Première enchère")
    expect(state_of(phone, lot_2)).to_have_text("En vente")
    shot(display, "display-first-bid")
    shot(live, "live-first-bid")

    # Passed (no bid): invendu; after a reload the states are the same, from the bid log.
    tablet.locator("#pass-button").click()
    expect(state_of(phone, lot_2)).to_have_text("Invendu")
    phone.reload()
    expect(state_of(phone, lot_1)).to_have_text(f"Adjugé {euros(LOT_1_OPENING)}")
    expect(state_of(phone, lot_2)).to_have_text("Invendu")
    expect(state_of(phone, lot_ids(phone)[2])).to_have_text("À venir")
    phone.locator(f"#lot-{lot_1}").scroll_into_view_if_needed()
    shot(phone, "phone-states")
    for page in (phone, wide):
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert screens.errors == []


def test_a_search_for_a_lot_number_puts_that_lot_first(screens):
    phone = screens("phone", {**PHONE, "device_scale_factor": 2})
    phone.goto(f"/ventes/{SALE_ID}")
    search = phone.get_by_role("search", name="Rechercher dans le catalogue")
    search.get_by_label("Mots recherchés").fill("12")
    search.get_by_role("button", name="Rechercher").click()
    expect(phone).to_have_url(re.compile(r"\?q=12"))
    first = phone.locator("ol.lots > li").first
    expect(first.locator(".lot-number")).to_have_text("Lot 12")
    box = first.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box     # in the screen the results open on
    expect(first.locator(".lot-state .state")).to_have_text("À venir")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert screens.errors == []
