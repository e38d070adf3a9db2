"""Certified copies and extracts of the record over HTTP (C. com. A444-6): refused before a session is
closed, issued by the officer only, their PDF read back (mention, page count, fee), and a copy charged
to a case found in that case's costs statement (CPCE R251-11)."""
import io
import re
import uuid
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Bidder, Registration, utcnow
from auction.services import distribution, record_copies
from auction.services import room as room_service

from ..conftest import csrf_from


async def run(app, users, sale_id, role, name, **args):
    room = await app.state.rooms.get(sale_id)
    user = users[role]
    return await room_service.submit(app.state.db.sessions, room, uuid.uuid4().hex, name, args,
                                     Actor(user.id, role), utcnow())


async def sell(app, users, sale_id, lot_id, paddle):
    room = await app.state.rooms.get(sale_id)
    await run(app, users, sale_id, Role.CLERK, "open_lot", lot_id=lot_id)
    await run(app, users, sale_id, Role.CLERK, "bid", paddle=paddle, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(app, users, sale_id, Role.CLERK, "call")
    return await run(app, users, sale_id, Role.CLERK, "hammer")


def euros(cents: int) -> str:
    return " ".join(format_euros(cents).split())     # as the PDF's text reads, spaces normalised


def pdf_text(content: bytes) -> tuple[str, int]:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages), len(pages)


async def test_a444_6_copies_and_extracts_with_their_pages_and_fee(client, app, db, users, login, sale_id):
    base = f"/bureau/ventes/{sale_id}/proces-verbal/copies"
    await login(client, users[Role.OFFICER])
    page = await client.get(base)
    assert page.status_code == 200 and "Aucune copie délivrée" in page.text and "Aucune séance n'est close" in page.text
    token = await csrf_from(client, base)
    early = await client.post(base, data={"csrf_token": token, "scope": "whole"})
    assert early.status_code == 400 and "Aucune séance n'est close" in early.text

    await run(app, users, sale_id, Role.CLERK, "open_sale")
    room = await app.state.rooms.get(sale_id)
    lot_ids = list(room.setup.lots)
    first = await sell(app, users, sale_id, lot_ids[0], 1)
    second = await sell(app, users, sale_id, lot_ids[1], 2)
    await run(app, users, sale_id, Role.OFFICER, "close_session")
    case_id = room.setup.lots[lot_ids[0]].case_id

    # Bad input: the form comes back with a French message, nothing recorded.
    for data, message in (({}, "copie entière ou un extrait"), ({"scope": "lot"}, "Choisissez un lot"),
                          ({"scope": "lot", "lot_id": "abc"}, "Choix invalide"),
                          ({"scope": "buyer", "registration_id": "999999"}, "un adjudicataire de cette vente"),
                          ({"scope": "whole", "case_id": "999999"}, "pas de lot dans cette vente")):
        refused = await client.post(base, data={"csrf_token": token, **data})
        assert refused.status_code == 400 and message in refused.text and "Rien n'a été enregistré" in refused.text
    assert await record_copies.issued(db.sessions, sale_id) == []

    command = uuid.uuid4().hex
    issued = await client.post(base, data={"csrf_token": token, "scope": "whole", "case_id": str(case_id),
                                           "command_id": command})
    assert issued.status_code == 303
    again = await client.post(base, data={"csrf_token": token, "scope": "whole", "case_id": str(case_id),
                                          "command_id": command})
    assert again.status_code == 303                                    # a double post issues one copy
    [whole] = await record_copies.issued(db.sessions, sale_id)
    content = (await client.get(f"{base}/{whole.seq}.pdf")).content
    text, pages = pdf_text(content)
    assert whole.pages == pages and whole.fee_cents == 68 * pages and whole.page_cents == 68
    assert "Copie certifiée conforme à l'original" in text
    assert f"comprenant {pages} page" in text and f"= {euros(68 * pages)}" in text
    for hammer in (first, second):
        assert euros(hammer.event.payload["amount_cents"]) in text

    async with db.sessions() as session:
        registration_id = await session.scalar(select(Registration.id).where(
            Registration.sale_id == sale_id, Registration.paddle_number == 2))
        buyer = await session.scalar(select(Bidder).join(Registration).where(Registration.id == registration_id))
    extract = await client.post(base, data={"csrf_token": token, "scope": "buyer",
                                            "registration_id": str(registration_id)})
    assert extract.status_code == 303
    lot = await client.post(base, data={"csrf_token": token, "scope": "lot", "lot_id": str(lot_ids[0])})
    assert lot.status_code == 303
    _, by_buyer, by_lot = await record_copies.issued(db.sessions, sale_id)
    text, pages = pdf_text((await client.get(f"{base}/{by_buyer.seq}.pdf")).content)
    assert "EXTRAIT DU PROCÈS-VERBAL DE VENTE — ADJUDICATAIRE, PANNEAU 2" in text and buyer.last_name.upper() in text
    assert f"Lot {room.setup.lots[lot_ids[1]].label} " in text and f"Lot {room.setup.lots[lot_ids[0]].label} " not in text
    assert by_buyer.case_id is None and by_buyer.pages == pages
    text, _ = pdf_text((await client.get(f"{base}/{by_lot.seq}.pdf")).content)
    assert f"EXTRAIT DU PROCÈS-VERBAL DE VENTE — LOT {room.setup.lots[lot_ids[0]].label}" in text and "Extrait certifié conforme" in text
    assert "Copie certifiée conforme" not in text and "Extrait limité au lot" in text

    listing = await client.get(f"{base}?ok=1")
    assert "Copie délivrée et enregistrée" in listing.text and len(re.findall(r'id="copy-\d+"', listing.text)) == 3
    assert "le demandeur" in listing.text

    # The whole copy, charged to the case, is in that case's costs statement.
    view = (await distribution.load(db.sessions, sale_id, date(2026, 12, 2))).case(case_id)
    assert [(c.cents, c.reference) for c in view.funds.costs] == [(whole.fee_cents, "C. com. A444-6")]

    assert (await client.get(f"{base}/999999.pdf")).status_code == 404
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    page = await client.get(base)
    assert page.status_code == 200 and 'id="issue-copy"' not in page.text and "Seul le commissaire" in page.text
    token = await csrf_from(client, base)
    assert (await client.post(base, data={"csrf_token": token, "scope": "whole"})).status_code == 403
    assert (await client.get(f"{base}/{whole.seq}.pdf")).status_code == 200
