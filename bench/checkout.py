"""Benchmark of the quick checkout: the cashier's page of a buyer with many lots, against the running app.

    python bench/checkout.py [--database-url URL] [--lots 2000] [--buyer-lots 200] [--requests 200] [--warmup 20] [--json]

What it does, all on this machine:
  1. makes a fresh database (SQLite in a temporary directory, or a new database on the PostgreSQL
     server given), migrates and seeds it with the real `criee demo` command;
  2. adds lots to the demo sale up to --lots (as bench/catalogue.py does);
  3. writes the sale's bid log as the room would (hash-chained events: the sale opened, then each lot
     opened, bid, three calls and knocked down): --buyer-lots lots to paddle 2, the others to the other
     paddles; issues every buyer's invoice with the real invoices service; records a few payments of
     paddle 2 (cash, card, a cheque waiting to clear) with the real payments service;
  4. starts `criee serve`, logs in as the demo clerk and times --requests GETs of paddle 2's page
     `/bureau/ventes/1/caisse/2` (after --warmup untimed ones), one at a time over one connection.

Times are wall-clock milliseconds per request, as the client sees them. With --json, the last line of
stdout is one JSON object with the keys `lots`, `buyer_lots`, `checkout_p50_ms`, `checkout_p99_ms`.
Goal: `checkout_p50_ms` <= 50 ms. Everything it starts is removed at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import secrets
import shutil
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the repository root: auction, tests, bench
from bench.catalogue import SALE_ID, add_lots, percentile, prepare_database, say, time_requests  # noqa: E402
from tests.live_server import LiveServer, cli_env, seed_demo  # noqa: E402

BUYER = 2
KEYS = ("lots", "buyer_lots", "checkout_p50_ms", "checkout_p99_ms")


async def sell_and_invoice(database_url: str, buyer_lots: int) -> int:
    """The bid log of the whole sale (every listed lot knocked down), every invoice, a few payments."""
    from sqlalchemy import insert, select

    from auction.db import Database
    from auction.domain.bidlog import GENESIS_HASH, chain
    from auction.domain.payments import PaymentForm
    from auction.models import Lot, Registration, Sale, SaleEvent, User
    from auction.services import invoices, payments

    db = Database.connect(database_url)
    try:
        async with db.sessions() as session:
            sale = await session.get(Sale, SALE_ID)
            clerk = await session.scalar(select(User).where(User.role == "clerk"))
            paddles = dict((await session.execute(select(Registration.paddle_number, Registration.id).where(
                Registration.sale_id == SALE_ID, Registration.paddle_number.is_not(None)))).all())
            lots = (await session.execute(select(Lot.id, Lot.opening_bid_cents).where(
                Lot.sale_id == SALE_ID, Lot.status == "listed").order_by(Lot.position))).all()
        others = [p for p in sorted(paddles) if p != BUYER]
        at = sale.starts_at
        rows, prev, seq = [], GENESIS_HASH, 0

        def add(kind: str, payload: dict) -> None:
            nonlocal prev, seq, at
            seq += 1
            at += timedelta(seconds=1)
            event = chain(SALE_ID, seq, kind, payload, at, clerk.id, prev)
            rows.append({"sale_id": SALE_ID, "seq": seq, "kind": kind, "payload": payload, "at": at,
                         "user_id": clerk.id, "command_id": uuid.uuid4().hex, "prev_hash": event.prev_hash,
                         "hash": event.hash})
            prev = event.hash
        add("sale_opened", {})
        for i, (lot_id, opening) in enumerate(lots):
            paddle = BUYER if i < buyer_lots else others[i % len(others)]
            amount = max(opening, 10_00) + 10_00 * (i % 7)
            add("lot_opened", {"lot_id": lot_id})
            add("bid", {"lot_id": lot_id, "paddle": paddle, "amount_cents": amount, "source": "room"})
            for number in (1, 2, 3):
                add("call", {"lot_id": lot_id, "number": number})
            add("hammer", {"lot_id": lot_id, "paddle": paddle, "amount_cents": amount,
                           "registration_id": paddles[paddle]})
        add("sale_closed", {})
        async with db.sessions() as session, session.begin():
            for start in range(0, len(rows), 1000):
                await session.execute(insert(SaleEvent), rows[start:start + 1000])
            sale.status = "closed"
            await session.merge(sale)
        now = at + timedelta(minutes=5)
        issued = await invoices.issue_invoices(db.sessions, SALE_ID, user_id=clerk.id, now=now)
        say(f"{len(lots)} lots knocked down, {len(issued)} invoices issued")
        for means, amount, extra in (("cash", 900_00, {}), ("card", 2_000_00, {"reference": "TPE 0042"}),
                                     ("cheque", 1_500_00, {"bank": "LCL", "cheque_number": "0087311"})):
            await payments.record_payment(db.sessions, SALE_ID, BUYER, PaymentForm(means, amount, **extra),
                                          user_id=clerk.id, now=now, command_id=uuid.uuid4().hex)
        return min(buyer_lots, len(lots))
    finally:
        await db.dispose()


def log_in(client) -> None:
    from auction.domain.roles import Role
    from auction.services.demo import DEMO_LOGINS
    clerk = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
    form = client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = client.post("/connexion", data={"email": clerk.email, "password": clerk.password, "csrf_token": token})
    if answer.status_code != 303:
        raise RuntimeError(f"login: {answer.status_code}")


def run(args) -> dict:
    import httpx
    with contextlib.ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="criee-bench-checkout-"))
        cleanup.callback(shutil.rmtree, tmp, True)
        data_dir = tmp / "data"
        data_dir.mkdir()
        database_url, drop = prepare_database(args.database_url, tmp)
        cleanup.callback(drop)
        env = cli_env(database_url, data_dir, CRIEE_LOG_LEVEL="WARNING", CRIEE_SECRET_KEY=secrets.token_urlsafe(48))
        say("migrating and seeding the demo (criee demo)")
        seed_demo(env, timeout=300)
        lots = asyncio.run(add_lots(database_url, args.lots))
        buyer_lots = asyncio.run(sell_and_invoice(database_url, args.buyer_lots))
        server = LiveServer(env, data_dir / "server.log")
        cleanup.callback(server.stop)
        server.start(timeout=60)
        say(f"criee serve on port {server.port}; {args.requests} requests after {args.warmup} warm-up")
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            log_in(client)
            times = time_requests(client, [f"/bureau/ventes/{SALE_ID}/caisse/{BUYER}"], args.requests, args.warmup,
                                  expect=f"{buyer_lots} lots")
        return {"lots": lots, "buyer_lots": buyer_lots,
                "checkout_p50_ms": round(percentile(times, 50), 2), "checkout_p99_ms": round(percentile(times, 99), 2),
                "backend": "postgresql" if database_url.startswith("postgresql") else "sqlite",
                "requests": args.requests}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a new SQLite file, or a PostgreSQL server to make a fresh "
                                               "bench database on (default: SQLite in a temporary directory)")
    parser.add_argument("--lots", type=int, default=2000, help="lots in the sale (default 2000)")
    parser.add_argument("--buyer-lots", type=int, default=200, help="lots won by the buyer timed (default 200)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args(argv)
    if args.lots < 40 or args.buyer_lots < 1 or args.requests < 1 or args.warmup < 0:
        parser.error("--lots at least 40 (the demo's), --buyer-lots and --requests at least 1")
    result = run(args)
    print(f"Quick checkout, {result['lots']} lots, a buyer of {result['buyer_lots']}, {result['backend']}, "
          f"{result['requests']} requests")
    print(f"checkout page p50 {result['checkout_p50_ms']:.2f} ms, p99 {result['checkout_p99_ms']:.2f} ms; "
          f"goal p50 <= 50 ms: {'met' if result['checkout_p50_ms'] <= 50 else 'NOT met'}")
    if args.json:
        print(json.dumps({key: result[key] for key in KEYS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
