"""The quick checkout over HTTP: find the buyer by paddle or card, record payments, the refusals in
French (unknown paddle, another sale's card, an amount typed wrong, cash above the ceiling), the
overpayment's confirmation, clearing, release, pickup, cash slips and the dashboard's warning."""
import html
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from auction.domain.money import format_euros
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.domain.signing import sign_paddle_token
from auction.models import Registration, Sale
from auction.services import settlement_log
from auction.services.demo import seed_demo
from tests.services.checkout_helpers import invoice, sell

from ..conftest import csrf_from


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
async def shop(db, tmp_path, users):
    await seed_demo(db.sessions, tmp_path, date(2026, 11, 22))
    async with db.sessions() as session:
        sale_id = await session.scalar(select(Sale.id))
    clerk = Actor(users[Role.CLERK].id, Role.CLERK)
    lots = await sell(db, sale_id, clerk, [(1, 1_000_00), (2, 100_00)])
    await invoice(db, sale_id, 1, lots[:1], [1_000_00])
    return sale_id, lots


def _values(page_text: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page_text).group(1)


async def _payment(client, sale_id, paddle, **data):
    path = f"/bureau/ventes/{sale_id}/caisse/{paddle}"
    page = await client.get(path)
    form = {"csrf_token": await csrf_from(client, path), "command_id": _values(page.text, "command_id"),
            "shown_balance": _values(page.text, "shown_balance"), **data}
    return await client.post(f"{path}/paiement", data=form)


async def test_find_the_buyer_by_paddle_or_card(client, login, users, shop, settings):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    desk = await client.get(f"/bureau/ventes/{sale_id}/caisse")
    assert desk.status_code == 200 and 'id="f-q"' in desk.text and "autofocus" in desk.text
    found = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": "1"})
    assert found.status_code == 303 and found.headers["location"] == f"/bureau/ventes/{sale_id}/caisse/1"
    unknown = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": "77"})
    assert unknown.status_code == 400 and "Panneau 77 inconnu dans cette vente" in text(unknown)
    garbage = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": "abc"})
    assert garbage.status_code == 400 and "Carte non reconnue" in text(garbage)
    async with (await _db_sessions(client))() as session:
        registration = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                                        Registration.paddle_number == 2))
    secret = settings.secret_key.encode()
    card = sign_paddle_token(secret, sale_id, registration.id, 2, datetime(2026, 12, 1, tzinfo=timezone.utc))
    expired_but_ours = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": card})
    assert expired_but_ours.status_code == 303 and expired_but_ours.headers["location"].endswith("/caisse/2")
    other = sign_paddle_token(secret, sale_id + 1, registration.id, 2, datetime(2027, 1, 1, tzinfo=timezone.utc))
    refused = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": other})
    assert refused.status_code == 400 and "autre vente" in text(refused)
    reassigned = sign_paddle_token(secret, sale_id, registration.id + 1, 2, datetime(2027, 1, 1, tzinfo=timezone.utc))
    refused = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": reassigned})
    assert refused.status_code == 400 and "plus valable" in text(refused)
    forged = card[:-2] + ("AA" if not card.endswith("AA") else "BB")
    refused = await client.get(f"/bureau/ventes/{sale_id}/caisse", params={"q": forged})
    assert refused.status_code == 400 and "Carte" in text(refused)


async def _db_sessions(client):
    return client._transport.app.state.db.sessions


async def test_pay_by_card_then_cheque_cleared_then_release_and_pickup(client, login, users, shop):
    sale_id, lots = shop
    await login(client, users[Role.CLERK])
    page = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert "Panneau 1 · Marc BERTIN" in text(page) and "1\u202f142,80\u00a0€" in text(page)
    assert "Dépôt de garantie détenu" in text(page) and "300,00" in text(page)
    wrong = await _payment(client, sale_id, 1, means="card", amount="12,34,5", reference="T")
    assert wrong.status_code == 400 and "Montant illisible" in text(wrong)
    done = await _payment(client, sale_id, 1, means="card", amount="842,80", reference="TPE 0042")
    assert done.status_code == 303
    cheque = await _payment(client, sale_id, 1, means="cheque", amount="300", bank="LCL", cheque_number="0087311")
    assert cheque.status_code == 303
    page = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert "En attente d'encaissement" in text(page) and "Émettre le bon de délivrance" not in text(page)
    events = await settlement_log.read(await _db_sessions(client), sale_id)
    cheque_seq = events[-1].seq
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/caisse/1")
    elsewhere = await client.post(f"/bureau/ventes/{sale_id}/caisse/2/encaissement", data={
        "csrf_token": token, "payment_seq": str(cheque_seq), "cleared_on": "2026-12-14", "command_id": "clear-test-0"})
    assert elsewhere.status_code == 400 and "Paiement introuvable" in text(elsewhere)   # not paddle 2's payment
    cleared = await client.post(f"/bureau/ventes/{sale_id}/caisse/1/encaissement", data={
        "csrf_token": token, "payment_seq": str(cheque_seq), "cleared_on": "2026-12-14", "command_id": "clear-test-1"})
    assert cleared.status_code == 303
    page = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert "Payé" in text(page) and "Émettre le bon de délivrance" in text(page)
    issued = await client.post(f"/bureau/ventes/{sale_id}/caisse/1/delivrance", data={
        "csrf_token": token, "lot_ids": str(lots[0]), "command_id": "release-test-1"})
    assert issued.status_code == 303
    release_seq = (await settlement_log.read(await _db_sessions(client), sale_id))[-1].seq
    slip = await client.get(f"/bureau/ventes/{sale_id}/caisse/1/delivrances/{release_seq}")
    assert slip.status_code == 200 and "Bon de délivrance n°" in text(slip) and "Marc BERTIN" in text(slip)
    picked = await client.post(f"/bureau/ventes/{sale_id}/caisse/1/retrait", data={
        "csrf_token": token, "release_seq": str(release_seq), "collected_by": "Marc Bertin, passeport vu",
        "collected_on": "2026-12-15", "command_id": "pickup-test-1"})
    assert picked.status_code == 303
    page = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert "Délivré" in text(page) and "retiré le 15/12/2026 par Marc Bertin" in text(page)


async def test_cash_above_the_ceiling_and_an_overpayment_confirmed(client, login, users, shop):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    refused = await _payment(client, sale_id, 1, means="cash", amount="1 000,01")
    assert refused.status_code == 400 and "plafond de 1\u202f000\u00a0€" in text(refused)
    assert "Rien n'a été enregistré" in text(refused)
    asked = await _payment(client, sale_id, 1, means="card", amount="1 200", reference="T")
    assert asked.status_code == 409 and "57,20" in text(asked) and "Confirmer le paiement" in text(asked)
    form = {"csrf_token": await csrf_from(client, f"/bureau/ventes/{sale_id}/caisse/1"),
            "command_id": _values(asked.text, "command_id"), "shown_balance": _values(asked.text, "shown_balance"),
            "confirm_refund": "1", "means": "card", "amount": "1 200", "reference": "T"}
    confirmed = await client.post(f"/bureau/ventes/{sale_id}/caisse/1/paiement", data=form)
    assert confirmed.status_code == 303
    again = await client.post(f"/bureau/ventes/{sale_id}/caisse/1/paiement", data=form)   # posted twice
    assert again.status_code == 303 and again.headers["location"].endswith("fait=deja")
    page = await client.get(f"/bureau/ventes/{sale_id}/caisse/1")
    assert "À rembourser" in text(page) and "Rembourser l'acheteur" in text(page)


async def test_a_stale_balance_is_refused(client, login, users, shop):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    path = f"/bureau/ventes/{sale_id}/caisse/1"
    page = await client.get(path)
    shown = _values(page.text, "shown_balance")
    token = await csrf_from(client, path)
    first = await client.post(f"{path}/paiement", data={"csrf_token": token, "command_id": "screen-a-0001",
                                                        "shown_balance": shown, "means": "card", "amount": "100",
                                                        "reference": "A"})
    second = await client.post(f"{path}/paiement", data={"csrf_token": token, "command_id": "screen-b-0001",
                                                         "shown_balance": shown, "means": "card", "amount": "100",
                                                         "reference": "B"})
    assert first.status_code == 303 and second.status_code == 409
    assert "un autre paiement vient d'être enregistré" in text(second)


async def test_issue_the_bordereau_at_the_desk(client, login, users, shop):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    path = f"/bureau/ventes/{sale_id}/caisse/2"
    page = await client.get(path)
    assert "Émettre le bordereau (1 lot)" in text(page) and "Enregistrer un paiement" not in text(page)
    issued = await client.post(f"{path}/bordereau", data={"csrf_token": await csrf_from(client, path)})
    assert issued.status_code == 303, text(issued)
    page = await client.get(issued.headers["location"])
    assert "Bordereau émis." in text(page) and "Enregistrer un paiement" in text(page)
    assert re.search(r"Bordereau n° \d{4}-\d{6} du", text(page))
    pdf_link = re.search(r'href="(/bureau/ventes/\d+/factures/\d+/pdf)"', page.text).group(1)
    pdf = await client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_cash_slip_and_the_dashboard_warning(client, login, users, shop):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    assert (await _payment(client, sale_id, 1, means="cash", amount="500")).status_code == 303
    events = await settlement_log.read(await _db_sessions(client), sale_id)
    received_on = date.fromisoformat(events[-1].payload["received_on"])
    dashboard = await client.get("/bureau")
    assert "cash-warnings" not in dashboard.text or received_on < date.today() - timedelta(days=1)
    desk = await client.get(f"/bureau/ventes/{sale_id}/caisse")
    assert "Espèces à remettre en banque (500,00\u00a0€)" in text(desk)
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/caisse")
    banked = await client.post(f"/bureau/ventes/{sale_id}/caisse/remises", data={
        "csrf_token": token, "payment_seqs": str(events[-1].seq), "banked_on": received_on.isoformat(),
        "command_id": "slip-test-0001"})
    assert banked.status_code == 303
    desk = await client.get(f"/bureau/ventes/{sale_id}/caisse")
    assert "Remise n° 1" in text(desk) and "Aucune espèce en caisse" in text(desk)
    bad = await client.post(f"/bureau/ventes/{sale_id}/caisse/remises", data={
        "csrf_token": token, "payment_seqs": "abc", "banked_on": "2026-12-14", "command_id": "slip-test-0002"})
    assert bad.status_code == 400


async def test_conditions_are_set_and_bad_input_refused(client, login, users, shop, db):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    token = await csrf_from(client, f"/bureau/ventes/{sale_id}/caisse")
    ok = await client.post(f"/bureau/ventes/{sale_id}/caisse/conditions", data={
        "csrf_token": token, "payment_days": "15", "storage_free_days": "7", "storage_fee": "2,50"})
    assert ok.status_code == 303
    bad = await client.post(f"/bureau/ventes/{sale_id}/caisse/conditions", data={
        "csrf_token": token, "payment_days": "-1", "storage_free_days": "7", "storage_fee": "2,50"})
    assert bad.status_code == 400 and "Délai de paiement" in text(bad)
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
        assert (sale.payment_days, sale.storage_free_days, sale.storage_fee_cents) == (15, 7, 2_50)


async def test_unknown_paths_are_404(client, login, users, shop):
    sale_id, _ = shop
    await login(client, users[Role.CLERK])
    for path in (f"/bureau/ventes/{sale_id}/caisse/77", "/bureau/ventes/999/caisse",
                 f"/bureau/ventes/{sale_id}/caisse/1/delivrances/999", f"/bureau/ventes/{sale_id}/caisse/²"):
        assert (await client.get(path)).status_code == 404, path


def _overdue_section(page_text: str) -> str:
    return page_text.split('id="overdue"', 1)[1].split("</section>", 1)[0] if 'id="overdue"' in page_text else ""


async def test_the_desk_lists_the_buyers_overdue_and_leads_to_the_defaults(client, login, users, shop, monkeypatch):
    sale_id, lots = shop                         # paddle 1's bordereau is payable by 20 December 2026
    await login(client, users[Role.CLERK])
    monkeypatch.setattr("auction.web.pages.checkout.today", lambda: date(2026, 12, 20))
    desk = text(await client.get(f"/bureau/ventes/{sale_id}/caisse"))
    assert f'caisse/1">1</a>' not in _overdue_section(desk)          # the last day to pay: not late yet
    monkeypatch.setattr("auction.web.pages.checkout.today", lambda: date(2026, 12, 21))
    desk = text(await client.get(f"/bureau/ventes/{sale_id}/caisse"))
    late = _overdue_section(desk)
    assert "En retard de paiement" in late and f'/bureau/ventes/{sale_id}/caisse/1">1</a>' in late
    assert "20/12/2026" in late and format_euros(1_142_80) in late      # 1 000 € + fees 119 € + VAT 23,80 €
    assert f'href="/bureau/ventes/{sale_id}/defauts"' in late
    # once paid, the buyer leaves the list
    monkeypatch.setattr("auction.web.pages.checkout.today", lambda: date(2026, 12, 21))
    assert (await _payment(client, sale_id, 1, means="card", amount="1 142,80", reference="TPE 9")).status_code == 303
    desk = text(await client.get(f"/bureau/ventes/{sale_id}/caisse"))
    assert f'caisse/1">1</a>' not in _overdue_section(desk)
