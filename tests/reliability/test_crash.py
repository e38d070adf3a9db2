"""A real server killed mid-sale loses nothing it acknowledged; racing clerks never double a bid.

These run `criee serve` as a subprocess on both backends and talk to it over real websockets.
"""
from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from auction.db import Database
from auction.domain.room_view import public_view
from auction.services.room import open_room
from tests.live_server import LiveServer, cli_env, criee, seed_demo

from .harness import (PADDLES, RoomClient, challenger, connect_clerks, connect_display, ensure_lot_open, log_in,
                      screen_rows, stored_events)

TARGET_ACKED_BIDS = 300     # kill the server once this many bids were acknowledged
BIDS_PER_LOT = 15           # then three calls and the hammer (the demo's 40 lots take 600 bids)
RUN_TIMEOUT = 40


@dataclass
class SaleRun:
    """What the clients saw while the server was alive."""

    server: LiveServer
    acks: list[tuple[str, int, str]] = field(default_factory=list)     # (command_id, event_seq, command)
    acked_bids: int = 0
    bidding: bool = False
    in_flight: int = 0
    in_flight_at_kill: int = 0
    killed_at: float | None = None
    refusals: dict[str, int] = field(default_factory=dict)

    def record(self, command_id: str, name: str, reply: dict) -> None:
        if reply["type"] == "ack":
            assert not reply["duplicate"], reply
            self.acks.append((command_id, reply["event_seq"], name))
            if name == "bid":
                self.acked_bids += 1
        else:
            self.refusals[reply["code"]] = self.refusals.get(reply["code"], 0) + 1

    def kill(self) -> None:
        self.in_flight_at_kill = self.in_flight
        self.killed_at = time.monotonic()
        os.kill(self.server.pid, signal.SIGKILL)


async def bidder(run: SaleRun, client: RoomClient, paddle: int) -> None:
    """Bid at the next minimum whenever this paddle is not leading; race the other clerks."""
    while run.killed_at is None and client.closed is None:
        state = client.state
        leader = (state["current_bid"] or {}).get("paddle")
        if run.bidding and state["lot"] is not None and leader != paddle and state["bid_count"] < BIDS_PER_LOT:
            run.in_flight += 1
            try:
                command_id, reply = await client.send_command("bid", paddle=paddle,
                                                              amount_cents=state["next_minimum_cents"])
                if run.acked_bids >= TARGET_ACKED_BIDS and run.killed_at is None:
                    run.kill()          # this bid is on its way: the server dies with commands in flight
                reply = await asyncio.wait_for(reply, 10)
            except Exception as exc:  # noqa: BLE001 - the connection drops with the server
                if run.killed_at is None:
                    raise AssertionError(f"{client.name} failed before the kill: {exc!r}") from exc
                return
            finally:
                run.in_flight -= 1
            run.record(command_id, "bid", reply)
            continue                    # the event came before the reply: the state is fresh
        await client.changed(0.5)


async def conduct(run: SaleRun, driver: RoomClient, lot_ids: list[int]) -> None:
    """Open the sale, then each lot: let the clerks race, then three calls and the hammer."""
    async def do(name: str, **args) -> dict:
        command_id, future = await driver.send_command(name, **args)
        reply = await asyncio.wait_for(future, 10)
        run.record(command_id, name, reply)
        return reply

    try:
        assert (await do("open_sale"))["type"] == "ack"
        for lot_id in lot_ids:
            reply = await do("open_lot", lot_id=lot_id)
            assert reply["type"] == "ack", reply
            run.bidding = True
            await driver.wait_for(lambda: driver.state["bid_count"] >= BIDS_PER_LOT, timeout=20)
            run.bidding = False
            deadline = time.monotonic() + 10
            while run.in_flight and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            assert run.in_flight == 0
            for _ in range(3):
                assert (reply := await do("call"))["type"] == "ack", reply
            assert (reply := await do("hammer"))["type"] == "ack", reply
        raise AssertionError("the sale ran out of lots before the kill")
    except Exception:  # noqa: BLE001 - after the kill, every pending command fails
        if run.killed_at is None:
            raise


async def run_until_killed(server: LiveServer, lot_ids: list[int]) -> tuple[SaleRun, list[RoomClient], str]:
    cookie = await log_in(server)
    clerks = await connect_clerks(server, len(PADDLES), cookie)
    display = await connect_display(server)
    run = SaleRun(server)
    try:
        await asyncio.wait_for(asyncio.gather(conduct(run, clerks[0], lot_ids),
                                              *(bidder(run, c, p) for c, p in zip(clerks, PADDLES))),
                               RUN_TIMEOUT)
    finally:
        for client in [*clerks, display]:
            await client.close()
    return run, [*clerks, display], cookie


def expected_room(rows) -> dict:
    """The room after these events, derived here independently of the domain's apply()."""
    status, lot_id, bids, calls, sold = "ready", None, [], 0, 0
    for row in rows:
        p = row.payload
        if row.kind == "sale_opened":
            status = "open"
        elif row.kind == "lot_opened":
            lot_id, bids, calls = p["lot_id"], [], 0
        elif row.kind == "bid":
            bids.append((p["paddle"], p["amount_cents"]))
            calls = 0
        elif row.kind == "call":
            calls = p["number"]
        elif row.kind == "hammer":
            lot_id, bids, calls, sold = None, [], 0, sold + 1
        else:
            raise AssertionError(f"unexpected event {row.kind}")
    return {"status": status, "lot_id": lot_id, "bid_count": len(bids), "calls": calls, "lots_sold": sold,
            "current_bid": bids[-1] if bids else None}


async def test_sigkill_mid_sale_loses_no_acknowledged_event(fresh_database_url, tmp_path):
    url = fresh_database_url
    env = cli_env(url, tmp_path)
    seed_demo(env)
    first = LiveServer(env, tmp_path / "server-1.log").start()
    second = None
    try:
        run, clients, cookie = await run_until_killed(first, list(range(1, 41)))
        first.kill()   # reap it
        assert run.killed_at is not None and first.process.returncode == -signal.SIGKILL
        assert run.acked_bids >= TARGET_ACKED_BIDS
        assert run.in_flight_at_kill >= 1, "the kill should land while commands are in flight"
        assert run.refusals.keys() <= {"bid_too_low", "already_leading"}, run.refusals

        # The log on disk holds every acknowledged event, at the acknowledged place, without gaps.
        rows = await stored_events(url)
        assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
        by_command = {row.command_id: row.seq for row in rows}
        lost = [(cid, seq, name) for cid, seq, name in run.acks if by_command.get(cid) != seq]
        assert not lost, f"acknowledged but not stored: {lost[:5]}"
        sent = set().union(*(c.sent_at for c in clients))
        assert {row.command_id for row in rows} <= sent, "an event no client ever sent"
        assert len(rows) - len(run.acks) <= run.in_flight_at_kill   # at most the in-flight ones, unacknowledged
        # What the screens were shown before the kill is what was stored.
        for client in clients:
            assert not client.gaps, (client.name, client.gaps[:3])
            for message in client.events:
                row = rows[message["event"]["seq"] - 1]
                payload = row.payload if client.name != "display" else {
                    k: v for k, v in row.payload.items() if k not in ("registration_id", "reason")}
                assert (message["event"]["kind"], message["event"]["payload"]) == (row.kind, payload)

        verified = criee("verify-log", "1", env=env)
        assert verified.returncode == 0, verified.stderr
        assert f"{len(rows)} événements" in verified.stdout

        # A new process replays the log to the same room, and the sale goes on.
        before_start = datetime.now(timezone.utc)
        second = LiveServer(env, tmp_path / "server-2.log").start()
        # The screens the killed process had connected were closed by the new one at its start (their
        # exact end unknown): the record of connections keeps none of them open for good.
        left = [row for row in await screen_rows(url) if row.pid == first.pid]
        connected = {row.connection for row in left if row.kind == "connect"}
        restarts = [row for row in left if row.kind == "restart"]
        closed = {row.connection for row in left if row.kind == "disconnect"}
        assert len(connected) >= len(clients) and restarts and all(row.at >= before_start for row in restarts)
        assert {row.connection for row in restarts} == connected - closed
        expected = expected_room(rows)
        display = await connect_display(second)
        assert display.seq == len(rows)
        state = display.state
        assert state["status"] == expected["status"] == "open"
        assert (state["lot"] or {}).get("id") == expected["lot_id"]
        assert (state["bid_count"], state["calls"], state["lots_sold"]) == (
            expected["bid_count"], expected["calls"], expected["lots_sold"])
        current = state["current_bid"]
        assert (None if current is None else (current["paddle"], current["amount_cents"])) == expected["current_bid"]
        db = Database.connect(url)
        try:
            room = await open_room(db.sessions, 1)
        finally:
            await db.dispose()
        assert state == public_view(room.state, room.setup)

        [clerk] = await connect_clerks(second, 1, cookie)      # the session survived the crash too
        await ensure_lot_open(clerk)
        # A command repeated after the crash (same id) is not applied twice.
        command_id, event_seq, name = next(a for a in reversed(run.acks) if a[2] == "bid")
        row = rows[event_seq - 1]
        again = await clerk.command("bid", command_id=command_id, paddle=row.payload["paddle"],
                                    amount_cents=row.payload["amount_cents"])
        assert (again["type"], again["event_seq"], again["duplicate"]) == ("ack", event_seq, True)
        reply = await clerk.command("bid", paddle=challenger(clerk.state),
                                    amount_cents=clerk.state["next_minimum_cents"])
        assert reply["type"] == "ack" and reply["event_seq"] == clerk.seq
        await display.wait_for(lambda: display.seq == clerk.seq)
        assert not display.gaps
        await clerk.close()
        await display.close()
        assert "Traceback" not in second.logs()
    finally:
        first.stop()
        if second is not None:
            second.stop()


async def test_two_clerks_bidding_the_same_amount_at_once(live_server):
    """Each step, two tablets send the same amount for two paddles at the same moment: one wins."""
    a, b = await connect_clerks(live_server, 2)
    try:
        await ensure_lot_open(a)
        await b.wait_for(lambda: b.seq == a.seq)
        lot_id = a.state["lot"]["id"]
        start_seq = a.seq
        winners = {"clerk0": 0, "clerk1": 0}
        for _ in range(50):
            state = a.state
            assert b.state == state
            amount = state["next_minimum_cents"]
            paddle_a = challenger(state)
            paddle_b = challenger(state, exclude=[paddle_a])
            (_, future_a), (_, future_b) = await asyncio.gather(
                a.send_command("bid", paddle=paddle_a, amount_cents=amount),
                b.send_command("bid", paddle=paddle_b, amount_cents=amount))
            replies = await asyncio.wait_for(asyncio.gather(future_a, future_b), 10)
            acked = [(client, r) for client, r in zip((a, b), replies) if r["type"] == "ack"]
            refused = [r for r in replies if r["type"] == "error"]
            assert len(acked) == 1 and len(refused) == 1, replies
            assert refused[0]["code"] == "bid_too_low", refused
            winners[acked[0][0].name] += 1
            seq = acked[0][1]["event_seq"]
            await a.wait_for(lambda: a.seq == seq)
            await b.wait_for(lambda: b.seq == seq)
            assert a.state["current_bid"]["amount_cents"] == amount
        assert a.seq == start_seq + 50 and not a.gaps and not b.gaps
    finally:
        await a.close()
        await b.close()

    bids = [row.payload for row in await stored_events(live_server.database_url)
            if row.kind == "bid" and row.payload["lot_id"] == lot_id]
    amounts = [bid["amount_cents"] for bid in bids]
    assert len(amounts) == len(set(amounts)), "two bids at the same amount on one lot"
    assert amounts == sorted(amounts)
