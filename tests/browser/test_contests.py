"""Recording a contest in Chromium on the clerk's tablet (1180×820), on the demo's held sale (sale 2):
the empty form answered in French, then a buyer's contest of a lot with its letter (a PDF) joined,
its page, the evidence sent, and the deadlines board; the page never scrolls sideways. A failing test
leaves a screenshot of each page it opened (tests/browser/conftest.py); with CRIEE_SHOTS set, each step
is shot there too."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from tests.browser.conftest import shot

from .test_staff_pages import TABLET, log_in

pytestmark = pytest.mark.browser

HELD_SALE_ID = 2
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_clerk_records_a_contest_on_the_tablet(new_context):
    page = new_context(**TABLET).new_page()
    log_in(page, Role.CLERK)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}")
    page.get_by_role("link", name=re.compile("^Contestations")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contestations — vente VJ-2026-11")
    expect(page.locator("table.contests")).to_contain_text("Nadia HADDAD")       # the demo's
    expect(page.locator("table.contests")).to_contain_text("délai non configuré")

    page.get_by_role("button", name="Enregistrer la contestation").click()        # nothing filled in
    expect(page.get_by_role("alert").first).to_contain_text("Rien n'a été enregistré")
    expect(page.locator("#e-contestant_kind")).to_have_text("Choisissez qui conteste.")
    expect(page.locator("#e-lot_ids")).to_contain_text("Choisissez le ou les lots")
    shot(page, "contest-errors")

    expect(page.locator(".case-choice")).to_be_hidden()                           # the lots asked for, not a case
    page.get_by_label("Lot 11 — Commode en merisier").check()
    page.get_by_label("Qui conteste").select_option("buyer")
    page.get_by_label("Nom (ou raison sociale)").fill("Jean Dupuis")
    page.get_by_label("Adresse ou contact").fill("j.dupuis@exemple.fr")
    page.get_by_label("Reçue par").fill("remise à l'étude")
    page.get_by_label("Ce qui est contesté, et pourquoi").fill("La commode n'est pas du XIXe siècle comme décrite.")
    page.get_by_label("Pièces reçues").set_input_files(
        files=[{"name": "expertise-commode.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shot(page, "contest-filled")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Enregistrer la contestation").click()

    expect(page.get_by_role("status")).to_contain_text("Contestation enregistrée")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adjudication du lot 11")
    expect(page.locator("#contest-status")).to_have_text("Reçue")
    expect(page.get_by_role("link", name="expertise-commode.pdf")).to_be_visible()
    expect(page.locator("table.pending")).to_contain_text("8 jours à compter de l'étape « Reçue »")   # the demo's delays
    page.get_by_label("Étape").select_option("evidence_sent")
    page.get_by_label("Note (pièces transmises").fill("Extrait du journal du lot 11")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.locator("#contest-status")).to_have_text("Pièces transmises")
    expect(page.locator("ol.steps")).to_contain_text("Extrait du journal du lot 11")
    no_sideways_scroll(page)
    shot(page, "contest-page")

    page.goto("/bureau/echeances")
    board = page.locator("#contest-deadlines")
    expect(board).to_contain_text("Jean Dupuis")
    expect(board).to_contain_text("Répondre (15 jours")
    no_sideways_scroll(page)
    shot(page, "contest-board")


def test_the_officer_records_a_contest_and_downloads_its_evidence_file(new_context, tmp_path):
    """Issue 19's round trip: a contest of a lot recorded in the browser, then from its page the lot's
    evidence file, which verifies (hash chain, seals, readable entries) with the verifier of
    `criee verify-evidence`."""
    import json

    from auction.domain.evidence_verify import verify_document

    page = new_context(**TABLET, accept_downloads=True).new_page()
    log_in(page, Role.OFFICER)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}/contestations")
    page.get_by_label("Lot 11 — Commode en merisier").check()
    page.get_by_label("Qui conteste").select_option("bidder")
    page.get_by_label("Nom (ou raison sociale)").fill("Paul Girard")
    page.get_by_label("Adresse ou contact").fill("p.girard@exemple.fr")
    page.get_by_label("Reçue par").fill("courriel")
    page.get_by_label("Ce qui est contesté, et pourquoi").fill("Mon enchère en ligne sur le lot 11 n'a pas été prise.")
    page.get_by_role("button", name="Enregistrer la contestation").click()
    expect(page.get_by_role("status")).to_contain_text("Contestation enregistrée")

    evidence = page.locator("#contest-evidence")
    expect(evidence).to_contain_text("lot 11")
    with page.expect_download() as download:
        evidence.get_by_role("link", name="JSON").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    verdict = verify_document(document)
    assert verdict.ok and verdict.sealed
    no_sideways_scroll(page)
    shot(page, "contest-evidence")
