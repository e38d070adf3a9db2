"""The evidence file from the stored log, on both databases: the demo's held sale (its lots withdrawn
after bidding, re-offered after a contested hammer, its online bids refused), the PDF read back, the
JSON verified by `criee verify-evidence` and broken by one altered byte; the audit entry."""
import io
import json
import subprocess
import sys
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import select

from auction.domain.evidence import NothingToShow
from auction.domain.instants import paris_text, utc_text
from auction.models import AuditEntry, Lot, Sale, User
from auction.services import evidence, online_refusals
from auction.services import screens as screen_record
from auction.services.demo import held_sale_now, seed_demo
from auction.services.demo_held_sale import HELD_REFERENCE

from .conftest import TODAY


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def verify_cli(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auction.cli", "verify-evidence", str(path)],
                          capture_output=True, text=True, timeout=60)


async def _held(db, tmp_path):
    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale).where(Sale.reference == HELD_REFERENCE))
        lots = {lot.label: lot.id for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale.id))}
        officer = await session.scalar(select(User).where(User.role == "officer"))
    return sale.id, lots, officer


async def test_the_held_sales_lots_evidence_files(db, tmp_path):
    sale_id, lots, officer = await _held(db, tmp_path)
    now = held_sale_now(TODAY)

    # Lot 10, withdrawn after bidding: the online bid that arrived 1.35 s after the withdrawal is shown.
    withdrawn = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"],
                                        produced_by=officer.full_name, now=now)
    kinds = [e.kind for e in withdrawn.entries]
    assert kinds[0] == "lot_opened" and kinds[-1] == "lot_withdrawn" and kinds.count("bid") == 3
    online = next(e for e in withdrawn.entries if e.source == "online")
    assert online.paddle == 501 and online.covers_seq == withdrawn.entries[1].seq
    (late,) = withdrawn.refusals
    assert late.code == "lot_not_open" and late.paddle == 501 and late.amount_cents == 400_00
    assert (late.received_at - withdrawn.entries[-1].at).total_seconds() == pytest.approx(1.35)
    assert late.expected_bid_seq == withdrawn.entries[-2].seq and "Trop tard" in late.message
    assert withdrawn.head.kind == "sale_closed" and withdrawn.head_sealed.session == 2
    assert withdrawn.entries[-1].entered_by.endswith("(Commissaire de justice)")
    # The screens of session 2 connected while lot 10 was on the block (the companion record).
    screens = withdrawn.screens
    assert [(v.role, v.paddle) for v in screens.named] == [
        ("clerk_tablet", None), ("rostrum", None), ("display", None), ("online_bidder", 501)]
    assert all(v.connected_at < withdrawn.entries[0].at and v.disconnected_at > withdrawn.head.at
               for v in screens.named)
    assert {v.user_id for v in screens.named if v.user_id} <= set(withdrawn.staff)   # named in the file
    assert (screens.viewers_at_start, screens.viewers_peak, screens.viewers_at_end) == (3, 5, 4)
    assert screens.start == withdrawn.entries[0].at and screens.end == withdrawn.entries[-1].at
    assert screens.end_label == "au retrait du lot" and screens.lost == ()

    # Lot 12: the online bid that covered the 1 200 € bid after the phone had bid 1 500 € was outbid.
    lot12 = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["12"],
                                    produced_by=officer.full_name, now=now)
    (outbid,) = lot12.refusals
    assert outbid.code == "outbid" and outbid.amount_cents == 1_300_00
    phone = next(e for e in lot12.entries if e.source == "phone" and e.amount_cents == 1_500_00)
    assert phone.covers_seq == outbid.expected_bid_seq
    assert (outbid.received_at - phone.at).total_seconds() == pytest.approx(0.42)

    # Lot 9: the contested hammer, its re-offer and the second hammer.
    lot9 = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["9"],
                                   produced_by=officer.full_name, now=now)
    assert [e.kind for e in lot9.entries].count("hammer") == 2
    assert any(e.kind == "lot_reoffered" and "Contestation" in e.description for e in lot9.entries)
    assert lot9.refusals == ()

    # Lot 7: sold in session 1, in default, put up again in session 2: one chain over both sessions.
    lot7 = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["7"],
                                   produced_by=officer.full_name, now=now)
    assert lot7.sessions == (1, 2) and {s.session for s in lot7.seals} == {1, 2}
    lot1 = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["1"],
                                   produced_by=officer.full_name, now=now)
    assert lot1.screens.named == () and lot1.screens.viewers_peak == 0    # session 1: none recorded

    # A session: from its opening to its closing, with both refusals.
    two = await evidence.assemble(db.sessions, sale_id, scope="session", session_number=2,
                                  produced_by=officer.full_name, now=now)
    assert two.entries[0].kind == "session_opened" and {r.code for r in two.refusals} == {"lot_not_open", "outbid"}

    with pytest.raises(NothingToShow):       # lot 2 was withdrawn before the sale: never offered
        await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["2"], produced_by="", now=now)
    offered, sessions = await evidence.scopes(db.sessions, sale_id)
    assert lots["2"] not in {lot.id for lot in offered} and lots["10"] in {lot.id for lot in offered}
    assert sessions == [1, 2]


async def test_the_demo_lots_file_verifies_with_the_command_and_fails_on_one_byte(db, tmp_path):
    sale_id, lots, officer = await _held(db, tmp_path)
    now = held_sale_now(TODAY)
    content, name = await evidence.produce(db.sessions, sale_id, form="json", user_id=officer.id, now=now,
                                           scope="lot", lot_id=lots["10"])
    assert name == f"preuve-{HELD_REFERENCE}-lot-10.json"
    path = tmp_path / name
    path.write_bytes(content)
    ok = verify_cli(path)
    assert ok.returncode == 0, ok.stderr
    assert "intègre" in ok.stdout and "scellée" in ok.stdout

    document = json.loads(content)
    online = next(e for e in document["chain"]["events"] if '"source":"online"' in e["canonical"])
    text = content.decode()
    start = text.index(json.dumps(online["canonical"], ensure_ascii=False)[1:-1])
    position = start + online["canonical"].index('"amount_cents":') + len('"amount_cents":')
    altered = text[:position] + ("9" if text[position] != "9" else "8") + text[position + 1:]
    path.write_text(altered, encoding="utf-8")
    broken = verify_cli(path)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert f"ROMPU à l'événement {online['seq']}" in broken.stderr

    async with db.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence_file"))
    assert entry.user_id == officer.id and entry.sale_id == sale_id and entry.details["format"] == "json"
    assert entry.details["named_screens"] == 4 and entry.details["screens_lost"] == 0
    assert document["screens"]["in_chain"] is False and len(document["screens"]["named"]) == 4
    assert document["screens"]["named"][3]["paddle"] == 501 and document["screens"]["viewers"]["peak"] == 5
    assert "lot 10" in entry.summary


async def test_the_pdf_reads_back_with_times_sources_refusals_and_hashes(db, tmp_path):
    sale_id, lots, officer = await _held(db, tmp_path)
    now = held_sale_now(TODAY)
    file = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"],
                                   produced_by=officer.full_name, now=now)
    pdf, name = await evidence.produce(db.sessions, sale_id, form="pdf", user_id=officer.id, now=now,
                                       scope="lot", lot_id=lots["10"])
    assert name.endswith(".pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _plain("\n".join(page.extract_text() for page in reader.pages))
    assert "DOSSIER DE PREUVE" in text.upper() and "Huile sur toile" in text
    assert file.entries[0].at_paris.split(" (")[0] in text and file.entries[0].at_utc in text
    assert "panneau 501, en ligne" in text and "couvre l'enchère n°" in text
    assert "trop tard : le lot n'était plus en vente" in text and "400,00 €" in text
    assert file.refusals[0].received_at.strftime("%H:%M:%S") in text
    assert "retiré par le commissaire de justice" in text and "(Commissaire de justice)" in text
    assert file.head.hash[:32] in text.replace(" ", "")
    # The screens connected: each named one with its times, the public viewers counted, the record named.
    assert "Écrans connectés" in text and "Tablette du clerc" in text and "Enchérisseur en ligne, panneau 501" in text
    assert "Écran de la salle" in text and "Pupitre du commissaire de justice" in text
    clerk_tablet = next(v for v in file.screens.named if v.role == "clerk_tablet")
    assert paris_text(clerk_tablet.connected_at).split(" (")[0] in text and utc_text(clerk_tablet.connected_at) in text
    assert "3 à la mise en vente, 4 au retrait du lot, au plus 5 en même temps" in text
    assert "n'est pas dans sa chaîne d'empreintes" in text and "ne sont pas enregistrés" not in text
    assert "Aucune perte d'enchère refusée n'a été signalée" in text


async def test_the_refusals_a_server_could_not_record_are_counted_in_the_file(db, tmp_path):
    sale_id, lots, officer = await _held(db, tmp_path)
    now = held_sale_now(TODAY)
    before = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"], produced_by="", now=now)
    assert before.refusals_lost == ()
    # Three refusals lost while lot 10 was on the block, as a server process counts them (its queue full).
    on_block = before.entries[1].at
    await online_refusals.write(db.sessions, [online_refusals.LostRefusals(
        sale_id, "srv-a", 41, 3, on_block, on_block + timedelta(milliseconds=800))])
    file = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"], produced_by="", now=now)
    assert file.refusals_lost_count == 3 and file.refusals_lost[0].since == on_block
    assert len(file.refusals) == len(before.refusals)          # the refusals recorded are all still there
    pdf, _ = await evidence.produce(db.sessions, sale_id, form="pdf", user_id=officer.id, now=now, scope="lot",
                                    lot_id=lots["10"])
    text = _plain("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "Enchères en ligne refusées non enregistrées : 3" in text and "serveur srv-a / 41" in text
    assert f"entre le {_plain(paris_text(on_block))}" in text and "peut donc être incomplète" in text
    content, _ = await evidence.produce(db.sessions, sale_id, form="json", user_id=officer.id, now=now,
                                        scope="lot", lot_id=lots["10"])
    assert json.loads(content)["refusals_lost"] == [{"server": "srv-a/41", "count": 3, "from_utc": utc_text(on_block),
                                                     "to_utc": utc_text(on_block + timedelta(milliseconds=800))}]
    async with db.sessions() as session:
        entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "evidence_file")))
    assert [entry.details["refusals_lost"] for entry in entries] == [3, 3]
    # Lot 1, sold in session 1, was not on the block then: its file has no loss.
    lot1 = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["1"], produced_by="", now=now)
    assert lot1.refusals_lost == ()


async def test_a_screen_its_killed_server_never_closed_shows_its_end_as_unknown(db, tmp_path):
    sale_id, lots, officer = await _held(db, tmp_path)
    now = held_sale_now(TODAY)
    before = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"], produced_by="", now=now)
    assert before.screens.unknown_ends == 0
    # A second room display, on a server process killed while lot 10 was on the block; the next process
    # of its host closes it when it starts, an hour later.
    on_block = before.entries[1].at
    await screen_record.write(db.sessions, [screen_record.PendingScreen(sale_id, on_block, "connect", "display",
                                                                        "srv-a", 41, 1)])
    restarted = on_block + timedelta(hours=1)
    assert await screen_record.close_stopped(db.sessions, restarted, host="srv-a", pid=42,
                                             alive=lambda pid: False) == 1
    file = await evidence.assemble(db.sessions, sale_id, scope="lot", lot_id=lots["10"], produced_by="", now=now)
    (killed,) = [v for v in file.screens.named if v.pid == 41]
    assert (killed.disconnected_at, killed.end_known, file.screens.unknown_ends) == (restarted, False, 1)
    pdf, _ = await evidence.produce(db.sessions, sale_id, form="pdf", user_id=officer.id, now=now, scope="lot",
                                    lot_id=lots["10"])
    text = _plain("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert f"heure exacte inconnue, au plus tard le {_plain(paris_text(restarted))}" in text
    assert "constatée à son redémarrage" in text and "Déconnexions non enregistrées : 1" in text
    content, _ = await evidence.produce(db.sessions, sale_id, form="json", user_id=officer.id, now=now,
                                        scope="lot", lot_id=lots["10"])
    document = json.loads(content)
    (shown,) = [v for v in document["screens"]["named"] if v["server"] == "srv-a/41"]
    assert shown["disconnect_recorded"] is False and shown["disconnected"]["utc"] == utc_text(restarted)
    assert document["screens"]["unknown_ends"] == 1
