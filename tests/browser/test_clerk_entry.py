"""The clerk's entry after a bid the room refused (frontend/static/js/clerk/entry.js, bids.js), in a
real browser: the refused bid's paddle comes back with its origin, to be sent again as it was when
that may succeed (too low, outbid) or for the clerk to correct when it cannot (a paddle without a
phone request, one already leading); the next paddle typed over a bid offered again is a bidder in
the room (a phone origin never passes to it), and a refused
free amount leaves the amount box (its figure kept in view) so that it is not sent again by accident.

The module has its own demo server (tests/browser/conftest.py); the test drives lot 1 of its sale.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_online import add_requests
from tests.browser.test_room import euros, open_tablet, put_a_lot_on_the_block, type_paddle

pytestmark = pytest.mark.browser


def expect_origin(tablet: Page, label: str) -> None:
    origins = tablet.get_by_role("radiogroup", name="Origine de l'enchère")
    expect(origins.get_by_role("radio", name=label)).to_have_attribute("aria-checked", "true")
    other = "Salle" if label == "Téléphone" else "Téléphone"
    expect(origins.get_by_role("radio", name=other)).to_have_attribute("aria-checked", "false")


def cents_of(text: str | None) -> int:
    digits = "".join(ch for ch in text or "" if ch.isdigit())
    return int(digits) * 100


def test_a_refused_bid_comes_back_with_its_origin_and_the_next_paddle_is_in_the_room(new_context, live_server):
    # The desk took a phone line for paddle 2 on lot 1 (the lot the test opens).
    add_requests(live_server.database_url, 1, [{"kind": "phone", "paddle": 2, "phone": "07 11 22 33 44"}])
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    put_a_lot_on_the_block(tablet)
    origins = tablet.get_by_role("radiogroup", name="Origine de l'enchère")
    display = tablet.locator("#paddle-display")
    bid_next = tablet.locator("#bid-next")
    rows = tablet.locator("#bid-list tr:has(td.num)")   # not the line saying there is none
    alert = tablet.locator("#room-alert")
    expect(rows).to_have_count(0)

    # 1. The bid button: a phone bid for a paddle that asked for no phone line is refused.
    origins.get_by_role("radio", name="Téléphone").click()
    type_paddle(tablet, 1)
    expect(bid_next).to_contain_text("panneau 1 (téléphone)")
    bid_next.click()
    expect(alert).to_contain_text("n'a pas demandé à enchérir par téléphone")
    # Its paddle and its origin come back together, as typed, for the clerk to correct: sent again
    # it would be refused again, so the button does not offer it "de nouveau". Nothing recorded.
    expect(display).to_have_text("1")
    expect(display).to_have_attribute("data-retry", "false")
    expect_origin(tablet, "Téléphone")
    expect(bid_next).to_contain_text("panneau 1 (téléphone)")
    expect(bid_next).not_to_contain_text("de nouveau")
    expect(rows).to_have_count(0)
    # The clerk corrects it: the bidder is in the room, paddle 2.
    origins.get_by_role("radio", name="Salle").click()
    type_paddle(tablet, 2)
    expect(display).to_have_attribute("data-retry", "false")
    expect_origin(tablet, "Salle")
    expect(bid_next).not_to_contain_text("téléphone")
    bid_next.click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 2")
    expect(tablet.locator("#leader")).not_to_contain_text("Téléphone")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Salle")
    expect(display).to_have_text("—")
    expect_origin(tablet, "Salle")

    # 2. Enter: the entry is cleared at once; refused, the phone bid's paddle and origin come back.
    origins.get_by_role("radio", name="Téléphone").click()
    tablet.keyboard.press("3")
    expect(bid_next).to_contain_text("panneau 3 (téléphone)")
    tablet.keyboard.press("Enter")
    expect(alert).to_contain_text("Le panneau 3 n'a pas demandé à enchérir par téléphone")
    expect(display).to_have_text("3")
    expect(display).to_have_attribute("data-retry", "false")
    expect_origin(tablet, "Téléphone")
    # The clear key empties the paddle; the origin is the clerk's, as chosen.
    tablet.keyboard.press("Escape")
    expect(display).to_have_text("—")
    expect_origin(tablet, "Téléphone")
    # Choosing the origin takes the refused bid in hand: the bidder was in the room, sent again as such.
    origins.get_by_role("radio", name="Téléphone").click()
    tablet.keyboard.press("3")
    tablet.keyboard.press("Enter")
    expect(alert).to_contain_text("Le panneau 3 n'a pas demandé à enchérir par téléphone")
    expect(display).to_have_text("3")
    origins.get_by_role("radio", name="Salle").click()
    expect(display).to_have_text("3")
    expect(display).to_have_attribute("data-retry", "false")
    expect(bid_next).to_contain_text("panneau 3")
    expect(bid_next).not_to_contain_text("téléphone")
    tablet.keyboard.press("Enter")
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 3")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Salle")
    expect(display).to_have_text("—")

    # 3. A free amount refused (below the next minimum): out of the box, its figure kept in view.
    amount = tablet.get_by_label("Montant de l'enchère libre, en euros")
    type_paddle(tablet, 1)
    amount.fill("1")
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(alert).to_contain_text("Enchère trop basse")
    expect(amount).to_have_value("")
    expect(amount).to_have_attribute("placeholder", f"Refusé : {euros(100)}")
    expect(amount).to_have_attribute("data-refused", "true")
    expect(display).to_have_text("1")
    # Too low: sent again at the next minimum it may be recorded, so its paddle is offered again.
    expect(display).to_have_attribute("data-retry", "true")
    expect(bid_next).to_contain_text("de nouveau, panneau 1")
    # The button again sends nothing: there is no amount left to send.
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(alert).to_contain_text("Montant illisible")
    expect(rows).to_have_count(2)
    # Typing an amount gives the box back its usual look; recorded, the box is empty again.
    minimum = cents_of(tablet.locator("#next-minimum").text_content())
    amount.fill(str(minimum // 100))
    expect(amount).to_have_attribute("placeholder", "Montant en €")
    expect(amount).not_to_have_attribute("data-refused", "true")
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 1")
    expect(tablet.locator("#current-amount")).to_have_text(euros(minimum))
    expect(rows).to_have_count(3)
    expect(amount).to_have_value("")
    expect(display).to_have_text("—")

    # 4. A held line: Salle over the line's paddle empties the entry for the room's bidder; the line
    # stays held and the entry comes back to it after the room bid.
    tablet.get_by_role("button", name="Prendre la ligne du panneau 2").click()
    expect(display).to_have_text("2")
    expect_origin(tablet, "Téléphone")
    origins.get_by_role("radio", name="Salle").click()
    expect(display).to_have_text("—")
    expect_origin(tablet, "Salle")
    type_paddle(tablet, 3)
    bid_next.click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 3")
    expect(rows.first).to_contain_text("Salle")
    expect(display).to_have_text("2")
    expect_origin(tablet, "Téléphone")
    bid_next.click()
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 2")
    expect(rows.first).to_contain_text("Téléphone")
    # The line's bidder leads: bid again, refused; the line's paddle comes back, not offered again
    # (it would be refused again), and the next paddle typed is the room's.
    bid_next.click()
    expect(alert).to_contain_text("Le panneau 2 est déjà le plus offrant")
    expect(display).to_have_text("2")
    expect(display).to_have_attribute("data-retry", "false")
    expect(bid_next).not_to_contain_text("de nouveau")
    expect_origin(tablet, "Téléphone")
    tablet.keyboard.press("1")
    expect(display).to_have_text("1")
    expect_origin(tablet, "Salle")
    expect(tablet.locator("#phone-line-active")).to_contain_text("Au téléphone avec le panneau 2")
    tablet.keyboard.press("Enter")
    expect(tablet.locator("#leader-paddle")).to_have_text("Panneau 1")
    expect(rows.first).to_contain_text("Salle")
    expect(display).to_have_text("2")
    expect_origin(tablet, "Téléphone")
    assert errors == []


def placeholder_fits(amount) -> bool:
    """The placeholder's text, in the box's own font, is no wider than the box inside its padding."""
    return amount.evaluate("""(input) => {
        const style = getComputedStyle(input);
        const context = document.createElement("canvas").getContext("2d");
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(input.placeholder).width <= inner;
    }""")


def test_a_refused_amount_fits_its_box_and_is_gone_when_the_next_lot_opens(new_context):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    put_a_lot_on_the_block(tablet)
    amount = tablet.get_by_label("Montant de l'enchère libre, en euros")
    alert = tablet.locator("#room-alert")
    # A bid at the next minimum (paddle 3 unless it leads), then an amount one euro under it: too low.
    leader = tablet.locator("#leader-paddle")
    paddle = 1 if leader.is_visible() and leader.text_content() == "Panneau 3" else 3
    type_paddle(tablet, paddle)
    tablet.locator("#bid-next").click()
    expect(leader).to_have_text(f"Panneau {paddle}")
    current = cents_of(tablet.locator("#current-amount").text_content())
    assert current >= 200_000   # four digits and more: the figure of a real sale
    type_paddle(tablet, 4 - paddle)
    amount.fill(str(current // 100 - 1))
    tablet.get_by_role("button", name="Enchère libre").click()
    expect(alert).to_contain_text("Enchère trop basse")
    expect(amount).to_have_attribute("placeholder", f"Refusé : {euros(current - 100)}")
    assert placeholder_fits(amount)

    # The lot is knocked down and the next one opened: the box is back to its usual placeholder.
    call = tablet.locator("#call-button")
    for label in ("2e criée", "3e criée", "Criées faites"):
        call.click()
        expect(call).to_have_text(label)
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    tablet.locator("#hammer-dialog").get_by_role("button", name="Confirmer l'adjudication").click()
    tablet.get_by_role("button", name=re.compile(r"^Lot suivant")).click()
    expect(tablet.locator("#current-lot-label")).to_have_text("Lot 2")
    expect(amount).to_have_value("")
    expect(amount).to_have_attribute("placeholder", "Montant en €")
    expect(amount).not_to_have_attribute("data-refused", "true")
    assert errors == []


def press_at_once(tablet: Page, keys: list[str]) -> None:
    """The keys in one task of the page, as a fast clerk types them: the second bid queued behind the first."""
    tablet.evaluate("""(keys) => {
        for (const key of keys) document.body.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
    }""", keys)


def test_a_refusal_stays_on_screen_over_the_next_commands_ack_and_hides_an_older_notice(new_context):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    put_a_lot_on_the_block(tablet)
    alert = tablet.locator("#room-alert")
    notice = tablet.locator("#room-notice")
    leader = tablet.locator("#leader-paddle")
    # A bid recorded: its notice.
    paddle = 1 if leader.is_visible() and leader.text_content() == "Panneau 3" else 3
    type_paddle(tablet, paddle)
    tablet.locator("#bid-next").click()
    expect(leader).to_have_text(f"Panneau {paddle}")
    expect(notice).to_contain_text(f"enregistrée pour le panneau {paddle}")

    # The leader bids again (refused, already leading) and, queued behind it, another paddle (recorded).
    other = 4 - paddle
    press_at_once(tablet, [str(paddle), "Enter", str(other), "Enter"])
    expect(leader).to_have_text(f"Panneau {other}")
    # The refusal is still on screen: the queued bid's ack does not clear an error it came after.
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(f"Le panneau {paddle} est déjà le plus offrant")
    expect(notice).to_contain_text(f"enregistrée pour le panneau {other}")

    # A refusal hides the older notice: the red line is the answer, not an "enregistrée" above it.
    press_at_once(tablet, ["Escape", str(other), "Enter"])   # the refused paddle, left to correct, cleared
    expect(alert).to_contain_text(f"Le panneau {other} est déjà le plus offrant")
    expect(notice).to_have_text("")
    # The clerk's next command, asked for after seeing it, clears it once acknowledged.
    press_at_once(tablet, ["Escape", str(paddle), "Enter"])
    expect(leader).to_have_text(f"Panneau {paddle}")
    expect(alert).to_be_hidden()
    assert errors == []
