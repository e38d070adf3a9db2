"""Over HTTP: a second registration of one e-mail for one sale is refused, pointing to the waiting one and
offering its confirmation e-mail again (throttled, counted in the address's hourly cap); the clerk sends a
lost confirmation e-mail again from the registration's page (staff only, CSRF, listed there)."""
import re

import httpx
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import AuditEntry, BidRequest, Bidder, Registration
from auction.web.pages.registration import registration_limits
from auction.web.ratelimit import RegistrationLimits

from ..conftest import csrf_from
from ..mailbox import dev_mails_to
from ..services.test_registration import sale  # noqa: F401 - fixture
from .test_registration_pages import count, register_online, text


def scans(settings) -> list:
    return [p for p in settings.private_dir.rglob("*") if p.is_file()] if settings.private_dir.exists() else []


async def test_a_second_registration_of_one_email_points_to_the_first_and_resends_its_mail(
        app, client, db, sale, settings):  # noqa: F811
    first = await register_online(client, sale.id)
    assert first.status_code == 303
    async with db.sessions() as session:
        waiting = await session.scalar(select(Registration))

    # Someone else's details with the same e-mail (another case): refused, nothing of the first shown.
    second = await register_online(client, sale.id, first_name="Paul", last_name="Durand", phone="07 99 88 77 66",
                                   address="9 rue Neuve", city="Villeurbanne", postcode="69100",
                                   email="LEA.MARTIN@exemple.fr", request_lot_1="1", request_max_1="300")
    page = text(second)
    assert second.status_code == 409
    assert "Demande déjà reçue" in page and f"demande n° {waiting.id}" in page
    assert "rien n'a été enregistré de ce nouvel envoi" in page
    for theirs in ("Léa", "Martin-Dupré", "MARTIN-DUPRÉ", "06 12 34 56 78", "4 rue de la Paix", "X4RTBPFW4"):
        assert theirs not in page, theirs                  # the first one's data stays the office's
    assert 'value="Paul"' in page                          # what was typed comes back
    assert f'action="/ventes/{sale.id}/inscription/renvoyer"' in page
    assert re.search(r'name="email" value="LEA.MARTIN@exemple.fr"', page)
    assert (await count(db, Registration), await count(db, Bidder), await count(db, BidRequest)) == (1, 1, 0)
    assert len(scans(settings)) == 1                       # the refused post's scan was never kept
    assert len(dev_mails_to(settings, "lea.martin@exemple.fr")) == 1

    # The resend: CSRF required, then to the waiting registration's address, counted in the address's cap.
    refused = await client.post(f"/ventes/{sale.id}/inscription/renvoyer", data={"email": "LEA.MARTIN@exemple.fr"})
    assert refused.status_code == 403
    limits = registration_limits(app)
    token = await csrf_from(client, f"/ventes/{sale.id}/inscription")
    resent = await client.post(f"/ventes/{sale.id}/inscription/renvoyer",
                               data={"csrf_token": token, "email": "LEA.MARTIN@exemple.fr"})
    assert resent.status_code == 303 and resent.headers["location"] == f"/ventes/{sale.id}/inscription/renvoyee"
    assert "Courriel de confirmation renvoyé" in text(await client.get(resent.headers["location"]))
    [_, again] = dev_mails_to(settings, "lea.martin@exemple.fr")
    assert "/inscription/confirmer/" in again.body
    async with db.sessions() as session:
        [entry] = (await session.scalars(select(AuditEntry))).unique().all()
    assert entry.action == "confirmation_resent" and entry.details["registration_id"] == waiting.id

    # An e-mail with nothing waiting gets the form again, and no mail.
    unknown = await client.post(f"/ventes/{sale.id}/inscription/renvoyer",
                                data={"csrf_token": token, "email": "personne@exemple.fr"})
    assert unknown.status_code == 400 and "Aucune demande d'inscription en attente" in text(unknown)
    assert not dev_mails_to(settings, "personne@exemple.fr")

    # The resends of one e-mail are throttled: the form again with 429, no mail.
    for _ in range(RegistrationLimits.RESENDS[0]):
        last = await client.post(f"/ventes/{sale.id}/inscription/renvoyer",
                                 data={"csrf_token": token, "email": "lea.martin@exemple.fr"})
    assert last.status_code == 429 and "Trop de demandes de renvoi" in text(last)
    assert len(dev_mails_to(settings, "lea.martin@exemple.fr")) == 1 + RegistrationLimits.RESENDS[0]
    # The address's hourly cap of e-mails: the registration's, Léa's two resends and the one asked for
    # "personne" were taken from it; the resend refused for Léa's own budget took nothing.
    left = [await limits.may_mail("127.0.0.1") for _ in range(RegistrationLimits.MAILS[0])]
    assert left.count(True) == RegistrationLimits.MAILS[0] - 4


async def test_a_resend_past_the_address_hourly_cap_is_refused(app, client, db, sale, settings):  # noqa: F811
    assert (await register_online(client, sale.id)).status_code == 303
    limits = registration_limits(app)
    while await limits.may_mail("127.0.0.1"):                     # the address has caused its hour's e-mails
        pass
    token = await csrf_from(client, f"/ventes/{sale.id}/inscription")
    answer = await client.post(f"/ventes/{sale.id}/inscription/renvoyer",
                               data={"csrf_token": token, "email": "lea.martin@exemple.fr"})
    assert answer.status_code == 429 and "Trop de demandes de renvoi" in text(answer)
    assert len(dev_mails_to(settings, "lea.martin@exemple.fr")) == 1
    async with db.sessions() as session:
        assert (await session.scalars(select(AuditEntry))).unique().all() == []


async def test_a_first_mail_held_back_by_the_cap_is_shown_and_the_clerk_resends_it(
        app, client, db, sale, users, login, settings):  # noqa: F811
    limits = registration_limits(app)
    while await limits.may_mail("127.0.0.1"):
        pass
    assert (await register_online(client, sale.id)).status_code == 303
    assert not dev_mails_to(settings, "lea.martin@exemple.fr")    # held back: the registration waits for the clerk
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    url = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}"
    target = f"{url}/courriel"

    assert (await client.post(target)).status_code in (401, 403)      # anonymous
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as bidder:
        await login(bidder, users[Role.BIDDER])
        token = await csrf_from(bidder, "/mon-espace")
        assert (await bidder.post(target, data={"csrf_token": token})).status_code == 403

    await login(client, users[Role.CLERK])
    listed = await client.get(f"/bureau/ventes/{sale.id}/inscriptions")
    assert "courriel de confirmation non parti : à renvoyer" in text(listed)
    page = await client.get(url)
    assert "plafond horaire des courriels" in text(page) and 'id="resend-button"' in page.text
    assert (await client.post(target, data={})).status_code == 403                # no CSRF token
    token = await csrf_from(client, url)
    answer = await client.post(target, data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == f"{url}?ok=courriel-non-envoye#courriel"
    [mail] = dev_mails_to(settings, "lea.martin@exemple.fr")               # development: in the dev mailbox
    assert "/inscription/confirmer/" in mail.body
    shown = text(await client.get(answer.headers["location"]))
    assert "Le courriel de confirmation n'est pas parti" in shown
    assert "renvoyé par l'étude : non envoyé (serveur de courrier)" in shown and "Test Clerc" in shown
    # development: the clerk's e-mail did not go either, and the list still says so
    assert "non parti : à renvoyer" in text(await client.get(f"/bureau/ventes/{sale.id}/inscriptions"))

    async with db.sessions() as session:
        bidder = await session.get(Bidder, registration.bidder_id)
        bidder.email_confirmed_at = registration.created_at
        await session.commit()
    refused = await client.post(target, data={"csrf_token": token})
    assert refused.status_code == 409 and "déjà confirmée" in text(refused)
    assert 'id="resend-button"' not in refused.text
