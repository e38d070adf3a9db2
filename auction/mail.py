"""Outgoing e-mail: sent by SMTP (in a worker thread) when CRIEE_SMTP_HOST is set; otherwise, in
development, written to the log so that the links in it can be followed."""
from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from auction.config import Settings

log = logging.getLogger("criee.mail")
SMTP_TIMEOUT = 20


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str      # e.g. application/pdf
    content: bytes


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


def _message(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.partition("@")[2] or None)
    message.set_content(mail.body)
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_smtp(settings: Settings, mail: Mail) -> None:
    """Blocking: run it in a thread."""
    message = _message(settings, mail)
    context = ssl.create_default_context()
    if settings.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=context)
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password)
        client.send_message(message)


async def deliver(settings: Settings, mail: Mail) -> bool:
    """Send an e-mail; never raises (a mail server down must not lose the registration). True if sent."""
    if not settings.smtp_host:
        if settings.production:
            log.warning("e-mail not sent: CRIEE_SMTP_HOST is not set", extra={"subject": mail.subject})
        else:
            log.info("e-mail (development, not sent)", extra={"to": mail.to, "subject": mail.subject,
                                                             "body": mail.body,
                                                             "attachments": [a.filename for a in mail.attachments]})
        return False
    try:
        await asyncio.to_thread(send_smtp, settings, mail)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("e-mail not sent", extra={"subject": mail.subject, "error": str(exc)})
        return False
    log.info("e-mail sent", extra={"subject": mail.subject})
    return True
