"""The vigilance register and a sale's flags: the officer's alone (clerk, bidder, public refused), each
view logged in the audit log, the checkout's flag for the officer only, decisions recorded with CSRF
and bad input answered in French with the form again, nothing written."""
from datetime import date

from sqlalchemy import func, select

from auction.domain.roles import Role
from auction.models import AuditEntry, VigilanceDecision
from auction.services.demo import held_sale_id, seed_demo
from tests.conftest import csrf_from

PHONE_PADDLE = 7


async def _views(db) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "vigilance_viewed"))


async def _decisions(db) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(VigilanceDecision))


async def test_the_register_is_the_officers_alone_and_each_view_is_logged(client, db, settings, users, login):
    assert await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22), settings.private_dir, held_sale=True)
    sale_id = await held_sale_id(db.sessions)
    pages = ["/bureau/vigilance", f"/bureau/ventes/{sale_id}/vigilance"]
    for path in pages:
        response = await client.get(path)
        assert response.status_code in (302, 303) and "/connexion" in response.headers["location"]
    for role in (Role.CLERK, Role.BIDDER):
        await login(client, users[role])
        for path in pages:
            assert (await client.get(path)).status_code == 403, (role, path)
        buyer = await client.get(f"/bureau/ventes/{sale_id}/caisse/{PHONE_PADDLE}")
        if role is Role.CLERK:
            assert buyer.status_code == 200 and 'id="vigilance"' not in buyer.text
            assert "Vigilance" not in buyer.text
        client.cookies.clear()
    assert await _views(db) == 0
    await login(client, users[Role.OFFICER])
    register = await client.get("/bureau/vigilance")
    assert register.status_code == 200 and "Registre de vigilance" in register.text
    assert "Gérard MOREAU" not in register.text          # no decision yet: the flags are on the sale's page
    assert await _views(db) == 1
    page = await client.get(f"/bureau/ventes/{sale_id}/vigilance")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Paiement par un tiers" in text and "payés par Gérard MOREAU" in text and "Isabelle MOREAU" in text
    assert "Décision à prendre" in text
    assert await _views(db) == 2
    buyer = await client.get(f"/bureau/ventes/{sale_id}/caisse/{PHONE_PADDLE}")
    assert 'id="vigilance"' in buyer.text and "Paiement par un tiers" in buyer.text
    assert await _views(db) == 3


async def test_a_decision_is_recorded_once_valid_and_bad_input_changes_nothing(client, db, settings, users, login):
    assert await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22), settings.private_dir, held_sale=True)
    sale_id = await held_sale_id(db.sessions)
    await login(client, users[Role.OFFICER])
    path = f"/bureau/ventes/{sale_id}/vigilance"
    token = await csrf_from(client, path)
    target = f"{path}/{PHONE_PADDLE}"
    no_csrf = await client.post(target, data={"decision": "no_action", "note": "Chèque du conjoint, justifié."})
    assert no_csrf.status_code == 403 and await _decisions(db) == 0
    missing = await client.post(target, data={"csrf_token": token, "decision": "suspicion_declared",
                                              "note": "Tiers payeur sans lien justifié", "declared_on": "2026-11-21"})
    assert missing.status_code == 400 and "référence de la déclaration" in missing.text
    assert 'value="2026-11-21"' in missing.text and "Tiers payeur sans lien justifié" in missing.text
    short = await client.post(target, data={"csrf_token": token, "decision": "no_action", "note": "ok"})
    assert short.status_code == 400 and "ce qui fonde la décision" in short.text
    bogus = await client.post(target, data={"csrf_token": token, "decision": "rien", "note": "x" * 20})
    assert bogus.status_code == 400 and "Choisissez la décision" in bogus.text
    nobody = await client.post(f"{path}/3", data={"csrf_token": token, "decision": "no_action", "note": "x" * 20})
    assert nobody.status_code == 400 and "Aucun signalement" in nobody.text
    assert await _decisions(db) == 0
    done = await client.post(target, data={"csrf_token": token, "decision": "suspicion_declared",
                                           "note": "Tiers payeur sans lien justifié", "declared_on": "2026-11-21",
                                           "declaration_reference": "ERMES 2026-118842"})
    assert done.status_code == 303
    page = " ".join((await client.get(path)).text.split())
    assert "Déclaration de soupçon faite (TRACFIN)" in page and "ERMES 2026-118842" in page
    assert "Aucune décision en attente" in page
    register = " ".join((await client.get("/bureau/vigilance")).text.split())
    assert "ERMES 2026-118842" in register and "Paiement par une autre personne" in register
    async with db.sessions() as session:
        [entry] = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "vigilance_decision"))).all()
    assert entry.details == {"paddle": PHONE_PADDLE, "decision": "suspicion_declared"}
    assert "ERMES" not in entry.summary


async def test_thresholds_are_the_officers_dated_rows_and_bad_input_is_refused(client, db, users, login):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/vigilance")
    good = {"csrf_token": token, "effective_from": "2026-06-01", "cash_share_percent": "75",
            "cash_payments_count": "3", "cash_window_days": "30", "estimate_ratio_percent": "250",
            "reference": "Procédure interne v3"}
    bad = await client.post("/bureau/vigilance/seuils", data=good | {"estimate_ratio_percent": "100"})
    assert bad.status_code == 400 and "de 101 à 10000" in bad.text and 'value="Procédure interne v3"' in bad.text
    assert (await client.post("/bureau/vigilance/seuils", data=good)).status_code == 303
    again = await client.post("/bureau/vigilance/seuils", data=good)
    assert again.status_code == 400 and "déjà en vigueur" in again.text
    page = " ".join((await client.get("/bureau/vigilance")).text.split())
    assert "75 %" in page and "3 en 30 jours" in page and "250 %" in page and "(en vigueur)" in page
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    assert (await client.post("/bureau/vigilance/seuils", data=good)).status_code == 403
