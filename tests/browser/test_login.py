"""Logging in and out, the public catalogue on a phone, the room display, the office settings form.

Each test starts from a new browser context (no cookie) on the module's demo server.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, DEMO_OFFICE

pytestmark = pytest.mark.browser

LOGINS = {login.role: login for login in DEMO_LOGINS}
CLERK = LOGINS[Role.CLERK]
OFFICER = LOGINS[Role.OFFICER]
DEMO_SALE_REFERENCE = "VJ-2026-12"
DEMO_LOT_COUNT = 40
PAGE_SIZE = 24


def path_is(path: str) -> re.Pattern:
    """The page URL has exactly this path (any host, any query string)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def fill_login(page: Page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def log_in(page: Page, login) -> None:
    fill_login(page, login.email, login.password)
    expect(page).to_have_url(path_is("/bureau"))
    expect(page.get_by_role("banner")).to_contain_text(login.full_name)


def expect_login_required(page: Page, path: str) -> None:
    page.goto(path)
    expect(page).to_have_url(path_is("/connexion"))
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_clerk_logs_in_and_opens_the_demo_sale(page: Page):
    log_in(page, CLERK)
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("button", name="Se déconnecter")).to_be_visible()

    sale_link = page.get_by_role("link", name=DEMO_SALE_REFERENCE)
    expect(sale_link).to_be_visible()
    sale_row = page.get_by_role("row").filter(has=sale_link)
    expect(sale_row).to_contain_text("Annoncée")
    expect(sale_row.get_by_role("cell").nth(3)).to_have_text(str(DEMO_LOT_COUNT))

    sale_link.click()
    expect(page).to_have_url(path_is("/bureau/ventes/1"))
    expect(page.get_by_role("heading", name=f"Lots ({DEMO_LOT_COUNT})")).to_be_visible()
    lots_table = page.get_by_role("table").first
    expect(lots_table.locator("tbody tr")).to_have_count(DEMO_LOT_COUNT)
    expect(lots_table.locator("tbody tr").first).to_contain_text("Scie à format Altendorf F45")
    expect(lots_table.locator("tbody tr").last).to_contain_text("Montre Tissot")


def test_wrong_password_keeps_the_email_and_opens_no_session(page: Page):
    fill_login(page, CLERK.email, "pas-le-bon-mot-de-passe")

    expect(page).to_have_url(path_is("/connexion"))
    expect(page.get_by_role("alert")).to_have_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse électronique")).to_have_value(CLERK.email)
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    assert not [c for c in page.context.cookies() if c["name"] == "criee_session"]

    expect_login_required(page, "/bureau")


def test_logout_ends_the_session(page: Page):
    log_in(page, CLERK)

    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(path_is("/connexion"))
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté.")
    expect(page.get_by_role("banner")).not_to_contain_text(CLERK.full_name)
    expect_login_required(page, "/bureau")


def test_login_returns_to_the_requested_page(page: Page):
    page.goto("/bureau/ventes/1")
    expect(page).to_have_url(path_is("/connexion"))
    page.get_by_label("Adresse électronique").fill(CLERK.email)
    page.get_by_label("Mot de passe").fill(CLERK.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(path_is("/bureau/ventes/1"))
    expect(page.get_by_role("heading", name=f"Lots ({DEMO_LOT_COUNT})")).to_be_visible()


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}


def test_visitor_on_a_phone_sees_the_catalogue(new_context):
    page = new_context(**PHONE).new_page()
    page.goto("/ventes/1")

    expect(page.get_by_role("heading", name=f"{DEMO_LOT_COUNT} lots")).to_be_visible()
    lots = page.locator("ol.lots > li")
    expect(lots).to_have_count(PAGE_SIZE)   # the catalogue comes in pages
    images = page.locator("ol.lots img")
    expect(images).to_have_count(PAGE_SIZE)
    for i in range(PAGE_SIZE):
        expect(images.nth(i)).to_have_attribute("alt", re.compile(rf"^Photo du lot {i + 1} : \S"))
    expect(page.get_by_role("img", name="Photo du lot 1 : Scie à format Altendorf F45")).to_be_visible()

    # The photos really load (lazy ones once scrolled to), and nothing is wider than the phone.
    last = images.nth(PAGE_SIZE - 1)
    last.scroll_into_view_if_needed()
    for image in (images.first, last):
        expect(image).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Logged out, the header offers to log in and shows no staff navigation.
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(banner.get_by_role("link", name="Ventes et dossiers")).to_have_count(0)


def test_room_display_shows_the_first_lot(page: Page):
    page.goto("/salle/1")
    main = page.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"\bLot 1\b"))
    expect(main).to_contain_text("Scie à format Altendorf F45")


@pytest.mark.parametrize("path", ["/bureau/etude", "/bureau/tarif", "/bureau/utilisateurs"])
def test_every_officer_form_carries_its_csrf_token(page: Page, path: str):
    log_in(page, OFFICER)
    page.goto(path)
    expect(page.get_by_role("main")).to_be_visible()
    tokens = page.locator("form[method=post] input[name=csrf_token]").evaluate_all(
        "inputs => inputs.map(input => input.closest('form').getAttribute('action') + ' ' + input.value)")
    assert len(tokens) >= 2, tokens  # the logout form and the page's own form
    assert all(re.fullmatch(r"\S+ [0-9a-f]{64}", token) for token in tokens), tokens


def test_officer_edits_the_office(page: Page):
    log_in(page, OFFICER)
    page.get_by_role("banner").get_by_role("link", name="Étude").click()
    expect(page).to_have_url(path_is("/bureau/etude"))
    expect(page.get_by_role("heading", name="Paramètres de l'étude")).to_be_visible()
    phone = page.get_by_label("Téléphone")
    expect(phone).to_have_value(DEMO_OFFICE.phone)

    phone.fill("04 72 10 20 30")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert page.url.endswith("/bureau/etude?enregistre=1"), page.get_by_role("main").inner_text()
    expect(page.get_by_role("status")).to_have_text("Paramètres enregistrés.")
    expect(page.get_by_label("Téléphone")).to_have_value("04 72 10 20 30")

    # A bad SIRET: nothing saved, the French error next to the field, everything typed kept.
    page.reload()  # the saved values, read back from the database
    expect(page.get_by_label("Téléphone")).to_have_value("04 72 10 20 30")
    page.get_by_label("Téléphone").fill("04 72 99 99 99")
    page.get_by_label("Commune").fill("Villeurbanne")
    page.get_by_label("SIRET").fill("81234567600018")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(path_is("/bureau/etude"))
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient 1 erreur.")
    expect(page.get_by_role("alert")).to_contain_text("Rien n'a été enregistré.")
    siret = page.get_by_label("SIRET")
    expect(siret).to_have_attribute("aria-invalid", "true")
    expect(siret).to_have_accessible_description(
        "Numéro SIRET invalide : 14 chiffres dont la clé de contrôle.")
    expect(siret).to_have_value("81234567600018")
    expect(page.get_by_label("Téléphone")).to_have_value("04 72 99 99 99")
    expect(page.get_by_label("Commune")).to_have_value("Villeurbanne")
    expect(page.get_by_label("Nom de l'étude")).to_have_value(DEMO_OFFICE.name)
    expect(page.get_by_label("Commissaire de justice en charge")).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_role("combobox", name=re.compile("Commissaire de justice"))
           .locator("option:checked")).to_have_text(OFFICER.full_name)

    # Still the saved phone number after the refused form.
    page.goto("/bureau/etude")
    expect(page.get_by_label("Téléphone")).to_have_value("04 72 10 20 30")
    expect(page.get_by_label("Commune")).to_have_value(DEMO_OFFICE.city)
