"""Staff and registration pages in Chromium at the sizes the office uses (tablet 1180×820, a laptop
at 1280, phone 390×844), on the demo: layout measured in pixels, interactions run for real."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

LOGINS = {login.role: login for login in DEMO_LOGINS}
SALE_ID = 1
TABLET = {"viewport": {"width": 1180, "height": 820}}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def screens(screens):
    """The shared `screens` (tests/browser/conftest.py); here no page may raise a script error."""
    yield screens
    assert screens.errors == [], screens.errors


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


def lot_title(page: Page, lot_id: int) -> tuple[str, str]:
    page.goto(f"/ventes/{SALE_ID}/lots/{lot_id}")
    return (page.locator("#lot-titre .lot-number").inner_text().removeprefix("Lot ").strip(),
            page.locator("#lot-titre").inner_text().split(None, 2)[2].strip())


def test_a_lot_page_opens_the_phone_form_on_its_order_and_rows_come_on_demand(screens):
    page = screens("requests-390", PHONE)
    number, title = lot_title(page, 5)
    page.get_by_role("link", name="Laisser un ordre d'achat").click()
    expect(page).to_have_url(re.compile(rf"/ventes/{SALE_ID}/inscription\?lot={number}#ordres$"))
    requests = page.locator("details#ordres")
    expect(requests).to_have_attribute("open", "")
    rows = page.locator("[data-request-row]:not(template *)")
    expect(rows).to_have_count(2)                                  # the lot's row, and one empty row
    first = rows.nth(0)
    expect(first.locator("[data-lot-input]")).to_have_value(number)
    expect(first.locator("[data-lot-echo]")).to_have_text(f"Lot {number} : {title}")
    expect(first.get_by_label("Montant maximum (€)")).to_be_visible()
    expect(first.get_by_label("Montant maximum (€)")).to_be_focused()
    expect(first.get_by_label("Téléphone à appeler")).to_be_hidden()

    # The kind shows only its own field; the select is wide enough for its longest choice.
    second = rows.nth(1)
    second.get_by_label("N° du lot").fill("7")
    expect(second.locator("[data-lot-echo]")).to_contain_text("Lot 7 : ")
    second.get_by_label("Type").select_option("phone")
    expect(second.get_by_label("Téléphone à appeler")).to_be_visible()
    expect(second.get_by_label("Montant maximum (€)")).to_be_hidden()
    select = second.get_by_label("Type")
    fits = select.evaluate("""(select) => {
        const probe = document.createElement("span");
        probe.style.cssText = "";
        probe.textContent = "Enchère par téléphone";
        probe.style.font = getComputedStyle(select).font;
        probe.style.position = "absolute";
        document.body.append(probe);
        const needed = probe.getBoundingClientRect().width + 28;   // the text and the select's arrow
        probe.remove();
        return [select.getBoundingClientRect().width, needed];
    }""")
    assert fits[0] >= fits[1], fits
    second.get_by_label("N° du lot").fill("999")
    expect(second.locator("[data-lot-echo]")).to_have_text("Aucun lot n° 999 dans cette vente.")

    page.get_by_role("button", name="Ajouter un lot").click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).locator("legend")).to_have_text("Demande 3")
    expect(rows.nth(2).get_by_label("N° du lot")).to_be_focused()
    for _ in range(17):
        page.get_by_role("button", name="Ajouter un lot").click()
    expect(rows).to_have_count(20)
    expect(page.get_by_role("button", name="Ajouter un lot")).to_be_hidden()    # what the server reads
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "requests-phone", "details#ordres")


def test_without_script_the_form_offers_five_rows_with_every_field(new_context):
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    page.goto(f"/ventes/{SALE_ID}/inscription?lot=3")
    rows = page.locator("[data-request-row]:not(template *)")
    expect(rows).to_have_count(5)
    expect(rows.nth(0).get_by_label("N° du lot")).to_have_value("3")
    expect(rows.nth(0).locator("[data-lot-echo]")).to_contain_text("Lot 3 : ")      # echoed by the server
    expect(rows.nth(4).get_by_label("Montant maximum (€)")).to_be_visible()
    expect(rows.nth(4).get_by_label("Téléphone à appeler")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter un lot")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "requests-phone-noscript", "details#ordres")


def test_the_desk_form_takes_requests_the_same_way_on_the_tablet(screens):
    page = screens("desk-requests-1180", TABLET)
    log_in(page, Role.CLERK)
    number, title = lot_title(page, 2)
    page.goto(f"/bureau/ventes/{SALE_ID}/inscriptions/nouvelle")
    page.get_by_text("Ordres d'achat et enchères par téléphone").click()
    rows = page.locator("[data-request-row]:not(template *)")
    expect(rows).to_have_count(1)
    rows.nth(0).get_by_label("N° du lot").fill(number)
    expect(rows.nth(0).locator("[data-lot-echo]")).to_have_text(f"Lot {number} : {title}")
    page.get_by_role("button", name="Ajouter un lot").click()
    rows.nth(1).get_by_label("Type").select_option("phone")
    expect(rows.nth(1).get_by_label("Montant maximum (€)")).to_be_hidden()
    one_line = [box(page, f"#f-request_{part}_1") for part in ("lot", "kind", "max")]
    assert len({round(b["top"]) for b in one_line}) == 1, "a row's fields on one line at 1180"
    assert box(page, "#f-request_kind_1")["width"] >= 200
    page.locator("details#ordres").scroll_into_view_if_needed()
    shot(page, "requests-desk-tablet", "details#ordres")


def test_new_lot_says_every_item_is_in_a_lot_on_the_tablet(screens):
    page = screens("new-lot-1180", TABLET)
    log_in(page, Role.CLERK)
    page.goto(f"/bureau/ventes/{SALE_ID}/lots/nouveau")
    expect(page.locator("#no-items")).to_contain_text("tous les biens des procès-verbaux signés sont déjà dans un lot")
    shot(page, "new-lot-tablet")
