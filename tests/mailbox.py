"""The development mailbox read back (auction.mail writes there when no mail server is set)."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser

from auction.mail import Attachment, Mail, dev_mailbox


def dev_mails(settings) -> list[Mail]:
    """The e-mails written so far, oldest first; `settings`: the app's, or anything with its `data_dir`
    (a live server)."""
    directory = dev_mailbox(settings)
    found = []
    for path in sorted(directory.glob("*.eml")) if directory.is_dir() else []:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        attachments = tuple(Attachment(part.get_filename(), part.get_content_type(), part.get_content())
                            for part in message.iter_attachments())
        found.append(Mail(str(message["To"]), str(message["Subject"]),
                          message.get_body(("plain",)).get_content(), attachments))
    return found


def dev_mails_to(settings, address: str) -> list[Mail]:
    return [mail for mail in dev_mails(settings) if mail.to == address]
