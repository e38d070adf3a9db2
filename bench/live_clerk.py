"""The clerk of bench/live.py: the officer's tablet driving the sale at a steady pace, and the online
bidders racing its room bids (who won each step, how long the online bidders waited).
"""
from __future__ import annotations

import asyncio
import random
import time
import uuid

from bench.live_setup import CSRF_INPUT, OFFICER_EMAIL, OFFICER_PASSWORD, PADDLES, SALE_ID, percentile, say


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


PONG = object()   # the key of a ping's answer among a socket's awaited replies (a pong has no command id)


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
                key = PONG if message.get("type") == "pong" else message.get("command_id")
                future = self.replies.pop(key, None) if key is not None else None
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

    async def ping(self) -> float:
        """The time (ms) a ping takes to come back as a pong: the two websocket hops and the server's
        read and write, without a command (no decision, no append)."""
        future = asyncio.get_running_loop().create_future()
        self.replies[PONG] = future
        sent = time.monotonic_ns()
        await self.ws.send('{"type":"ping"}')
        _, received = await asyncio.wait_for(future, 30)
        return (received - sent) / 1e6

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
                    race: Race | None = None, echoes: list[float] | None = None) -> list[tuple[int, int, int]]:
    """Drive the sale at a steady pace; returns (event_seq, sent_ns, ack_ns) for each accepted bid.

    The clerk's tablet is on the first server. With `online` (paddle, session token) pairs, those
    bidders connect to the live page's bidder socket, spread over the servers, each from its own
    loopback address (the rate limits count per address, as for bidders at home); at every bid step
    one of them (in turn) bids against the clerk's room bid, from what its own screen shows, and
    the two are sent in a random order: exactly one wins the step.

    With `echoes`, a second staff socket (the officer's desk, on the same server as the tablet) sends
    a ping just before each bid step's bids, and its round trip is added to `echoes` (ms): the echo
    floor, what a message that needs no decision nor append costs at that moment, hops and server.
    """
    clerk = RoomSocket()
    await clerk.open(f"ws://127.0.0.1:{ports[0]}/ws/bureau/ventes/{SALE_ID}", await log_in(ports[0]))
    bidders: list[tuple[int, RoomSocket]] = []
    race = race or Race()
    desk = None
    try:
        if echoes is not None:
            desk = RoomSocket()
            await desk.open(f"ws://127.0.0.1:{ports[0]}/ws/bureau/ventes/{SALE_ID}", await log_in(ports[0]))
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
                if desk is not None:     # first: its ping is read before the bids, not behind them
                    racers.insert(0, desk.ping())
                answers = await asyncio.gather(*racers)
                if desk is not None:
                    echoes.append(answers.pop(0))
                outcomes = [o for o in answers if o is not None]
                if len(outcomes) == 2:
                    race.races += 1
                    race.won_twice += all(outcomes)
        return records
    finally:
        for _, bidder in bidders:
            await bidder.close()
        if desk is not None:
            await desk.close()
        await clerk.close()
