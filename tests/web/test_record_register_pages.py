"""The register of records (one continuous series per year, numbers given at the first closed session,
two sales get two numbers) and the quarterly declaration (C. com. R444-48) over HTTP:
the page with quarter selection, its PDF and CSV read back."""
import csv
import io
import uuid
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.deadlines import paris_day
from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import RegisterEntry, Sale, utcnow
from auction.services import room as room_service
from auction.services import sale_record


async def run(app, users, sale_id, role, name, **args):
    room = await app.state.rooms.get(sale_id)
    user = users[role]
    return await room_service.submit(app.state.db.sessions, room, uuid.uuid4().hex, name, args,
                                     Actor(user.id, role), utcnow())


async def second_sale(db, first_id) -> int:
    """Another sale of the office, held the same day, without lots."""
    async with db.sessions() as session, session.begin():
        first = await session.get(Sale, first_id)
        other = Sale(reference="VJ-AUTRE", title="Deuxième vente", starts_at=first.starts_at + timedelta(hours=3),
                     place_kind=first.place_kind, place_name=first.place_name, address=first.address,
                     postcode=first.postcode, city=first.city, status="announced")
        session.add(other)
        await session.flush()
        return other.id


def euros(cents):
    return " ".join(format_euros(cents).split())


async def test_r444_48_register_and_quarterly_declaration(client, app, db, users, login, settings, sale_id,
                                                          monkeypatch):
    await run(app, users, sale_id, Role.CLERK, "open_sale")
    room = await app.state.rooms.get(sale_id)
    lots = list(room.setup.lots)
    await run(app, users, sale_id, Role.CLERK, "open_lot", lot_id=lots[0])
    await run(app, users, sale_id, Role.CLERK, "bid", paddle=1, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(app, users, sale_id, Role.CLERK, "call")
    hammer = await run(app, users, sale_id, Role.CLERK, "hammer")
    await run(app, users, sale_id, Role.CLERK, "open_lot", lot_id=lots[1])
    await run(app, users, sale_id, Role.CLERK, "pass_lot")
    await run(app, users, sale_id, Role.OFFICER, "close_session")
    other = await second_sale(db, sale_id)
    async def publicity_done(*args):      # the second sale's publicity is not what this test is about
        return None
    monkeypatch.setattr(room_service, "require_publicity_before_opening", publicity_done)
    await run(app, users, other, Role.CLERK, "open_sale")
    await run(app, users, other, Role.OFFICER, "close_session")

    # Each record gets its own number of the year's series, without a gap (the tests' database is one
    # connection: concurrent sealing is the number series' own guarantee, one row updated per number).
    for sale in (sale_id, other):
        await sale_record.seal_sessions(db.sessions, settings.private_dir, sale, utcnow())
    async with db.sessions() as session:
        entries = (await session.scalars(select(RegisterEntry).order_by(RegisterEntry.number))).all()
    year = paris_day(utcnow()).year
    assert sorted(e.number for e in entries) == [1, 2] and {e.year for e in entries} == {year}
    assert {e.sale_id for e in entries} == {sale_id, other}
    number = next(e.number for e in entries if e.sale_id == sale_id)

    await login(client, users[Role.CLERK])
    page = await client.get("/bureau/repertoire")
    assert page.status_code == 200 and f'id="register-{number}"' in page.text and "VJ-AUTRE" in page.text
    assert f"{number} / {year}" in page.text
    assert (await client.get("/bureau/repertoire?annee=1990")).status_code == 400
    empty = await client.get(f"/bureau/repertoire?annee={year - 1}")
    assert empty.status_code == 200 and "Aucun procès-verbal inscrit" in empty.text

    today = paris_day(utcnow())
    quarter = (today.month - 1) // 3 + 1
    current = await client.get("/bureau/declaration-trimestrielle")
    assert current.status_code == 200 and "VJ-AUTRE" in current.text
    for query, message in (("annee=2026&trimestre=5", "trimestre de 1 à 4"), ("annee=26&trimestre=1", "quatre chiffres")):
        bad = await client.get(f"/bureau/declaration-trimestrielle?{query}")
        assert bad.status_code == 400 and message in bad.text and 'id="quarter-form"' in bad.text
    assert (await client.get("/bureau/declaration-trimestrielle.csv?annee=2026&trimestre=9")).status_code == 400
    other_quarter = await client.get(f"/bureau/declaration-trimestrielle?annee={year - 1}&trimestre=2")
    assert "Aucune vente tenue ce trimestre" in other_quarter.text

    query = f"annee={today.year}&trimestre={quarter}"
    got = await client.get(f"/bureau/declaration-trimestrielle.csv?{query}")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    by_sale = {row["vente"]: row for row in rows}
    async with db.sessions() as session:
        demo = by_sale[(await session.get(Sale, sale_id)).reference]
    amount = hammer.event.payload["amount_cents"]
    assert (int(demo["lots_adjuges"]), int(demo["lots_invendus"]), int(demo["adjudications_cents"])) == (1, 1, amount)
    assert demo["repertoire"] == f"{number} / {year}" and demo["date"] == today.isoformat()
    assert int(demo["frais_acheteur_ht_cents"]) == round(amount * 0.119)
    assert int(by_sale["VJ-AUTRE"]["lots_adjuges"]) == 0
    total = by_sale[f"TOTAL T{quarter} {today.year}"]
    assert int(total["adjudications_cents"]) == amount and int(total["lots_presentes"]) == 2

    pdf = await client.get(f"/bureau/declaration-trimestrielle.pdf?{query}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert b'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert f"{quarter}{'ER' if quarter == 1 else 'E'} TRIMESTRE {today.year}" in text.upper() and "R444-48" in text
    assert "VJ-AUTRE" in text and euros(amount) in text and f"{number} / {year}" in text
