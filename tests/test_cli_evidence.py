"""`criee evidence` and `criee verify-evidence` on the demo's held sale (sale 2): lot 10's evidence
file, made by the command as the office would, verifies; one byte changed and it names the event."""
import json

from pypdf import PdfReader

from .test_cli import criee, one_line_error


def test_the_demo_lots_evidence_file_verifies_and_fails_on_any_change(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path / "data")}
    seeded = criee("demo", env=env, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "preuve.json"
    written = criee("evidence", "2", "--lot", "10", "--out", str(out), env=env, timeout=300)
    assert written.returncode == 0, written.stderr
    ok = criee("verify-evidence", str(out))          # no database, no configuration
    assert ok.returncode == 0, ok.stderr
    assert "intègre" in ok.stdout and "scellée" in ok.stdout

    text = out.read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["refusals"][0]["code"] == "lot_not_open" and document["scope"]["kind"] == "lot"
    # One digit of the seconds of an event's time (one byte of the file): found, and the event named.
    for item in document["chain"]["events"][:3]:
        quoted = json.dumps(item["canonical"], ensure_ascii=False)[1:-1]
        marker = '\\"at\\":\\"'
        position = text.index(quoted) + quoted.index(marker) + len(marker) + len("2026-12-02T13:06:0")
        assert text[position].isdigit()
        changed = text[:position] + str((int(text[position]) + 1) % 10) + text[position + 1:]
        out.write_text(changed, encoding="utf-8")
        line = one_line_error(criee("verify-evidence", str(out)))
        assert f"ROMPU à l'événement {item['seq']}" in line, line

    pdf = tmp_path / "preuve.pdf"
    assert criee("evidence", "2", "--session", "1", "--out", str(pdf), env=env, timeout=300).returncode == 0
    assert "DOSSIER DE PREUVE" in PdfReader(str(pdf)).pages[0].extract_text().upper()
    assert "pas été mis en vente" in one_line_error(
        criee("evidence", "2", "--lot", "2", "--out", str(out), env=env, timeout=300))
    assert "un fichier .pdf ou .json" in one_line_error(
        criee("evidence", "2", "--lot", "10", "--out", str(tmp_path / "x.txt"), env=env))
    missing = one_line_error(criee("verify-evidence", str(tmp_path / "absent.json")))
    assert "impossible de lire" in missing
