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
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CRIEE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these, Chromium keeps calling home, which floods a closed network with failed lookups.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT = 20.0   # seconds for `criee serve` to answer /sante
SEED_TIMEOUT = 180       # seconds for `criee demo` (real Argon2 hashes, 40 generated photos)
STOP_TIMEOUT = 10.0      # seconds between SIGTERM and SIGKILL


def criee_command() -> list[str]:
    """The `criee` script of the running interpreter's environment (never a hard-coded path)."""
    script = Path(sys.executable).parent / "criee"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "auction.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The test runner's environment without any Criée setting of its own, plus the server's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRIEE_", "DATABASE_URL"))}
    env.update({
        "DATABASE_URL": database_url,
        "CRIEE_DATA_DIR": str(data_dir),
        "CRIEE_ENV": "development",
        "CRIEE_SECRET_KEY": secrets.token_urlsafe(48),
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str]  # the server's environment (database, data dir, secret key), to restart it

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _get_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def live_server(database_factory, tmp_path_factory) -> Iterator[LiveServer]:
    """`criee demo` then `criee serve` on a fresh database of the current backend."""
    database_url = database_factory.create()
    work = tmp_path_factory.mktemp(f"live-{database_factory.backend}")
    data_dir = work / "data"
    env = server_env(database_url, data_dir)

    seeded = subprocess.run([*criee_command(), "demo"], env=env, capture_output=True, text=True,
                            timeout=SEED_TIMEOUT)
    if seeded.returncode != 0:
        pytest.fail(f"`criee demo` failed (exit {seeded.returncode}):\n{seeded.stderr}\n{seeded.stdout}")

    port = free_port()
    log_path = work / "server.log"
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen([*criee_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LiveServer(base_url=f"http://127.0.0.1:{port}", database_url=database_url, data_dir=data_dir,
                        process=process, log_path=log_path, env=env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"`criee serve` exited with status {process.returncode}:\n{server.log()}")
            if _get_status(f"{server.base_url}/sante") == 200:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"`criee serve` did not answer /sante within {STARTUP_TIMEOUT:.0f} s:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        _stop(process)  # only the process started here: a test that restarts the server stops its own


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


@pytest.fixture
def new_context(browser, live_server):
    """Opens fresh browser contexts (French locale, the live server as base URL); closes them after the test."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    contexts = []

    def _new_context(**options):
        options.setdefault("locale", "fr-FR")
        options.setdefault("timezone_id", "Europe/Paris")
        context = browser.new_context(base_url=live_server.base_url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a brand-new context: no cookie, no session."""
    return new_context().new_page()
