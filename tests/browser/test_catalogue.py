"""A visitor on a phone finds a lot of the demo sale by search, opens it, and comes back.

Runs on the module's demo server (`criee demo` then `criee serve`), in a phone-sized context.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}
TITLE = "Scie à format Altendorf F45"


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_visitor_on_a_phone_finds_a_lot_by_search_and_opens_it(new_context):
    page = new_context(**PHONE).new_page()
    page.goto("/ventes/1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vente judiciaire")
    expect(page.get_by_text("Frais acheteur : 14,28 % TTC (11,90 % HT)")).to_be_visible()
    expect(page.get_by_text("Lots 1 à 24 sur 40")).to_be_visible()
    fits_the_phone(page)

    search = page.get_by_role("search", name="Rechercher dans le catalogue")
    search.get_by_label("Mots recherchés").fill("altendorf")
    search.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/ventes/1\?q=altendorf(&[^#]*)?#lots-titre$"))
    expect(page.get_by_role("heading", name="1 lot trouvé")).to_be_in_viewport()
    lots = page.locator("ol.lots > li")
    expect(lots).to_have_count(1)
    link = lots.get_by_role("link", name=re.compile(TITLE))
    expect(link).to_be_visible()
    expect(page.get_by_label("Mots recherchés")).to_have_value("altendorf")
    fits_the_phone(page)

    link.click()
    expect(page).to_have_url(re.compile(r"/ventes/1/lots/\d+\?q=altendorf$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lot 1 {TITLE}")
    expect(page.get_by_role("img", name=f"Photo du lot 1 : {TITLE}")).to_be_visible()
    page.wait_for_function("() => [...document.images].every(img => img.complete && img.naturalWidth > 0)")
    expect(page.get_by_text(re.compile(r"pour une adjudication à 4\s000\s€, vous paierez 4\s571,20\s€"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Lots voisins").get_by_role("link")).to_have_count(0)
    fits_the_phone(page)

    page.get_by_role("link", name=re.compile("Retour au catalogue")).click()
    expect(page).to_have_url(re.compile(r"/ventes/1\?q=altendorf#lot-\d+$"))
    expect(page.get_by_role("heading", name="1 lot trouvé")).to_be_visible()


def test_filters_and_pages_work_from_the_keyboard(new_context):
    page = new_context(**PHONE).new_page()
    page.goto("/ventes/1")
    page.get_by_label("Catégorie").select_option("Mobilier")
    page.get_by_label("Minimum").fill("1 000")
    page.get_by_label("Minimum").press("Enter")            # submits the search form
    expect(page.get_by_role("heading", name="1 lot trouvé")).to_be_visible()
    expect(page.locator("ol.lots > li")).to_contain_text("Piano droit Yamaha")

    page.goto("/ventes/1")
    next_page = page.get_by_role("navigation", name="Pages du catalogue").get_by_role("link", name="Page suivante")
    next_page.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Lots 25 à 40 sur 40")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pages du catalogue").get_by_role("link", name="Page précédente")).to_be_visible()
    expect(page.locator("ol.lots > li")).to_have_count(16)
