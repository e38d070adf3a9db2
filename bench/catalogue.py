"""Benchmark of the public catalogue: the sale page and a search, with 2 000 lots, against the running app.

    python bench/catalogue.py [--database-url URL] [--lots 2000] [--requests 200] [--warmup 20] [--pdf] [--json]

What it does, all on this machine:
  1. makes a fresh database: a SQLite file in a temporary directory by default, or, with
     --database-url postgresql://..., a new database on that PostgreSQL server (dropped at the end);
  2. migrates and seeds it with the real `criee demo` command (a sale of 40 lots);
  3. adds lots to the demo sale up to --lots (a bulk INSERT through SQLAlchemy, with their search
     text and a photo each, as the app would store them);
  4. starts `criee serve` on a free port and times, one request at a time over a kept-alive
     connection (httpx), --requests GETs of the public sale page and --requests searches (text,
     category and estimate filters, a second results page), after --warmup untimed ones of each;
     with --pdf, also the catalogue PDF: its first request (rendered) and the next (cached).

Times are wall-clock milliseconds per request, as the client sees them. With --json, the last line
of stdout is one JSON object with exactly the keys `lots`, `page_p50_ms`, `page_p99_ms`,
`search_p50_ms`, `search_p99_ms`; progress goes to stderr. Goal: both p50 <= 50 ms.
Everything it starts (server, database, temporary directory) is removed at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the repository root: auction, tests
from tests.live_server import LiveServer, cli_env, drop_database, seed_demo

SALE_ID = 1
KEYS = ("lots", "page_p50_ms", "page_p99_ms", "search_p50_ms", "search_p99_ms")
# What visitors search: words, a lot number, a category with a price range, a later results page.
SEARCHES = (
    {"q": "scie"},
    {"q": "commode louis"},
    {"q": "Réfrigérateur"},
    {"q": "1234"},
    {"categorie": "Mobilier", "min": "300", "max": "800"},
    {"q": "lot", "categorie": "Outillage", "page": "2"},
    {"min": "1000"},
    {"q": "altendorf"},
)


def say(*parts) -> None:
    print("bench:", *parts, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


# --- a fresh database -----------------------------------------------------------------------------

async def _postgres_execute(url: str, statement: str) -> None:
    import asyncpg
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def prepare_database(url: str | None, tmp: Path):
    """The database URL to use and a function that removes it afterwards."""
    from sqlalchemy.engine import make_url

    from auction.config import normalise_database_url
    if not url:
        return f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        if path.exists():
            raise SystemExit(f"bench: {path} exists; give the path of a new SQLite file")
        return url, lambda: [p.unlink(missing_ok=True) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))]
    name = f"criee_bench_{secrets.token_hex(4)}"
    asyncio.run(_postgres_execute(url, f'CREATE DATABASE "{name}"'))
    say(f"database {name} on {make_url(url).render_as_string(hide_password=True)}")

    def drop():
        if drop_database(lambda statement: asyncio.run(_postgres_execute(url, statement)), name):
            say(f"dropped database {name}")
        else:
            say(f"database {name} still in use: left behind, drop it later")
    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


async def add_lots(database_url: str, target: int) -> int:
    """Bulk-insert lots into the demo sale until it has `target`; returns the sale's lot count."""
    from sqlalchemy import func, insert, select

    from auction.db import Database
    from auction.domain.catalogue import lot_search_text
    from auction.models import Lot, LotPhoto
    from auction.services.demo import HOUSEHOLD_LOTS, WORKSHOP_LOTS

    specs = WORKSHOP_LOTS + HOUSEHOLD_LOTS
    db = Database.connect(database_url)
    try:
        async with db.sessions() as session, session.begin():
            count, last_number, last_position = (await session.execute(
                select(func.count(Lot.id), func.max(Lot.number), func.max(Lot.position))
                .where(Lot.sale_id == SALE_ID))).one()
            case_ids = list(await session.scalars(select(Lot.case_id).where(Lot.sale_id == SALE_ID).distinct()))
            rows, photos = [], []
            for i in range(target - count):
                title, description, category, low, high = specs[i % len(specs)]
                number = last_number + 1 + i
                title = f"{title} — ensemble {number}"
                rows.append({
                    "sale_id": SALE_ID, "case_id": case_ids[i % len(case_ids)], "number": number, "number_suffix": "",
                    "position": last_position + 1 + i, "title": title, "description": description,
                    "category": category, "estimate_low_cents": low * 100, "estimate_high_cents": high * 100,
                    "opening_bid_cents": low * 50, "status": "withdrawn" if number % 97 == 0 else "listed",
                    "search_text": lot_search_text(title, description),
                })
                photos.append((number, f"demo/lot-{i % 40 + 1:02d}.jpg", f"Photo du lot {number} : {title}"))
            if rows:
                await session.execute(insert(Lot), rows)
                ids = dict((await session.execute(select(Lot.number, Lot.id).where(
                    Lot.sale_id == SALE_ID, Lot.number > last_number))).all())
                await session.execute(insert(LotPhoto), [
                    {"lot_id": ids[number], "position": 0, "path": path, "alt_text": alt} for number, path, alt in photos])
        async with db.sessions() as session:
            return await session.scalar(select(func.count(Lot.id)).where(Lot.sale_id == SALE_ID))
    finally:
        await db.dispose()


def time_requests(client, paths: list[str], count: int, warmup: int, expect: str | None = None) -> list[float]:
    """Milliseconds per GET, cycling over `paths`; every answer must be a 200 (containing `expect`)."""
    times = []
    for i in range(warmup + count):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or (expect and expect not in response.text):
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")
        if i >= warmup:
            times.append(elapsed)
    return times


def time_pdf(client, path: str) -> tuple[float, float]:
    """Milliseconds of the first catalogue PDF (rendered) and of the next one (from the cache)."""
    say("catalogue PDF: the first request renders it (WeasyPrint), the second is served from the cache")
    times = []
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(path, timeout=600)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"GET {path}: {response.status_code}")
    return times[0], times[1]


def run(args) -> dict:
    import httpx
    with contextlib.ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="criee-bench-catalogue-"))
        cleanup.callback(shutil.rmtree, tmp, True)
        data_dir = tmp / "data"
        data_dir.mkdir()
        database_url, drop = prepare_database(args.database_url, tmp)
        cleanup.callback(drop)
        env = cli_env(database_url, data_dir, CRIEE_LOG_LEVEL="WARNING", CRIEE_SECRET_KEY=secrets.token_urlsafe(48))
        say("migrating and seeding the demo (criee demo)")
        seed_demo(env, timeout=300)
        lots = asyncio.run(add_lots(database_url, args.lots))
        say(f"the demo sale has {lots} lots")
        server = LiveServer(env, data_dir / "server.log")
        cleanup.callback(server.stop)
        server.start(timeout=60)
        say(f"criee serve on port {server.port}; {args.requests} requests of each kind after {args.warmup} warm-up")
        base = f"/ventes/{SALE_ID}"
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            page = time_requests(client, [base], args.requests, args.warmup, expect=f"sur {lots}")
            searches = [f"{base}?{urlencode(params)}" for params in SEARCHES]
            search = time_requests(client, searches, args.requests, args.warmup)
            pdf = time_pdf(client, f"{base}/catalogue.pdf") if args.pdf else None
        return {
            "lots": lots,
            "page_p50_ms": round(percentile(page, 50), 2), "page_p99_ms": round(percentile(page, 99), 2),
            "search_p50_ms": round(percentile(search, 50), 2), "search_p99_ms": round(percentile(search, 99), 2),
            "backend": "postgresql" if database_url.startswith("postgresql") else "sqlite",
            "requests": args.requests, "pdf": pdf,
        }


def print_table(result: dict) -> None:
    print(f"Public catalogue, {result['lots']} lots, {result['backend']}, {result['requests']} requests each")
    print(f"{'':<26}{'p50 (ms)':>10}{'p99 (ms)':>10}")
    print(f"{'sale page (page 1)':<26}{result['page_p50_ms']:>10.2f}{result['page_p99_ms']:>10.2f}")
    print(f"{'search (filters, pages)':<26}{result['search_p50_ms']:>10.2f}{result['search_p99_ms']:>10.2f}")
    if result["pdf"]:
        first, cached = result["pdf"]
        print(f"{'catalogue PDF, rendered':<26}{first:>10.0f}")
        print(f"{'catalogue PDF, cached':<26}{cached:>10.2f}")
    verdict = "met" if max(result["page_p50_ms"], result["search_p50_ms"]) <= 50 else "NOT met"
    print(f"goal p50 <= 50 ms: {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a new SQLite file, or a PostgreSQL server to make a fresh "
                                               "bench database on (default: SQLite in a temporary directory)")
    parser.add_argument("--lots", type=int, default=2000, help="lots in the sale (default 2000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each kind (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests of each kind first (default 20)")
    parser.add_argument("--pdf", action="store_true", help="also time the catalogue PDF, rendered then cached")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args(argv)
    if args.lots < 40 or args.requests < 1 or args.warmup < 0:
        parser.error("--lots must be at least 40 (the demo's), --requests at least 1")
    result = run(args)
    print_table(result)
    if args.json:
        print(json.dumps({key: result[key] for key in KEYS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
