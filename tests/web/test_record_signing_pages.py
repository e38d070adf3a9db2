"""The electronic signature of the sale record (PAdES, optional): the officer gives the office's
PKCS#12 certificate (bad files, passwords and dates refused in French), a closed session's frozen PDF
is then signed too (and a certified copy), and pyHanko's own validation finds the signature intact and made by that
certificate; the page says that only a CNCJ-approved system with a qualified signature has legal force."""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import AuditEntry, utcnow
from auction.services import record_copies, record_signing
from auction.services import room as room_service
from auction.services import sale_record
from tests.signing_fixtures import PASSWORD, p12_of, self_signed, validate

from ..conftest import csrf_from

PAGE = "/bureau/etude/signature"


async def run(app, users, sale_id, role, name, **args):
    room = await app.state.rooms.get(sale_id)
    user = users[role]
    return await room_service.submit(app.state.db.sessions, room, uuid.uuid4().hex, name, args,
                                     Actor(user.id, role), utcnow())


async def upload(client, token, content, password=PASSWORD):
    return await client.post(PAGE, data={"csrf_token": token, "password": password},
                             files={"p12": ("etude.p12", content, "application/x-pkcs12")})


async def test_the_officer_configures_a_certificate_and_a_closed_session_is_signed_pades(
        client, app, db, users, login, settings, sale_id):
    await login(client, users[Role.CLERK])
    assert (await client.get(PAGE)).status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    page = await client.get(PAGE)
    assert page.status_code == 200 and "Aucun certificat" in page.text
    assert "Chambre nationale des commissaires de justice" in page.text and "signature électronique qualifiée" in page.text
    token = await csrf_from(client, PAGE)

    key, certificate = self_signed()
    good = p12_of(key, certificate)
    old_key, old = self_signed(start=datetime.now(timezone.utc) - timedelta(days=800), days=365)
    for content, password, message in ((b"", PASSWORD, "Choisissez le fichier"),
                                       (b"%PDF-1.7 pas un certificat", PASSWORD, "PKCS#12"),
                                       (good, "mauvais", "Mot de passe incorrect"),
                                       (p12_of(old_key, old), PASSWORD, "valable du")):
        refused = await upload(client, token, content, password)
        assert refused.status_code == 400 and message in refused.text and "Rien n'a été enregistré" in refused.text
    assert record_signing.current(settings.private_dir) is None

    saved = await upload(client, token, good)
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Certificat enregistré" in page.text and "Me Claire Lefèvre" in page.text
    kept = (settings.private_dir / record_signing.SIGNING_DIR / record_signing.CONFIG_NAME).read_text()
    assert PASSWORD not in kept                                          # encrypted at rest
    async with db.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "record_signing_configured"))
    assert entry is not None and PASSWORD not in str(entry.details)

    # A session closed from the record page: sealed, and its frozen PDF signed as well.
    await run(app, users, sale_id, Role.CLERK, "open_sale")
    room = await app.state.rooms.get(sale_id)
    await run(app, users, sale_id, Role.CLERK, "open_lot", lot_id=next(iter(room.setup.lots)))
    await run(app, users, sale_id, Role.CLERK, "bid", paddle=1, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(app, users, sale_id, Role.CLERK, "call")
    await run(app, users, sale_id, Role.CLERK, "hammer")
    base = f"/bureau/ventes/{sale_id}/proces-verbal"
    token = await csrf_from(client, base)
    closed = await client.post(f"{base}/cloture", data={"csrf_token": token})
    assert closed.status_code == 303
    page = await client.get(base)
    assert "signé électroniquement (PAdES)" in page.text and 'id="signing-status"' in page.text
    sealed = (await client.get(f"{base}/seances/1.pdf")).content
    signed = await client.get(f"{base}/seances/1/pades.pdf")
    assert signed.status_code == 200 and signed.content.startswith(sealed) and len(signed.content) > len(sealed)
    status = await validate(signed.content, certificate)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Me Claire Lefèvre"
    assert await sale_record.verify_seals(db.sessions, settings.private_dir, sale_id) == []
    _, other = self_signed("Quelqu'un d'autre")
    assert not (await validate(signed.content, other)).trusted                   # made by that certificate only

    # A certified copy issued meanwhile is signed too.
    copies = f"{base}/copies"
    token = await csrf_from(client, copies)
    assert (await client.post(copies, data={"csrf_token": token, "scope": "whole"})).status_code == 303
    [copy] = await record_copies.issued(db.sessions, sale_id)
    status = await validate((await client.get(f"{copies}/{copy.seq}.pdf")).content, certificate)
    assert status.intact and status.valid and status.trusted

    # Removed: the next sessions are signed by hand only.
    token = await csrf_from(client, PAGE)
    removed = await client.post(f"{PAGE}/retrait", data={"csrf_token": token})
    assert removed.status_code == 303 and record_signing.current(settings.private_dir) is None
    assert "Aucun certificat" in (await client.get(PAGE)).text
    assert (await client.get(f"{base}/seances/2/pades.pdf")).status_code == 404
