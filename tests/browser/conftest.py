"""Browser tests: Debian's Chromium, driven by Playwright, against the real `criee serve` process.

One server per test module and backend (`live_server`): a fresh database of the current backend,
migrated and seeded by the real `criee demo` command, then served by `criee serve` on a free port.
Every test gets its own browser context (cookies, storage), so tests never share a login; tests that
change data change only what no other test reads.

The tests are synchronous on purpose: Playwright's sync API refuses to run inside an event loop,
and pytest-asyncio (auto mode) would run async tests inside one.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import LiveServer, cli_env, seed_demo

CHROMIUM = Path(os.environ.get("CRIEE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these, Chromium keeps calling home, which floods a closed network with failed lookups.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT = 20.0   # seconds for `criee serve` to answer /sante
SEED_TIMEOUT = 180       # seconds for `criee demo` (real Argon2 hashes, 40 generated photos)


@pytest.fixture(scope="module")
def live_server(database_factory, tmp_path_factory) -> Iterator[LiveServer]:
    """`criee demo` then `criee serve` on a fresh database of the current backend."""
    work = tmp_path_factory.mktemp(f"live-{database_factory.backend}")
    env = cli_env(database_factory.create(), work / "data", CRIEE_ENV="development",
                  CRIEE_SECRET_KEY=secrets.token_urlsafe(48))
    seed_demo(env, timeout=SEED_TIMEOUT)
    server = LiveServer(env, work / "server.log")
    try:
        server.start(timeout=STARTUP_TIMEOUT)
        yield server
    finally:
        server.stop()  # the process running now, the one a test restarted included


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skipped without it, unless CRIEE_REQUIRE_BROWSER is set (`make test`)."""
    if not CHROMIUM.exists():
        message = (f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
                   "(`make test` does it through scripts/ensure-chromium.sh).")
        if os.environ.get("CRIEE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path, live_server):
    """Debian's Chromium, one per test module (and backend).

    Not session-scoped on purpose: while Playwright's sync API is started it leaves its event loop
    marked as running in the main thread, so every `asyncio.run()` (the database fixtures) and every
    async test of pytest-asyncio would fail until it stops. It is therefore started after the module's
    `live_server` (which creates its database with `asyncio.run()`) and stopped before it, and never
    outlives the browser tests of its module.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SCREENSHOTS = Path(os.environ.get("CRIEE_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".test-screenshots"))


def save_screenshots(node_name: str, contexts) -> list[Path]:
    """Every open page of a failed test, full length, under SCREENSHOTS (kept across runs, unlike
    pytest's rotated temporary directories; CRIEE_SCREENSHOTS moves it)."""
    saved = []
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in node_name)[:150]
    for c_index, context in enumerate(contexts):
        for p_index, open_page in enumerate(context.pages):
            path = SCREENSHOTS / f"{safe}-{c_index}-{p_index}.png"
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                open_page.screenshot(path=str(path), full_page=True)
            except Exception:  # noqa: BLE001 - a closed or crashed page has nothing to show
                continue
            saved.append(path)
            print(f"screenshot of the failure: {path}")
    return saved


@pytest.fixture
def new_context(browser, live_server, request):
    """Opens fresh browser contexts (French locale, the live server as base URL); closes them after the
    test, after saving a screenshot of each of their pages if the test failed."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    contexts = []
    violations: list[str] = []

    def watch(message) -> None:
        # Chromium reports each blocked script, style, frame or connection on the console.
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def _new_context(**options):
        options.setdefault("locale", "fr-FR")
        options.setdefault("timezone_id", "Europe/Paris")
        context = browser.new_context(base_url=live_server.base_url, **options)
        context.set_default_timeout(10_000)
        context.on("console", watch)
        contexts.append(context)
        return context

    yield _new_context
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_screenshots(request.node.name, contexts)
    for context in contexts:
        context.close()
    assert not violations, "the Content-Security-Policy blocked something:\n" + "\n".join(violations)


@pytest.fixture
def screens(new_context):
    """Opens named pages at a size (`screens("tablet", {"viewport": …})`), each in its own context;
    `screens.errors` collects their uncaught script errors. A failed test leaves a screenshot of each
    (new_context)."""
    errors: list[str] = []

    def open_page(name: str, size: dict):
        opened = new_context(**size).new_page()
        opened.on("pageerror", lambda error: errors.append(f"{name}: {error}"))
        return opened

    open_page.errors = errors
    return open_page


def shot(page, name: str, selector: str | None = None) -> None:
    """A screenshot to look at, passed or failed: in CRIEE_SHOTS when it is set (nothing otherwise),
    the element `selector` alone when given, else the whole page."""
    folder = os.environ.get("CRIEE_SHOTS")
    if folder:
        target = page.locator(selector) if selector else page
        target.screenshot(path=f"{folder}/{name}.png", **({} if selector else {"full_page": True}))


@pytest.fixture
def page(new_context):
    """A page in a brand-new context: no cookie, no session."""
    return new_context().new_page()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item (`item.rep_call`), so a fixture can tell at teardown
    whether its test failed (new_context then saves screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
