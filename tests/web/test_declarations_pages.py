"""The declarations page (staff): each quarter with its due date and state; a clerk marks one sent
(CSRF, bad input answered in French, nothing written), its files are then the ones sent, also from
the declaration's own page; the office's delay is set by the officer only."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import DeclarationSent, Sale
from auction.services import declarations
from auction.services.demo import seed_demo
from tests.conftest import csrf_from
from tests.services.held_sale import sell

SEEDED = date(2026, 9, 20)            # the held sale's sessions in September 2026: the third quarter


async def _sent(db) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(DeclarationSent))


async def test_a_clerk_marks_the_quarter_sent_and_its_files_are_then_frozen(client, db, settings, users, login):
    assert await seed_demo(db.sessions, settings.media_dir, SEEDED, settings.private_dir, held_sale=True)
    assert (await client.get("/bureau/declarations")).status_code in (302, 303)
    await login(client, users[Role.BIDDER])
    assert (await client.get("/bureau/declarations")).status_code == 403
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    page = " ".join((await client.get("/bureau/declarations")).text.split())
    assert "T3 2026" in page and "30/10/2026" in page and "En retard" in page     # the demo's 30 days
    assert 'id="terms-form"' not in page and "/bureau/vigilance" not in page
    token = await csrf_from(client, "/bureau/declarations")
    target = "/bureau/declarations/2026/3/envoi"
    assert (await client.post(target, data={"sent_on": "2026-10-20", "means": "portal"})).status_code == 403
    early = await client.post(target, data={"csrf_token": token, "sent_on": "2026-09-30", "means": "portal",
                                            "reference": "Dépôt 12"})
    assert early.status_code == 400 and "suit la fin du trimestre" in early.text and 'value="Dépôt 12"' in early.text
    bad_means = await client.post(target, data={"csrf_token": token, "sent_on": "2026-10-20", "means": "fax"})
    assert bad_means.status_code == 400 and "Choisissez le moyen" in bad_means.text
    running = await client.post("/bureau/declarations/2026/4/envoi",
                                data={"csrf_token": token, "sent_on": "2026-10-20", "means": "portal"})
    assert running.status_code == 400 and "pas terminé" in running.text
    assert (await client.post("/bureau/declarations/2026/5/envoi", data={"csrf_token": token})).status_code == 404
    assert await _sent(db) == 0
    done = await client.post(target, data={"csrf_token": token, "sent_on": "2026-10-20", "means": "portal",
                                           "reference": "Dépôt 12"})
    assert done.status_code == 303
    page = " ".join((await client.get("/bureau/declarations")).text.split())
    assert "Envoyée" in page and "20/10/2026" in page and "Dépôt 12" in page and "SHA-256" in page
    frozen = await client.get("/bureau/declarations/2026/3/envoyee.pdf")
    assert frozen.status_code == 200 and frozen.content.startswith(b"%PDF")
    csv = await client.get("/bureau/declarations/2026/3/envoyee.csv")
    assert b"VJ-2026-11" in csv.content
    again = await client.get("/bureau/declaration-trimestrielle.pdf?annee=2026&trimestre=3")
    assert again.content == frozen.content                          # never made again
    assert (await client.get("/bureau/declaration-trimestrielle.csv?annee=2026&trimestre=3")).content == csv.content
    view = await client.get("/bureau/declaration-trimestrielle?annee=2026&trimestre=3")
    assert 'id="sent-banner"' in view.text and "rectificative" not in view.text
    assert (await client.get("/bureau/declarations/2026/2/envoyee.pdf")).status_code == 404
    twice = await client.post(target, data={"csrf_token": token, "sent_on": "2026-10-21", "means": "email"})
    assert twice.status_code == 400 and "déjà envoyée" in twice.text and await _sent(db) == 1


async def test_the_delay_is_the_officers_to_set(client, db, users, login):
    await login(client, users[Role.CLERK])
    token = await csrf_from(client, "/bureau/declarations")
    form = {"csrf_token": token, "effective_from": "2026-01-01", "days_after_quarter": "30",
            "reference": "Règlement intérieur de la chambre"}
    assert (await client.post("/bureau/declarations/delai", data=form)).status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    page = await client.get("/bureau/declarations")
    assert "Aucun délai saisi" in page.text and 'id="terms-form"' in page.text
    token = await csrf_from(client, "/bureau/declarations")
    bad = await client.post("/bureau/declarations/delai", data=form | {"csrf_token": token, "reference": ""})
    assert bad.status_code == 400 and "vient ce délai" in bad.text
    ok = await client.post("/bureau/declarations/delai", data=form | {"csrf_token": token})
    assert ok.status_code == 303
    page = " ".join((await client.get("/bureau/declarations")).text.split())
    assert "Règlement intérieur de la chambre" in page and "Aucun délai saisi" not in page


async def test_the_declarations_page_warns_when_the_figures_changed_after_the_sending(client, db, settings, users,
                                                                                     login):
    """The sale was still open when the quarter's declaration was sent: a lot sold afterwards, and the
    page asks for a corrective declaration, its files still the ones sent."""
    await seed_demo(db.sessions, settings.media_dir, date(2026, 11, 22), settings.private_dir)
    async with db.sessions() as session:
        sale_id = await session.scalar(select(Sale.id))
    clerk = Actor(users[Role.CLERK].id, Role.CLERK)
    await sell(db.sessions, sale_id, clerk, [(0, 1)], now=datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc))
    sent_at = datetime(2027, 1, 12, 9, 0, tzinfo=timezone.utc)
    await declarations.mark_sent(db.sessions, 2026, 4, sent_at.date(), "portal", "Dépôt 40", user_id=clerk.user_id,
                                 now=sent_at)
    await login(client, users[Role.CLERK])
    view = "/bureau/declaration-trimestrielle?annee=2026&trimestre=4"
    page = await client.get(view)
    assert 'id="sent-banner"' in page.text and "rectificative" not in page.text
    frozen = (await client.get("/bureau/declarations/2026/4/envoyee.csv")).content
    await sell(db.sessions, sale_id, clerk, [(1, 2)], now=sent_at + timedelta(days=2))
    page = " ".join((await client.get(view)).text.split())
    assert 'id="sent-banner"' in page
    assert "Les ventes du trimestre ont changé depuis l'envoi" in page and "déclaration rectificative" in page
    assert (await client.get("/bureau/declaration-trimestrielle.csv?annee=2026&trimestre=4")).content == frozen
