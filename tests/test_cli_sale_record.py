"""`criee sale-record` on the demo's held sale (sale 2, issue 11's done-means): a PDF/A whose text has,
for every lot sold, its price in figures and in words and its buyer; and on a sale with one closed
session, the PDF written and `criee verify-log` checking its seal (a changed stored PDF is named)."""
import asyncio
import io
import re

from pypdf import PdfReader

from auction.db import Database
from auction.domain.amount_words import amount_in_words
from auction.domain.money import format_euros
from auction.services import sale_record

from .test_cli import criee, one_line_error


def flat(text: str) -> str:
    """Spaces normalised, and a word broken at its hyphen across two lines joined again."""
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(text.split()))


def test_criee_sale_record_2_on_the_demo_has_every_sold_lot_in_figures_words_and_its_buyer(fresh_database_url,
                                                                                           tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path / "data")}
    seeded = criee("demo", env=env, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "x.pdf"
    written = criee("sale-record", "2", "--out", str(out), env=env, timeout=300)
    assert written.returncode == 0, written.stderr

    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert b'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    text = flat(" ".join(page.extract_text() for page in reader.pages))

    async def sold():
        db = Database.connect(fresh_database_url)
        try:
            state = await sale_record.load_record(db.sessions, 2)
        finally:
            await db.dispose()
        return [entry for part in state.record.sessions for entry in part.sold], state.record
    entries, record = asyncio.run(sold())
    assert len(record.sessions) == 2 and all(part.closed for part in record.sessions)
    assert len(entries) >= 4 and {e.source for e in entries} >= {"room", "online", "phone", "absentee"}
    for entry in entries:
        line = flat(f"Lot {entry.lot.label} {entry.lot.designation} — adjugé {format_euros(entry.amount_cents)} "
                    f"({amount_in_words(entry.amount_cents)}) à {entry.buyer.last_name.upper()} "
                    f"{entry.buyer.first_names}")
        assert line in text, line
        assert flat(entry.buyer.domicile) in text


def test_sale_record_writes_the_pdf_and_verify_log_checks_the_closed_sessions(fresh_database_url, tmp_path):
    import asyncio
    import io
    import uuid
    from datetime import date

    from pypdf import PdfReader
    from sqlalchemy import select

    from auction.db import Database
    from auction.domain.amount_words import amount_in_words
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.migrations import upgrade
    from auction.models import RecordSeal, User, utcnow
    from auction.services import room as room_service
    from auction.services import sale_record

    from auction.services.demo import seed_demo

    upgrade(fresh_database_url)

    async def hold_a_session():
        db = Database.connect(fresh_database_url)
        try:
            await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22))
            async with db.sessions() as session:
                clerk = await session.scalar(select(User).where(User.role == "clerk"))
                officer = await session.scalar(select(User).where(User.role == "officer"))
            room = await room_service.open_room(db.sessions, 1)
            lot_id = next(iter(room.setup.lots))
            amount = room.setup.lots[lot_id].opening_bid_cents
            steps = [("open_sale", {}), ("open_lot", {"lot_id": lot_id}), ("bid", {"paddle": 1, "amount_cents": amount}),
                     ("call", {}), ("call", {}), ("call", {}), ("hammer", {})]
            for name, args in steps:
                await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, Actor(clerk.id, Role.CLERK),
                                          utcnow())
            await room_service.submit(db.sessions, room, uuid.uuid4().hex, "close_session", {},
                                      Actor(officer.id, Role.OFFICER), utcnow())
            await sale_record.seal_sessions(db.sessions, tmp_path / "private", 1, utcnow())
            async with db.sessions() as session:
                return amount, (await session.scalar(select(RecordSeal))).pdf_path
        finally:
            await db.dispose()

    amount, sealed = asyncio.run(hold_a_session())
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    out = tmp_path / "pv.pdf"
    written = criee("sale-record", "1", "--out", str(out), env=env)
    assert written.returncode == 0, written.stderr
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert amount_in_words(amount) in text and "Séance close le" in text
    ok = criee("verify-log", "1", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "1 séance close, empreintes vérifiées" in ok.stdout
    (tmp_path / "private" / sealed).write_bytes(b"%PDF-1.7 autre chose %%EOF")
    assert "modifié" in one_line_error(criee("verify-log", "1", env=env))
    assert "introuvable" in one_line_error(criee("sale-record", "99", "--out", str(out), env=env))
    assert "impossible d'écrire" in one_line_error(criee("sale-record", "1", "--out", str(tmp_path / "no" / "x.pdf"),
                                                         env=env))
