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
     at every bid step, just before the bids, a second staff socket (the officer's desk, on the
     tablet's server) sends a ping and times its pong: the echo floor, what the ack costs without
     a decision nor an append (the two websocket hops between Python event loops, the server's read
     and write), at the same moment and under the same load;
  5. stops the server and measures the broadcast floor: a bare `websockets` server (P of them,
     each with its share of the clients, sending together) calling `broadcast()` with messages of
     the same size to the same N clients at the same pace.

Times are taken with time.monotonic_ns() in every process (CLOCK_MONOTONIC is system-wide on
Linux). With --json, the last line of stdout is one JSON object with the figures; progress, and a
health line (deliveries missing, gaps, resyncs, CPU used by the server and by the clients, as a
fraction of one core), go to stderr. Everything it starts (processes, database, temporary
directory) is removed at the end.

Figures on a quiet machine (4 December 2026, PostgreSQL, 1 000 displays, 20 online bidders, 400 bids
at 20/s, three runs in a row): commit floor 0.33–0.41 / 0.65–0.84 ms (p50 / p99), ack 4.3–5.0 /
8.4–9.2 ms, display 17.5–19.8 / 27.9–30.7 ms against a broadcast floor of 15.1–16.4 / 25.2–26.6 ms
(display p99 ÷ floor p99: 1.09, 1.14, 1.15), online answer 4.5–5.2 / 8.3–9.2 ms, online bids won 200
to 209 of 400, 24.6–24.8 MB per 1 000 displays, server_cpu 0.31–0.34. The same session's A/B against
the code before the slices became timers and the handshake was released (a shared machine, two
pairs): ack p99 12.7 and 27 ms against 93 and 86, online answer p99 10.8 and 26 against 77 and 75,
27.5 MB per 1 000 displays before. 10 000 displays over 2 processes at 2 bids/s (slightly loaded):
display 182 / 473 ms against a floor of 135 / 381 (1.24 at p99), ack 5.3 / 40.6 ms, 24.5 MB per
1 000; at the default 20 bids/s it runs to its end (refusals counted) but the display clients
saturate (clients_cpu 1.0: a quarter of the deliveries still missing when it stops, the floor 2.7 s
p50): not a scale this machine can measure.
The ack stays several times the commit floor: besides the append it is two websocket hops between
Python event loops (the bench's client and the server), which the floor (a bare INSERT from one
asyncpg client) does not have: the echo floor measures them.
6 December 2026, quiet machine, PostgreSQL, 1 000 displays, 20 online bidders, 400 bids at 20/s,
three runs in a row: commit floor 0.56–0.58 / 0.83–0.94 ms, echo floor 0.78–0.80 / 2.39–2.53, ack
4.8–5.4 / 8.8–9.5 (ack p99 less the echo floor p99: 6.3–6.9, against twice the commit floor,
1.7–1.9: not met), display 21.4–22.9 / 29.6–32.6 against a broadcast floor of 15.8–16.3 / 26.2–26.9
(display p99 ÷ floor: 1.21, 1.16, 1.13: met), online answer 5.2–5.6 / 8.8–10.0, 24.7–24.9 MB per
1 000 displays. Without online bidders: ack 3.96 / 7.47, echo 0.77 / 1.74: with them, each step's
room bid and online bid arrive together and one waits under the room's lock for the other's whole
command (its rate limit, its append), which both the ack and the online answer include.
SQLite (--database-url sqlite, the same load): ack 3.63 / 7.26 ms and online answer 3.70 / 7.29 with
the appends on their own connection and thread (auction.services.appends_sqlite), against 5.79 /
10.4 and 5.79 / 10.4 through a session (the A/B of the same hour); commit floor 0.14 / 0.36, echo
floor 0.79 / 1.91.

What limits the figures (py-spy with --profile at 1 000 displays, 20 bids/s, on a shared machine):
  - ack: the commit. An append is one statement on PostgreSQL (auction.services.appends: insert,
    status, pg_notify, autocommitted), one round trip against the floor's three (BEGIN, INSERT,
    COMMIT) and the seven it took through a pooled SQLAlchemy session (pre-ping BEGIN/;/ROLLBACK,
    BEGIN, INSERT, pg_notify, COMMIT); on a loaded machine every round trip is also a wait for a
    core. Then the room's own work (decide, hash, views, one encoding per audience: about 0.3 ms)
    and the client library. The displays' fan-out waits while a command is decided
    (auction.web.live, PAUSE_LIMIT), so it adds at most the slice that was running when the command
    came in (FLUSH_SECONDS, 0.5 ms): the next slice is a timer, which the loop runs after the I/O
    read meanwhile, so a command (or the database's answer to its append) no longer waits for two
    slices, the running one and the one queued before its wake-up. The online bidders' answers take
    the same path.
    Timed inside the server (quiet machine, 1 000 displays, 20 bids/s, no online bidders; p50 of
    the bids): decide 0.18 ms, the append 1.43 ms (the floor's run: 0.91), applying the event 0.81 ms
    (the staff's and the public's views, each encoded once, and the staff screens' writes: all of it
    before the ack, which must follow the event on the sender's socket); room.submit 2.65 ms p50,
    the bench's ack 4.57: the other ~2 ms are uvicorn's read of the frame, the handler's wake-up and
    the ack's way back to the bench's client. An online bid also waits for its shared rate limit
    (one PostgreSQL round trip, auction.services.rate_limits), awaited under the room's lock so that
    it keeps its place from its arrival: checked before the lock, the clerk's bid sent at the same
    time won every race (0 of 400 online); under it, online bids win about half (200 of 400). The
    check is sent as the bid arrives (auction.web.pages.online), so its round trip overlaps the
    wait for the lock when another command holds it.
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
    room loaded: about 23 KiB of Python heap each (tracemalloc, 300 displays): uvicorn's protocol
    (5 KiB) and its receive queue (2.4 KiB), Starlette's routing and exception wrappers (the ASGI
    task's coroutine frames, 4 KiB), the websockets parser, the transport; a direct client has no
    queue nor task of its own. uvicorn keeps the handshake's request and response for the socket's
    life: auction.web.direct_writes.release_handshake lets them go once it is accepted (27.6 →
    23.5 KiB; more with a browser's dozen headers).

The display clients of this benchmark need a third of a core of the same two cores for 10 000
displays at 2 bids/s (clients_cpu): for 5 000 displays or more use --rate 2 or 1.
--deflate makes the displays ask for permessage-deflate as browsers do (`criee serve` declines it);
--profile samples the first server with py-spy.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # the repository root: auction, bench, tests
from bench.live_clerk import Race, run_clerk  # noqa: E402
from bench.live_displays import Displays  # noqa: E402
from bench.live_floors import commit_floor, floor_server  # noqa: E402
from bench.live_setup import (DEFAULT_POSTGRES_URL, SALE_ID, cpu_seconds, load_room, percentile,  # noqa: E402
                              prepare_database, raise_fd_limit, rss_mb, say, seed_online_bidders,
                              start_profiler, stop_profiler)
from tests.live_server import LiveServer, cli_env, free_port, seed_demo  # noqa: E402


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
        race, echoes = Race(), []
        profiler = start_profiler(args.profile, servers[0].pid) if args.profile else None
        load_before = os.getloadavg()[0]   # other work on the machine skews every figure: say how much
        server_cpu, started = [cpu_seconds(server.pid) for server in servers], time.monotonic()
        server_sys = [cpu_seconds(server.pid, system_only=True) for server in servers]
        try:
            records = asyncio.run(asyncio.wait_for(run_clerk(ports, args.bids, args.rate, per_lot, online, race,
                                                             echoes),
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
        "echo_floor_p50_ms": percentile(echoes[args.warmup:], 50),
        "echo_floor_p99_ms": percentile(echoes[args.warmup:], 99),
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
            ("echo floor (ping sent -> pong, staff socket)", "echo_floor"),
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
    # The ack also crosses the two websocket hops of the echo floor, which the commit floor has not.
    goals.append(("ack p99", result["ack_p99_ms"] - result["echo_floor_p99_ms"], 2,
                  "commit floor p99 (ack less the echo floor)", result["commit_floor_p99_ms"]))
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
