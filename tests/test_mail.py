"""Outgoing e-mail: logged in development without SMTP, sent by SMTP in a thread when configured."""
import logging
from dataclasses import replace

import pytest

from auction import mail
from auction.config import Settings

MESSAGE = mail.Mail("lea@exemple.fr", "Confirmez votre inscription", "Bonjour,\nhttps://x/inscription/confirmer/1")


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout=None, **kwargs):
        self.calls = [("connect", host, port)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        FakeSMTP.sent.append(self.calls)

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user))

    def send_message(self, message):
        self.calls.append(("send", message["To"], message["Subject"], message.get_content()))


@pytest.fixture
def base(tmp_path) -> Settings:
    return Settings(env="development", database_url="sqlite+aiosqlite:///x", data_dir=tmp_path,
                    secret_key="k" * 40)


async def test_without_smtp_the_mail_is_logged_in_development(base, caplog):
    caplog.set_level(logging.INFO, logger="criee.mail")
    assert await mail.deliver(base, MESSAGE) is False
    assert caplog.records[-1].body.endswith("confirmer/1") and caplog.records[-1].to == "lea@exemple.fr"


async def test_without_smtp_production_logs_no_link(base, caplog):
    caplog.set_level(logging.INFO, logger="criee.mail")
    assert await mail.deliver(replace(base, env="production"), MESSAGE) is False
    assert "confirmer" not in caplog.text and "CRIEE_SMTP_HOST" in caplog.text


async def test_with_smtp_the_mail_is_sent(base, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    settings = replace(base, smtp_host="smtp.etude.fr", smtp_user="criee", smtp_password="pw",
                       smtp_from="ventes@etude.fr")
    assert await mail.deliver(settings, MESSAGE) is True
    (calls,) = FakeSMTP.sent
    assert calls[:3] == [("connect", "smtp.etude.fr", 587), ("starttls",), ("login", "criee")]
    assert calls[3][:3] == ("send", "lea@exemple.fr", "Confirmez votre inscription")


async def test_a_mail_server_down_does_not_raise(base, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("refused")
    monkeypatch.setattr(mail.smtplib, "SMTP", refuse)
    assert await mail.deliver(replace(base, smtp_host="smtp.etude.fr", smtp_from="v@etude.fr"), MESSAGE) is False
    assert "e-mail not sent" in caplog.text


def test_attachments_go_into_the_message(base):
    message = mail._message(replace(base, smtp_from="etude@exemple.fr"), replace(
        MESSAGE, attachments=(mail.Attachment("facture-2026-000001.pdf", "application/pdf", b"%PDF-1.7 x"),)))
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "facture-2026-000001.pdf" and part.get_content_type() == "application/pdf"
    assert part.get_content() == b"%PDF-1.7 x"
