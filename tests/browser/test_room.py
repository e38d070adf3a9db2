"""The live room in a real browser: the clerk's tablet conducts a lot, the room display follows it,
and the display comes back by itself after the server restarts.

Both tests use the module's demo server (tests/browser/conftest.py). The sale moves forward as the
tests run, so each test brings the room to the state it needs instead of assuming one.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from auction.domain.increments import DEFAULT_INCREMENTS
from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, WORKSHOP_LOTS

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
OFFICER = next(login for login in DEMO_LOGINS if login.role is Role.OFFICER)
SALE_ID = 1
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
SCREEN = {"viewport": {"width": 1920, "height": 1080}}
RESTART_TIMEOUT = 20.0    # seconds for the restarted server to answer /sante
RECONNECT_TIMEOUT = 15_000  # ms: the socket client retries every 0.5 s … 5 s


def euros(cents: int) -> str:
    return format_euros(cents, with_cents=False)


def next_minimum(current_cents: int | None, opening_cents: int) -> int:
    return DEFAULT_INCREMENTS.next_minimum(current_cents, opening_cents)


LOT_1_TITLE, _, _, LOT_1_LOW, _ = WORKSHOP_LOTS[0]
LOT_1_OPENING = (LOT_1_LOW // 2) * 100   # the demo's opening bid: half the low estimate


# --- pages -------------------------------------------------------------------------------------

def log_in(page: Page, login=CLERK) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(login.email)
    page.get_by_label("Mot de passe").fill(login.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def watch_errors(page: Page, errors: list[str]) -> Page:
    """Collect the page's uncaught script errors (a broken script would leave a stale screen)."""
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return page


def open_tablet(new_context, errors: list[str], login=CLERK) -> Page:
    page = watch_errors(new_context(**TABLET).new_page(), errors)
    log_in(page, login)
    page.goto(f"/bureau/ventes/{SALE_ID}/salle")
    expect(page.locator("#connection-state")).to_have_text("Connecté")
    expect(page.locator("#clerk")).to_have_attribute("data-state", "ready")
    return page


def open_display(new_context, errors: list[str]) -> Page:
    page = watch_errors(new_context(**SCREEN).new_page(), errors)
    page.goto(f"/salle/{SALE_ID}")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "connected")
    return page


def type_paddle(tablet: Page, paddle: int) -> None:
    keypad = tablet.locator("#keypad")
    keypad.get_by_role("button", name="Effacer le panneau").click()
    for digit in str(paddle):
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(tablet.locator("#paddle-display")).to_have_text(str(paddle))


def bid_at_next_minimum(tablet: Page, paddle: int, amount_cents: int) -> None:
    type_paddle(tablet, paddle)
    button = tablet.locator("#bid-next")
    expect(button).to_contain_text(f"Enchère à {euros(amount_cents)}")
    expect(button).to_contain_text(f"panneau {paddle}")
    button.click()
    expect(tablet.locator("#current-amount")).to_have_text(euros(amount_cents))
    expect(tablet.locator("#leader-paddle")).to_have_text(f"Panneau {paddle}")
    expect(tablet.locator("#paddle-display")).to_have_text("—")   # cleared for the next bidder


# --- the tests -----------------------------------------------------------------------------------

def test_clerk_sells_a_lot_and_the_display_follows(new_context):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    display = open_display(new_context, errors)

    # Before the sale: the display announces it and shows the first lot at its opening bid.
    expect(display.locator("#display-message")).to_have_text("La vente va commencer")
    expect(display.locator("#display-lot")).to_have_text("Lot 1")
    expect(display.locator("#display-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(tablet.locator("#sale-status")).to_have_text("Vente pas encore ouverte")
    expect(tablet.locator("#bid-next")).to_be_disabled()

    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(tablet.locator("#sale-status")).to_have_text("Vente ouverte")
    expect(display.locator("#display-message")).to_be_hidden()

    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    expect(tablet.locator("#current-lot-label")).to_have_text("Lot 1")
    expect(tablet.locator("#current-lot-title")).to_have_text(LOT_1_TITLE)
    expect(display.locator("#display-lot")).to_have_text("Lot 1")
    expect(display.get_by_role("heading", level=1)).to_have_text(LOT_1_TITLE)
    expect(display.locator("#display-caption")).to_have_text("Mise à prix")
    expect(display.locator("#display-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(display.locator("#display-paddle")).to_be_hidden()

    # Paddle 1 at the opening bid, then paddle 2 at the next minimum.
    first = next_minimum(None, LOT_1_OPENING)
    assert first == LOT_1_OPENING
    bid_at_next_minimum(tablet, 1, first)
    expect(tablet.locator("#leader-name")).to_have_text("Marc BERTIN")
    expect(display.locator("#display-amount")).to_have_text(euros(first))
    expect(display.locator("#display-caption")).to_have_text("Enchère en cours")
    expect(display.locator("#display-paddle")).to_have_text("Panneau 1")
    second = next_minimum(first, LOT_1_OPENING)
    expect(display.locator("#display-next")).to_have_text(f"Prochaine enchère : {euros(second)}")

    bid_at_next_minimum(tablet, 2, second)
    expect(tablet.locator("#leader-name")).to_have_text("Nadia HADDAD")
    expect(tablet.locator("#leader-address")).to_have_text("21 rue de Marseille, 69007 Lyon")
    expect(display.locator("#display-amount")).to_have_text(euros(second))
    expect(display.locator("#display-paddle")).to_have_text("Panneau 2")
    expect(tablet.locator("#bid-list tr")).to_have_count(2)
    expect(tablet.locator("#bid-list tr").first).to_contain_text("Panneau 2")
    # The room never sees a bidder's name.
    expect(display.locator("body")).not_to_contain_text("HADDAD")

    # A bid below the next minimum: the server's French message, nothing recorded.
    type_paddle(tablet, 3)
    tablet.get_by_label("Montant de l'enchère libre, en euros").fill("1")
    tablet.get_by_role("button", name="Enchère libre").click()
    alert = tablet.get_by_role("alert")
    expect(alert).to_contain_text("Enchère trop basse")
    expect(display.locator("#display-amount")).to_have_text(euros(second))

    # R221-38: *Adjugé* stays disabled until the third call (its shortcut does nothing either).
    hammer = tablet.get_by_role("button", name="Adjugé", exact=True)
    expect(hammer).to_be_disabled()
    expect(hammer).to_have_attribute("title", re.compile("0 sur 3"))
    tablet.keyboard.press("a")
    dialog = tablet.locator("#hammer-dialog")
    expect(dialog).to_be_hidden()

    # Three calls, then the hammer with the buyer's declared identity confirmed.
    call = tablet.locator("#call-button")
    for done, label in ((1, "2e criée"), (2, "3e criée"), (3, "Criées faites")):
        call.click()
        expect(call).to_have_text(label)
        expect(display.locator("#display-calls li.done")).to_have_count(done)
        if done < 3:
            expect(hammer).to_be_disabled()
    expect(call).to_be_disabled()
    expect(hammer).to_be_enabled()

    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(euros(second))
    expect(dialog).to_contain_text("Nadia HADDAD")
    expect(dialog).to_contain_text("21 rue de Marseille, 69007 Lyon")
    expect(tablet.locator("#hammer-paddle")).to_have_text("2")
    dialog.get_by_role("button", name="Confirmer l'adjudication").click()

    overlay = display.locator("#display-overlay")
    expect(overlay).to_contain_text("Adjugé")
    expect(overlay).to_contain_text(euros(second))
    expect(overlay).to_contain_text("Panneau 2")
    expect(display.locator("#display-last")).to_have_text(
        f"Dernière adjudication : lot 1, {euros(second)}, panneau 2")

    expect(tablet.locator("#room-alert")).to_be_hidden()   # the earlier refusals are cleared
    expect(tablet.locator("#lots-progress")).to_have_text("1 lot adjugé sur 40")
    row = tablet.locator('.lot-row[data-lot-id]').first
    expect(row).to_contain_text(f"Adjugé {euros(second)} au panneau 2")
    expect(row.get_by_role("button", name="Ouvrir ce lot (lot 1)")).to_be_disabled()
    expect(tablet.get_by_role("button", name=re.compile(r"^Lot suivant"))).to_have_text("Lot suivant (2)")
    assert errors == []


def test_r221_38_hammer_disabled_until_third_call_for_the_officer_too(new_context):
    """No early hammer, even for the officer: the tablet offers none, and the server refuses one."""
    errors: list[str] = []
    tablet = open_tablet(new_context, errors, OFFICER)
    put_a_lot_on_the_block(tablet)
    leader = tablet.locator("#leader-paddle")
    paddle = 3 if leader.count() and leader.text_content() == "Panneau 3" else 1
    type_paddle(tablet, paddle)
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text(f"Panneau {paddle}")   # a new bid: calls start again
    hammer = tablet.get_by_role("button", name="Adjugé", exact=True)
    call = tablet.locator("#call-button")
    for done in range(3):
        expect(hammer).to_be_disabled()
        expect(hammer).to_have_attribute("title", re.compile(f"{done} sur 3"))
        call.click()
        expect(tablet.locator("#calls-progress li.done")).to_have_count(done + 1)
    expect(hammer).to_be_enabled()
    expect(hammer).to_have_attribute("title", "")
    hammer.click()
    tablet.get_by_role("button", name="Confirmer l'adjudication").click()
    expect(tablet.locator("#room-notice")).to_contain_text("adjugé")
    expect(tablet.locator("#lot-picker")).to_be_visible()
    assert errors == []


def test_display_recovers_after_a_server_restart(new_context, restart_server):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    display = open_display(new_context, errors)
    put_a_lot_on_the_block(tablet)

    # The display is not reloaded: a marker set now must survive the restart.
    display.evaluate("window.__sameDocument = true")

    def while_down() -> None:
        expect(display.locator("#connection-state")).not_to_have_attribute("data-state", "connected")
        expect(display.locator("#display")).to_have_attribute("data-stale", "true")   # the bid greyed out
        expect(tablet.locator("#connection-state")).not_to_have_text("Connecté")
        expect(tablet.locator("#bid-next")).to_be_disabled()

    restart_server(while_down=while_down)

    expect(display.locator("#connection-state")).to_have_attribute("data-state", "connected",
                                                                   timeout=RECONNECT_TIMEOUT)
    expect(display.locator("#display")).to_have_attribute("data-stale", "false")
    expect(tablet.locator("#connection-state")).to_have_text("Connecté", timeout=RECONNECT_TIMEOUT)

    # A bid made after the restart reaches the same display document.
    view = tablet.evaluate("""() => ({
        amount: document.getElementById('next-minimum').textContent,
        leader: document.getElementById('leader-paddle')?.textContent ?? null })""")
    paddle = 3 if view["leader"] != "Panneau 3" else 1
    type_paddle(tablet, paddle)
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text(f"Panneau {paddle}")
    expect(display.locator("#display-paddle")).to_have_text(f"Panneau {paddle}")
    expect(display.locator("#display-amount")).to_have_text(view["amount"])
    assert display.evaluate("window.__sameDocument === true")
    assert errors == []


def test_a_bid_sent_into_a_silent_network_says_so_within_seconds_and_goes_once_back(new_context):
    """A Wi-Fi drop closes nothing: the tablet must not show "Connecté" while its bid goes nowhere.
    A command unanswered and nothing heard for a few seconds: the tablet reconnects (and says so),
    then sends the same command again once the network is back, recorded once."""
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    put_a_lot_on_the_block(tablet)
    view = tablet.evaluate("""() => ({
        amount: document.getElementById('next-minimum').textContent,
        leader: document.getElementById('leader-paddle')?.textContent ?? null })""")
    paddle, amount = (3 if view["leader"] != "Panneau 3" else 1), view["amount"]
    type_paddle(tablet, paddle)
    tablet.context.set_offline(True)
    tablet.locator("#bid-next").click()
    # well before the 40 s silence limit of the idle socket
    expect(tablet.locator("#connection-state")).not_to_have_text("Connecté", timeout=9_000)
    expect(tablet.locator("#bid-next")).to_be_disabled()
    tablet.context.set_offline(False)
    expect(tablet.locator("#connection-state")).to_have_text("Connecté", timeout=RECONNECT_TIMEOUT)
    expect(tablet.locator("#leader-paddle")).to_have_text(f"Panneau {paddle}")
    expect(tablet.locator("#current-amount")).to_have_text(amount)
    # the same command id sent again: recorded once
    expect(tablet.locator("#bid-list tr", has_text=amount)).to_have_count(1)
    assert errors == []


def put_a_lot_on_the_block(tablet: Page) -> None:
    """Open the sale and the next lot unless a lot is already on the block."""
    status = tablet.locator("#sale-status")
    if status.get_attribute("data-status") == "ready":
        tablet.get_by_role("button", name="Ouvrir la vente").click()
        expect(status).to_have_attribute("data-status", "open")
    expect(status).to_have_attribute("data-status", "open")
    if tablet.locator("#lot-picker").is_visible():
        tablet.get_by_role("button", name=re.compile(r"^Lot suivant")).click()
    expect(tablet.locator("#current-lot")).to_be_visible()


# --- restarting the module's server --------------------------------------------------------------

@pytest.fixture(scope="module")
def restart_server(live_server) -> Callable[..., None]:
    """Stops the module's `criee serve` and starts it again on the same port, same environment."""

    def restart(while_down: Callable[[], None] | None = None) -> None:
        live_server.stop()
        if while_down is not None:
            while_down()
        live_server.start(timeout=RESTART_TIMEOUT)

    return restart
