"""Several server processes on one PostgreSQL database (auction.services.relay), as real processes.

Every viewer sees every event in order whichever process it is connected to; racing commands on two
processes still give one winner per step; a process that missed notifications (its listener killed,
or an append nobody announced) catches up from the log. PostgreSQL only: SQLite is single-process.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from auction.db import Database, make_engine
from auction.domain.bidlog import chain
from auction.models import SaleEvent, User, utcnow
from tests.live_server import LiveServer, cli_env, seed_demo

from .harness import (CSRF_INPUT, SALE_ID, RoomClient, challenger, connect_clerks, connect_display, drive_bids,
                      ensure_lot_open, log_in, relay_backends, stored_events, terminate_backend)

PUBLIC_HIDDEN = ("registration_id", "reason")
OFFICER_EMAIL, OFFICER_PASSWORD = "officier@etude-demo.fr", "demo-officier"


@pytest.fixture(scope="module")
def servers(backend, database_factory, tmp_path_factory):
    """Two `criee serve` processes on the same database and data directory (as two hosts would be)."""
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL (SQLite mode is single-process)")
    data_dir = tmp_path_factory.mktemp("processes")
    env = cli_env(database_factory.create(), data_dir)
    seed_demo(env)
    started = []
    try:
        for name in ("a", "b"):
            started.append(LiveServer(env, data_dir / f"server-{name}.log").start())
        yield started
    finally:
        for server in started:
            server.stop()


async def wait_listening(url: str, count: int, timeout: float = 15) -> dict[int, int]:
    """Server process pid -> relay backend pid, once `count` processes listen."""
    deadline = time.monotonic() + timeout
    while len(listeners := await relay_backends(url)) < count:
        assert time.monotonic() < deadline, f"{len(listeners)} relay listeners, expected {count}"
        await asyncio.sleep(0.05)
    return listeners


def log_records(server: LiveServer, message: str, start: int = 0) -> list[dict]:
    records = []
    for line in server.logs()[start:].splitlines():
        if message in line and line.startswith("{"):
            records.append(json.loads(line))
    return records


async def check_screens_match_the_log(url: str, clients: list[RoomClient], first_seq: int) -> None:
    """Each screen got every event after `first_seq`, once, in order, as stored."""
    rows = await stored_events(url)
    last = len(rows)
    for client in clients:
        await client.wait_for(lambda c=client: c.seq == last, timeout=15)
        assert not client.gaps, (client.name, client.gaps[:3])
        seqs = [m["event"]["seq"] for m in client.events if m["event"]["seq"] > first_seq]
        assert seqs == list(range(first_seq + 1, last + 1)), client.name
        for message in client.events:
            row = rows[message["event"]["seq"] - 1]
            staff = client.name.startswith("clerk")
            payload = row.payload if staff else {k: v for k, v in row.payload.items() if k not in PUBLIC_HIDDEN}
            assert (message["event"]["kind"], message["event"]["payload"]) == (row.kind, payload), client.name


async def test_a_viewer_on_one_process_sees_the_bids_made_on_the_other(servers):
    a, b = servers
    cookie = await log_in(a)                      # sessions live in the database: valid on both
    [clerk_a] = await connect_clerks(a, 1, cookie)
    [clerk_b] = await connect_clerks(b, 1, cookie)
    clerk_b.name = "clerk-b"
    display_a = await connect_display(a, name="display-a")
    display_b = await connect_display(b, name="display-b")
    clients = [clerk_a, clerk_b, display_a, display_b]
    try:
        await ensure_lot_open(clerk_a)
        await clerk_b.wait_for(lambda: clerk_b.seq == clerk_a.seq)
        first_seq = display_b.seq
        for round_ in range(8):                   # blocks of bids on one process, then on the other
            clerk, other = (clerk_a, clerk_b) if round_ % 2 == 0 else (clerk_b, clerk_a)
            await clerk.wait_for(lambda c=clerk, o=other: c.seq == o.seq)
            await drive_bids(clerk, 5)
        await check_screens_match_the_log(a.database_url, clients, first_seq)
        assert display_a.state == display_b.state
        assert clerk_a.state == clerk_b.state
        # The bids of each process reached the other one's screens.
        rows = await stored_events(a.database_url)
        by_command = {row.command_id: row.seq for row in rows}
        from_a = {by_command[c] for c in clerk_a.sent_at if c in by_command}
        from_b = {by_command[c] for c in clerk_b.sent_at if c in by_command}
        assert len(from_a) >= 20 and len(from_b) == 20
        assert from_a <= {m["seq"] for m in display_b.events} and from_b <= {m["seq"] for m in display_a.events}
        # A tablet retrying on the other process (after a network blip) bids once.
        last = max(clerk_a.sent_at, key=clerk_a.sent_at.get)
        seq = by_command[last]
        again = await clerk_b.command("bid", command_id=last, paddle=rows[seq - 1].payload["paddle"],
                                      amount_cents=rows[seq - 1].payload["amount_cents"])
        assert (again["type"], again["event_seq"], again["duplicate"]) == ("ack", seq, True)
        assert len(await stored_events(a.database_url)) == len(rows)
    finally:
        for client in clients:
            await client.close()
    for server in servers:
        assert "Traceback" not in server.logs()


async def test_racing_bids_on_two_processes_give_one_winner_per_step(servers):
    a, b = servers
    cookie = await log_in(a)
    [clerk_a] = await connect_clerks(a, 1, cookie)
    [clerk_b] = await connect_clerks(b, 1, cookie)
    display_b = await connect_display(b, name="display-b")
    codes: dict[str, int] = {}
    try:
        await ensure_lot_open(clerk_a)
        lot_id = clerk_a.state["lot"]["id"]
        first_seq = clerk_a.seq
        steps = 40
        for _ in range(steps):
            await clerk_b.wait_for(lambda: clerk_b.seq == clerk_a.seq)
            state = clerk_a.state
            assert clerk_b.state == state
            amount = state["next_minimum_cents"]
            paddle_a = challenger(state)
            paddle_b = challenger(state, exclude=[paddle_a])
            (_, future_a), (_, future_b) = await asyncio.gather(
                clerk_a.send_command("bid", paddle=paddle_a, amount_cents=amount),
                clerk_b.send_command("bid", paddle=paddle_b, amount_cents=amount))
            replies = await asyncio.wait_for(asyncio.gather(future_a, future_b), 10)
            acked = [(c, r) for c, r in zip((clerk_a, clerk_b), replies) if r["type"] == "ack"]
            refused = [(c, r) for c, r in zip((clerk_a, clerk_b), replies) if r["type"] == "error"]
            assert len(acked) == 1 and len(refused) == 1, replies
            (loser, error), winning_seq = refused[0], acked[0][1]["event_seq"]
            # Refused by its own process's rules (it had heard of the winner) or by the database's
            # unique (sale, seq), the loser's screen already shows the winning bid when told.
            assert error["code"] in ("bid_too_low", "concurrent_update"), error
            codes[error["code"]] = codes.get(error["code"], 0) + 1
            assert loser.seq >= winning_seq and loser.state["current_bid"]["amount_cents"] == amount
        await clerk_a.wait_for(lambda: clerk_a.seq == clerk_b.seq)
        assert clerk_a.seq == first_seq + steps and clerk_a.state == clerk_b.state
        await check_screens_match_the_log(a.database_url, [clerk_a, clerk_b, display_b], first_seq)
    finally:
        for client in (clerk_a, clerk_b, display_b):
            await client.close()
    print(f"refusals over {steps} racing steps: {codes}")
    bids = [row.payload for row in await stored_events(a.database_url)
            if row.kind == "bid" and row.payload["lot_id"] == lot_id]
    amounts = [bid["amount_cents"] for bid in bids]
    assert len(amounts) == len(set(amounts)), "two bids at the same amount on one lot"
    assert amounts == sorted(amounts)


async def test_a_settings_change_on_one_process_reaches_the_other(servers):
    a, b = servers
    async with httpx.AsyncClient(base_url=a.base_url, timeout=15) as http:
        page = await http.get("/connexion")
        await http.post("/connexion", data={"email": OFFICER_EMAIL, "password": OFFICER_PASSWORD,
                                            "csrf_token": CSRF_INPUT.search(page.text).group(1)})
        page = await http.get(f"/bureau/ventes/{SALE_ID}/reglages")
        response = await http.post(f"/bureau/ventes/{SALE_ID}/paliers", data={
            "csrf_token": CSRF_INPUT.search(page.text).group(1), "from_0": "0", "step_0": "7"})
        assert response.status_code == 303, response.text[:300]
    # A screen opening on b now sees the next minimum under the new table (a step of 7 €).
    deadline = time.monotonic() + 10
    while True:
        display = await connect_display(b)
        state = display.state
        await display.close()
        current = (state["current_bid"] or {}).get("amount_cents")
        if current is not None and state["next_minimum_cents"] == current + 700:
            break
        assert time.monotonic() < deadline, state
        await asyncio.sleep(0.1)


async def test_the_tablet_counts_the_online_bidders_of_every_process(servers):
    """A bidder on the live page of process B shows on the tablet of process A, and leaves it."""
    a, b = servers
    await wait_listening(a.database_url, 2)
    [clerk_a] = await connect_clerks(a, 1, await log_in(a))

    def online_bidders() -> int | None:
        counts = [m["online_bidders"] for m in clerk_a.messages if m.get("type") == "presence"]
        return counts[-1] if counts else None

    await clerk_a.wait_for(lambda: online_bidders() is not None)
    before = online_bidders()
    bidder_cookie = await log_in(b, "encherisseur@exemple.fr", "demo-encherisseur")
    bidder = await RoomClient.connect(b.ws_url(f"/ws/direct/{SALE_ID}"), cookie=bidder_cookie, name="bidder")
    try:
        await clerk_a.wait_for(lambda: online_bidders() == before + 1, timeout=10)
    finally:
        await bidder.close()
    await clerk_a.wait_for(lambda: online_bidders() == before, timeout=10)
    await clerk_a.close()


async def append_silently(url: str, sale_id: int = 1) -> int:
    """Append the next bid straight into the log without notifying anyone, as a process whose
    notification was lost would have: the servers must notice it from the log itself."""
    db = Database.connect(url)
    try:
        async with db.sessions() as session, session.begin():
            last = await session.scalar(select(SaleEvent).where(SaleEvent.sale_id == sale_id)
                                        .order_by(SaleEvent.seq.desc()).limit(1))
            clerk = await session.scalar(select(User).where(User.role == "clerk"))
            assert last.kind == "bid", "call this with a lot under bidding"
            leader = last.payload["paddle"]
            payload = {"lot_id": last.payload["lot_id"], "paddle": next(p for p in (1, 2, 3) if p != leader),
                       "amount_cents": last.payload["amount_cents"] + 1_000_00, "source": "room"}
            event = chain(sale_id, last.seq + 1, "bid", payload, utcnow(), clerk.id, last.hash)
            session.add(SaleEvent(sale_id=sale_id, seq=event.seq, kind=event.kind, payload=event.payload, at=event.at,
                                  user_id=event.user_id, command_id=uuid.uuid4().hex, prev_hash=event.prev_hash,
                                  hash=event.hash))
        return event.seq
    finally:
        await db.dispose()


async def test_an_append_nobody_announced_is_caught_up_from_the_log(servers):
    """The unique (sale, seq) refuses the stale process's append, which then shows the fresh state;
    the other process, told of the next event only, sees the sequence gap and reads the log."""
    a, b = servers
    cookie = await log_in(a)
    [clerk_a] = await connect_clerks(a, 1, cookie)
    [clerk_b] = await connect_clerks(b, 1, cookie)
    display_a = await connect_display(a, name="display-a")
    start_a = len(a.logs())
    try:
        await ensure_lot_open(clerk_a)
        await drive_bids(clerk_a, 1)
        await clerk_b.wait_for(lambda: clerk_b.seq == clerk_a.seq)
        first_seq = display_a.seq
        stale = clerk_b.state
        silent_seq = await append_silently(a.database_url)
        await asyncio.sleep(0.3)
        assert clerk_b.seq == display_a.seq == silent_seq - 1      # nobody was told

        reply = await clerk_b.command("bid", paddle=challenger(stale), amount_cents=stale["next_minimum_cents"])
        # Refused either way: as a step another process took, or by the fresh state itself (the
        # silent bid made the challenger the leader).
        assert reply["type"] == "error" and reply["code"] in ("concurrent_update", "already_leading", "outbid",
                                                              "bid_too_low"), reply
        assert clerk_b.seq == silent_seq                              # the fresh state came first
        assert clerk_b.state["current_bid"]["seq"] == silent_seq
        reply = await clerk_b.command("bid", paddle=challenger(clerk_b.state),
                                      amount_cents=clerk_b.state["next_minimum_cents"])
        assert reply["type"] == "ack" and reply["event_seq"] == silent_seq + 1, reply

        # Process a hears of silent_seq + 1 only: it reads both from the log, in order.
        await check_screens_match_the_log(a.database_url, [display_a, clerk_a, clerk_b], first_seq)
        assert [(r["reason"], r["events"]) for r in log_records(a, "caught up from the log", start_a)] == [("gap", 2)]
    finally:
        for client in (clerk_a, clerk_b, display_a):
            await client.close()


async def test_a_process_whose_listener_is_killed_catches_up_from_the_log(servers):
    a, b = servers
    cookie = await log_in(a)
    [clerk_a] = await connect_clerks(a, 1, cookie)
    [clerk_b] = await connect_clerks(b, 1, cookie)
    display_b = await connect_display(b, name="display-b")
    try:
        await ensure_lot_open(clerk_a)
        await display_b.wait_for(lambda: display_b.seq == clerk_a.seq)
        first_seq = display_b.seq
        caught_up = 0
        for attempt in range(5):        # until events were appended while b was not listening
            b_listener = (await wait_listening(a.database_url, 2))[b.pid]
            start_b = len(b.logs())
            assert await terminate_backend(a.database_url, b_listener)
            await drive_bids(clerk_a, 30)              # b reconnects meanwhile (backoff 50 ms first)
            assert (await wait_listening(a.database_url, 2))[b.pid] != b_listener
            deadline = time.monotonic() + 10
            while not (records := [r for r in log_records(b, "caught up from the log", start_b)
                                   if r.get("reason") == "reconnect"]):
                assert time.monotonic() < deadline, b.logs()[start_b:][-2000:]
                await asyncio.sleep(0.05)
            assert log_records(b, "relay listening again", start_b)
            caught_up += sum(r["events"] for r in records)
            if caught_up:
                break
        assert caught_up > 0, "no event fell in the listener's absence in five tries"
        await check_screens_match_the_log(a.database_url, [display_b, clerk_b, clerk_a], first_seq)
        # b's room state took the events it was not told of: it accepts the next step.
        next_seq = clerk_b.seq + 1
        reply = await clerk_b.command("bid", paddle=challenger(clerk_b.state),
                                      amount_cents=clerk_b.state["next_minimum_cents"])
        assert reply["type"] == "ack" and reply["event_seq"] == next_seq, reply
        await display_b.wait_for(lambda: display_b.seq == reply["event_seq"])
        assert not display_b.gaps
    finally:
        for client in (clerk_a, clerk_b, display_b):
            await client.close()
    assert "Traceback" not in b.logs()


@pytest.fixture
def three_workers(backend, database_factory, tmp_path):
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL (SQLite mode is single-process)")
    env = cli_env(database_factory.create(), tmp_path)
    seed_demo(env)
    server = LiveServer(env, tmp_path / "server.log", workers=3).start()
    try:
        yield server
    finally:
        server.stop()


async def test_serve_workers_share_the_room(three_workers):
    """`criee serve --workers 3`: each worker listens; whichever one a screen lands on, it follows."""
    server, url = three_workers, three_workers.database_url
    clients: list[RoomClient] = []
    try:
        workers = set(await wait_listening(url, 3))
        assert server.pid not in workers      # the supervisor does not serve
        cookie = await log_in(server)
        clerks = await connect_clerks(server, 3, cookie)
        displays = [await connect_display(server, name=f"display{i}") for i in range(12)]
        clients = [*clerks, *displays]
        await ensure_lot_open(clerks[0])
        first_seq = clerks[0].seq
        for i in range(9):
            clerk = clerks[i % 3]
            await clerk.wait_for(lambda c=clerk: c.seq == clerks[(i - 1) % 3].seq)
            await drive_bids(clerk, 3)
        await check_screens_match_the_log(url, clients, first_seq)
        assert len({orjson_state(c) for c in clients if not c.name.startswith("clerk")}) == 1
        # The kernel spread the sockets over the workers (who accepted which is in the log).
        accepted = {r["pid"] for r in log_records(server, "[accepted]")}
        assert accepted <= workers and len(accepted) >= 2, accepted
    finally:
        for client in clients:
            await client.close()
    assert "Traceback" not in server.logs()


def orjson_state(client: RoomClient) -> str:
    return json.dumps(client.state, sort_keys=True)


async def test_the_login_throttle_is_one_budget_for_both_processes(servers):
    """Password guesses split between the two processes: together they get the free attempts of one
    e-mail, not twice as many (the counts are in PostgreSQL, under a keyed hash)."""
    email = f"devine.{uuid.uuid4().hex[:6]}@exemple.fr"

    async def attempt(server: LiveServer) -> int:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
            page = await http.get("/connexion")
            token = CSRF_INPUT.search(page.text).group(1)
            response = await http.post("/connexion", data={"email": email, "password": "pas-le-bon-mot",
                                                           "csrf_token": token})
            return response.status_code
    first, second = servers
    codes = [await attempt(server) for server in (first, second, first, second, first)]
    assert codes == [400] * 5
    assert await attempt(second) == 429 and await attempt(first) == 429
    engine = make_engine(first.database_url)
    try:
        async with engine.connect() as conn:
            keys = (await conn.exec_driver_sql("SELECT key FROM rate_limits")).scalars().all()
    finally:
        await engine.dispose()
    assert any(key.startswith("login-email:") for key in keys)
    assert all(email not in key and "127.0.0.1" not in key for key in keys)
