"""Fan-out on a real server: a stalled screen never slows the room; a screen that comes back catches up."""
from __future__ import annotations

import orjson

from auction.web.live import CATCH_UP_LIMIT, CLOSE_LAGGING

from .harness import (connect_clerks, connect_display, drive_bids, ensure_lot_open, percentile, read_frames,
                      stalled_display, stored_events)

MAX_EVENTS = 2500   # the stalled screen is dropped after about 500 events; fail rather than run forever


def public_payload(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ("registration_id", "reason")}


async def test_a_stalled_display_never_slows_the_room(live_server):
    [clerk] = await connect_clerks(live_server, 1)
    await ensure_lot_open(clerk)
    logs_before = len(live_server.logs())
    stalled = stalled_display(live_server.port)      # sends hello, then never reads
    display = await connect_display(live_server)
    first_seq = display.seq
    try:
        latencies: list[float] = []
        while "client dropped for lagging" not in live_server.logs()[logs_before:]:
            assert len(latencies) < MAX_EVENTS, "the stalled display was never dropped"
            latencies += await drive_bids(clerk, 25)
        dropped_after = len(latencies)
        latencies += await drive_bids(clerk, 50)      # the room goes on without it
        await display.wait_for(lambda: display.seq == clerk.seq)

        # The clerk's acknowledgements kept coming while the stalled screen's buffers filled up.
        assert percentile(latencies, 99) < 0.5, f"ack p99 {percentile(latencies, 99) * 1000:.0f} ms"
        # The healthy screen got every event, in order, with nothing missing.
        assert not display.gaps
        assert [m["event"]["seq"] for m in display.events] == list(range(first_seq + 1, clerk.seq + 1))
        assert display.state == {k: v for k, v in clerk.state.items() if k in display.state}

        # Reading the stalled socket now: what fitted in the buffers, then resync and close 1013.
        frames = read_frames(stalled, timeout=10)
        texts = [orjson.loads(payload) for opcode, payload in frames if opcode == 0x1]
        assert texts[0]["type"] == "snapshot"
        assert texts[-1] == {"type": "resync", "reason": "lagging"}
        seqs = [m["seq"] for m in texts[1:-1]]
        assert all(m["type"] == "event" for m in texts[1:-1])
        assert seqs == list(range(texts[0]["seq"] + 1, texts[0]["seq"] + 1 + len(seqs)))
        assert len(seqs) < dropped_after, "the stalled screen was not cut off"
        assert frames[-1][0] == 0x8 and int.from_bytes(frames[-1][1][:2], "big") == CLOSE_LAGGING
    finally:
        stalled.close()
        await display.close()
        await clerk.close()


async def test_a_display_that_comes_back_gets_what_it_missed(live_server):
    [clerk] = await connect_clerks(live_server, 1)
    try:
        await ensure_lot_open(clerk)
        away = await connect_display(live_server)
        seen = away.seq
        await away.close()
        await drive_bids(clerk, 7)

        back = await connect_display(live_server, last_seq=seen)
        rows = await stored_events(live_server.database_url)
        assert [m["type"] for m in back.messages] == ["event"] * 7 + ["synced"]
        missed, synced = back.messages[:-1], back.messages[-1]
        assert [m["seq"] for m in missed] == list(range(seen + 1, seen + 8))
        for message in missed:
            row = rows[message["seq"] - 1]
            assert message["state"] is None
            assert (message["event"]["kind"], message["event"]["payload"]) == (row.kind, public_payload(row.payload))
        assert synced["seq"] == clerk.seq == len(rows)
        assert synced["state"] == {k: v for k, v in clerk.state.items() if k in synced["state"]}
        await back.close()

        up_to_date = await connect_display(live_server, last_seq=clerk.seq)
        assert [m["type"] for m in up_to_date.messages] == ["synced"]
        await up_to_date.close()

        if clerk.seq <= CATCH_UP_LIMIT + 1:
            await drive_bids(clerk, CATCH_UP_LIMIT + 2 - clerk.seq)
        at_limit = await connect_display(live_server, last_seq=clerk.seq - CATCH_UP_LIMIT)
        assert [m["type"] for m in at_limit.messages] == ["event"] * CATCH_UP_LIMIT + ["synced"]
        assert not at_limit.gaps
        await at_limit.close()

        # Too far behind, ahead of the log (another database), or new: a snapshot, nothing else.
        for last_seq in (clerk.seq - CATCH_UP_LIMIT - 1, clerk.seq + 5, 0, None):
            far = await connect_display(live_server, last_seq=last_seq)
            assert [m["type"] for m in far.messages] == ["snapshot"], last_seq
            assert far.messages[0]["seq"] == clerk.seq
            await far.close()
    finally:
        await clerk.close()
