"""Outgoing e-mail: written to the development mailbox without SMTP (the log says only that), sent by
SMTP in a thread when configured."""
import logging
from dataclasses import replace

import pytest

from auction import mail
from auction.config import Settings
from tests.mailbox import dev_mails

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


async def test_without_smtp_development_writes_the_mail_to_its_mailbox_and_logs_nothing_of_it(base, caplog):
    caplog.set_level(logging.DEBUG, logger="criee.mail")
    assert await mail.deliver(base, MESSAGE) is False
    [written] = dev_mails(base)
    assert (written.to, written.subject) == (MESSAGE.to, MESSAGE.subject) and written.body.rstrip() == MESSAGE.body
    [path] = mail.dev_mailbox(base).iterdir()
    assert path.stat().st_mode & 0o777 == 0o600 and mail.dev_mailbox(base).stat().st_mode & 0o777 == 0o700
    [notice] = caplog.records                                    # one line: that it was written, and where
    assert notice.getMessage() == "e-mail (development, not sent) written to the development mailbox"
    assert notice.file == path.name
    logged = caplog.text + str(vars(notice))
    for personal in ("lea@exemple.fr", "Bonjour", "confirmer", MESSAGE.subject):
        assert personal not in logged, personal


async def test_a_mailbox_that_cannot_be_written_loses_the_mail_but_does_not_raise(base, caplog):
    (base.data_dir / mail.DEV_MAILBOX).write_text("a file where the directory should be")
    assert await mail.deliver(base, MESSAGE) is False
    assert "not written to the development mailbox" in caplog.text and "lea@exemple.fr" not in caplog.text


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


async def test_a_refused_recipient_is_not_named_in_the_log(base, monkeypatch, caplog):
    class Refusing(FakeSMTP):
        def send_message(self, message):
            raise mail.smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 <lea@exemple.fr> unknown")})
    monkeypatch.setattr(mail.smtplib, "SMTP", Refusing)
    assert await mail.deliver(replace(base, smtp_host="smtp.etude.fr", smtp_from="v@etude.fr"), MESSAGE) is False
    [record] = [r for r in caplog.records if r.getMessage() == "e-mail not sent"]
    assert record.error == "SMTPRecipientsRefused" and "lea@exemple.fr" not in str(vars(record))


def test_attachments_go_into_the_message(base):
    message = mail._message(replace(base, smtp_from="etude@exemple.fr"), replace(
        MESSAGE, attachments=(mail.Attachment("facture-2026-000001.pdf", "application/pdf", b"%PDF-1.7 x"),)))
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "facture-2026-000001.pdf" and part.get_content_type() == "application/pdf"
    assert part.get_content() == b"%PDF-1.7 x"
