"""The floors bench/live.py compares the room's figures with: a bare websockets server broadcasting
to the same displays (the broadcast floor), and bare BEGIN; INSERT; COMMIT round trips on the same
database (the commit floor).
"""
from __future__ import annotations

import asyncio
import json
import secrets
import signal
import time
import uuid

from bench.live_setup import asyncpg_dsn, raise_fd_limit


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
