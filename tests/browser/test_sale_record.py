"""The sale record in a real browser (CPCE R221-39, C. com. R444-47): the officer holds the module's
own demo sale on the tablet (a lot sold, an announcement), the record page next to it shows each entry
as it is written — the price in figures and in words, the buyer's declared name and domicile — and
grows by itself when the next lot is sold; the officer then closes the session, the frozen PDF is
there, and he records that he signed it. The demo's held sale (sale 2) shows its record, its two
sessions closed and signed."""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from auction.domain.amount_words import amount_in_words
from auction.services.demo import DEMO_BIDDERS, WORKSHOP_LOTS

from .test_resale import hammer
from .test_room import (LOT_1_OPENING, OFFICER, SALE_ID, bid_at_next_minimum, log_in, open_tablet, watch_errors)

pytestmark = pytest.mark.browser

LOT_2_OPENING = (WORKSHOP_LOTS[1][3] // 2) * 100
SEALING_TIMEOUT = 90_000   # ms
HELD_SALE_ID = 2           # `criee demo`'s sale held before the demo's day
FIRST, LAST, _, _, _, ADDRESS, POSTCODE, CITY = next(b for b in DEMO_BIDDERS if b[8] == "room")[:8]   # paddle 1


def announce(tablet: Page, text: str) -> None:
    tablet.locator("#announce").click()
    tablet.locator("#announce-input").fill(text)
    tablet.locator("#announce-confirm").click()
    expect(tablet.get_by_role("dialog")).to_be_hidden()


def test_the_record_grows_with_the_sale_and_the_officer_closes_and_signs_the_session(new_context):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors, login=OFFICER)
    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(tablet.locator("#sale-status")).to_have_text("Vente ouverte")
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    bid_at_next_minimum(tablet, 1, LOT_1_OPENING)
    hammer(tablet, 1)
    announce(tablet, "Les lots se retirent demain à partir de 9 h.")

    record_page = watch_errors(new_context().new_page(), errors)
    log_in(record_page, OFFICER)
    record_page.goto(f"/bureau/ventes/{SALE_ID}/proces-verbal")
    record = record_page.locator("#record")
    first = record.locator("p.sold").filter(has_text="Lot 1 ")
    expect(first).to_contain_text(f"({amount_in_words(LOT_1_OPENING)})")
    expect(first).to_contain_text(f"{LAST.upper()} {FIRST}")
    expect(first).to_contain_text(f"{ADDRESS}, {POSTCODE} {CITY}")
    expect(first).to_contain_text("panneau 1, enchère en salle")
    expect(record).to_contain_text("« Les lots se retirent demain à partir de 9 h. »")
    expect(record).to_contain_text("Séance en cours")

    # The next lot sold on the tablet appears on the record page without reloading it.
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 2)").click()
    bid_at_next_minimum(tablet, 2, LOT_2_OPENING)
    hammer(tablet, 2)
    second = record.locator("p.sold").filter(has_text="Lot 2 ")
    expect(second).to_contain_text(f"({amount_in_words(LOT_2_OPENING)})")
    expect(record_page.locator("#record-status")).to_contain_text("Mis à jour")

    # The officer closes the session: its part is frozen (the PDF arrêté), then he signs it.
    # Closing seals the session: its PDF is rendered then (WeasyPrint's worker may be starting).
    record_page.set_default_navigation_timeout(SEALING_TIMEOUT)
    record_page.get_by_role("button", name="Clore la séance n° 1").click(timeout=SEALING_TIMEOUT)
    expect(record_page.get_by_role("status").first).to_contain_text("Séance close")
    row = record_page.locator("#session-1")
    expect(row.get_by_role("link", name="PDF arrêté")).to_be_visible()
    expect(record).to_contain_text("Séance close le")
    response = record_page.request.get(f"/bureau/ventes/{SALE_ID}/proces-verbal/seances/1.pdf")
    assert response.ok
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.body())).pages)
    for amount in (LOT_1_OPENING, LOT_2_OPENING):
        assert amount_in_words(amount) in text
    assert LAST.upper() in text

    row.get_by_role("button", name="J'ai signé le procès-verbal imprimé de cette séance").click()
    expect(record_page.get_by_role("status").first).to_contain_text("Signature de la séance enregistrée")
    expect(record_page.locator("#session-1")).to_contain_text(re.compile(r"Signée le .* par Me Claire LEFÈVRE"))
    # The tablet knows the session is closed: the sale may go on in a new session.
    expect(tablet.locator("#sale-status")).to_have_text("Séance close")
    assert errors == []


def test_the_demos_held_sale_shows_its_record(new_context):
    """Sale 2 of `criee demo`, held over two sessions, both closed and signed."""
    errors: list[str] = []
    page = watch_errors(new_context().new_page(), errors)
    log_in(page, OFFICER)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}/proces-verbal")
    for number in (1, 2):
        row = page.locator(f"#session-{number}")
        expect(row.get_by_role("link", name="PDF arrêté")).to_be_visible()
        expect(row).to_contain_text("Signée")
    record = page.locator("#record")
    expect(record).to_contain_text("Séance n° 2")
    expect(record.locator("p.sold").first).to_contain_text("euros")          # the price in words
    expect(record).to_contain_text("Annonce faite à la salle")
    expect(page.locator("#record-status")).to_have_text("")                  # closed: no live refresh
    assert errors == []
