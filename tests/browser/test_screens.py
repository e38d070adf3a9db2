"""The room's screens at the sizes they are used at (issue 17): the room display at 1920×1080 seen
from 15 m, the clerk's tablet at 1180×820 landscape, the live page on a 390×844 phone.

Geometry is measured in the real browser: font sizes in CSS pixels, elements inside the viewport.
The module has its own demo server (tests/browser/conftest.py); the tests run in order on its sale.
A failing test leaves a screenshot of each of its pages (tests/browser/conftest.py).
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Page, expect

from auction.domain.increments import DEFAULT_INCREMENTS
from tests.browser.test_online import add_requests
from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, WORKSHOP_LOTS

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
SALE_ID = 1
TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True}
SCREEN = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
RATES = {"USD": Decimal("1.0842"), "GBP": Decimal("0.8571")}


def euros(cents: int) -> str:
    return format_euros(cents, with_cents=False)


def whole(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")      # fr-FR groups thousands with a narrow no-break space


def converted(cents: int) -> str:
    return " · ".join(f"≈ {whole(int((Decimal(cents) * rate / 100).quantize(Decimal(1), ROUND_HALF_UP)))} {code}"
                      for code, rate in RATES.items())


def log_in(page: Page, login=CLERK) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(login.email)
    page.get_by_label("Mot de passe").fill(login.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def open_tablet(screens) -> Page:
    tablet = screens("tablet", TABLET)
    log_in(tablet)
    tablet.goto(f"/bureau/ventes/{SALE_ID}/salle")
    expect(tablet.locator("#connection-state")).to_have_text("Connecté")
    return tablet


def type_paddle(tablet: Page, paddle: int) -> None:
    keypad = tablet.locator("#keypad")
    keypad.get_by_role("button", name="Effacer le panneau").click()
    for digit in str(paddle):
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(tablet.locator("#paddle-display")).to_have_text(str(paddle))


def geometry(page: Page, ids: list[str]) -> dict[str, dict]:
    return page.evaluate("""(ids) => Object.fromEntries(ids.map((id) => {
        const element = document.getElementById(id);
        const box = element.getBoundingClientRect();
        return [id, {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                     visible: !element.hidden && box.height > 0,
                     font: parseFloat(getComputedStyle(element).fontSize)}];
    }))""", ids)


def inside(box: dict, width: int, height: int) -> bool:
    return box["visible"] and box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width and box["bottom"] <= height


LOT_1_TITLE, _, _, LOT_1_LOW, _ = WORKSHOP_LOTS[0]
LOT_2_TITLE = WORKSHOP_LOTS[1][0]
LOT_1_OPENING = (LOT_1_LOW // 2) * 100


def test_room_display_at_1080p_currencies_sizes_live_state_hammer_and_next_lot(screens):
    tablet = open_tablet(screens)
    # The clerk sets the display currencies; the server converts, the display and the live page show it.
    tablet.goto(f"/bureau/ventes/{SALE_ID}/reglages")
    for index, (code, rate) in enumerate(RATES.items()):
        tablet.locator(f"#code_{index}").fill(code)
        tablet.locator(f"#rate_{index}").fill(str(rate).replace(".", ","))
    tablet.get_by_role("button", name="Enregistrer les devises").click()
    expect(tablet).to_have_url(re.compile(r"enregistre=1"))
    tablet.goto(f"/bureau/ventes/{SALE_ID}/salle")
    expect(tablet.locator("#clerk")).to_have_attribute("data-state", "ready")

    display = screens("display", SCREEN)
    display.goto(f"/salle/{SALE_ID}")
    expect(display.locator("#connection-state")).to_have_attribute("data-state", "connected")
    # Not "En direct" before the sale opens.
    expect(display.locator("#connection-text")).to_have_text("Connecté")
    expect(display.locator("#display-message")).to_have_text("La vente va commencer")

    phone = screens("phone", PHONE)
    phone.goto(f"/ventes/{SALE_ID}/direct")
    expect(phone.locator("#connection-state")).to_have_attribute("data-state", "connected")

    grid_top = tablet.locator(".clerk-grid").bounding_box()["y"]
    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(tablet.locator("#sale-status")).to_have_attribute("data-status", "open")
    assert abs(tablet.locator(".clerk-grid").bounding_box()["y"] - grid_top) < 0.5   # the header does not jump
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    expect(display.locator("#connection-text")).to_have_text("En direct")
    expect(display.locator("#display-conversions")).to_have_text(converted(LOT_1_OPENING))
    expect(phone.locator("#live-conversions")).to_have_text(converted(LOT_1_OPENING))

    type_paddle(tablet, 2)
    tablet.locator("#bid-next").click()
    expect(display.locator("#display-paddle")).to_have_text("Panneau 2")
    tablet.locator("#call-button").click()
    expect(display.locator("#display-calls li.done")).to_have_count(1)
    expect(display.locator("#display-conversions")).to_have_text(converted(LOT_1_OPENING))
    second = DEFAULT_INCREMENTS.next_minimum(LOT_1_OPENING, LOT_1_OPENING)
    expect(display.locator("#display-next")).to_have_text(f"Prochaine enchère : {euros(second)}")

    # Readable from 15 m: the amount and the paddle largest, then the lot number and the title, the
    # next bid large too; everything inside the screen and the screen used down to its last quarter.
    ids = ["display-lot", "display-title", "display-amount", "display-conversions", "display-paddle",
           "display-next", "display-calls", "display-photo"]
    boxes = geometry(display, ids)
    for name in ids:
        assert inside(boxes[name], 1920, 1080), (name, boxes[name])
    fonts = {name: boxes[name]["font"] for name in ids}
    assert fonts["display-amount"] >= 180, fonts
    assert fonts["display-paddle"] >= 110, fonts
    assert fonts["display-amount"] > fonts["display-paddle"] > fonts["display-lot"] > fonts["display-title"], fonts
    assert fonts["display-lot"] >= 80 and fonts["display-title"] >= 60, fonts
    assert fonts["display-next"] >= 60 and fonts["display-conversions"] >= 40, fonts
    assert max(box["bottom"] for box in boxes.values()) >= 0.75 * 1080, boxes
    foot = geometry(display, ["display-last"])["display-last"]
    assert all(boxes[name]["bottom"] <= foot["top"] + 1 for name in ids if name != "display-photo"), (boxes, foot)
    badge = display.locator("#display-calls li").first.evaluate("(li) => parseFloat(getComputedStyle(li).fontSize)")
    assert badge >= 43, badge   # the three calls, large enough from the back row (and above the foot)

    # The hammer: the overlay gives the lot, its title, the price and the paddle.
    for _ in range(2):
        tablet.locator("#call-button").click()
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    tablet.get_by_role("button", name="Confirmer l'adjudication").click()
    overlay = display.locator("#display-overlay")
    expect(overlay).to_be_visible()
    expect(display.locator("#overlay-lot")).to_have_text("Lot 1")
    expect(display.locator("#overlay-lot-title")).to_have_text(LOT_1_TITLE)
    expect(display.locator("#overlay-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(display.locator("#overlay-paddle")).to_have_text("Panneau 2")
    boxes = geometry(display, ["overlay-lot-title", "overlay-amount", "overlay-paddle"])
    assert all(inside(box, 1920, 1080) for box in boxes.values()), boxes
    assert boxes["overlay-amount"]["font"] >= 150 and boxes["overlay-lot-title"]["font"] >= 60, boxes

    # Between lots: the next lot with its photo, once the overlay is gone.
    expect(overlay).to_be_hidden(timeout=8_000)
    expect(display.locator("#display-kicker")).to_have_text("Prochain lot")
    expect(display.locator("#display-lot")).to_have_text("Lot 2")
    expect(display.locator("#display-title")).to_have_text(LOT_2_TITLE)
    photo = display.locator("#display-photo")
    expect(photo).to_be_visible()
    expect(photo).to_have_attribute("src", re.compile(r"lot-02"))
    display.wait_for_function("document.getElementById('display-photo').naturalWidth > 0")
    expect(display.locator("#connection-text")).to_have_text("En direct")
    assert screens.errors == []


def cents_of(text: str) -> int:
    return int(re.sub(r"\D", "", text)) * 100


LOT_5_TITLE, _, _, LOT_5_LOW, LOT_5_HIGH = WORKSHOP_LOTS[4]
LOT_5_OPENING = (LOT_5_LOW // 2) * 100


def test_clerk_tablet_at_1180x820_one_screen_lot_jump_phone_line_checks_queue_and_pause(screens, live_server):
    # The desk took an absentee order (at the opening bid) and a phone line for lot 5.
    add_requests(live_server.database_url, 5, [{"kind": "absentee", "paddle": 3, "max": LOT_5_OPENING},
                                               {"kind": "phone", "paddle": 2, "phone": "07 11 22 33 44"}])
    tablet = open_tablet(screens)
    expect(tablet.locator("#sale-status")).to_have_attribute("data-status", "open")
    expect(tablet.locator("#current-lot")).to_be_hidden()          # between lots (the first test sold lot 1)

    # Jump to a lot by its number from the keyboard (L, the number, Enter).
    tablet.keyboard.press("l")
    expect(tablet.locator("#goto-dialog")).to_be_visible()
    tablet.keyboard.type("99")
    tablet.keyboard.press("Enter")
    expect(tablet.locator("#goto-error")).to_have_text("Pas de lot n° 99 dans cette vente.")
    tablet.locator("#goto-input").fill("5")
    tablet.keyboard.press("Enter")
    expect(tablet.locator("#current-lot-label")).to_have_text("Lot 5")
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 3")   # the order opened the bidding
    expect(tablet.locator("#phone-list")).to_contain_text("Panneau 2")

    # Everything for the lot on the block on one screen, no scrolling.
    ids = ["current-lot", "bid-box", "lot-actions", "phone-lines", "lot-orders", "keypad", "bid-next", "custom-bid",
           "hammer-button", "call-button"]
    boxes = geometry(tablet, ids)
    for name in ids:
        assert inside(boxes[name], 1180, 820), (name, boxes[name])
    assert tablet.evaluate("window.scrollY") == 0

    # A held phone line stays held across a room bid.
    tablet.get_by_role("button", name="Prendre la ligne du panneau 2").click()
    expect(tablet.locator("#paddle-display")).to_have_text("2")
    type_paddle(tablet, 1)
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 1")
    expect(tablet.locator("#phone-line-active")).to_contain_text("Au téléphone avec le panneau 2")
    expect(tablet.locator("#paddle-display")).to_have_text("2")
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 2")
    expect(tablet.locator("#leader")).to_contain_text("(Téléphone)")
    tablet.get_by_role("button", name="Libérer la ligne").click()
    expect(tablet.locator("#phone-line-active")).to_be_hidden()

    # A free amount far above the estimate asks for confirmation; cancelled, nothing is recorded.
    current = cents_of(tablet.locator("#current-amount").text_content())
    type_paddle(tablet, 1)
    tablet.get_by_label("Montant de l'enchère libre, en euros").fill(str(LOT_5_HIGH * 10))
    tablet.get_by_role("button", name="Enchère libre").click()
    dialog = tablet.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("plus de trois fois l'estimation haute")
    expect(dialog).to_contain_text("plus de dix paliers")
    dialog.get_by_role("button", name="Annuler").click()
    expect(tablet.locator("#current-amount")).to_have_text(euros(current))
    # Off the increment grid (one euro above the next minimum): confirmed, it is recorded.
    off_grid = cents_of(tablet.locator("#next-minimum").text_content()) + 100
    tablet.get_by_label("Montant de l'enchère libre, en euros").fill(str(off_grid // 100))
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(dialog).to_contain_text("hors des paliers")
    dialog.get_by_role("button", name=f"Enregistrer {euros(off_grid)}").click()
    expect(tablet.locator("#current-amount")).to_have_text(euros(off_grid))
    # On the grid and near the bid: no question asked.
    on_grid = cents_of(tablet.locator("#next-minimum").text_content())
    type_paddle(tablet, 2)
    tablet.get_by_label("Montant de l'enchère libre, en euros").fill(str(on_grid // 100))
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(tablet.locator("#current-amount")).to_have_text(euros(on_grid))
    expect(dialog).to_be_hidden()

    # Two paddles and two Enters in one go: the second Enter, pressed while the first bid is in flight,
    # is queued and sent after it, never lost.
    rows = tablet.locator("#bid-list tr")
    before = rows.count()
    tablet.evaluate("""() => {
        for (const key of ["Escape", "1", "Enter", "3", "Enter"]) {
            document.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
        }
    }""")
    expect(rows).to_have_count(before + 2)
    expect(rows.nth(0)).to_contain_text("Panneau 3")
    expect(rows.nth(1)).to_contain_text("Panneau 1")
    expect(tablet.locator("#queued")).to_be_hidden()

    # Paused: the keypad is visibly disabled and Reprendre is the main button.
    tablet.get_by_role("button", name="Suspendre").click()
    resume = tablet.locator("#pause-sale")
    expect(resume).to_have_text("Reprendre")
    expect(resume).to_have_class(re.compile(r"\bprimary\b"))
    for key in ("1", "0", "Effacer le panneau"):
        expect(tablet.locator("#keypad").get_by_role("button", name=key, exact=True)).to_be_disabled()
    assert float(tablet.locator("#keypad").evaluate("(el) => getComputedStyle(el).opacity")) < 0.6
    tablet.keyboard.press("7")
    expect(tablet.locator("#room-alert")).to_contain_text("Vente suspendue")
    expect(tablet.locator("#paddle-display")).to_have_text("—")
    resume.click()
    expect(tablet.locator("#pause-sale")).to_have_text("Suspendre")
    expect(tablet.locator("#keypad").get_by_role("button", name="1", exact=True)).to_be_enabled()
    assert screens.errors == []


def test_phone_live_page_at_390x844_leader_and_next_bid_above_the_panel_estimate_bids_coming_lots(screens):
    from tests.browser.test_online import BIDDER
    from tests.browser.test_online import log_in as log_in_then

    phone = screens("phone", PHONE)
    log_in_then(phone, BIDDER, f"/ventes/{SALE_ID}/direct")
    expect(phone.locator("#connection-state")).to_have_attribute("data-state", "connected")
    # Lot 5 is on the block (the tablet test left it there), its bids from the room, the phone, the order.
    expect(phone.locator("#live-lot")).to_have_text("Lot 5")
    expect(phone.locator("#live-progress")).to_have_text("· 5 sur 40")
    expect(phone.locator("#live-estimate")).to_have_text(f"Estimation {euros(LOT_5_LOW * 100)} – {euros(LOT_5_HIGH * 100)}")
    expect(phone.locator("#live-description")).to_have_text(WORKSHOP_LOTS[4][1])
    bids = phone.locator("#live-bid-list li")
    expect(bids).to_have_count(5)
    expect(phone.locator("#live-bid-list")).to_contain_text("Salle")
    expect(phone.locator("#live-bid-list")).to_contain_text("Téléphone")
    expect(phone.locator("#live-coming-list li").first).to_contain_text("Lot 6")
    expect(phone.locator("#live-conversions")).to_contain_text("USD")
    for name in ("HADDAD", "PERRIN", "BERTIN", "Nadia", "Louis"):
        expect(phone.locator("body")).not_to_contain_text(name)

    button = phone.locator("#bid-button")
    expect(button).to_be_enabled()
    amount = cents_of(button.text_content())
    button.click()
    leader = phone.locator("#live-leader")
    expect(leader).to_have_text("Vous êtes en tête (panneau 501)")
    expect(bids.first).to_have_text(f"{euros(amount)} · En ligne (vous)")
    # "Vous êtes en tête" and the next bid stay visible above the sticky bid panel.
    boxes = geometry(phone, ["live-leader", "live-next", "live-amount", "bid-panel"])
    panel = boxes["bid-panel"]
    assert inside(panel, 390, 844), panel
    for name in ("live-amount", "live-leader", "live-next"):
        assert inside(boxes[name], 390, 844) and boxes[name]["bottom"] <= panel["top"], (name, boxes)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert screens.errors == []


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page: Page) -> list[str]:
    """axe-core (bundled by axe-playwright-python) on the page as it stands: WCAG 2.1 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:5]]}"
            for v in results.response["violations"]]


def test_the_main_screens_pass_axe_wcag_21_aa(screens):
    """0 violations on the room display, the live page, the catalogue, the login page, and (as the clerk)
    the tablet with a lot on the block, the dashboard and the room settings."""
    found = {}
    for path, size in ((f"/salle/{SALE_ID}", SCREEN), (f"/ventes/{SALE_ID}/direct", PHONE),
                       (f"/ventes/{SALE_ID}", PHONE), ("/connexion", TABLET)):
        page = screens(path.strip("/").replace("/", "-") or "home", size)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found[path] = axe_violations(page)
    tablet = open_tablet(screens)
    expect(tablet.locator("#current-lot")).to_be_visible()          # lot 5, left on the block above
    found["tablet"] = axe_violations(tablet)
    for path in ("/bureau", f"/bureau/ventes/{SALE_ID}/reglages"):
        tablet.goto(path)
        found[path] = axe_violations(tablet)
    assert {path: issues for path, issues in found.items() if issues} == {}


def test_an_announcement_on_the_display_scales_with_the_screen_and_moves_nothing(screens):
    """Read from the back row like the rest (its font follows the screen's height), over the header
    line while it lasts: the lot on the block stays where it was, inside the screen."""
    tablet = open_tablet(screens)
    expect(tablet.locator("#current-lot")).to_be_visible()          # lot 5, left on the block above
    display = screens("display-announcement", SCREEN)
    display.goto(f"/salle/{SALE_ID}")
    expect(display.locator("#connection-state")).to_have_attribute("data-state", "connected")
    ids = ["display-lot", "display-title", "display-amount", "display-next", "display-calls"]
    before = geometry(display, ids)
    tablet.locator("#announce").click()
    tablet.locator("#announce-input").fill("Le lot 5 est retiré de la vente à la demande du créancier.")
    tablet.locator("#announce-confirm").click()
    announcement = display.locator("#display-announcement")
    expect(announcement).to_contain_text("Le lot 5 est retiré de la vente")
    after = geometry(display, ids + ["display-announcement"])
    shown = after["display-announcement"]
    assert shown["font"] >= 38, shown   # 1.6rem (25.6 px) before: too small from 15 m
    assert inside(shown, 1920, 1080), shown
    ids = [name for name in ids if before[name]["visible"]]   # the calls only once one is made
    assert "display-amount" in ids, before
    assert shown["bottom"] <= min(after[name]["top"] for name in ids) + 1, after
    for name in ids:
        assert abs(after[name]["top"] - before[name]["top"]) < 3, (name, before[name], after[name])   # the amount may be flashing
        assert inside(after[name], 1920, 1080), (name, after[name])
    assert screens.errors == []
