"""Benchmark of a held sale's documents: the sale record's PDF of a sale of N lots, and every buyer's
invoice (bordereau) of the same sale, with a room display's ping round trip on the same server while
they render.

    python bench/documents.py [--database-url URL] [--lots 2000] [--buyers 400] [--ping-ms 20] [--json]

What it does, all on this machine:
  1. makes a fresh database (a SQLite file in a temporary directory by default, or a new database on
     the PostgreSQL server given by --database-url, dropped at the end), migrates and seeds it with
     `criee demo`, and adds lots to the demo sale up to --lots (as bench/catalogue.py does);
  2. registers and verifies buyers up to --buyers paddles in the sale (one in ten a company with a
     SIREN, whose invoice is a Factur-X one);
  3. holds the sale: the room's own rules (auction/domain/room.py decide/apply, the officer and the
     clerk as actors) make the log of a sale where every lot is opened, bid on by the demo's
     verified paddles at the next minimum, called three times and hammered — every tenth passed,
     one in fifty withdrawn on the block, an announcement every hundred lots —, the session closed
     and the sale closed; its events are inserted in one transaction (going through `criee serve`
     command by command would only time the commits), and every buyer's invoice is issued with the
     real invoices service (auction/services/invoices.py);
  4. starts `criee serve`, connects a room display to /ws/salle/1 and sends it a ping every
     --ping-ms, logs in as the officer and GETs /bureau/ventes/1/proces-verbal.pdf twice: the first
     also starts the documents' worker process, the second is the rendering alone. `record_pdf_s`
     is the second one; the ping round trips are those sent while either request was in flight;
  5. GETs the sale's invoices export, /bureau/ventes/1/factures/export.zip (every invoice as a PDF,
     Factur-X for the companies, rendered in worker processes, and invoices.csv), once:
     `invoices_pdf_s` is that request, worker processes' start included, and
     `ping_p99_ms_during_invoices` the display's pings meanwhile.

With --json, the last line of stdout is one JSON object with exactly the keys `lots`,
`record_pdf_s`, `ping_p99_ms_during_render`, `buyers`, `invoices`, `invoices_pdf_s`,
`ping_p99_ms_during_invoices`; progress goes to stderr. Goals: the record at most 5 s for 2 000 lots
and a ping p99 of at most 50 ms during the rendering (issue 11); the invoices of a 2 000-lot sale
with 400 buyers at most 30 s, off the event loop (issue 12). Everything it starts (server,
database, temporary directory) is removed at the end.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # the repository root: auction, bench, tests
from bench.catalogue import add_lots, percentile, prepare_database, say
from tests.live_server import LiveServer, cli_env, seed_demo

SALE_ID = 1
KEYS = ("lots", "record_pdf_s", "ping_p99_ms_during_render", "buyers", "invoices", "invoices_pdf_s",
        "ping_p99_ms_during_invoices")
OFFICER_EMAIL, OFFICER_PASSWORD = "officier@etude-demo.fr", "demo-officier"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


async def hold_sale(database_url: str, lots_wanted: int) -> tuple[int, int]:
    """Write the log of the held sale (the first `lots_wanted` lots offered); (lots offered, events)."""
    from datetime import timedelta

    from sqlalchemy import insert, select, update

    from auction.db import Database
    from auction.domain.bidlog import chain
    from auction.domain.roles import Role
    from auction.domain.room import Actor, RoomState, apply, decide
    from auction.models import Sale, SaleEvent, User, utcnow
    from auction.services.room_loaders import load_setup

    db = Database.connect(database_url)
    try:
        async with db.sessions() as session:
            officer = await session.scalar(select(User).where(User.role == "officer"))
            clerk = await session.scalar(select(User).where(User.role == "clerk"))
        setup = await load_setup(db.sessions, SALE_ID)
        state, events = RoomState(SALE_ID), []
        officer, clerk = Actor(officer.id, Role.OFFICER), Actor(clerk.id, Role.CLERK)
        start = utcnow() - timedelta(days=1)
        paddles = sorted(setup.paddles)

        def do(command: str, actor: Actor = clerk, **args) -> None:
            kind, payload = decide(state, setup, command, args, actor)
            event = chain(SALE_ID, state.seq + 1, kind, payload, start + timedelta(seconds=2 * state.seq),
                          actor.user_id, state.last_hash)
            apply(state, event)
            events.append(event)

        do("open_sale")
        offered = 0
        for index, lot in enumerate(lot for lot in setup.lots.values() if not lot.withdrawn):
            if offered >= lots_wanted:
                break
            offered += 1
            do("open_lot", officer, lot_id=lot.id,
               **({"override_stop_rule": True, "reason": "Accord des créanciers"}
                  if state.case_covered(setup, lot.case_id) else {}))
            if index % 100 == 50:
                do("announce", text=f"Le lot {lot.label} est vendu en l'état, sans garantie.")
            if index % 10 == 9:
                do("pass_lot")
                continue
            for turn in range(1 + index % 3):
                do("bid", paddle=paddles[(index + turn) % len(paddles)], amount_cents=state.next_minimum(setup))
            if index % 50 == 25:
                do("withdraw_lot", officer, reason="Revendication d'un tiers")
                continue
            for _ in range(3):
                do("call")
            do("hammer")
        do("close_session", officer)
        do("close_sale", officer)
        async with db.sessions() as session, session.begin():
            await session.execute(insert(SaleEvent), [
                {"sale_id": e.sale_id, "seq": e.seq, "kind": e.kind, "payload": e.payload, "at": e.at,
                 "user_id": e.user_id, "command_id": None, "prev_hash": e.prev_hash, "hash": e.hash}
                for e in events])
            await session.execute(update(Sale).where(Sale.id == SALE_ID).values(status="closed"))
        return offered, len(events)
    finally:
        await db.dispose()


async def add_buyers(database_url: str, wanted: int) -> int:
    """Verified room registrations until the sale has `wanted` paddles; every tenth added is a
    company (a valid SIREN). Returns the sale's paddle count."""
    from sqlalchemy import func, insert, select
    from stdnum import luhn

    from auction.db import Database
    from auction.models import Bidder, Registration, User, utcnow

    db = Database.connect(database_url)
    try:
        async with db.sessions() as session, session.begin():
            clerk = await session.scalar(select(User.id).where(User.role == "clerk"))
            taken = set(await session.scalars(select(Registration.paddle_number).where(
                Registration.sale_id == SALE_ID, Registration.paddle_number.is_not(None))))
            now = utcnow()
            free = (n for n in range(1, 500) if n not in taken)
            for index in range(max(0, wanted - len(taken))):
                paddle = next(free)
                company = index % 10 == 0
                siren = f"{7_000_000 + paddle:08d}"
                siren += luhn.calc_check_digit(siren)
                bidder = await session.scalar(insert(Bidder).returning(Bidder.id).values(
                    first_name=f"Acheteur{paddle}", last_name=f"BANC{paddle}", email=f"acheteur{paddle}@exemple.fr",
                    address=f"{paddle} rue des Enchères", postcode="69002", city="Lyon",
                    buyer_type="company" if company else "person",
                    company_name=f"Ateliers {paddle} SARL" if company else "", company_number=siren if company else "",
                    search_name=f"banc{paddle} acheteur{paddle}"))
                await session.execute(insert(Registration).values(
                    sale_id=SALE_ID, bidder_id=bidder, channel="room", paddle_number=paddle, verified_at=now,
                    verified_by_id=clerk, conditions_accepted_at=now, document_seen=True))
        async with db.sessions() as session:
            return await session.scalar(select(func.count(Registration.id)).where(
                Registration.sale_id == SALE_ID, Registration.paddle_number.is_not(None),
                Registration.verified_at.is_not(None)))
    finally:
        await db.dispose()


async def issue_invoices(database_url: str) -> int:
    """Every buyer's invoice, by the real service (numbered in the office's series)."""
    from sqlalchemy import select

    from auction.db import Database
    from auction.models import User, utcnow
    from auction.services import invoices

    db = Database.connect(database_url)
    try:
        async with db.sessions() as session:
            clerk = await session.scalar(select(User.id).where(User.role == "clerk"))
        return len(await invoices.issue_invoices(db.sessions, SALE_ID, user_id=clerk, now=utcnow()))
    finally:
        await db.dispose()


def log_in(client) -> None:
    page = client.get("/connexion")
    token = CSRF_INPUT.search(page.text).group(1)
    answer = client.post("/connexion", data={"email": OFFICER_EMAIL, "password": OFFICER_PASSWORD,
                                             "csrf_token": token})
    if answer.status_code != 303:
        raise RuntimeError(f"login failed: {answer.status_code}")


async def measure(server: LiveServer, cookies: dict, ping_every: float) -> dict:
    """Seconds of the second record PDF and of the invoices export, and the display's ping round
    trips (ms) during the record's two requests and during the export."""
    import httpx
    import websockets

    pings: list[float] = []
    rendering = asyncio.Event()
    done = asyncio.Event()

    async with websockets.connect(server.ws_url(f"/ws/salle/{SALE_ID}"), max_size=None,
                                  origin=server.base_url) as display:
        await display.send(json.dumps({"type": "hello", "last_seq": None}))
        snapshot = json.loads(await display.recv())
        if snapshot.get("type") != "snapshot":
            raise RuntimeError(f"the display got {snapshot.get('type')} first")

        async def ping_loop() -> None:
            while not done.is_set():
                sent = time.perf_counter()
                await display.send('{"type":"ping"}')
                while json.loads(await display.recv()).get("type") != "pong":
                    pass
                if rendering.is_set():
                    pings.append((time.perf_counter() - sent) * 1000)
                await asyncio.sleep(ping_every)

        pinger = asyncio.create_task(ping_loop())
        times = []
        async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies, timeout=900) as client:
            rendering.set()
            for attempt in range(2):
                started = time.perf_counter()
                answer = await client.get(f"/bureau/ventes/{SALE_ID}/proces-verbal.pdf")
                times.append(time.perf_counter() - started)
                if answer.status_code != 200 or not answer.content.startswith(b"%PDF"):
                    raise RuntimeError(f"record PDF: {answer.status_code} {answer.text[:200]}")
                say(f"record PDF {'cold (worker started)' if attempt == 0 else 'warm'}: {times[-1]:.2f} s, "
                    f"{len(answer.content) // 1024} KiB")
            record_pings, pings[:] = list(pings), []
            started = time.perf_counter()
            answer = await client.get(f"/bureau/ventes/{SALE_ID}/factures/export.zip")
            invoices_s = time.perf_counter() - started
            rendering.clear()
            if answer.status_code != 200:
                raise RuntimeError(f"invoices export: {answer.status_code} {answer.text[:200]}")
        done.set()
        await pinger
    documents = check_export(answer.content)
    say(f"invoices export: {documents['pdf']} PDFs ({documents['facturx']} Factur-X), {invoices_s:.2f} s, "
        f"{len(answer.content) // 1024} KiB")
    return {"record_s": times[1], "record_pings": record_pings, "invoices_s": invoices_s, "invoice_pings": pings,
            "invoices": documents["pdf"]}


def check_export(content: bytes) -> dict:
    """The export zip holds a PDF per invoice and the CSV naming each of them."""
    import csv
    import io
    import zipfile
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = [name for name in archive.namelist() if name.endswith(".pdf")]
    rows = list(csv.DictReader(io.StringIO(archive.read("invoices.csv").decode())))
    if len(rows) != len(names) or not all(archive.read(name).startswith(b"%PDF") for name in names):
        raise RuntimeError(f"invoices export: {len(names)} PDFs, {len(rows)} CSV rows")
    facturx = sum(1 for row in rows if row["siren"])
    return {"pdf": len(names), "facturx": facturx}


def run(args) -> dict:
    import httpx
    with contextlib.ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="criee-bench-documents-"))
        cleanup.callback(shutil.rmtree, tmp, True)
        data_dir = tmp / "data"
        data_dir.mkdir()
        database_url, drop = prepare_database(args.database_url, tmp)
        cleanup.callback(drop)
        env = cli_env(database_url, data_dir, CRIEE_LOG_LEVEL="WARNING", CRIEE_SECRET_KEY=secrets.token_urlsafe(48))
        say("migrating and seeding the demo (criee demo)")
        seed_demo(env, timeout=300)
        if args.lots > 40:
            asyncio.run(add_lots(database_url, args.lots))
        buyers = asyncio.run(add_buyers(database_url, args.buyers))
        offered, count = asyncio.run(hold_sale(database_url, args.lots))
        say(f"held sale: {offered} lots offered, {count} events in the log, {buyers} verified paddles")
        issued = asyncio.run(issue_invoices(database_url))
        say(f"{issued} invoices issued")
        server = LiveServer(env, data_dir / "server.log")
        cleanup.callback(server.stop)
        server.start(timeout=60)
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            log_in(client)
            cookies = dict(client.cookies)
        found = asyncio.run(measure(server, cookies, args.ping_ms / 1000))
        pings, invoice_pings = found["record_pings"], found["invoice_pings"]
        say(f"{len(pings)} pings during the record's renderings, p50 {percentile(pings, 50):.1f} ms, "
            f"max {max(pings) if pings else float('nan'):.1f} ms; {len(invoice_pings)} during the invoices, "
            f"p50 {percentile(invoice_pings, 50):.1f} ms, max {max(invoice_pings) if invoice_pings else float('nan'):.1f} ms")
        return {"lots": offered, "record_pdf_s": round(found["record_s"], 3),
                "ping_p99_ms_during_render": round(percentile(pings, 99), 2), "pings": len(pings),
                "buyers": issued, "invoices": found["invoices"],
                "invoices_pdf_s": round(found["invoices_s"], 3),
                "ping_p99_ms_during_invoices": round(percentile(invoice_pings, 99), 2),
                "invoice_pings": len(invoice_pings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a new SQLite file, or a PostgreSQL server to make a fresh "
                                               "bench database on (default: SQLite in a temporary directory)")
    parser.add_argument("--lots", type=int, default=2000, help="lots offered in the held sale (default 2000)")
    parser.add_argument("--buyers", type=int, default=400, help="verified paddles in the sale, the buyers "
                                                                "(default 400)")
    parser.add_argument("--ping-ms", type=float, default=20, help="pause between a pong and the next ping (ms)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args(argv)
    if args.lots < 1 or args.ping_ms <= 0 or not 4 <= args.buyers <= 499:
        parser.error("--lots must be at least 1, --ping-ms positive and --buyers from 4 (the demo's) to 499")
    result = run(args)
    print(f"Sale record of a held sale of {result['lots']} lots")
    print(f"record PDF (warm worker): {result['record_pdf_s']:.2f} s (goal <= 5 s)")
    print(f"display ping p99 during the rendering: {result['ping_p99_ms_during_render']:.1f} ms "
          f"over {result['pings']} pings (goal <= 50 ms)")
    print(f"invoices of its {result['buyers']} buyers: {result['invoices']} PDFs in {result['invoices_pdf_s']:.2f} s "
          f"(goal <= 30 s for 2 000 lots and 400 buyers); display ping p99 meanwhile "
          f"{result['ping_p99_ms_during_invoices']:.1f} ms over {result['invoice_pings']} pings")
    if args.json:
        print(json.dumps({key: result[key] for key in KEYS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
