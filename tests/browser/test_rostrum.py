"""The auctioneer's screen (pupitre) at 1920×1080, beside the clerk's tablet (issue 17): it follows
the room read-only, the asking bid the largest text, everything in the viewport without scrolling,
axe WCAG 2.1 AA clean. A failing test leaves a screenshot of each page it opened (tests/browser/conftest.py);
with CRIEE_SHOTS set, the screen is shot at each step there too.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from auction.db import Database
from auction.domain.increments import DEFAULT_INCREMENTS
from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS, WORKSHOP_LOTS
from tests.browser.conftest import shot
from tests.browser.test_online import add_requests
from tests.browser.test_screens import SALE_ID, SCREEN, TABLET, axe_violations, euros, inside, log_in, type_paddle

pytestmark = pytest.mark.browser

OFFICER = next(login for login in DEMO_LOGINS if login.role is Role.OFFICER)
LOT_1_TITLE, _, _, LOT_1_LOW, LOT_1_HIGH = WORKSHOP_LOTS[0]
LOT_1_OPENING = (LOT_1_LOW // 2) * 100

# Every element showing text: its font size, its box, and whether it is inside the screen.
TEXTS = """() => {
    const found = [];
    for (const element of document.querySelectorAll("body *")) {
        const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        const box = element.getBoundingClientRect();
        if (!own || box.width === 0 || box.height === 0 || element.closest("[hidden]")) continue;
        found.push({id: element.id || element.tagName, text: element.textContent.trim().slice(0, 40),
                    font: parseFloat(getComputedStyle(element).fontSize),
                    left: box.left, top: box.top, right: box.right, bottom: box.bottom, visible: true});
    }
    return found;
}"""


def lower_claims_of_lot(database_url: str, lot_number: int, cents: int) -> None:
    """The claims of the lot's case brought down to one claim of `cents`, no interest or costs (before
    the room is loaded), so that selling that lot reaches the stop rule's threshold."""
    from sqlalchemy import select, update

    from auction.models import Claim, Creditor, Lot

    async def lower():
        db = Database.connect(database_url)
        try:
            async with db.sessions() as session, session.begin():
                case_id = await session.scalar(select(Lot.case_id).where(Lot.sale_id == SALE_ID, Lot.number == lot_number))
                claims = list(await session.scalars(select(Claim).join(Creditor).where(Creditor.case_id == case_id)))
                await session.execute(update(Claim).where(Claim.id.in_([c.id for c in claims])).values(
                    principal_cents=0, interest_cents=0, costs_cents=0, interest_basis="none"))
                await session.execute(update(Claim).where(Claim.id == claims[0].id).values(principal_cents=cents))
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, lower()).result()


def check_layout(rostrum: Page) -> None:
    """The asking bid is the largest text; every text is inside 1920×1080; the page does not scroll."""
    texts = rostrum.evaluate(TEXTS)
    ask = next(t for t in texts if t["id"] == "rostrum-ask")
    assert ask["font"] >= 180, ask
    others = [t for t in texts if t["id"] != "rostrum-ask"]
    assert max(t["font"] for t in others) < ask["font"], sorted(others, key=lambda t: -t["font"])[:3]
    outside = [t for t in texts if not inside(t, 1920, 1080)]
    assert outside == [], outside
    assert rostrum.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [1920, 1080]
    # The lot's own lines (the bids, the book) are never cut short; only a coming lot's long title may be.
    cut = rostrum.evaluate("""() => [...document.querySelectorAll(
        "#earlier-list li, #order-list li > span, #phone-list li > span, #rostrum-origin, #rostrum-current")]
        .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)""")
    assert cut == [], cut
    foot = rostrum.locator(".rostrum-foot").bounding_box()
    stage = rostrum.locator("#rostrum-stage").evaluate("(e) => e.scrollHeight <= e.clientHeight")
    assert stage, "the lot's column overflows its box"
    assert rostrum.locator("#rostrum-stage").bounding_box()["y"] + rostrum.locator("#rostrum-stage").bounding_box()["height"] <= foot["y"] + 1


def test_the_rostrum_follows_the_room_read_only_at_1080p(screens, live_server):
    # The desk took an absentee order at the opening bid and a phone line for lot 1.
    add_requests(live_server.database_url, 1, [{"kind": "absentee", "paddle": 3, "max": LOT_1_OPENING},
                                               {"kind": "phone", "paddle": 2, "phone": "07 11 22 33 44"}])
    # The case of lot 1 is owed 1 000 € only: selling lot 1 covers it (CPCE L221-4).
    lower_claims_of_lot(live_server.database_url, 1, 100_000)
    rostrum = screens("rostrum", SCREEN)
    log_in(rostrum, OFFICER)
    rostrum.goto(f"/bureau/ventes/{SALE_ID}/pupitre")
    expect(rostrum.locator("#connection-state")).to_have_attribute("data-state", "connected")

    # Before the sale: the first lot, its opening bid, its order and phone line, its case's threshold.
    expect(rostrum.locator("#rostrum-status")).to_have_text("Vente non ouverte")
    expect(rostrum.locator("#rostrum-kicker")).to_have_text("Premier lot")
    expect(rostrum.locator("#rostrum-lot")).to_have_text("Lot 1")
    expect(rostrum.locator("#rostrum-title")).to_have_text(LOT_1_TITLE)
    expect(rostrum.locator("#rostrum-ask-caption")).to_have_text("Mise à prix")
    expect(rostrum.locator("#rostrum-ask")).to_have_text(euros(LOT_1_OPENING))
    expect(rostrum.locator("#rostrum-estimate")).to_have_text(
        f"Estimation {euros(LOT_1_LOW * 100)} – {euros(LOT_1_HIGH * 100)}")
    expect(rostrum.locator("#order-list")).to_have_text(f"Panneau 3 · jusqu'à {euros(LOT_1_OPENING)}")
    expect(rostrum.locator("#phone-list")).to_have_text("Panneau 2")
    expect(rostrum.locator("#case-line")).to_contain_text(f"produit net 0 € sur {euros(100_000)} de créances")
    expect(rostrum.locator("#case-rest")).to_have_text(f"Reste {euros(100_000)} avant le seuil d'arrêt.")
    expect(rostrum.locator("#rostrum-case")).to_have_attribute("data-covered", "false")
    expect(rostrum.locator("#next-list li")).to_have_count(3)
    expect(rostrum.locator("#next-list li").first).to_contain_text("Lot 2")
    shot(rostrum, "rostrum-ready")

    tablet = screens("tablet", TABLET)
    log_in(tablet)
    tablet.goto(f"/bureau/ventes/{SALE_ID}/salle")
    expect(tablet.locator("#connection-state")).to_have_text("Connecté")
    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(rostrum.locator("#rostrum-status")).to_have_text("Vente ouverte")
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()

    # The order bid by itself at the opening bid: the asking bid is the next step.
    second = DEFAULT_INCREMENTS.next_minimum(LOT_1_OPENING, LOT_1_OPENING)
    expect(rostrum.locator("#rostrum-kicker")).to_have_text("En vente")
    expect(rostrum.locator("#rostrum-ask-caption")).to_have_text("Enchère demandée")
    expect(rostrum.locator("#rostrum-ask")).to_have_text(euros(second))
    expect(rostrum.locator("#rostrum-current")).to_have_text(euros(LOT_1_OPENING))
    expect(rostrum.locator("#rostrum-origin")).to_have_text("Ordre d'achat · panneau 3")
    expect(rostrum.locator("#order-list li").first.locator(".badge")).to_have_text("en tête")

    # A room bid: the order is beaten, the asking bid moves on; a call is shown as made.
    type_paddle(tablet, 1)
    tablet.locator("#bid-next").click()
    third = DEFAULT_INCREMENTS.next_minimum(second, LOT_1_OPENING)
    expect(rostrum.locator("#rostrum-current")).to_have_text(euros(second))
    expect(rostrum.locator("#rostrum-origin")).to_have_text("Salle · panneau 1")
    expect(rostrum.locator("#rostrum-ask")).to_have_text(euros(third))
    expect(rostrum.locator("#order-list li").first.locator(".badge")).to_have_text("dépassé")
    expect(rostrum.locator("#earlier-list li")).to_have_count(1)
    expect(rostrum.locator("#earlier-list")).to_have_text(f"{euros(LOT_1_OPENING)} · ordre, p. 3")
    tablet.locator("#call-button").click()
    expect(rostrum.locator("#rostrum-calls li.done")).to_have_count(1)
    expect(rostrum.locator("#rostrum-calls li").first).to_have_text("1re criée ✓")
    # No name, no phone number on this screen.
    for private in ("07 11 22 33 44", "HADDAD", "PERRIN", "BERTIN", "DURAND"):
        expect(rostrum.locator("body")).not_to_contain_text(private)

    check_layout(rostrum)
    shot(rostrum, "rostrum-bidding")
    shot(tablet, "tablet-bidding")    # its header links to the rostrum
    assert axe_violations(rostrum) == []

    # Paused: the badge and the lot's line say so; resumed, the sale goes on.
    tablet.get_by_role("button", name="Suspendre").click()
    expect(rostrum.locator("#rostrum-status")).to_have_text("Vente suspendue")
    expect(rostrum.locator("#rostrum-kicker")).to_have_text("En vente · vente suspendue")
    tablet.get_by_role("button", name="Reprendre").click()
    expect(rostrum.locator("#rostrum-status")).to_have_text("Vente ouverte")
    expect(rostrum.locator("#rostrum-calls li.done")).to_have_count(1)

    # The screen acts on nothing: a command sent from it is refused, the tablet's lot goes on.
    refusal = rostrum.evaluate("""() => window.crieeRoom.sendCommand("pass_lot").then(
        () => "accepted", (error) => error.code)""")
    assert refusal == "forbidden"

    # The hammer: the next lot, its opening bid; the last hammer and the case's proceeds so far.
    for _ in range(2):
        tablet.locator("#call-button").click()
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    tablet.get_by_role("button", name="Confirmer l'adjudication").click()
    expect(rostrum.locator("#rostrum-kicker")).to_have_text("Prochain lot")
    expect(rostrum.locator("#rostrum-lot")).to_have_text("Lot 2")
    expect(rostrum.locator("#rostrum-ask-caption")).to_have_text("Mise à prix")
    expect(rostrum.locator("#rostrum-bid")).to_be_hidden()
    expect(rostrum.locator("#rostrum-last")).to_have_text(
        f"Dernière adjudication : lot 1, {euros(second)}, panneau 1")
    expect(rostrum.locator("#rostrum-progress")).to_have_text("1 adjugé sur 40 lots")
    # Lot 2 is of the same case, whose proceeds now cover its claims: the officer reads that it must stop.
    expect(rostrum.locator("#case-line")).not_to_contain_text("produit net 0 €")
    expect(rostrum.locator("#rostrum-case")).to_have_attribute("data-covered", "true")
    expect(rostrum.locator("#case-rest")).to_have_text("Seuil atteint : la vente des lots de ce dossier doit s'arrêter.")
    colour = rostrum.locator("#case-rest").evaluate("(e) => getComputedStyle(e).color")
    assert colour == "rgb(255, 155, 155)", colour      # in red, not the yellow of a threshold still ahead
    expect(rostrum.locator("#order-list")).to_have_text("Aucun ordre d'achat")
    check_layout(rostrum)
    shot(rostrum, "rostrum-between-lots")
    assert axe_violations(rostrum) == []
    assert screens.errors == []


def test_a_bidder_is_refused_the_rostrum(screens):
    from tests.browser.test_online import BIDDER
    from tests.browser.test_online import log_in as log_in_then

    page = screens("bidder", SCREEN)
    log_in_then(page, BIDDER, "/ventes/1")
    response = page.goto(f"/bureau/ventes/{SALE_ID}/pupitre")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text("Accès refusé")
