"""Extracts of the demo's held sale record (C. com. A444-6), read back with pypdf: headed as extracts,
the lots withdrawn before the sale left out of a buyer's extract and stated in that lot's own."""
import io
from datetime import date

import pypdf
from sqlalchemy import select

from auction.domain import record_copies as copies
from auction.domain.tariff import DEFAULT_TARIFF
from auction.models import Sale
from auction.services import record_copies, sale_record
from auction.services.demo import held_sale_now, seed_demo

TODAY = date(2026, 11, 22)


def _text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(p.extract_text().replace("\u00a0", " ").replace("\u202f", " ").split()) for p in pages)


async def test_a444_6_extracts_of_the_held_sale_are_headed_as_extracts_and_never_say_none_withdrawn(db, tmp_path):
    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        held = await session.scalar(select(Sale).where(Sale.reference == "VJ-2026-11"))
    state = await sale_record.load_record(db.sessions, held.id)
    [withdrawn] = state.record.withdrawn_before               # lot 2, withdrawn before the sale
    sold = next(e for part in state.record.sessions for e in part.sold if e.buyer is not None)
    now, tariff = held_sale_now(TODAY), DEFAULT_TARIFF[-1]

    async def render(request):
        pdf, _, _ = await record_copies.render_copy(state, request, officer="Me Claire LEFÈVRE", now=now, tariff=tariff)
        return _text(pdf)

    whole = await render(copies.CopyRequest("whole"))
    assert "Copie certifiée conforme" in whole and "Lots retirés avant la vente" in whole
    assert f"Lot {withdrawn.label}, {withdrawn.designation}" in whole

    buyer = await render(copies.CopyRequest("buyer", registration_id=sold.buyer.registration_id))
    assert "Extrait certifié conforme" in buyer and "Copie certifiée conforme" not in buyer
    assert "Lots retirés avant la vente" not in buyer and "Aucun." not in buyer
    assert f"panneau {sold.buyer.paddle}. Les autres lots, dont les lots retirés avant la vente" in buyer

    lot = await render(copies.CopyRequest("lot", lot_id=withdrawn.id))
    assert "Extrait certifié conforme" in lot and "Lots retirés avant la vente" in lot
    assert f"Lot {withdrawn.label}, {withdrawn.designation}" in lot and "son retrait avant la vente" in lot
    other = await render(copies.CopyRequest("lot", lot_id=sold.lot.id))
    assert "Lots retirés avant la vente" not in other and "Aucun." not in other
