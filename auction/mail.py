"""Outgoing e-mail: sent by SMTP (in a worker thread) when CRIEE_SMTP_HOST is set; otherwise, in
development, written as a .eml file to the development mailbox (`dev-mailbox` under the data
directory), so that the links in it can be followed. An e-mail holds personal data (the address, the
bidder's name, a confirmation link): the log only says that one was written, and where."""
from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from auction.config import Settings

log = logging.getLogger("criee.mail")
SMTP_TIMEOUT = 20
DEV_MAILBOX = "dev-mailbox"


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


def dev_mailbox(settings: Settings) -> Path:
    """Where development keeps the e-mails it does not send (never served: not under the media)."""
    return settings.data_dir / DEV_MAILBOX


def write_dev_mail(settings: Settings, mail: Mail) -> str:
    """Blocking: the e-mail as a .eml file in the development mailbox, readable by its owner only;
    its file name (time-ordered)."""
    directory = dev_mailbox(settings)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
    path = directory / name
    path.write_bytes(_message(settings, mail).as_bytes())
    path.chmod(0o600)
    return name


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
            try:
                name = await asyncio.to_thread(write_dev_mail, settings, mail)
            except OSError as exc:
                log.warning("e-mail (development, not sent) not written to the development mailbox",
                            extra={"error": type(exc).__name__})
            else:
                log.info("e-mail (development, not sent) written to the development mailbox",
                         extra={"mailbox": str(dev_mailbox(settings)), "file": name})
        return False
    try:
        await asyncio.to_thread(send_smtp, settings, mail)
    except (OSError, smtplib.SMTPException) as exc:
        # the error's type and SMTP code, never its text: a refusal's names the recipients
        log.error("e-mail not sent", extra={"subject": mail.subject, "error": type(exc).__name__,
                                            "smtp_code": getattr(exc, "smtp_code", None)})
        return False
    log.info("e-mail sent", extra={"subject": mail.subject})
    return True
