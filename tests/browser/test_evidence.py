"""The officer's evidence files in a real browser, on the demo's held sale (sale 2), at tablet size
(1180×820): from the record page to the lots' list, lot 10's JSON downloaded and verified, its PDF;
and on the live sale (sale 1), the clerk's tablet and the room display connected while lot 1 is on
the block are listed in that lot's file. A failing test leaves a screenshot of each page it opened
(tests/browser/conftest.py); with CRIEE_SHOTS set, the lots' list is shot there too."""
from __future__ import annotations

import io
import json
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from auction.domain.evidence_verify import verify_document
from tests.browser.conftest import shot

from .test_room import CLERK, LOT_1_TITLE, OFFICER, SALE_ID, log_in, open_display, open_tablet, put_a_lot_on_the_block, watch_errors

pytestmark = pytest.mark.browser

HELD_SALE_ID = 2


def test_the_officer_downloads_a_lots_evidence_file_from_the_record(new_context, tmp_path):
    errors: list[str] = []
    page = watch_errors(new_context(viewport={"width": 1180, "height": 820}, accept_downloads=True).new_page(),
                        errors)
    log_in(page, OFFICER)
    page.goto(f"/bureau/ventes/{HELD_SALE_ID}/proces-verbal")
    page.get_by_role("link", name="Dossier de preuve").click()
    expect(page).to_have_url(re.compile(rf"/bureau/ventes/{HELD_SALE_ID}/preuve$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossiers de preuve")
    row = page.locator("#evidence-lot-list tr").filter(has_text="Huile sur toile")
    expect(row).to_be_visible()
    expect(page.locator("#evidence-lot-list")).not_to_contain_text("Chambre froide")   # withdrawn before the sale
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1180, width                                    # no sideways scrolling
    shot(page, "evidence-list-1180")

    with page.expect_download() as download:
        row.get_by_role("link", name="JSON").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "preuve-VJ-2026-11-lot-10.json"
    document = json.loads(saved.read_text(encoding="utf-8"))
    verdict = verify_document(document)
    assert verdict.ok and verdict.sealed
    assert [r["code"] for r in document["refusals"]] == ["lot_not_open"]

    pdf_href = row.get_by_role("link", name="PDF").get_attribute("href")
    response = page.request.get(pdf_href, timeout=90_000)    # the documents worker may start cold
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.body())).pages[0].extract_text().split())
    assert "Lot 10" in text and "panneau 501" in text
    assert errors == []


def test_the_clerks_tablet_connected_during_a_lot_is_listed_in_its_evidence_file(new_context, tmp_path):
    errors: list[str] = []
    tablet = open_tablet(new_context, errors, CLERK)
    display = open_display(new_context, errors)
    put_a_lot_on_the_block(tablet)
    expect(tablet.locator("#current-lot-title")).to_have_text(LOT_1_TITLE)

    officer = watch_errors(new_context(viewport={"width": 1180, "height": 820}, accept_downloads=True).new_page(),
                           errors)
    log_in(officer, OFFICER)
    officer.goto(f"/bureau/ventes/{SALE_ID}/preuve")
    row = officer.locator("#evidence-lot-list tr").filter(has_text=LOT_1_TITLE)
    with officer.expect_download() as download:
        row.get_by_role("link", name="JSON").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert verify_document(document).ok                      # the companion record leaves the chain as it is
    screens = document["screens"]
    assert screens["in_chain"] is False and screens["to_label"] == "à l'heure du dossier"
    tablets = [s for s in screens["named"] if s["role"] == "clerk_tablet"]
    assert tablets and tablets[-1]["disconnected"] is None   # still connected when the file was made
    clerk = document["staff"][str(tablets[-1]["user_id"])]
    assert clerk["role"] == "Clerc" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                                                       tablets[-1]["connected"]["utc"])
    assert any(s["role"] == "display" for s in screens["named"])

    pdf_href = row.get_by_role("link", name="PDF").get_attribute("href")
    response = officer.request.get(pdf_href, timeout=90_000)
    assert response.status == 200
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages).split())
    assert f"Tablette du clerc, {clerk['name']}" in text and "Écran de la salle" in text
    assert "n'est pas dans sa chaîne d'empreintes" in text
    display.close()
    assert errors == []
