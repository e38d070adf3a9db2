"""The register's lines and the quarterly declaration (C. com. R444-48) from the demo's held sale:
its lot put up again after a default of payment (CPCE R221-38) counts once, at its new price; the
lots withdrawn before the sale and after bidding both count."""
import io
from datetime import date

import pypdf
from sqlalchemy import select

from auction.domain.defaults import lots_in_default, procedures
from auction.domain.record_register import quarter_of
from auction.models import Sale
from auction.services import record_register, sale_record, settlement_log
from auction.services.demo import held_sale_now, seed_demo

TODAY = date(2026, 11, 22)


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def test_r221_38_the_held_sales_defaulted_lot_counts_once_and_both_withdrawals_count(db, tmp_path):
    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        held = await session.scalar(select(Sale).where(Sale.reference == "VJ-2026-11"))
        defaulted = lots_in_default(procedures(await settlement_log.load_events(session, held.id)))
    state = await sale_record.load_record(db.sessions, held.id)
    entries = [e for part in state.record.sessions for e in part.entries]
    resold = [e for e in entries if e.kind == "put_up_again"]
    assert len(resold) == 1 and resold[0].lot.id in defaulted         # lot 7, in default, resold in the room
    first = next(e for e in entries if e.seq == resold[0].refers_to_seq)
    again = [e for e in entries if e.kind == "sold" and e.lot.id == first.lot.id and e.seq > resold[0].seq]
    assert len(again) == 1
    sold = [e for part in state.record.sessions for e in part.sold]
    withdrawn_after = sum(1 for e in entries if e.kind == "withdrawn")
    assert withdrawn_after == 1 and len(state.record.withdrawn_before) == 1

    now = held_sale_now(TODAY)
    year, quarter = quarter_of(state.record.sessions[0].opened_at.date())
    found = await record_register.declaration(db.sessions, year, quarter, now)
    line = next(line for line in found.lines if line.sale_id == held.id)
    assert line.sold == len(sold) - 1 == 9 and line.annulled_by_default == 1
    # the record's ten adjudications total 19 450 €; less lot 7's first (3 000 €): 16 450 €
    assert state.record.total_cents == 19_450_00
    assert line.total_cents == state.record.total_cents - first.amount_cents == 16_450_00
    assert again[0].amount_cents == 2_400_00 and first.amount_cents == 3_000_00
    assert (line.withdrawn, line.withdrawn_before) == (2, 1)
    surviving = [e for e in sold if e.seq != first.seq]
    tariff = (await record_register.tariff_lookup(db.sessions, line.held_on)).tariff
    assert line.buyer_fees_cents == sum(tariff.buyer_fees_cents(e.amount_cents) for e in surviving)
    register = await record_register.register(db.sessions, line.year)
    assert next(r for r in register if r.sale_id == held.id) == line

    pdf = await record_register.declaration_pdf(db.sessions, found)
    text = _plain("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "16 450,00 €" in text and "19 450,00 €" not in text
    assert "R221-38" in text and "1 adjudication ainsi écartée" in text and "(1 avant la vente)" in text
