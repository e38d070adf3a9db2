"""docs/verify-evidence.md's snippets (Python, JavaScript) run as printed: they accept an evidence
file and name the event whose canonical encoding had one byte changed."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auction.domain.evidence import document

from .test_evidence import held_room, lot_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "verify-evidence.md"


def snippet(language: str) -> str:
    (code,) = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return code


def files(tmp_path):
    payload = document(lot_file(held_room()))
    good = tmp_path / "preuve.json"
    good.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    target = payload["chain"]["events"][3]
    target["canonical"] = target["canonical"].replace('"at":"2026', '"at":"2027', 1)    # one byte
    bad = tmp_path / "altered.json"
    bad.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return good, bad, target["seq"]


@pytest.mark.parametrize("language,command", [("python", [sys.executable]), ("js", ["node"])])
def test_the_snippets_check_the_chain(tmp_path, language, command):
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    script = tmp_path / f"check.{language}"
    script.write_text(snippet(language), encoding="utf-8")
    good, bad, seq = files(tmp_path)
    ok = subprocess.run([*command, str(script), str(good)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "chain holds up to event 21" in ok.stdout, ok.stderr
    broken = subprocess.run([*command, str(script), str(bad)], capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and f"BROKEN at event {seq}" in broken.stderr
