"""bench/rate_limits.py runs end to end, small, on PostgreSQL (its figures are judged in bench/, not here)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import _require_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_rate_limits_bench_on_postgresql():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "rate_limits.py"), "--json", "--checks", "40",
                           "--warmup", "5", "--database-url", _require_postgres()],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    for store in ("select1", "shared_off", "shared_on", "memory"):
        assert 0 < result[f"{store}_p50_ms"] <= result[f"{store}_p99_ms"], store
    assert "dropped database" in done.stderr
