"""Benchmark of the online bid's rate limits: what the check before each bid costs, per store.

    python bench/rate_limits.py --database-url postgresql://… [--checks 2000] [--warmup 200] [--json]

Makes a fresh PostgreSQL database on the server given and migrates it, then times, one at a time:
`SELECT 1` on one asyncpg connection (the round-trip floor, to compare ratios within one run); the
bid's check (`BidLimits.check`: its paddle's bucket then its address's, one statement) on the
limits' own connections with `synchronous_commit = off`, as the server runs it, and with it on;
and the same check in memory (SQLite's store). The clock advances one second per check over 50
paddles and 10 addresses, so that every check is granted and updates its rows (the common case).
Times are wall-clock milliseconds per check. With --json, the last line of stdout is one JSON object
with `<store>_p50_ms` and `<store>_p99_ms` for the stores `select1`, `shared_off`, `shared_on`, `memory`.
The database is dropped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the repository root
from bench.catalogue import percentile, prepare_database, say  # noqa: E402

STORES = ("select1", "shared_off", "shared_on", "memory")


async def time_checks(store, checks: int, warmup: int, name: str) -> list[float]:
    from auction.web.ratelimit import BidLimits
    now = [1_780_000_000.0]
    limits = BidLimits(store, name.encode(), clock=lambda: now[0])     # each run its own keys
    times = []
    for i in range(warmup + checks):
        now[0] += 1.0
        started = time.perf_counter()
        refused = await limits.check(1, i % 50, f"192.0.2.{i % 10}")
        elapsed = (time.perf_counter() - started) * 1000
        assert refused is None, refused
        if i >= warmup:
            times.append(elapsed)
    await store.close()
    return times


async def run(url: str, checks: int, warmup: int) -> dict:
    import asyncpg

    from auction.services.rate_limits import MemoryStore, PoolExecutor, PostgresStore
    from auction.services.relay_notices import listener_dsn
    dsn = listener_dsn(url)
    connection = await asyncpg.connect(dsn)
    floor = []
    for i in range(warmup + checks):
        started = time.perf_counter()
        await connection.fetchval("SELECT 1")
        if i >= warmup:
            floor.append((time.perf_counter() - started) * 1000)
    await connection.close()
    results = {"select1": floor,
               "shared_off": await time_checks(PostgresStore(PoolExecutor(dsn)), checks, warmup, "off"),
               "shared_on": await time_checks(PostgresStore(PoolExecutor(dsn, synchronous_commit="on")), checks, warmup, "on"),
               "memory": await time_checks(MemoryStore(), checks, warmup, "memory")}
    out = {}
    for name in STORES:
        out[f"{name}_p50_ms"] = round(percentile(results[name], 50), 3)
        out[f"{name}_p99_ms"] = round(percentile(results[name], 99), 3)
        say(f"{name:>10}: p50 {out[f'{name}_p50_ms']:.3f} ms, p99 {out[f'{name}_p99_ms']:.3f} ms")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server (a new database is made on it)")
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench: the shared limits are PostgreSQL's; give a PostgreSQL URL")
    from auction.migrations import upgrade
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = prepare_database(args.database_url, Path(tmp))
        try:
            upgrade(url)
            result = asyncio.run(run(url, args.checks, args.warmup))
        finally:
            drop()
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
