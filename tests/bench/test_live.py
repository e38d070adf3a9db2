"""bench/live.py runs end to end, small: its figures are not judged here (speed lives in bench/,
not in timed tests), but what it checks on the way is: every display got every event, and of a
room bid and an online bid racing for one step exactly one won."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import _require_postgres

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"commit_floor_p50_ms", "commit_floor_p99_ms", "broadcast_floor_p50_ms", "broadcast_floor_p99_ms",
        "ack_p50_ms", "ack_p99_ms", "echo_floor_p50_ms", "echo_floor_p99_ms", "display_p50_ms", "display_p99_ms"}


def run_bench(*args: str) -> tuple[dict, dict]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "live.py"), "--json", "--viewers", "6",
                           "--bids", "24", "--warmup", "4", "--rate", "10", "--floor-messages", "24",
                           "--commit-samples", "20", *args],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    health_line = next(line for line in done.stderr.splitlines() if line.startswith("bench: health: "))
    return json.loads(done.stdout.splitlines()[-1]), json.loads(health_line.removeprefix("bench: health: "))


def check_races(result: dict, health: dict, online_bidders: int) -> None:
    assert KEYS <= result.keys()
    assert result["online_bidders"] == online_bidders
    assert all(result[key] >= 0 for key in KEYS)
    assert 0 < result["echo_floor_p50_ms"] <= result["echo_floor_p99_ms"]   # a pong for every bid step
    assert health["missing_deliveries"] == 0 and health["gaps"] == 0 and health["resyncs"] == 0
    assert health["races"] > 0
    assert health["races_won_twice"] == 0
    # every step raced was won by one side and lost (or rate-limited) by the other
    assert health["room_bids_won"] + health["online_bids_won"] >= health["races"]
    assert (health["room_bids_lost"] + health["online_bids_lost"] + health["online_rate_limited"]
            + health["online_too_late"] == health["races"])
    assert "server_rss_mb_per_1000_displays" in result and result["online_answer_p99_ms"] > 0
    assert health["online_bids_won"] > 0     # 8 bidders in turn: none reaches its rate limit


def test_online_bidders_race_the_room_on_sqlite():
    result, health = run_bench("--database-url", "sqlite", "--online-bidders", "8")
    check_races(result, health, 8)


def test_online_bidders_race_the_room_over_two_processes_on_postgresql():
    admin_url = _require_postgres()
    result, health = run_bench("--database-url", admin_url, "--processes", "2", "--online-bidders", "8")
    check_races(result, health, 8)
    assert len(health["server_cpu_per_process"]) == 2
