"""What a run of bench/live.py stands on: its constants and helpers, a fresh database with the online
bidders seeded, and what it reads of the servers under test (memory, CPU, a py-spy profile).
"""
from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.live_server import drop_database

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://criee:criee@127.0.0.1:5432/criee"
OFFICER_EMAIL, OFFICER_PASSWORD = "officier@etude-demo.fr", "demo-officier"
SALE_ID = 1
PADDLES = (1, 2, 3)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def say(*parts) -> None:
    print("bench:", *parts, file=sys.stderr, flush=True)


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else 1 << 20
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


# --- a fresh database for the run, and the online bidders ---------------------------------------

def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _postgres_execute(url: str, statement: str) -> None:
    import asyncpg
    conn = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def prepare_database(url: str | None, tmp: Path):
    """The database URL to use and a function that removes it afterwards."""
    from sqlalchemy.engine import make_url

    from auction.config import normalise_database_url
    if url in (None, ""):
        url = DEFAULT_POSTGRES_URL
        try:
            asyncio.run(_postgres_execute(url, "SELECT 1"))
        except Exception:  # noqa: BLE001 - start it the way `make test` does
            say("PostgreSQL not answering: running scripts/ensure-postgres.sh")
            subprocess.run([str(ROOT / "scripts" / "ensure-postgres.sh")], check=True, timeout=300)
    if url == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        return url, lambda: None
    name = f"criee_bench_{secrets.token_hex(4)}"
    asyncio.run(_postgres_execute(url, f'CREATE DATABASE "{name}"'))
    bench_url = make_url(url).set(database=name).render_as_string(hide_password=False)

    def drop():
        if drop_database(lambda statement: asyncio.run(_postgres_execute(url, statement)), name):
            say(f"dropped database {name}")
        else:
            say(f"database {name} still in use: left behind, drop it later")
    say(f"database {name} on {make_url(url).render_as_string(hide_password=True)}")
    return bench_url, drop


ONLINE_PADDLE_BASE = 600


async def seed_online_bidders(database_url: str, count: int) -> list[tuple[int, str]]:
    """`count` verified online bidders of the sale (paddles 601, 602, ...), each with a bidder account
    and an open session, as registration, the clerk's verification and a login leave them:
    (paddle, session cookie token). Straight to the database: `count` logins would cost the server
    one Argon2 verify each."""
    from datetime import date, timedelta

    from argon2 import PasswordHasher

    from auction.db import Database
    from auction.models import Bidder, Registration, User, utcnow
    from auction.services.accounts import open_session

    db = Database.connect(database_url)
    now = utcnow()
    password_hash = PasswordHasher().hash(secrets.token_urlsafe(16))   # nobody logs in with it
    seeded = []
    try:
        async with db.sessions() as session, session.begin():
            for index in range(count):
                paddle = ONLINE_PADDLE_BASE + 1 + index
                user = User(email=f"banc-{paddle}@exemple.fr", full_name=f"Banc d'essai {paddle}", role="bidder",
                            password_hash=password_hash)
                session.add(user)
                await session.flush()
                bidder = Bidder(first_name="Banc", last_name=f"Essai {paddle}", birth_date=date(1980, 1, 1),
                                email=user.email, address="1 rue du Banc", postcode="69001", city="Lyon",
                                user_id=user.id, email_confirmed_at=now)
                session.add(bidder)
                await session.flush()
                session.add(Registration(
                    sale_id=SALE_ID, bidder_id=bidder.id, channel="online", registered_via="web", paddle_number=paddle,
                    verified_at=now, conditions_accepted_at=now, document_type="id_card",
                    document_number=f"BANC{paddle}", document_expires_on=date.today() + timedelta(days=1000),
                    document_country="FR", document_seen=True, document_first_names="Banc",
                    document_last_name=f"ESSAI {paddle}", solvency_kind="deposit", solvency_amount_cents=300_00,
                    solvency_method="transfer", solvency_reference=f"VIR-BANC-{paddle}"))
                seeded.append((paddle, await open_session(session, user.id, now)))
    finally:
        await db.dispose()
    return seeded


# --- the servers under test: the room loaded, their memory and CPU, a profiler --------------------

async def load_room(ports: list[int]) -> None:
    """One display on each server, come and gone: the room is loaded before memory is measured."""
    from websockets.asyncio.client import connect
    for port in ports:
        async with connect(f"ws://127.0.0.1:{port}/ws/salle/{SALE_ID}", open_timeout=30) as ws:
            await ws.send('{"type":"hello","last_seq":0}')
            await asyncio.wait_for(ws.recv(), 30)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds(pid: int, system_only: bool = False) -> float:
    """User + system (or system only: the kernel's share, sockets) CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return ((0 if system_only else int(fields[11])) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_profiler(path: str, pid: int) -> subprocess.Popen:
    """py-spy (if installed) samples the server during the bids: .txt gives collapsed stacks,
    .json a speedscope profile, anything else a flame graph (SVG)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        raise SystemExit("bench: --profile needs py-spy (pip install py-spy)")
    fmt = {".txt": "raw", ".json": "speedscope"}.get(Path(path).suffix, "flamegraph")
    process = subprocess.Popen([spy, "record", "--pid", str(pid), "--output", path, "--format", fmt,
                                "--rate", "250"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(1)
    return process


def stop_profiler(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
