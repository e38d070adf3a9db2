"""bench/documents.py runs end to end, small: its figures are not judged here (speed lives in bench/,
not in timed tests), but its answer is: the held sale's record PDF and its invoices export were
served and the display answered its pings meanwhile."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_record_and_the_invoices_of_a_small_held_sale_render_while_a_display_pings():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "documents.py"), "--json", "--lots", "12",
                           "--buyers", "8"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert set(result) == {"lots", "record_pdf_s", "ping_p99_ms_during_render", "buyers", "invoices",
                           "invoices_pdf_s", "ping_p99_ms_during_invoices"}
    assert result["lots"] == 12 and result["record_pdf_s"] > 0 and result["ping_p99_ms_during_render"] > 0
    assert "held sale: 12 lots offered" in done.stderr and "8 verified paddles" in done.stderr
    # every buyer got one invoice, each a PDF in the export (one in ten added buyers is a company)
    assert 1 < result["buyers"] == result["invoices"] <= 8
    assert result["invoices_pdf_s"] > 0 and result["ping_p99_ms_during_invoices"] > 0
