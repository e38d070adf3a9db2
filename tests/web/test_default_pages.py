"""The defaults page over HTTP: the notice, the officer's default act (the tablet's setup reloaded),
the statement, the PDFs read back; refusals keep the page and record nothing."""
import io
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.money import apply_rate, format_euros
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.formats import to_paris
from auction.models import Sale
from auction.services import invoices, settlement_log
from auction.services import room as room_service
from auction.services.demo import seed_demo

from ..conftest import csrf_from
from ..services.held_sale import sell

SOLD_AT = datetime(2026, 12, 12, 17, 30, tzinfo=timezone.utc)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def sold(db, tmp_path, users):
    await seed_demo(db.sessions, tmp_path, datetime(2026, 11, 22).date())
    async with db.sessions() as session:
        sale_id = await session.scalar(select(Sale.id))
    clerk = Actor(users[Role.CLERK].id, Role.CLERK)
    await sell(db.sessions, sale_id, clerk, [(0, 1), (1, 2)])
    await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=SOLD_AT)
    return sale_id


async def test_notice_then_default_then_statement(client, db, users, login, sold, monkeypatch):
    sale_id = sold
    path = f"/bureau/ventes/{sale_id}/defauts"
    clock = [datetime(2026, 12, 22, 9, 0, tzinfo=timezone.utc)]       # after the payment deadline
    monkeypatch.setattr("auction.web.pages.defaults.utcnow", lambda: clock[0])
    await login(client, users[Role.CLERK])
    page = await client.get(path)
    assert page.status_code == 200 and "Acheteurs en retard" in page.text
    assert "Mettre en demeure (panneau 1)" in page.text
    token = await csrf_from(client, path)
    refused = await client.post(f"{path}/mise-en-demeure", data={"csrf_token": token, "paddle": "1", "sent_on": "",
                                                                  "means": "registered_letter", "days": "8"})
    assert refused.status_code == 400 and "Date obligatoire" in refused.text
    assert {e.kind for e in await settlement_log.read(db.sessions, sale_id)} == {"invoice_issued"}
    today = clock[0].date()
    sent = await client.post(f"{path}/mise-en-demeure", data={
        "csrf_token": token, "paddle": "1", "sent_on": today.isoformat(), "means": "registered_letter",
        "days": "1", "cost": "7,50", "command_id": "n1"})
    assert sent.status_code == 303, sent.text
    events = await settlement_log.read(db.sessions, sale_id)
    notice = events[-1]
    assert notice.kind == "formal_notice_sent" and notice.payload["cost_cents"] == 750
    letter = await client.get(f"{path}/{notice.seq}/lettre.pdf")
    assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
    text = pdf_text(letter.content)
    assert "MISE EN DEMEURE DE PAYER" in text.upper() and "7,50" not in text
    assert "réitération des enchères" in text
    # the clerk may not declare the default
    assert (await client.post(f"{path}/{notice.seq}/constater", data={"csrf_token": token})).status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, path)
    early = await client.post(f"{path}/{notice.seq}/constater", data={"csrf_token": token})
    assert early.status_code == 409 and "Le délai de la mise en demeure court" in early.text
    # a week later the deadline has passed
    later = clock[0] = datetime(2026, 12, 29, 9, 0, tzinfo=timezone.utc)
    declared = await client.post(f"{path}/{notice.seq}/constater", data={"csrf_token": token, "command_id": "d1"})
    assert declared.status_code == 303, declared.text
    events = await settlement_log.read(db.sessions, sale_id)
    act = next(e for e in events if e.kind == "default_declared")
    assert events[-1].kind == "credit_note_issued"
    act_pdf = await client.get(f"{path}/{act.seq}/acte.pdf")
    assert act_pdf.status_code == 200 and "défaut de paiement" in pdf_text(act_pdf.content).lower()
    page = await client.get(f"{path}?ok=defaut")
    assert "Défaut de paiement constaté" in page.text and "Remettez-le en vente depuis la tablette" in page.text
    # sold again in the room, then the statement
    lot_id = act.payload["lot_ids"][0]
    live = await room_service.open_room(db.sessions, sale_id)
    officer = Actor(users[Role.OFFICER].id, Role.OFFICER)

    async def run(name, **args):
        return await room_service.submit(db.sessions, live, uuid.uuid4().hex, name, args, officer, later)
    await run("put_up_again", lot_id=lot_id)
    await run("bid", paddle=2, amount_cents=live.state.next_minimum(live.setup))
    for _ in range(3):
        await run("call")
    await run("hammer")
    async with db.sessions() as session, session.begin():      # the sale's storage: 3 free days, then 1,50 € HT
        sale = await session.get(Sale, sale_id)
        sale.storage_free_days, sale.storage_fee_cents = 3, 150
        sale_day = to_paris(sale.starts_at).date()
    page = await client.get(path)
    assert "Établir le décompte du défaillant" in page.text
    assert "Le magasinage est calculé selon les conditions de la vente (3 jours gratuits, puis 1,50" in page.text
    assert 'name="storage"' not in page.text                  # never typed by hand
    stated = await client.post(f"{path}/{act.seq}/decompte", data={"csrf_token": token, "storage": "99999",
                                                                    "command_id": "s1"})
    assert stated.status_code == 303, stated.text
    statement = (await settlement_log.read(db.sessions, sale_id))[-1]
    assert statement.kind == "default_statement_issued"
    days = (later.date() - sale_day).days - 3             # from the day after the free days to the resale's day
    storage = days * 150 + apply_rate(days * 150, Decimal("0.20"))
    assert {c["kind"]: c["amount_cents"] for c in statement.payload["costs"]}["storage"] == storage > 0
    pdf = await client.get(f"{path}/{act.seq}/decompte.pdf")
    text = pdf_text(pdf.content)
    assert pdf.status_code == 200 and "DÉCOMPTE DU DÉFAILLANT" in text.upper()
    assert f"au {later:%d/%m/%Y}" in text and format_euros(storage).replace("\u00a0", " ") in text.replace("\u00a0", " ")
    # the defaulter's checkout page shows the statement, its amounts and its PDF
    desk = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert desk.status_code == 200 and "Décompte n° D2026-000001" in desk.text
    totals = statement.payload["totals"]
    for cents in (totals["shortfall_cents"], totals["owed_cents"], totals["paid_cents"], storage):
        assert format_euros(cents) in desk.text
    assert f'href="{path}/{act.seq}/decompte.pdf"' in desk.text and "décompte de défaut" in desk.text
    assert (await client.get(f"{path}/999/decompte.pdf")).status_code == 404
    assert (await client.get(f"/bureau/ventes/{sale_id}/defauts/x/acte.pdf")).status_code == 404
