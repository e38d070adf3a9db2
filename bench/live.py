"""Benchmark of the live room: acknowledgement and fan-out latency against their floors, in one run.

    python bench/live.py [--database-url URL] [--viewers N] [--processes P] [--online-bidders K]
                         [--bids B] [--rate R] [--json]

What it does, all on this machine:
  1. makes a fresh database (on the loopback PostgreSQL server `make test` uses, unless told
     otherwise), migrates and seeds it with `criee demo`, and starts `criee serve` on a free port
     (P of them on P ports with --processes P: they share the room through PostgreSQL
     LISTEN/NOTIFY, as `criee serve --workers P` or several hosts behind a proxy do);
  2. connects N room displays to /ws/salle/1, spread evenly over the P server processes, from
     separate client processes (a minimal websocket
     client on asyncio protocols, so that the clients cost as little CPU as possible: the machine
     has 2 cores and the server needs one);
  3. measures the commit floor: bare `BEGIN; INSERT; COMMIT` round trips on the same database
     server (asyncpg; aiosqlite for SQLite), with the displays connected;
  4. logs in as the officer, opens the sale and a lot, and issues B bids at a steady pace (R per
     second, alternating paddles at the next minimum; after a number of bids a lot gets three
     calls and the hammer, and the next lot opens), measuring per bid the time from sending the
     command to its ack, and to the event's arrival at EVERY display (max over the displays, of
     every process: the clerk's tablet is on the first server, the others hear of the bid through
     PostgreSQL);
     with --online-bidders K, K verified online bidders (seeded with accounts and sessions) follow
     the sale on the live page's bidder socket, spread over the processes, and at every bid step
     one of them, in turn, bids against the clerk's room bid for the same step from what its own
     screen shows (the two sent in a random order): exactly one wins. The ack and display figures
     then cover every accepted bid, room or online; the health line counts the races won and lost
     on each side and the online bidders' answer times (acks and refusals);
  5. stops the server and measures the broadcast floor: a bare `websockets` server (P of them,
     each with its share of the clients, sending together) calling `broadcast()` with messages of
     the same size to the same N clients at the same pace.

Times are taken with time.monotonic_ns() in every process (CLOCK_MONOTONIC is system-wide on
Linux). With --json, the last line of stdout is one JSON object with the figures; progress, and a
health line (deliveries missing, gaps, resyncs, CPU used by the server and by the clients, as a
fraction of one core), go to stderr. Everything it starts (processes, database, temporary
directory) is removed at the end.

What limits the figures (py-spy with --profile at 1 000 displays, 20 bids/s, on a shared machine):
  - ack: the commit. An append is one statement on PostgreSQL (auction.services.appends: insert,
    status, pg_notify, autocommitted), one round trip against the floor's three (BEGIN, INSERT,
    COMMIT) and the seven it took through a pooled SQLAlchemy session (pre-ping BEGIN/;/ROLLBACK,
    BEGIN, INSERT, pg_notify, COMMIT); on a loaded machine every round trip is also a wait for a
    core. Then the room's own work (decide, hash, views, one encoding per audience: about 0.3 ms)
    and the client library. The displays' fan-out waits while a command is decided
    (auction.web.live, PAUSE_LIMIT), so it adds at most the slice that was running when the command
    came in (FLUSH_SECONDS, 1 ms). The online bidders' answers take the same path.
    Timed inside the server (quiet machine, 1 000 displays, 20 bids/s, no online bidders; p50 of
    the bids): decide 0.18 ms, the append 1.43 ms (the floor's run: 0.91), applying the event 0.81 ms
    (the staff's and the public's views, each encoded once, and the staff screens' writes: all of it
    before the ack, which must follow the event on the sender's socket); room.submit 2.65 ms p50,
    the bench's ack 4.57: the other ~2 ms are uvicorn's read of the frame, the handler's wake-up and
    the ack's way back to the bench's client. An online bid also waits for its shared rate limit
    (one PostgreSQL round trip, auction.services.rate_limits), under the room's lock so that it
    keeps its place from its arrival: checked before the lock, the clerk's bid sent at the same
    time won every race (0 of 400 online); under it, online bids win about half (200 of 400).
  - the fan-out writes to uvicorn's transports only if DirectWrites is the outermost middleware
    (auction.web.app.middleware): behind one that wraps `send`, every display got a queue and a
    task, server_cpu 0.87 instead of 0.42 and display p99 157 ms instead of 31 (December 2026).
  - display: it starts when the command is sent, the floor when its broadcast starts, so
    display ≈ ack + fan-out. The fan-out is the kernel's: about half of the server's CPU is kernel
    time (server_kernel_share: on loopback TCP the send also runs the display's receive path), and
    the transport write in Client.deliver is about 90 % of the fan-out's samples; encoding (once per
    event and audience), the outbox and its slices are a few per cent, uvicorn's keepalive pings
    (every 20 s per display) about 2 %. With --processes 2, the other process's displays start at
    the notification (0.3–1 ms after the commit) and each process writes half of the frames.
  - a loaded machine: the server gets a share of the two cores; when it gets less than the
    fan-out needs (20 events/s to 1 000 displays is about half a core here), the displays fall
    behind whatever the code does, and so does the floor. Compare ratios of one run, at a scale the
    machine can carry (loadavg_1min and server_cpu say how loaded it was).
  - memory: server_rss_mb_per_1000_displays is what 1 000 idle displays add to a server with the
    room loaded (about 26 KiB each: uvicorn's protocol and transport, the ASGI task and Starlette's
    WebSocket; a direct client has no queue nor task of its own).

The display clients of this benchmark need a third of a core of the same two cores for 10 000
displays at 2 bids/s (clients_cpu): for 5 000 displays or more use --rate 2 or 1.
--deflate makes the displays ask for permessage-deflate as browsers do (`criee serve` declines it);
--profile samples the first server with py-spy.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import math
import multiprocessing
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # the repository root: auction, tests
from tests.live_server import LiveServer, cli_env, drop_database, free_port, seed_demo

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://criee:criee@127.0.0.1:5432/criee"
OFFICER_EMAIL, OFFICER_PASSWORD = "officier@etude-demo.fr", "demo-officier"
SALE_ID = 1
PADDLES = (1, 2, 3)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
EVENT_PREFIX = b'{"type":"event","seq":'
KEYS = ("commit_floor_p50_ms", "commit_floor_p99_ms", "broadcast_floor_p50_ms", "broadcast_floor_p99_ms",
        "ack_p50_ms", "ack_p99_ms", "display_p50_ms", "display_p99_ms")


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


# --- display clients: a minimal websocket client, run in worker processes ---------------------------

def masked_frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x80 | opcode])
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 1 << 16:
        header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


class Display(asyncio.Protocol):
    """One screen: handshake, hello, then record the arrival of every event message (by seq)."""

    def __init__(self, stats: "Stats", host: str, port: int, path: str, deflate: bool):
        self.stats, self.host, self.port, self.path, self.deflate = stats, host, port, path, deflate
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshaken = False
        self.inflater = None
        self.fragments: list[bytes] = []
        self.fragment_compressed = False
        self.last_seq = 0
        self.ready = asyncio.get_running_loop().create_future()
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        extension = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if self.deflate else ""
        transport.write((f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                         f"{extension}\r\n").encode())

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.stats.closed += 1
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed before the first message"))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        # The usual case, kept cheap (the clients share the machine with the servers): exactly one
        # small unfragmented, uncompressed text frame.
        if (self.handshaken and not self.buffer and len(data) >= 2 and data[0] == 0x81
                and data[1] < 126 and len(data) == 2 + data[1]):
            self.on_message(data[2:], now)
            return
        if (self.handshaken and not self.buffer and len(data) >= 4 and data[0] == 0x81 and data[1] == 126
                and len(data) == 4 + int.from_bytes(data[2:4], "big")):
            self.on_message(data[4:], now)
            return
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1").lower()
            del self.buffer[:end + 4]
            if not head.startswith("http/1.1 101"):
                self.stats.refused += 1
                self.ready.set_exception(ConnectionError(head.splitlines()[0]))
                self.transport.close()
                return
            self.handshaken = True
            if "permessage-deflate" in head:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.transport.write(masked_frame(0x1, b'{"type":"hello","last_seq":0}'))
        buffer, pos, size = self.buffer, 0, len(self.buffer)
        while size - pos >= 2:
            b0, b1 = buffer[pos], buffer[pos + 1]
            length, start = b1 & 0x7F, pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length, start = int.from_bytes(buffer[pos + 2:pos + 4], "big"), pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, start = int.from_bytes(buffer[pos + 2:pos + 10], "big"), pos + 10
            if size < start + length:
                break
            payload = bytes(buffer[start:start + length])
            pos = start + length
            opcode = b0 & 0x0F
            if opcode in (0x1, 0x2, 0x0):
                if opcode != 0x0:
                    self.fragment_compressed = bool(b0 & 0x40)
                self.fragments.append(payload)
                if b0 & 0x80:
                    message = b"".join(self.fragments)
                    self.fragments = []
                    if self.fragment_compressed:
                        message = self.inflater.decompress(message + b"\x00\x00\xff\xff")
                    self.on_message(message, now)
            elif opcode == 0x9:
                self.transport.write(masked_frame(0xA, payload))
            elif opcode == 0x8:
                with contextlib.suppress(Exception):
                    self.transport.write(masked_frame(0x8, payload[:2]))
                self.transport.close()
                break
        del buffer[:pos]

    def on_message(self, message: bytes, now: int) -> None:
        stats = self.stats
        if message.startswith(EVENT_PREFIX):
            end = message.index(b",", len(EVENT_PREFIX))
            seq = int(message[len(EVENT_PREFIX):end])
            if self.last_seq and seq != self.last_seq + 1:
                stats.gaps += 1
            self.last_seq = seq
            if now > stats.arrival.get(seq, 0):
                stats.arrival[seq] = now
            count = stats.count.get(seq)
            if count is None:
                stats.count[seq] = 1
                stats.sizes[seq] = len(message)
            else:
                stats.count[seq] = count + 1
        elif b'"resync"' in message[:40]:
            stats.resyncs += 1
        elif not self.ready.done():
            # the snapshot (or the floor server's welcome)
            seq = re.search(rb'"seq":(\d+)', message)
            self.last_seq = int(seq.group(1)) if seq else 0
            self.ready.set_result(None)


class Stats:
    def __init__(self):
        self.arrival: dict[int, int] = {}   # seq -> latest arrival over this process's displays
        self.count: dict[int, int] = {}     # seq -> how many displays got it
        self.sizes: dict[int, int] = {}    # seq -> message length (uncompressed)
        self.gaps = self.resyncs = self.closed = self.refused = 0
        self.cpu_started = time.process_time()

    def result(self) -> dict:
        return {"arrival": self.arrival, "count": self.count, "sizes": self.sizes, "gaps": self.gaps,
                "resyncs": self.resyncs, "closed": self.closed, "refused": self.refused,
                "cpu": time.process_time() - self.cpu_started}


def display_worker(conn, index: int) -> None:
    """A client process: obeys commands from the pipe while its displays run on its event loop."""
    raise_fd_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def main():
        loop = asyncio.get_running_loop()
        stats = Stats()
        displays: list[Display] = []
        while True:
            command, *args = await loop.run_in_executor(None, conn.recv)
            if command == "connect":
                host, ports, path, count, deflate = args
                stats = Stats()
                displays = []
                limit = asyncio.Semaphore(64)
                failures: list[str] = []

                async def one(port: int):
                    async with limit:
                        try:
                            _, display = await asyncio.wait_for(loop.create_connection(
                                lambda: Display(stats, host, port, path, deflate), host, port), 30)
                            displays.append(display)
                            await asyncio.wait_for(display.ready, 60)
                        except Exception as exc:  # noqa: BLE001 - counted and reported
                            failures.append(repr(exc))
                started = time.monotonic()
                # spread over the server processes: display i of this client goes to ports[i % P]
                await asyncio.gather(*(one(ports[i % len(ports)]) for i in range(count)))
                conn.send({"connected": count - len(failures), "failures": failures[:5],
                           "seconds": time.monotonic() - started})
            elif command == "reset":
                for key in ("arrival", "count"):
                    getattr(stats, key).clear()
                stats.sizes.clear()
                stats.gaps = stats.resyncs = 0
                stats.cpu_started = time.process_time()
                conn.send("ok")
            elif command == "collect":
                conn.send(stats.result())
            elif command == "close":
                for display in displays:
                    if display.transport is not None:
                        display.transport.close()
                await asyncio.sleep(0.2)
                displays = []
                conn.send("ok")
            elif command == "exit":
                conn.send("bye")
                return

    try:
        import uvloop
        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


class Displays:
    """N displays spread over a few client processes."""

    def __init__(self, processes: int):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for index in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=display_worker, args=(child, index), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def _all(self, command: tuple, timeout: float = 120) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        replies = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"client process did not answer {command[0]!r} within {timeout} s")
            replies.append(pipe.recv())
        return replies

    def connect(self, ports: list[int], path: str, count: int, deflate: bool) -> None:
        """`count` displays, spread evenly over the server processes listening on `ports`."""
        shares = [count // len(self.pipes) + (1 if i < count % len(self.pipes) else 0) for i in range(len(self.pipes))]
        offset = 0
        for pipe, share in zip(self.pipes, shares):
            rotated = ports[offset % len(ports):] + ports[:offset % len(ports)]
            pipe.send(("connect", "127.0.0.1", rotated, path, share, deflate))
            offset += share
        replies = []
        for pipe in self.pipes:
            if not pipe.poll(300):
                raise TimeoutError("displays did not connect within 300 s")
            replies.append(pipe.recv())
        connected = sum(r["connected"] for r in replies)
        say(f"{connected}/{count} displays connected to {path} in {max(r['seconds'] for r in replies):.1f} s")
        if connected != count:
            raise RuntimeError(f"only {connected} of {count} displays connected: {replies[0]['failures']}")

    def reset(self) -> None:
        self._all(("reset",))

    def collect(self) -> dict:
        merged = {"arrival": {}, "count": {}, "sizes": {}, "gaps": 0, "resyncs": 0, "closed": 0, "refused": 0,
                  "cpu": 0.0}
        for part in self._all(("collect",)):
            for seq, at in part["arrival"].items():
                merged["arrival"][seq] = max(at, merged["arrival"].get(seq, 0))
            for seq, n in part["count"].items():
                merged["count"][seq] = merged["count"].get(seq, 0) + n
            merged["sizes"].update(part["sizes"])
            for key in ("gaps", "resyncs", "closed", "refused", "cpu"):
                merged[key] += part[key]
        return merged

    def wait_for(self, seq: int, viewers: int, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            stats = self.collect()
            if stats["count"].get(seq, 0) >= viewers or time.monotonic() > deadline:
                return stats
            time.sleep(0.2)

    def close_all(self) -> None:
        self._all(("close",))

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(Exception):
                pipe.send(("exit",))
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)


# --- the bare websockets server of the broadcast floor -------------------------------------------

def floor_server(conn, port: int, deflate: bool) -> None:
    raise_fd_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from websockets.asyncio.server import broadcast, serve

    async def main():
        loop = asyncio.get_running_loop()
        clients = set()

        async def handler(ws):
            await ws.recv()                                          # hello
            await ws.send('{"type":"snapshot","seq":0}')
            clients.add(ws)
            try:
                await ws.wait_closed()
            finally:
                clients.discard(ws)

        async with serve(handler, "127.0.0.1", port, compression="deflate" if deflate else None,
                         max_size=None, backlog=4096):
            conn.send("ready")
            while True:
                command, *args = await loop.run_in_executor(None, conn.recv)
                if command == "run":
                    count, rate, size, start_at = args
                    sent: dict[int, int] = {}
                    interval = 1 / rate
                    next_at = max(start_at, time.monotonic())   # the floor servers start together
                    for seq in range(1, count + 1):
                        delay = next_at - time.monotonic()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        next_at += interval
                        head = f'{{"type":"event","seq":{seq},"t":{time.monotonic_ns()},"pad":"'
                        message = head + "x" * max(0, size - len(head) - 2) + '"}'
                        sent[seq] = time.monotonic_ns()
                        broadcast(clients, message)
                    conn.send(sent)
                elif command == "exit":
                    conn.send("bye")
                    return

    try:
        import uvloop
        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


# --- database: a fresh one for the run, and the commit floor -------------------------------------

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


async def commit_floor(url: str, samples: int) -> list[float]:
    """Milliseconds of BEGIN; INSERT (a row like a bid event); COMMIT, each."""
    payload = json.dumps({"lot_id": 1, "paddle": 2, "amount_cents": 220000, "source": "room"})
    times = []
    if url.startswith("postgresql"):
        import asyncpg
        conn = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
        try:
            await conn.execute("CREATE TABLE bench_commit_floor (id bigserial PRIMARY KEY, seq integer NOT NULL, "
                               "kind text NOT NULL, payload json NOT NULL, at timestamptz NOT NULL, "
                               "command_id text UNIQUE, hash text NOT NULL)")
            for seq in range(samples):
                started = time.perf_counter()
                async with conn.transaction():
                    await conn.execute("INSERT INTO bench_commit_floor (seq, kind, payload, at, command_id, hash) "
                                       "VALUES ($1, 'bid', $2, now(), $3, $4)", seq, payload, uuid.uuid4().hex,
                                       secrets.token_hex(32))
                times.append((time.perf_counter() - started) * 1000)
            await conn.execute("DROP TABLE bench_commit_floor")
        finally:
            await conn.close()
    else:
        import aiosqlite
        from sqlalchemy.engine import make_url
        async with aiosqlite.connect(make_url(url).database, isolation_level=None) as conn:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
                await conn.execute(f"PRAGMA {pragma}")
            await conn.execute("CREATE TABLE bench_commit_floor (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, "
                               "kind TEXT NOT NULL, payload TEXT NOT NULL, at TEXT NOT NULL, command_id TEXT UNIQUE, "
                               "hash TEXT NOT NULL)")
            for seq in range(samples):
                started = time.perf_counter()
                await conn.execute("BEGIN")
                await conn.execute("INSERT INTO bench_commit_floor (seq, kind, payload, at, command_id, hash) "
                                   "VALUES (?, 'bid', ?, datetime('now'), ?, ?)",
                                   (seq, payload, uuid.uuid4().hex, secrets.token_hex(32)))
                await conn.execute("COMMIT")
                times.append((time.perf_counter() - started) * 1000)
            await conn.execute("DROP TABLE bench_commit_floor")
    return times


# --- the server under test, and the clerk --------------------------------------------------------

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


async def log_in(port: int) -> str:
    import httpx
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        page = await http.get("/connexion")
        token = CSRF_INPUT.search(page.text).group(1)
        response = await http.post("/connexion", data={"email": OFFICER_EMAIL, "password": OFFICER_PASSWORD,
                                                       "csrf_token": token})
        if response.status_code != 303:
            raise RuntimeError(f"login failed ({response.status_code})")
        return response.cookies["criee_session"]


class Refused(RuntimeError):
    def __init__(self, code: str | None, message: str):
        super().__init__(message)
        self.code = code


MAX_LOT_ID = 400
# Refusals a bid meets when another bid took its step first (docs/protocol.md): the race was lost.
LOST_RACE = ("bid_too_low", "outbid", "already_leading", "stale_command", "concurrent_update")
# Refusals an online bid meets when it raced the hammer, its screen still showing the lot open: too late.
TOO_LATE = ("lot_not_open",)
# Refusals the clerk's call or hammer meets when an online bid (possibly on another process) came
# first: held for it, or the calls start again after it; the clerk tries again on the next turn.
CLERK_RETRIES = ("online_bid_pending", "hammer_needs_calls", "calls_complete", "no_bid", "concurrent_update")


class RoomSocket:
    """One websocket of the room protocol: the state it last showed, and commands awaiting answers."""

    def __init__(self):
        self.state: dict = {}
        self.replies: dict[str, asyncio.Future] = {}

    async def open(self, url: str, cookie: str, **connect_args) -> None:
        import orjson
        from websockets.asyncio.client import connect
        self.ws = await connect(url, additional_headers={"Cookie": f"criee_session={cookie}"}, open_timeout=30,
                                ping_interval=None, max_size=None, compression=None, **connect_args)
        first = asyncio.get_running_loop().create_future()

        async def read():
            async for raw in self.ws:
                now = time.monotonic_ns()
                message = orjson.loads(raw)
                if message.get("state") is not None:
                    self.state.update(message["state"])
                    if not first.done():
                        first.set_result(None)
                future = self.replies.pop(message.get("command_id"), None)
                if future is not None and not future.done():
                    future.set_result((message, now))

        self.reader = asyncio.create_task(read())
        await self.ws.send('{"type":"hello","last_seq":0}')
        await asyncio.wait_for(first, 30)

    async def command(self, name: str, **args) -> tuple[dict, int, int]:
        """(ack, sent_ns, answered_ns); a refusal raises Refused."""
        import orjson
        command_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self.replies[command_id] = future
        sent = time.monotonic_ns()
        await self.ws.send(orjson.dumps({"type": "command", "command_id": command_id, "name": name,
                                         "args": args}).decode())
        reply, received = await asyncio.wait_for(future, 30)
        if reply["type"] != "ack":
            raise Refused(reply.get("code"), f"{name} refused: {reply.get('code')} {reply.get('message')}")
        return reply, sent, received

    async def close(self) -> None:
        self.reader.cancel()
        await asyncio.gather(self.reader, return_exceptions=True)
        await self.ws.close()


class Race:
    """Online bids racing the room's: who won, who lost, and how long the online bidders waited."""

    def __init__(self):
        self.room_won = self.room_lost = self.online_won = self.online_lost = self.rate_limited = 0
        self.too_late = 0                          # online bids refused because the hammer fell first
        self.clerk_retries: dict[str, int] = {}    # the clerk's calls and hammers refused by a race, by code
        self.races = self.won_twice = 0            # steps both sides bid for; of them, steps both won
        self.online_answers: list[float] = []     # ms, every online bid: sent -> ack or refusal

    def health(self) -> dict:
        return {"races": self.races, "races_won_twice": self.won_twice, "room_bids_won": self.room_won, "room_bids_lost": self.room_lost,
                "online_bids_won": self.online_won, "online_bids_lost": self.online_lost,
                "online_rate_limited": self.rate_limited, "online_too_late": self.too_late,
                "clerk_retries": dict(sorted(self.clerk_retries.items())),
                "online_answer_p50_ms": round(percentile(self.online_answers, 50), 2),
                "online_answer_p99_ms": round(percentile(self.online_answers, 99), 2)}


async def run_clerk(ports: list[int], bids: int, rate: float, per_lot: int, online: list[tuple[int, str]] = (),
                    race: Race | None = None) -> list[tuple[int, int, int]]:
    """Drive the sale at a steady pace; returns (event_seq, sent_ns, ack_ns) for each accepted bid.

    The clerk's tablet is on the first server. With `online` (paddle, session token) pairs, those
    bidders connect to the live page's bidder socket, spread over the servers, each from its own
    loopback address (the rate limits count per address, as for bidders at home); at every bid step
    one of them (in turn) bids against the clerk's room bid, from what its own screen shows, and
    the two are sent in a random order: exactly one wins the step.
    """
    clerk = RoomSocket()
    await clerk.open(f"ws://127.0.0.1:{ports[0]}/ws/bureau/ventes/{SALE_ID}", await log_in(ports[0]))
    bidders: list[tuple[int, RoomSocket]] = []
    race = race or Race()
    try:
        for index, (paddle, token) in enumerate(online):
            bidder = RoomSocket()
            await bidder.open(f"ws://127.0.0.1:{ports[index % len(ports)]}/ws/direct/{SALE_ID}", token,
                              local_addr=(f"127.1.{index // 250}.{index % 250 + 1}", 0))
            bidders.append((paddle, bidder))
        if bidders:
            say(f"{len(bidders)} online bidders connected")
        state, command = clerk.state, clerk.command
        records: list[tuple[int, int, int]] = []

        async def room_bid(paddle: int) -> bool | None:
            try:
                reply, sent, received = await command("bid", paddle=paddle, amount_cents=state["next_minimum_cents"])
            except Refused as exc:
                if exc.code not in LOST_RACE:
                    raise
                race.room_lost += 1
                return False
            race.room_won += 1
            records.append((reply["event_seq"], sent, received))
            return True

        async def online_bid(bidder: RoomSocket) -> bool | None:
            """True if it won its step, False if it lost or was rate-limited, None if its screen had no lot."""
            view = bidder.state
            if not view.get("lot") or view.get("status") != "open":
                return None
            current = view.get("current_bid")
            sent = time.monotonic_ns()
            try:
                reply, sent, received = await bidder.command(
                    "bid", lot_id=view["lot"]["id"], amount_cents=view["next_minimum_cents"],
                    expected_bid_seq=current["seq"] if current else None)
            except Refused as exc:
                race.online_answers.append((time.monotonic_ns() - sent) / 1e6)
                if exc.code == "rate_limited":
                    race.rate_limited += 1
                elif exc.code in LOST_RACE:
                    race.online_lost += 1
                elif exc.code in TOO_LATE:
                    race.too_late += 1
                else:
                    raise
                return False
            race.online_answers.append((received - sent) / 1e6)
            race.online_won += 1
            records.append((reply["event_seq"], sent, received))
            return True

        if state["status"] == "ready":
            await command("open_sale")
        next_lot, turn = 1, 0
        interval, next_at = 1 / rate, time.monotonic()
        while len(records) < bids:
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at = max(next_at + interval, time.monotonic() - interval)   # steady, without bursts
            if state["lot"] is None:
                while True:
                    if next_lot > MAX_LOT_ID:
                        raise RuntimeError("out of lots: use fewer bids or more per lot")
                    next_lot += 1
                    try:
                        # the officer may go past the stop rule (CPCE L221-4) for the benchmark
                        await command("open_lot", lot_id=next_lot - 1, override_stop_rule=True,
                                      reason="banc d'essai")
                        break
                    except Refused as exc:
                        if exc.code not in ("unknown_lot", "lot_withdrawn", "lot_already_sold"):
                            raise
            elif state["bid_count"] >= per_lot:
                try:
                    await command("call" if state["calls"] < 3 else "hammer")
                except Refused as exc:
                    if exc.code not in CLERK_RETRIES:       # e.g. held for an online bid: again next turn
                        raise
                    race.clerk_retries[exc.code] = race.clerk_retries.get(exc.code, 0) + 1
            else:
                leader = (state["current_bid"] or {}).get("paddle")
                racers = [room_bid(next(p for p in PADDLES if p != leader))]
                if bidders:
                    candidates = [b for b in bidders if b[0] != leader]
                    racers.append(online_bid(candidates[turn % len(candidates)][1]))
                    turn += 1
                    random.shuffle(racers)
                outcomes = [o for o in await asyncio.gather(*racers) if o is not None]
                if len(outcomes) == 2:
                    race.races += 1
                    race.won_twice += all(outcomes)
        return records
    finally:
        for _, bidder in bidders:
            await bidder.close()
        await clerk.close()


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


# --- the run -------------------------------------------------------------------------------------

def run(args) -> dict:
    fds = raise_fd_limit()
    if fds < args.viewers + 200:
        raise SystemExit(f"bench: the file-descriptor limit ({fds}) is too low for {args.viewers} viewers")
    processes = args.client_processes or (1 if args.viewers <= 1000 else 2)
    per_lot = args.bids_per_lot or max(10, math.ceil(args.bids / 38))
    with contextlib.ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="criee-bench-"))
        cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)
        database_url, drop = prepare_database(args.database_url, tmp)
        cleanup.callback(drop)
        if args.processes > 1 and database_url.startswith("sqlite"):
            raise SystemExit("bench: --processes > 1 needs PostgreSQL (SQLite mode is single-process)")
        env = cli_env(database_url, tmp, CRIEE_LOG_LEVEL="WARNING")
        say("migrating and seeding (criee demo)")
        seed_demo(env, timeout=300)
        online = asyncio.run(seed_online_bidders(database_url, args.online_bidders)) if args.online_bidders else []
        # P server processes on P ports, as behind a proxy; the clerk's tablet is on the first one.
        servers = [LiveServer(env, tmp / f"server-{index}.log") for index in range(args.processes)]
        for server in servers:
            cleanup.callback(server.stop)
            server.start(timeout=60)
        ports = [server.port for server in servers]
        displays = Displays(processes)
        cleanup.callback(displays.stop)

        # What the displays add: each server with the room loaded (one display came and went), then
        # with all of them connected.
        asyncio.run(load_room(ports))
        rss_idle = [rss_mb(server.pid) for server in servers]
        displays.connect(ports, f"/ws/salle/{SALE_ID}", args.viewers, args.deflate)
        rss_connected = [rss_mb(server.pid) for server in servers]
        say(f"commit floor: {args.commit_samples} samples")
        commits = asyncio.run(commit_floor(database_url, args.commit_samples))
        displays.reset()
        say(f"{args.bids} bids at {args.rate}/s ({per_lot} per lot), {args.viewers} displays over "
            f"{args.processes} server process{'es' if args.processes > 1 else ''}")
        race = Race()
        profiler = start_profiler(args.profile, servers[0].pid) if args.profile else None
        load_before = os.getloadavg()[0]   # other work on the machine skews every figure: say how much
        server_cpu, started = [cpu_seconds(server.pid) for server in servers], time.monotonic()
        server_sys = [cpu_seconds(server.pid, system_only=True) for server in servers]
        try:
            records = asyncio.run(asyncio.wait_for(run_clerk(ports, args.bids, args.rate, per_lot, online, race),
                                                   args.bids / args.rate * 3 + 60))
        finally:
            stop_profiler(profiler)
        elapsed = time.monotonic() - started
        server_cpu = [(cpu_seconds(server.pid) - before) / elapsed for server, before in zip(servers, server_cpu)]
        server_sys = [(cpu_seconds(server.pid, True) - before) / elapsed for server, before in zip(servers, server_sys)]
        stats = displays.wait_for(records[-1][0], args.viewers)
        measured = records[args.warmup:]
        acks = [(received - sent) / 1e6 for _, sent, received in measured]
        shown, missing = [], 0
        for seq, sent, _ in measured:
            if stats["count"].get(seq, 0) < args.viewers:
                missing += args.viewers - stats["count"].get(seq, 0)
            if seq in stats["arrival"]:
                shown.append((stats["arrival"][seq] - sent) / 1e6)
        sizes = sorted(stats["sizes"][seq] for seq, _, _ in measured if seq in stats["sizes"]) or [600]
        size = sizes[len(sizes) // 2]
        health = {"processes": args.processes, "missing_deliveries": missing, "gaps": stats["gaps"],
                  "resyncs": stats["resyncs"], "closed": stats["closed"], "event_bytes": size,
                  "server_cpu": round(sum(server_cpu), 2), "clients_cpu": round(stats["cpu"] / elapsed, 2)}
        if online:
            health.update(race.health())
        if args.processes > 1:
            health["server_cpu_per_process"] = [round(cpu, 2) for cpu in server_cpu]
        health["loadavg_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        health["server_kernel_share"] = round(sum(server_sys) / max(sum(server_cpu), 1e-9), 2)
        health["server_rss_mb"] = [rss_mb(server.pid) for server in servers]
        health["server_rss_idle_mb"] = rss_idle
        health["server_rss_connected_mb"] = rss_connected
        rss_per_1000 = (sum(rss_connected) - sum(rss_idle)) / args.viewers * 1000
        logs = "".join((tmp / f"server-{index}.log").read_text(errors="replace") for index in range(len(servers)))
        if "client dropped for lagging" in logs:
            health["server_dropped_lagging_clients"] = True
        if "caught up from the log" in logs:
            health["relay_caught_up_from_log"] = logs.count("caught up from the log")
        displays.close_all()
        for server in servers:
            server.stop()
        if args.server_log:
            shutil.copyfile(tmp / "server-0.log", args.server_log)

        # The floor: P bare websockets servers, each with its share of the clients, broadcasting together.
        context = multiprocessing.get_context("spawn")
        floors = []
        for _ in range(args.processes):
            floor_port = free_port()
            parent, child = context.Pipe()
            floor = context.Process(target=floor_server, args=(child, floor_port, args.deflate), daemon=True)
            floor.start()
            floors.append((floor_port, parent, floor))

            def stop_floor(parent=parent, floor=floor):
                with contextlib.suppress(Exception):
                    parent.send(("exit",))
                floor.join(5)
                if floor.is_alive():
                    floor.kill()
                    floor.join(5)
            cleanup.callback(stop_floor)
        for _, parent, _ in floors:
            if not parent.poll(60) or parent.recv() != "ready":
                raise RuntimeError("broadcast floor server did not start")
        displays.connect([port for port, _, _ in floors], "/", args.viewers, args.deflate)
        displays.reset()
        count = min(len(measured) + args.warmup, args.floor_messages)
        say(f"broadcast floor: {count} messages of {size} bytes at {args.rate}/s to {args.viewers} clients "
            f"from {len(floors)} server{'s' if len(floors) > 1 else ''}")
        floor_cpu, started = [cpu_seconds(floor.pid) for _, _, floor in floors], time.monotonic()
        start_at = time.monotonic() + 0.5
        for _, parent, _ in floors:
            parent.send(("run", count, args.rate, size, start_at))
        sent: dict[int, int] = {}
        for _, parent, _ in floors:
            if not parent.poll(count / args.rate * 3 + 60):
                raise TimeoutError("broadcast floor did not finish")
            for seq, at in parent.recv().items():
                sent[seq] = min(at, sent.get(seq, at))
        health["floor_server_cpu"] = round(sum(cpu_seconds(floor.pid) - before for (_, _, floor), before
                                               in zip(floors, floor_cpu)) / (time.monotonic() - started), 2)
        floor_stats = displays.wait_for(count, args.viewers)
        health["floor_clients_cpu"] = round(floor_stats["cpu"] / (count / args.rate), 2)
        broadcasts = [(floor_stats["arrival"][seq] - at) / 1e6 for seq, at in sent.items()
                      if seq > args.warmup and seq in floor_stats["arrival"]]
        health["floor_missing_deliveries"] = sum(args.viewers - floor_stats["count"].get(seq, 0) for seq in sent)

    result = {
        "commit_floor_p50_ms": percentile(commits, 50), "commit_floor_p99_ms": percentile(commits, 99),
        "broadcast_floor_p50_ms": percentile(broadcasts, 50), "broadcast_floor_p99_ms": percentile(broadcasts, 99),
        "ack_p50_ms": percentile(acks, 50), "ack_p99_ms": percentile(acks, 99),
        "display_p50_ms": percentile(shown, 50), "display_p99_ms": percentile(shown, 99),
    }
    if online:
        result.update(online_answer_p50_ms=percentile(race.online_answers, 50),
                      online_answer_p99_ms=percentile(race.online_answers, 99))
    result["server_rss_mb_per_1000_displays"] = rss_per_1000
    result = {key: round(value, 2) for key, value in result.items()}
    result.update(viewers=args.viewers, bids=args.bids, online_bidders=args.online_bidders)
    return result | {"_health": health}


def print_table(result: dict, health: dict) -> None:
    rows = [("commit floor (BEGIN; INSERT; COMMIT)", "commit_floor"),
            ("broadcast floor (bare websockets broadcast)", "broadcast_floor"),
            ("ack (command sent -> ack received)", "ack"),
            ("display (command sent -> event at every display)", "display")]
    online = f", {result['online_bidders']} online bidders racing the room" if result["online_bidders"] else ""
    print(f"Live room, {result['viewers']} displays, {result['bids']} bids{online}")
    print(f"{'':50} {'p50 ms':>8} {'p99 ms':>8}")
    for label, key in rows:
        print(f"{label:50} {result[key + '_p50_ms']:8.2f} {result[key + '_p99_ms']:8.2f}")
    goals = [("ack p99", result["ack_p99_ms"], 2, "commit floor p99", result["commit_floor_p99_ms"]),
             ("display p99", result["display_p99_ms"], 1.3, "broadcast floor p99", result["broadcast_floor_p99_ms"])]
    if "online_answer_p99_ms" in result:
        goals.append(("online answer p99", result["online_answer_p99_ms"], 2, "commit floor p99",
                      result["commit_floor_p99_ms"]))
    for name, value, factor, floor_name, floor in goals:
        print(f"goal {name} <= {factor} x {floor_name} ({factor * floor:.2f} ms): {value:.2f} ms, "
              f"{value / floor if floor else float('inf'):.2f} x: {'met' if value <= factor * floor else 'MISSED'}")
    print(f"server RSS per 1000 displays: {result['server_rss_mb_per_1000_displays']:.1f} MiB")
    print("health: " + ", ".join(f"{k}={v}" for k, v in health.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to make a fresh bench database on (default: "
                        f"{DEFAULT_POSTGRES_URL}), an SQLite URL to use as is, or 'sqlite' for a temporary file")
    parser.add_argument("--viewers", type=int, default=100, help="room displays connected (default 100)")
    parser.add_argument("--bids", type=int, default=400, help="bids to issue (default 400)")
    parser.add_argument("--rate", type=float, default=20, help="commands per second (default 20)")
    parser.add_argument("--warmup", type=int, default=10, help="first bids left out of the figures (default 10)")
    parser.add_argument("--bids-per-lot", type=int, help="bids before calls and hammer (default: bids/38, >= 10)")
    parser.add_argument("--commit-samples", type=int, default=500)
    parser.add_argument("--floor-messages", type=int, default=400, help="broadcasts of the floor (default 400)")
    parser.add_argument("--processes", type=int, default=1, help="server processes sharing the database (PostgreSQL), "
                        "each `criee serve` on its own port; the displays are spread evenly over them and the clerk "
                        "is on the first (default 1)")
    parser.add_argument("--online-bidders", type=int, default=0, metavar="K",
                        help="K verified online bidders on the live page's bidder socket, spread over the server "
                        "processes; at each bid step one of them, in turn, races the clerk's room bid (default 0)")
    parser.add_argument("--client-processes", type=int, help="display client processes (default 1, 2 above 1000)")
    parser.add_argument("--deflate", action="store_true", help="displays ask for permessage-deflate, as browsers do")
    parser.add_argument("--profile", metavar="FILE", help="sample the (first) server with py-spy during the bids "
                        "(FILE.txt: collapsed stacks, FILE.json: speedscope, else a flame graph SVG)")
    parser.add_argument("--server-log", metavar="FILE", help="keep a copy of the server's log")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args(argv)
    if args.bids <= args.warmup:
        parser.error("--bids must be larger than --warmup")
    if args.online_bidders < 0:
        parser.error("--online-bidders must be 0 or more")
    if args.processes < 1:
        parser.error("--processes must be 1 or more")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # clean up (processes, database) on SIGTERM
    started = time.monotonic()
    result = run(args)
    health = result.pop("_health")
    say(f"done in {time.monotonic() - started:.0f} s")
    if args.json:
        say("health: " + json.dumps(health))
        print(json.dumps(result))
    else:
        print_table(result, health)
    return 0


if __name__ == "__main__":
    sys.exit(main())
