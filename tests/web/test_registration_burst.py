"""A burst of public registrations from one client: throttled per address and per e-mail before any
scan is kept or any registration made; confirmation e-mails capped per address per hour."""
import html
import logging

from auction.models import Registration
from auction.web.ratelimit import RegistrationLimits

from .test_registration_pages import count, register_online
from ..services.test_registration import sale  # noqa: F401 - fixture


async def test_one_email_posted_again_and_again_is_throttled(client, db, sale, settings, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    answers = [await register_online(client, sale.id, email="meme@exemple.fr") for _ in range(8)]
    codes = [a.status_code for a in answers]
    allowed = RegistrationLimits.EMAIL[0]
    assert codes[allowed:] == [429] * (8 - allowed), codes
    # The first is taken; the next ones, until the throttle, point to it (a second pending one is refused).
    assert codes[0] == 303 and codes[1:allowed] == [409] * (allowed - 1), codes
    assert "Trop de demandes d'inscription" in html.unescape(answers[-1].text)
    assert await count(db, Registration) == 1
    scans = list((settings.private_dir).rglob("*")) if settings.private_dir.exists() else []
    assert len([p for p in scans if p.is_file()]) == 1   # a refused post keeps no scan


async def test_one_address_posting_many_emails_is_throttled(client, db, sale, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    allowed = RegistrationLimits.ADDRESS[0]
    codes = [(await register_online(client, sale.id, email=f"personne{i}@exemple.fr")).status_code
             for i in range(allowed + 5)]
    assert codes[allowed:] == [429] * 5, codes
    assert await count(db, Registration) <= allowed
    # Logged, but without the client's address (personal data) nor the e-mails posted
    throttled = [r for r in caplog.records if r.getMessage() == "registration throttled"]
    assert len(throttled) == 5 and not any(hasattr(r, "address") for r in throttled)
    # nor anything of the e-mails written to the development mailbox
    leaks = [vars(r) for r in caplog.records if "personne" in str(vars(r))]
    assert not leaks, leaks[:1]


async def test_confirmation_emails_are_capped_per_address_per_hour(app):
    now = [1_780_000_000.0]
    limits = RegistrationLimits(app.state.limit_store, b"k", clock=lambda: now[0])
    sent = [await limits.may_mail("192.0.2.1") for _ in range(RegistrationLimits.MAILS[0] + 3)]
    assert sent.count(True) == RegistrationLimits.MAILS[0] and sent[-1] is False
    assert await limits.may_mail("192.0.2.2")            # another address has its own budget
    now[0] += 3600
    assert await limits.may_mail("192.0.2.1")            # an hour later, the budget is back
