"""A failed browser test leaves a screenshot of each of its pages (tests/browser/conftest.py)."""
from __future__ import annotations

from PIL import Image

from tests.browser import conftest


def test_each_open_page_of_a_failed_test_is_saved_as_a_picture(browser, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "SCREENSHOTS", tmp_path / "shots")
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 390, "height": 844})
    try:
        first, second = context.new_page(), context.new_page()
        first.goto("/connexion")
        second.goto("/")
        second.close()                      # a closed page has nothing to show and is skipped
        saved = conftest.save_screenshots("tests/browser/x.py::test_y[sqlite]", [context])
    finally:
        context.close()
    assert [path.name for path in saved] == ["tests_browser_x.py__test_y_sqlite_-0-0.png"]
    with Image.open(saved[0]) as picture:
        assert picture.format == "PNG" and picture.width == 390 and picture.height >= 844
