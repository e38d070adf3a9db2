"""Online bidding in a real browser: three pages — the clerk's tablet, the room display, and the
demo's online bidder (paddle 501) on a phone — run one lot in which the online bidder and the room
bid against each other, including a room bid and an online bid racing for the same step. The right
one wins: the hammer goes to the last bid the log accepted, and the log has one bid per step.
"""
from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from auction.db import Database
from auction.domain.increments import DEFAULT_INCREMENTS
from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, WORKSHOP_LOTS
from auction.services.room_loaders import load_events
from tests.live_server import criee


pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
BIDDER = next(login for login in DEMO_LOGINS if login.role is Role.BIDDER)
SALE_ID = 1
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
SCREEN = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

LOT_1_TITLE, _, _, LOT_1_LOW, _ = WORKSHOP_LOTS[0]
LOT_1_OPENING = (LOT_1_LOW // 2) * 100   # the demo's opening bid: half the low estimate


def euros(cents: int) -> str:
    return format_euros(cents, with_cents=False)


def step_above(cents: int) -> int:
    return DEFAULT_INCREMENTS.next_minimum(cents, 0)


def watch_errors(page: Page, errors: list[str]) -> Page:
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return page


def log_in(page: Page, login, then: str) -> None:
    page.goto(f"/connexion?suite={then}")
    page.get_by_label("Adresse électronique").fill(login.email)
    page.get_by_label("Mot de passe").fill(login.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


def open_tablet(new_context, errors) -> Page:
    page = watch_errors(new_context(**TABLET).new_page(), errors)
    log_in(page, CLERK, f"/bureau/ventes/{SALE_ID}/salle")
    expect(page.locator("#connection-state")).to_have_text("Connecté")
    return page


def open_display(new_context, errors) -> Page:
    page = watch_errors(new_context(**SCREEN).new_page(), errors)
    page.goto(f"/salle/{SALE_ID}")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "connected")
    return page


def open_phone(new_context, errors) -> Page:
    page = watch_errors(new_context(**PHONE).new_page(), errors)
    log_in(page, BIDDER, f"/ventes/{SALE_ID}/direct")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "connected")
    return page


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def type_paddle(tablet: Page, paddle: int) -> None:
    keypad = tablet.locator("#keypad")
    keypad.get_by_role("button", name="Effacer le panneau").click()
    for digit in str(paddle):
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(tablet.locator("#paddle-display")).to_have_text(str(paddle))


def read_log(database_url: str) -> list:
    """The sale's stored events (a thread of its own: Playwright's loop holds the main thread)."""
    async def load():
        db = Database.connect(database_url)
        try:
            return [event for event, _ in await load_events(db.sessions, SALE_ID)]
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, load()).result()


# Click `selector` at the given time (ms since the epoch) without waiting: the two pages of the race
# share the browser's clock, so both commands leave within a millisecond or two of each other.
CLICK_AT = """([selector, at]) => {
  window.__clicked = false;
  setTimeout(() => { document.querySelector(selector).click(); window.__clicked = true; }, at - Date.now());
}"""
# Both the click made and its command answered (acknowledged or refused).
ANSWERED = "() => window.__clicked === true && window.crieeRoom.pendingCount === 0"
# Records every state the phone's bid button goes through; the first time it shows `text`, taps it
# at once, in the same task as the redraw (a finger already on its way), and notes what was sent.
WATCH_BID_BUTTON = """(text) => {
  const button = document.getElementById("bid-button");
  window.__button = [];
  window.__early_tap = null;
  new MutationObserver(() => {
    const state = {text: button.textContent, disabled: button.disabled, settling: button.dataset.settling,
                   at: performance.now()};
    window.__button.push(state);
    if (state.text === text && window.__early_tap === null) {
      button.click();
      window.__early_tap = {disabled: state.disabled, pending: window.crieeRoom.pendingCount};
    }
  }).observe(button, {attributes: true, childList: true, characterData: true, subtree: true});
}"""
SETTLE_MS_AT_LEAST = 600   # live.js SETTLE_MS (700), less a margin for timer precision


def test_an_online_bidder_and_the_room_bid_against_each_other(new_context, live_server):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    display = open_display(new_context, errors)
    phone = open_phone(new_context, errors)

    # The bidder sees their paddle and a bid button; the tablet counts them as connected online.
    expect(phone.locator("#my-paddle")).to_have_text("501")
    expect(tablet.locator("#online-bidders")).to_have_text("En ligne : 1 enchérisseur connecté")
    bid_button = phone.get_by_role("button", name=re.compile(r"^Enchérir"))
    expect(bid_button).to_be_disabled()                      # nothing on the block yet
    expect(phone.locator("#live-message")).to_have_text("La vente va commencer")
    fits_the_phone(phone)

    tablet.get_by_role("button", name="Ouvrir la vente").click()
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    expect(phone.locator("#live-title")).to_have_text(LOT_1_TITLE)
    expect(phone.locator("#live-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(phone.locator("#live-photo")).to_be_visible()
    expect(phone.locator("#live-next")).to_have_text(f"Prochaine enchère : {euros(LOT_1_OPENING)}")
    fits_the_phone(phone)

    # 1. The online bidder opens the bidding at the opening bid, from the phone.
    expect(bid_button).to_have_text(f"Enchérir {euros(LOT_1_OPENING)}")
    bid_button.click()
    expect(phone.locator("#bid-status")).to_have_text(f"Votre enchère de {euros(LOT_1_OPENING)} est enregistrée.")
    expect(phone.locator("#live-leader")).to_have_text("Vous êtes en tête (panneau 501)")
    expect(bid_button).to_be_disabled()                      # no bidding against oneself
    expect(tablet.locator("#current-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 501")
    expect(tablet.locator("#leader")).to_contain_text("(En ligne)")
    expect(tablet.locator("#bid-list tr").first).to_contain_text("En ligne")
    expect(display.locator("#display-amount")).to_have_text(euros(LOT_1_OPENING))
    expect(display.locator("#display-paddle")).to_have_text("Panneau 501")

    # 2. The room (paddle 2) covers it: the phone is told at once, with the new amount.
    second = step_above(LOT_1_OPENING)
    third = step_above(second)
    phone.evaluate(WATCH_BID_BUTTON, f"Enchérir {euros(third)}")
    type_paddle(tablet, 2)
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 2")
    expect(phone.locator("#bid-alert")).to_have_text(
        f"Surenchéri : l'enchère est maintenant de {euros(second)} (panneau 2).")
    expect(phone.locator("#live-leader")).to_have_text("Panneau 2")
    expect(bid_button).to_have_text(f"Enchérir {euros(third)}")
    expect(bid_button).to_be_enabled()
    expect(bid_button).to_have_attribute("data-settling", "false")
    # The new amount showed on a disabled, waiting button; a tap right then sent nothing; the button
    # was enabled a moment later, still showing that amount.
    states = phone.evaluate("window.__button")
    shown = next(i for i, state in enumerate(states) if state["text"] == f"Enchérir {euros(third)}")
    assert states[shown]["disabled"] and states[shown]["settling"] == "true", states
    assert phone.evaluate("window.__early_tap") == {"disabled": True, "pending": 0}
    enabled = next(state for state in states[shown:] if not state["disabled"])
    assert enabled["text"] == f"Enchérir {euros(third)}", states
    assert enabled["at"] - states[shown]["at"] >= SETTLE_MS_AT_LEAST, states

    # 3. A race for the same step: the room (paddle 1) and the phone tap at the same moment.
    type_paddle(tablet, 1)
    expect(tablet.locator("#bid-next")).to_contain_text(f"Enchère à {euros(third)}")
    at = phone.evaluate("Date.now()") + 600
    tablet.evaluate(CLICK_AT, ["#bid-next", at])
    phone.evaluate(CLICK_AT, ["#bid-button", at])
    phone.wait_for_function(ANSWERED)
    tablet.wait_for_function(ANSWERED)
    # Exactly one bid took the step. Usually both taps name it and the loser is told at once; a
    # tap that fires after its page already showed the room's bid finds the button waiting (the
    # amount on it just changed) and sends nothing.
    bids = tablet.evaluate("window.crieeRoom.state.bids")
    at_third = [b for b in bids if b["amount_cents"] == third]
    assert len(at_third) == 1, bids
    race_winner = at_third[0]["paddle"]
    assert race_winner in (1, 501)
    tablet_refused = tablet.locator("#room-alert").is_visible()
    phone_refused = "panneau 1)" in (phone.locator("#bid-alert").text_content() or "")
    if race_winner == 501:
        # The room lost the step: the clerk is told who took it, nothing recorded for paddle 1.
        assert tablet_refused
        expect(tablet.locator("#room-alert-text")).to_contain_text(
            f"Surenchéri : l'enchère est maintenant de {euros(third)} (panneau 501)")
    elif phone_refused:
        expect(phone.locator("#bid-alert")).to_contain_text(
            f"Surenchéri : l'enchère est maintenant de {euros(third)} (panneau 1)")
        expect(tablet.locator("#room-alert")).to_be_hidden()
    else:
        # The phone's tap came after the room's bid reached it: the button was waiting, no bid left.
        assert (bids[-1]["paddle"], bids[-1]["amount_cents"]) == (1, third), bids
        expect(phone.locator("#bid-status")).to_have_text("")
    if tablet.evaluate("window.crieeRoom.state.current_bid.paddle") == 501:
        # the room comes back once more; the phone is told at once
        expect(phone.locator("#live-leader")).to_have_text("Vous êtes en tête (panneau 501)")
        type_paddle(tablet, 1)
        tablet.locator("#bid-next").click()
        expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 1")
        expect(phone.locator("#bid-alert")).to_contain_text("Surenchéri")

    # 4. The online bidder answers the room's last bid and nobody covers it.
    current = tablet.evaluate("window.crieeRoom.state.current_bid.amount_cents")
    final = step_above(current)
    expect(bid_button).to_have_text(f"Enchérir {euros(final)}")
    bid_button.click()
    expect(phone.locator("#live-leader")).to_have_text("Vous êtes en tête (panneau 501)")
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 501")
    expect(tablet.locator("#leader-name")).to_have_text("Sophie DURAND")
    expect(display.locator("#display-amount")).to_have_text(euros(final))

    # Three calls, the hammer: the lot goes to paddle 501 at its last bid.
    call = tablet.locator("#call-button")
    for label in ("2e criée", "3e criée", "Criées faites"):
        call.click()
        expect(call).to_have_text(label)
    expect(phone.locator("#live-calls li.done")).to_have_count(3)
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    dialog = tablet.get_by_role("dialog")
    expect(dialog).to_contain_text(euros(final))
    expect(dialog).to_contain_text("Sophie DURAND")
    dialog.get_by_role("button", name="Confirmer l'adjudication").click()

    overlay = display.locator("#display-overlay")
    expect(overlay).to_contain_text("Adjugé")
    expect(overlay).to_contain_text("Panneau 501")
    expect(phone.locator("#bid-status")).to_have_text(
        f"Adjugé ! Vous remportez le lot 1 pour {euros(final)}.")
    expect(phone.locator("#live-last")).to_have_text(
        f"Dernière adjudication : lot 1, {euros(final)}, panneau 501")
    expect(tablet.locator("#lots-progress")).to_have_text("1 lot adjugé sur 40")
    # The room never sees a name: neither the display nor the live page (its header greets the
    # signed-in bidder by name, on their own phone only).
    expect(display.locator("body")).not_to_contain_text("DURAND")
    expect(phone.locator("#live")).not_to_contain_text("DURAND")
    fits_the_phone(phone)

    # The log: one bid per step, each with its source; the hammer on the last one.
    events = read_log(live_server.database_url)
    bids = [e.payload for e in events if e.kind == "bid"]
    amounts = [b["amount_cents"] for b in bids]
    assert amounts == sorted(set(amounts)), amounts            # exactly one accepted per step
    assert amounts.count(third) == 1
    assert bids[0] == {"lot_id": bids[0]["lot_id"], "paddle": 501, "amount_cents": LOT_1_OPENING, "source": "online"}
    assert bids[1]["paddle"] == 2 and bids[1]["source"] == "room"
    assert {b["source"] for b in bids} == {"online", "room"}
    assert all((b["source"] == "online") == (b["paddle"] == 501) for b in bids)
    hammer = next(e for e in events if e.kind == "hammer")
    assert (hammer.payload["paddle"], hammer.payload["amount_cents"]) == (501, final) == (bids[-1]["paddle"],
                                                                                        bids[-1]["amount_cents"])
    online_bid = next(e for e in events if e.kind == "bid" and e.payload["source"] == "online")
    assert online_bid.user_id is not None and online_bid.user_id != events[0].user_id   # the bidder's own account

    verified = criee("verify-log", str(SALE_ID), env=live_server.env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # The bidder leaves: the tablet's count follows.
    phone.context.close()
    expect(tablet.locator("#online-bidders")).to_have_text("En ligne : 0 enchérisseur connecté")
    assert errors == []


def test_a_visitor_watches_without_a_bid_button(new_context):
    page = new_context(**PHONE).new_page()
    page.goto(f"/ventes/{SALE_ID}")
    page.get_by_role("link", name="Suivre la vente en direct").click()
    expect(page).to_have_url(re.compile(rf"/ventes/{SALE_ID}/direct$"))
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "connected")
    expect(page.get_by_role("button", name=re.compile("Enchérir"))).to_have_count(0)
    expect(page.get_by_role("link", name="connectez-vous")).to_be_visible()
    fits_the_phone(page)


def add_requests(database_url: str, lot_number: int, requests: list[dict]) -> int:
    """Absentee orders and phone requests for verified demo paddles, as the desk would take them;
    returns the lot's id."""
    from datetime import timedelta

    from sqlalchemy import select

    from auction.models import BidRequest, Lot, Registration, utcnow

    async def add():
        db = Database.connect(database_url)
        try:
            async with db.sessions() as session, session.begin():
                lot = await session.scalar(select(Lot).where(Lot.sale_id == SALE_ID, Lot.number == lot_number))
                for request in requests:
                    registration = await session.scalar(select(Registration).where(
                        Registration.sale_id == SALE_ID, Registration.paddle_number == request["paddle"]))
                    session.add(BidRequest(registration_id=registration.id, lot_id=lot.id, kind=request["kind"],
                                           max_amount_cents=request.get("max"), phone=request.get("phone", ""),
                                           received_at=utcnow() - timedelta(days=2)))
                return lot.id
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, add()).result()


def test_an_absentee_order_and_a_phone_line_on_the_tablet(new_context, live_server):
    """The clerk sees the order bid by itself ("Ordre d'achat", panneau 3) and takes a phone line,
    asked for at the desk after the tablet was loaded: the tablet fetches its book as the lot opens."""
    lot_2_opening = (WORKSHOP_LOTS[1][3] // 2) * 100
    ceiling = step_above(step_above(lot_2_opening))
    add_requests(live_server.database_url, 2, [{"kind": "absentee", "paddle": 3, "max": ceiling}])
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    display = open_display(new_context, errors)
    add_requests(live_server.database_url, 2, [{"kind": "phone", "paddle": 2, "phone": "07 11 22 33 44"}])
    assert "07 11 22 33 44" not in tablet.locator("#bid-requests").text_content()   # not in the page
    if tablet.get_by_role("button", name="Ouvrir la vente").is_visible():
        tablet.get_by_role("button", name="Ouvrir la vente").click()
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 2)").click()

    # The order opens the bidding by itself at the opening bid.
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 3")
    expect(tablet.locator("#leader")).to_contain_text("(Ordre d'achat)")
    first_row = tablet.locator("#bid-list tr").first
    expect(first_row).to_contain_text("Panneau 3")
    expect(first_row).to_contain_text("Ordre d'achat")
    expect(first_row).to_contain_text(euros(lot_2_opening))
    expect(tablet.locator("#order-list")).to_contain_text(
        f"Ordre d'achat, panneau 3 (Louis PERRIN) : jusqu'à {euros(ceiling)}")
    expect(display.locator("#display-paddle")).to_have_text("Panneau 3")

    # The phone line taken since the page loaded is listed, without a reload.
    expect(tablet.locator("#phone-list")).to_contain_text("Panneau 2 · Nadia HADDAD · 07 11 22 33 44")
    # The clerk takes the phone line of paddle 2 and bids for it: the order answers a step above.
    tablet.get_by_role("button", name="Prendre la ligne du panneau 2").click()
    expect(tablet.locator("#phone-line-active")).to_contain_text("Au téléphone avec le panneau 2 (Nadia HADDAD)")
    expect(tablet.locator("#paddle-display")).to_have_text("2")
    second = step_above(lot_2_opening)
    tablet.locator("#bid-next").click()
    rows = tablet.locator("#bid-list tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Panneau 2")
    expect(rows.nth(1)).to_contain_text("Téléphone")
    expect(rows.nth(0)).to_contain_text("Ordre d'achat")
    expect(tablet.locator("#current-amount")).to_have_text(euros(ceiling))   # one step above, its maximum
    # Still on the line: one more tap bids for paddle 2 again, beyond the order's maximum.
    expect(tablet.locator("#paddle-display")).to_have_text("2")
    tablet.locator("#bid-next").click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 2")
    expect(tablet.locator("#leader")).to_contain_text("(Téléphone)")
    expect(rows).to_have_count(4)
    assert second < ceiling
    assert errors == []
