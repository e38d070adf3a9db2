"""Vigilance on the officer's tablet (1180×820): at the checkout of the demo's held sale (sale 2) the
phone buyer, whose cheque a third party drew, carries a folded vigilance flag for the officer; he
opens it, goes to the sale's vigilance page, tries a suspicion declaration without its reference
(refused, the form kept), then records enhanced checks; the register lists it. A clerk sees no flag
at the same checkout and is refused the register. A failing test leaves a screenshot of each page it
opened (tests/browser/conftest.py); with CRIEE_SHOTS set, the pages are shot there too."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

from .test_room import CLERK, OFFICER, log_in

pytestmark = pytest.mark.browser

HELD_SALE_ID = 2
PHONE_PADDLE = 7
TABLET = {"width": 1180, "height": 820}


def test_the_officer_sees_the_flag_at_the_checkout_and_records_a_decision(new_context):
    page = new_context(viewport=TABLET).new_page()
    log_in(page, OFFICER)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}/caisse/{PHONE_PADDLE}")
    box = page.locator("#vigilance")
    expect(box).to_contain_text("1 signalement")
    expect(box.get_by_text("Paiement par un tiers")).to_be_hidden()       # folded: the screen may face the buyer
    box.locator("summary").click()
    expect(box.get_by_text("Paiement par un tiers")).to_be_visible()
    shot(page, "vigilance-checkout-1180")
    box.get_by_role("link", name="Voir le détail et inscrire la décision").click()

    section = page.locator(f"#panneau-{PHONE_PADDLE}")
    expect(section).to_contain_text("payés par Gérard MOREAU")
    expect(section).to_contain_text("Décision à prendre")
    section.get_by_label("Déclaration de soupçon faite (TRACFIN)").check()
    section.get_by_label("Motif").fill("Chèque tiré sur le compte d'un tiers, sans justificatif")
    section.get_by_label("Déclaration de soupçon : date").fill("2026-11-01")
    section.get_by_role("button", name="Inscrire la décision").click()
    section = page.locator(f"#panneau-{PHONE_PADDLE}")
    expect(section.get_by_role("alert")).to_contain_text("référence de la déclaration")
    expect(section.get_by_label("Motif")).to_have_value("Chèque tiré sur le compte d'un tiers, sans justificatif")
    section.get_by_label("Vigilance renforcée").check()
    section.get_by_label("Motif").fill("Justificatif du lien avec le tireur demandé à l'acheteuse")
    section.get_by_role("button", name="Inscrire la décision").click()
    expect(page.get_by_role("status")).to_contain_text("Décision enregistrée")
    section = page.locator(f"#panneau-{PHONE_PADDLE}")
    expect(section).to_contain_text("Décidé")
    expect(section).to_contain_text("Vigilance renforcée")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"the page scrolls sideways: {width}px"
    shot(page, "vigilance-sale-1180")

    page.get_by_role("link", name="← Registre de vigilance").click()
    expect(page.locator("#vigilance-register")).to_contain_text("Vigilance renforcée")
    expect(page.locator("#vigilance-register")).to_contain_text("Isabelle MOREAU")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"the register scrolls sideways: {width}px"
    shot(page, "vigilance-register-1180")


def test_a_clerk_sees_no_flag_and_is_refused_the_register(new_context):
    page = new_context(viewport=TABLET).new_page()
    log_in(page, CLERK)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}/caisse/{PHONE_PADDLE}")
    expect(page.locator("h1")).to_contain_text(f"Panneau {PHONE_PADDLE}")
    expect(page.locator("#vigilance")).to_have_count(0)
    expect(page.get_by_role("link", name="Voir le détail et inscrire la décision")).to_have_count(0)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}")
    expect(page.get_by_role("link", name="Caisse")).to_be_visible()
    expect(page.get_by_role("link", name="Vigilance", exact=True)).to_have_count(0)
    response = page.goto("/bureau/vigilance")
    assert response.status == 403


def test_the_declarations_page_lists_the_quarter_with_its_due_date(new_context):
    page = new_context(viewport=TABLET).new_page()
    log_in(page, OFFICER)
    page.goto("/bureau/repertoire")
    page.get_by_role("link", name="Déclarations : échéances et envois").click()
    table = page.locator("#declarations")
    expect(table.locator("tbody tr").first).to_contain_text("Déclaration trimestrielle des ventes")
    expect(page.locator("#declaration-terms")).to_contain_text("30")      # the demo office's delay
    expect(page.locator("#terms-form")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"the page scrolls sideways: {width}px"
    shot(page, "declarations-1180")
