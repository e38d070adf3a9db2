"""A whole demo sale run from the clerk's tablet in Chromium, first lot to last hammer, while the
room display follows; afterwards `criee verify-log` finds the chain intact."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, HOUSEHOLD_LOTS, WORKSHOP_LOTS
from tests.live_server import criee

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
OFFICER = next(login for login in DEMO_LOGINS if login.role is Role.OFFICER)
LOTS = len(WORKSHOP_LOTS) + len(HOUSEHOLD_LOTS)


def wait_for_seq(page: Page, seq: int) -> None:
    """Every action is one event: wait until the tablet has seen it acknowledged and broadcast."""
    page.wait_for_function("(seq) => window.crieeRoom && window.crieeRoom.lastSeq >= seq", arg=seq, timeout=10_000)


def tap_paddle(page: Page, paddle: int) -> None:
    page.locator('#keypad [data-key="clear"]').click()
    for digit in str(paddle):
        page.locator(f'#keypad [data-key="{digit}"]').click()


def test_a_demo_sale_from_the_first_lot_to_the_last_hammer(live_server, new_context):
    tablet = new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
    tablet.goto("/connexion")
    tablet.get_by_label("Adresse électronique").fill(CLERK.email)
    tablet.get_by_label("Mot de passe").fill(CLERK.password)
    tablet.get_by_role("button", name="Se connecter").click()
    expect(tablet).to_have_url(re.compile(r"/bureau$"))
    tablet.goto("/bureau/ventes/1/salle")
    expect(tablet.locator("#connection-state")).to_have_attribute("data-state", "connected", timeout=10_000)
    display = new_context(viewport={"width": 1280, "height": 720}).new_page()
    display.goto("/salle/1")

    tablet.locator("#open-sale").click()
    seq = 1
    wait_for_seq(tablet, seq)
    sold = 0
    for index in range(LOTS):
        tablet.locator("#next-lot").click()
        seq += 1
        wait_for_seq(tablet, seq)
        expect(tablet.locator("#current-lot-label")).to_contain_text(str(index + 1))
        if index % 5 == 4:                       # every fifth lot finds no buyer
            tablet.locator("#pass-button").click()
            seq += 1
            wait_for_seq(tablet, seq)
            continue
        for paddle in (1, 2) if index % 2 else (3,):
            tap_paddle(tablet, paddle)
            tablet.locator("#bid-next").click()
            seq += 1
            wait_for_seq(tablet, seq)
        for _ in range(3):
            tablet.locator("#call-button").click()
            seq += 1
            wait_for_seq(tablet, seq)
        tablet.locator("#hammer-button").click()
        tablet.locator("#hammer-confirm").click()
        seq += 1
        wait_for_seq(tablet, seq)
        sold += 1
        plural = "s" if sold > 1 else ""
        expect(display.locator("body")).to_contain_text(f"{sold} lot{plural} adjugé{plural} sur {LOTS}")

    # Closing the sale closes its session: the clerk is refused, the officer does it (CPCE R221-39).
    tablet.locator("#close-sale").click()
    tablet.locator("#confirm-dialog-ok").click()
    expect(tablet.locator("#room-alert-text")).to_contain_text("commissaire de justice")
    officer = new_context(viewport={"width": 1024, "height": 768}).new_page()
    officer.goto("/connexion")
    officer.get_by_label("Adresse électronique").fill(OFFICER.email)
    officer.get_by_label("Mot de passe").fill(OFFICER.password)
    officer.get_by_role("button", name="Se connecter").click()
    expect(officer).to_have_url(re.compile(r"/bureau$"))
    officer.goto("/bureau/ventes/1/salle")
    expect(officer.locator("#connection-state")).to_have_attribute("data-state", "connected", timeout=10_000)
    officer.locator("#close-sale").click()
    officer.locator("#confirm-dialog-ok").click()
    seq += 1
    wait_for_seq(tablet, seq)
    expect(tablet.locator("#sale-status")).to_have_attribute("data-status", "closed")

    result = criee("verify-log", "1", env=live_server.env)
    assert result.returncode == 0, result.stderr
    assert f"{seq} événements, chaîne vérifiée" in result.stdout
    assert sold == LOTS - LOTS // 5
