"""Staff and registration pages in Chromium at the sizes the office uses (tablet 1180×820, a laptop
at 1280, phone 390×844), on the demo: layout measured in pixels, interactions run for real."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS

pytestmark = pytest.mark.browser

LOGINS = {login.role: login for login in DEMO_LOGINS}
SALE_ID = 1
TABLET = {"viewport": {"width": 1180, "height": 820}}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def screens(new_context, request, tmp_path):
    """Opens pages at a size; each page's screenshot is saved at the end (kept with the test's files)."""
    pages: list[tuple[str, Page]] = []
    errors: list[str] = []

    def open_page(name: str, size: dict) -> Page:
        page = new_context(**size).new_page()
        page.on("pageerror", lambda error: errors.append(f"{name}: {error}"))
        pages.append((name, page))
        return page

    open_page.errors = errors
    yield open_page
    for name, page in pages:
        try:
            page.screenshot(path=str(tmp_path / f"{request.node.name}-{name}.png"), full_page=True)
            print(f"screenshot: {tmp_path / f'{request.node.name}-{name}.png'}")
        except Exception:  # noqa: BLE001 - a closed page has nothing to show
            pass
    assert errors == [], errors


def log_in(page: Page, role: Role) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(LOGINS[role].email)
    page.get_by_label("Mot de passe").fill(LOGINS[role].password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).evaluate("""(element) => {
        const b = element.getBoundingClientRect();
        return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width,
                scrollWidth: element.scrollWidth, clientWidth: element.clientWidth};
    }""")


@pytest.mark.parametrize("size", [TABLET, LAPTOP], ids=["1180", "1280"])
def test_the_publicity_acts_table_stays_within_its_card(screens, size):
    page = screens(f"publicity-{size['viewport']['width']}", size)
    log_in(page, Role.OFFICER)
    page.goto(f"/bureau/ventes/{SALE_ID}/publicite")
    table = page.locator("#acts-table")
    expect(table).to_contain_text("Publication sur le site")      # the system record: long addresses and a hash
    card, wrap, measured = (box(page, 'section[aria-labelledby="actes"]'), box(page, "#acts-table >> xpath=.."),
                            box(page, "#acts-table"))
    assert measured["right"] <= card["right"] and measured["left"] >= card["left"], (measured, card)
    assert wrap["scrollWidth"] <= wrap["clientWidth"], "the table does not scroll sideways inside its card"
    width = size["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing on the page is wider than it"
