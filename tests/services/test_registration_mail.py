"""The confirmation e-mail of an online registration, on both databases: a second pending registration
of one e-mail for one sale is refused with nothing written, the e-mail is sent again by the registrant
or by the clerk (audited, listed on the registration), a first e-mail held back by the cap is recorded."""
import logging

import pytest
from sqlalchemy import select

from auction.config import Settings
from auction.domain.roles import Role
from auction.models import AuditEntry, BidRequest, Bidder, Registration, Sale, utcnow
from auction.services import bidder_checks
from auction.services import registration as service
from auction.services import registration_mail
from auction.services.catalogue import NotFound
from tests.mailbox import dev_mails

from .test_registration import SECRET, attestation, confirm, count, data_of, sale  # noqa: F401 - fixture

BASE = "https://criee.test"


async def audit_entries(db) -> list[AuditEntry]:
    async with db.sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).unique())


async def test_a_second_pending_registration_of_one_email_is_refused_and_writes_nothing(db, sale):  # noqa: F811
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    assert await registration_mail.pending_registration(db.sessions, sale.id, " Lea.Martin@Exemple.FR ") == first.id
    assert await registration_mail.pending_registration(db.sessions, sale.id, "autre@exemple.fr") is None
    assert await registration_mail.pending_registration(db.sessions, sale.id, "") is None
    before = [await count(db, model) for model in (Bidder, Registration, BidRequest)]
    with pytest.raises(service.AlreadyPending, match=f"demande n° {first.id}") as refused:
        await service.register(db.sessions, sale.id, data_of(sale, first_name="Léo", request_lot_1="1",
                                                             request_max_1="300"), via="web", now=utcnow())
    assert refused.value.registration_id == first.id and refused.value.field == "email"
    assert [await count(db, model) for model in (Bidder, Registration, BidRequest)] == before
    # Another e-mail registers; so does the same e-mail at the desk (the clerk sees the duplicate check there).
    await service.register(db.sessions, sale.id, data_of(sale, email="leo.martin@exemple.fr", first_name="Léo",
                                                         document_number="18CV42817"), via="web", now=utcnow())
    assert await count(db, Registration) == 2


async def test_a_registration_taken_at_the_desk_is_not_a_pending_online_one(db, sale):  # noqa: F811
    await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    assert await registration_mail.pending_registration(db.sessions, sale.id, "lea.martin@exemple.fr") is None


async def test_an_email_whose_registration_has_its_paddle_is_no_longer_pending(db, sale, users):  # noqa: F811
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, first)
    assert (await bidder_checks.verify(db.sessions, sale.id, first.id, attestation(), users[Role.CLERK].id,
                                 utcnow())).paddle
    assert await registration_mail.pending_registration(db.sessions, sale.id, "lea.martin@exemple.fr") is None


async def test_the_registrant_has_the_confirmation_sent_again_to_the_registered_address(db, sale):  # noqa: F811
    first = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    mail = await registration_mail.resend_for_registrant(db.sessions, SECRET, BASE, sale.id, "LEA.MARTIN@exemple.fr",
                                                         utcnow())
    assert mail.to == "lea.martin@exemple.fr" and "VR-1" in mail.subject and "Léa MARTIN-DUPRÉ" in mail.body
    token = mail.body.split(f"{BASE}/inscription/confirmer/")[1].split()[0]
    await service.confirm_email(db.sessions, SECRET, token, utcnow())      # the new link confirms
    async with db.sessions() as session:
        assert (await session.get(Bidder, first.bidder_id)).email_confirmed_at is not None
    [entry] = await audit_entries(db)
    assert (entry.action, entry.user_id, entry.sale_id) == ("confirmation_resent", None, sale.id)
    assert entry.details == {"registration_id": first.id, "by": "registrant"}
    assert "lea.martin" not in entry.summary                               # no address in the log
    assert [e.id for e in await registration_mail.mail_history(db.sessions, sale.id, first.id)] == [entry.id]

    with pytest.raises(service.RegistrationRefused, match="Aucune demande d'inscription en attente"):
        await registration_mail.resend_for_registrant(db.sessions, SECRET, BASE, sale.id, "inconnu@exemple.fr",
                                                      utcnow())
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale.id)).status = "closed"
    with pytest.raises(service.RegistrationRefused, match="closes"):
        await registration_mail.resend_for_registrant(db.sessions, SECRET, BASE, sale.id, "lea.martin@exemple.fr",
                                                      utcnow())
    async with db.sessions() as session, session.begin():
        (await session.get(Sale, sale.id)).status = "draft"
    with pytest.raises(NotFound):                                          # a draft sale is not public
        await registration_mail.resend_for_registrant(db.sessions, SECRET, BASE, sale.id, "lea.martin@exemple.fr",
                                                      utcnow())
    assert len(await audit_entries(db)) == 1                               # refusals record nothing


async def test_the_clerk_sends_a_lost_confirmation_again_audited(db, sale, users, tmp_path, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="criee.mail")
    settings = Settings(env="development", database_url="sqlite://", data_dir=tmp_path, secret_key="s" * 40)
    clerk = users[Role.CLERK]
    online = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await registration_mail.record_withheld(db.sessions, sale.id, online.id, utcnow())
    assert await registration_mail.unsent(db.sessions, sale.id) == {online.id}
    sent = await registration_mail.resend_by_staff(settings, db.sessions, SECRET, BASE, sale.id, online.id,
                                                   user_id=clerk.id, now=utcnow())
    assert sent is False                      # development: no mail server, the mail goes to the dev mailbox
    [written] = dev_mails(settings)
    assert written.to == "lea.martin@exemple.fr" and f"{BASE}/inscription/confirmer/" in written.body
    [logged] = [r for r in caplog.records if r.name == "criee.mail"]
    assert "lea.martin" not in str(vars(logged)) and "confirmer" not in str(vars(logged))
    withheld, resent = await audit_entries(db)
    assert withheld.action == "confirmation_withheld" and "plafond horaire" in withheld.summary
    assert (resent.action, resent.user_id, resent.details) == (
        "confirmation_resent", clerk.id, {"registration_id": online.id, "by": "staff", "sent": False})
    assert "renvoyé par l'étude : non envoyé" in resent.summary
    history = await registration_mail.mail_history(db.sessions, sale.id, online.id)
    assert {e.id for e in history} == {withheld.id, resent.id}
    assert await registration_mail.unsent(db.sessions, sale.id) == {online.id}   # sent again, not taken

    desk = await service.register(db.sessions, sale.id, data_of(sale, email="marc@exemple.fr", first_name="Marc",
                                                                last_name="Bertin", document_number="18CV42817"),
                                  via="desk", now=utcnow())
    assert await registration_mail.mail_history(db.sessions, sale.id, desk.id) == []
    with pytest.raises(service.RegistrationRefused, match="prise à l'accueil"):
        await registration_mail.resend_by_staff(settings, db.sessions, SECRET, BASE, sale.id, desk.id,
                                                user_id=clerk.id, now=utcnow())
    await confirm(db, online)
    with pytest.raises(service.RegistrationRefused, match="déjà confirmée"):
        await registration_mail.resend_by_staff(settings, db.sessions, SECRET, BASE, sale.id, online.id,
                                                user_id=clerk.id, now=utcnow())
    await bidder_checks.verify(db.sessions, sale.id, online.id, attestation(), clerk.id, utcnow())
    with pytest.raises(service.AlreadyVerified):
        await registration_mail.resend_by_staff(settings, db.sessions, SECRET, BASE, sale.id, online.id,
                                                user_id=clerk.id, now=utcnow())
    with pytest.raises(NotFound):
        await registration_mail.resend_by_staff(settings, db.sessions, SECRET, BASE, sale.id + 1, online.id,
                                                user_id=clerk.id, now=utcnow())
    assert len(await audit_entries(db)) == 2 and len(caplog.records) == 1   # refusals send and record nothing


async def test_a_registrant_resend_clears_the_unsent_mark(db, sale):  # noqa: F811
    online = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    other = await service.register(db.sessions, sale.id, data_of(sale, email="marc@exemple.fr", first_name="Marc"),
                                   via="web", now=utcnow())
    for registration in (online, other):
        await registration_mail.record_withheld(db.sessions, sale.id, registration.id, utcnow())
    await registration_mail.resend_for_registrant(db.sessions, SECRET, BASE, sale.id, "lea.martin@exemple.fr",
                                                  utcnow())
    assert await registration_mail.unsent(db.sessions, sale.id) == {other.id}
