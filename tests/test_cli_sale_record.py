"""`criee sale-record` on the demo's held sale (sale 2, issue 11's done-means): a PDF/A whose text has,
for every lot sold, its price in figures and in words and its buyer."""
import asyncio
import io
import re

from pypdf import PdfReader

from auction.db import Database
from auction.domain.amount_words import amount_in_words
from auction.domain.money import format_euros
from auction.services import sale_record

from .test_cli import criee


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
