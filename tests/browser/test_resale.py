"""Réitération des enchères in a real browser: a lot sold on the tablet is not paid, its default is
declared (notice, deadline passed, the officer's act), and the tablet lists it, puts it up again and
sells it to another bidder; the defaulter's paddle may not bid on it.

The notice and the act are recorded through the services with a clock a week ahead (the deadline
must have passed), then the server restarts: its room comes back from the logs, with the lot in
default in its setup, as after any restart."""
from __future__ import annotations

import asyncio
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from auction.db import Database
from auction.models import Sale, User

from .test_room import LOT_1_OPENING, bid_at_next_minimum, euros, next_minimum, open_tablet, type_paddle

pytestmark = pytest.mark.browser

SALE_ID = 1
RESTART_TIMEOUT = 20.0


def hammer(tablet: Page, paddle: int) -> None:
    call = tablet.locator("#call-button")
    for label in ("2e criée", "3e criée", "Criées faites"):
        call.click()
        expect(call).to_have_text(label)
    tablet.get_by_role("button", name="Adjugé", exact=True).click()
    dialog = tablet.get_by_role("dialog")
    expect(tablet.locator("#hammer-paddle")).to_have_text(str(paddle))
    dialog.get_by_role("button", name="Confirmer l'adjudication").click()
    expect(tablet.locator("#current-lot")).to_be_hidden()


def declare_default_of_paddle_1(database_url: str) -> int:
    """Invoice the sale, send paddle 1 its notice (one day to pay) and declare the default a week later,
    through the services; in a thread of its own (Playwright's loop holds the main thread's)."""
    from auction.services import defaults, invoices

    async def run() -> int:
        db = Database.connect(database_url)
        try:
            now = datetime.now(timezone.utc)
            async with db.sessions() as session:
                officer = await session.scalar(select(User).where(User.role == "officer"))
                sale = await session.get(Sale, SALE_ID)
                due_from = max(now, sale.starts_at.replace(tzinfo=sale.starts_at.tzinfo or timezone.utc))
            await invoices.issue_invoices(db.sessions, SALE_ID, user_id=officer.id, now=now)
            # The notice goes once the days to pay (from the sale's day, the demo's being ahead) have run
            # (the last one is not late), the default after it.
            noticed = due_from + timedelta(days=sale.payment_days + 1)
            notice = await defaults.send_notice(db.sessions, SALE_ID, 1, sent_on=noticed.date(), days=1,
                                                means="registered_letter", user_id=officer.id, now=noticed)
            act = await defaults.declare_default(db.sessions, SALE_ID, notice.seq, user_id=officer.id,
                                                 now=noticed + timedelta(days=7))
            return act.payload["lot_ids"][0]
        finally:
            await db.dispose()

    found: list = []
    thread = threading.Thread(target=lambda: found.append(asyncio.run(run())))
    thread.start()
    thread.join(60)
    assert found, "the default could not be declared"
    return found[0]


def test_a_lot_in_default_is_put_up_again_on_the_tablet_and_sold(new_context, live_server):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors)
    tablet.get_by_role("button", name="Ouvrir la vente").click()
    expect(tablet.locator("#sale-status")).to_have_text("Vente ouverte")
    tablet.get_by_role("button", name="Ouvrir ce lot (lot 1)").click()
    bid_at_next_minimum(tablet, 1, LOT_1_OPENING)
    hammer(tablet, 1)
    expect(tablet.locator("#lots-in-default")).to_be_hidden()

    lot_id = declare_default_of_paddle_1(live_server.database_url)
    live_server.stop()
    live_server.start(timeout=RESTART_TIMEOUT)

    tablet.reload()
    expect(tablet.locator("#connection-state")).to_have_text("Connecté")
    section = tablet.locator("#lots-in-default")
    expect(section).to_be_visible()
    entry = section.locator(f'.default-row[data-lot-id="{lot_id}"]')
    expect(entry).to_contain_text(f"adjugé {euros(LOT_1_OPENING)} au panneau 1, en défaut de paiement")
    entry.get_by_role("button", name="Remettre en vente le lot 1 sur réitération des enchères").click()
    dialog = tablet.get_by_role("dialog")
    expect(dialog).to_contain_text("réitération des enchères")
    dialog.get_by_role("button", name="Remettre en vente").click()

    expect(tablet.locator("#current-lot-label")).to_have_text("Lot 1")
    expect(tablet.locator("#room-notice")).to_contain_text("remis en vente sur réitération des enchères")
    expect(section).to_be_hidden()
    expect(tablet.locator("#current-caption")).to_have_text("Mise à prix")

    # the defaulter's paddle is blocked
    type_paddle(tablet, 1)
    tablet.locator("#bid-next").click()
    expect(tablet.get_by_role("alert")).to_contain_text("bloqué")

    bid_at_next_minimum(tablet, 2, next_minimum(None, LOT_1_OPENING))
    hammer(tablet, 2)
    row = tablet.locator(f'.lot-row[data-lot-id="{lot_id}"]')
    expect(row).to_contain_text(f"Adjugé {euros(LOT_1_OPENING)} au panneau 2")
    expect(tablet.locator("#last-result")).to_contain_text(re.compile(r"lot 1, .* au panneau 2"))
    assert errors == []
