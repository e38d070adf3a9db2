"""The officer's evidence files in a real browser, on the demo's held sale (sale 2), at tablet size
(1180×820): from the record page to the lots' list, lot 10's JSON downloaded and verified, its PDF."""
from __future__ import annotations

import io
import json
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from auction.domain.evidence_verify import verify_document

from .test_room import OFFICER, log_in, watch_errors

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
    page.screenshot(path=str(tmp_path / "evidence-list-1180.png"), full_page=True)

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
