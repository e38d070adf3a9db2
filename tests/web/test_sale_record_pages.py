"""The record page over HTTP: live while the sale runs, the officer closes, signs and uploads the
signed scan of a session (CPCE R221-39); the clerk reads it but may not close or sign."""
import io
import uuid

from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Sale, utcnow
from auction.services import room as room_service

from ..conftest import csrf_from


async def run(app, users, role, name, **args):
    room = await app.state.rooms.get(await _sale(app))
    user = users[role]
    return await room_service.submit(app.state.db.sessions, room, uuid.uuid4().hex, name, args,
                                     Actor(user.id, role), utcnow())


async def _sale(app):
    async with app.state.db.sessions() as session:
        return await session.scalar(select(Sale.id))


async def test_the_record_grows_with_the_log_and_the_officer_closes_and_signs(client, app, db, users, login, sale_id):
    base = f"/bureau/ventes/{sale_id}/proces-verbal"
    await login(client, users[Role.CLERK])
    page = await client.get(base)
    assert page.status_code == 200 and "La vente n'est pas encore ouverte" in page.text
    assert 'id="close-session"' not in page.text

    await run(app, users, Role.CLERK, "open_sale")
    room = await app.state.rooms.get(sale_id)
    lot_id = next(iter(room.setup.lots))
    await run(app, users, Role.CLERK, "open_lot", lot_id=lot_id)
    await run(app, users, Role.CLERK, "bid", paddle=1, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(app, users, Role.CLERK, "call")
    hammer = await run(app, users, Role.CLERK, "hammer")
    await run(app, users, Role.CLERK, "announce", text="Retrait des lots demain à 9 h.")

    fresh = await client.get(f"{base}/contenu?seq=0")
    assert fresh.status_code == 200 and fresh.headers["x-record-seq"] == str(room.state.seq)
    assert "Retrait des lots demain à 9 h." in fresh.text and "Séance en cours" in fresh.text
    assert (await client.get(f"{base}/contenu?seq={room.state.seq}")).status_code == 204
    assert (await client.get(f"{base}/contenu?seq=abc")).status_code == 200

    token = await csrf_from(client, base)
    assert (await client.post(f"{base}/cloture", data={"csrf_token": token})).status_code == 403
    assert (await client.post(f"{base}/seances/1/signature", data={"csrf_token": token})).status_code == 403
    pdf = await client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"

    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, base)
    closed = await client.post(f"{base}/cloture", data={"csrf_token": token})
    assert closed.status_code == 303
    page = await client.get(closed.headers["location"])
    assert "Séance close" in page.text and "PDF arrêté" in page.text and 'id="sign-1"' in page.text
    sealed = await client.get(f"{base}/seances/1.pdf")
    assert sealed.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(sealed.content)).pages)
    assert "Séance close le" in text and f"{hammer.event.payload['paddle']}" in text

    again = await client.post(f"{base}/cloture", data={"csrf_token": token})
    assert again.status_code == 409 and "déjà close" in again.text
    assert (await client.get(f"{base}/seances/2.pdf")).status_code == 404

    signed = await client.post(f"{base}/seances/1/signature", data={"csrf_token": token})
    assert signed.status_code == 303
    twice = await client.post(f"{base}/seances/1/signature", data={"csrf_token": token})
    assert twice.status_code == 409 and "déjà signée" in twice.text
    assert (await client.post(f"{base}/seances/2/signature", data={"csrf_token": token})).status_code == 409

    bad = await client.post(f"{base}/seances/1/scan", data={"csrf_token": token},
                            files={"scan": ("pv.pdf", b"GIF89a pas un pdf", "application/pdf")})
    assert bad.status_code == 400 and "PDF complet" in bad.text
    good = await client.post(f"{base}/seances/1/scan", data={"csrf_token": token},
                             files={"scan": ("pv.pdf", sealed.content, "application/pdf")})
    assert good.status_code == 303
    scan = await client.get(f"{base}/seances/1/signe")
    assert scan.status_code == 200 and scan.content == sealed.content
    page = await client.get(base)
    assert "Signée" in page.text and "exemplaire signé" in page.text


async def test_unknown_sales_and_sessions_are_404(client, users, login, sale_id):
    await login(client, users[Role.OFFICER])
    for path in ("/bureau/ventes/999999/proces-verbal", "/bureau/ventes/abc/proces-verbal",
                 "/bureau/ventes/999999/proces-verbal.pdf", "/bureau/ventes/999999/proces-verbal/contenu",
                 f"/bureau/ventes/{sale_id}/proces-verbal/seances/1.pdf",
                 f"/bureau/ventes/{sale_id}/proces-verbal/seances/x/signe"):
        assert (await client.get(path)).status_code == 404, path
