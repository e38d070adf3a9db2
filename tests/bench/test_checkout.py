"""bench/checkout.py runs end to end, small, on both databases (its figures are judged in bench/, not here)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import _require_postgres

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "checkout.py"), "--json", "--lots", "60",
                           "--buyer-lots", "12", "--requests", "5", "--warmup", "1", *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def check(result: dict) -> None:
    assert result["lots"] == 60 and result["buyer_lots"] == 12
    assert 0 < result["checkout_p50_ms"] <= result["checkout_p99_ms"]


def test_checkout_bench_on_sqlite():
    check(run_bench())


def test_checkout_bench_on_postgresql():
    check(run_bench("--database-url", _require_postgres()))
