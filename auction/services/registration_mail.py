"""The confirmation e-mail of an online registration: the one sent after the public form, the same one
sent again (by the registrant from the form, or by the clerk from the registration's page), and the
registration an e-mail already has waiting for a sale (a second one is refused).

Each resend is recorded in the audit log (the registration's id in its details, never the address),
and so is a first e-mail held back by the hourly cap: the registration's page lists them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.config import Settings
from auction.mail import Mail, deliver
from auction.models import AuditEntry, Registration, Sale

from . import audit
from .catalogue import NotFound
from .registration import (REGISTRATION_OPEN_STATUSES, AlreadyVerified, RegistrationRefused,
                           confirmation_link, pending_in_session, registration_in_sale)

# The audit actions about a registration's confirmation e-mail (details: registration_id, by).
RESENT = "confirmation_resent"
WITHHELD = "confirmation_withheld"
MAIL_ACTIONS = (RESENT, WITHHELD)


async def pending_registration(sessions: async_sessionmaker[AsyncSession], sale_id: int, email: str) -> int | None:
    """The id of the registration this e-mail has waiting for this sale, or None (before any scan is kept)."""
    if not email.strip():
        return None
    async with sessions() as session:
        registration = await pending_in_session(session, sale_id, email)
    return registration.id if registration is not None else None


def confirmation_mail(secret: bytes, base_url: str, sale: Sale, registration: Registration, email: str,
                      first_name: str, last_name: str, now: datetime) -> Mail:
    link = confirmation_link(secret, base_url, registration, email, now)
    return Mail(email, f"Confirmez votre inscription à la vente {sale.reference}",
                f"Bonjour {first_name} {last_name.upper()},\n\n"
                f"Nous avons bien reçu votre demande d'inscription à la vente « {sale.title} » ({sale.reference}).\n"
                f"Confirmez votre adresse électronique en ouvrant ce lien (valable 7 jours) :\n\n{link}\n\n"
                "L'étude vérifiera ensuite votre pièce d'identité et, si la vente l'exige, votre garantie ; "
                "votre numéro de panneau vous sera remis une fois ces contrôles faits.\n")


def _mail_of(secret: bytes, base_url: str, sale: Sale, registration: Registration, now: datetime) -> Mail:
    bidder = registration.bidder
    return confirmation_mail(secret, base_url, sale, registration, bidder.email, bidder.first_name,
                             bidder.last_name, now)


async def record_withheld(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                          now: datetime) -> None:
    """The first e-mail was not sent (the client address's hourly cap): the clerk's page says so."""
    await audit.record_alone(sessions, at=now, user_id=None, sale_id=sale_id, action=WITHHELD,
                             summary=f"Courriel de confirmation de l'inscription n° {registration_id} non envoyé : "
                                     "plafond horaire des courriels de l'adresse d'origine atteint.",
                             details={"registration_id": registration_id, "by": "cap"})


async def resend_for_registrant(sessions: async_sessionmaker[AsyncSession], secret: bytes, base_url: str,
                                sale_id: int, email: str, now: datetime) -> Mail:
    """The registrant asks again for the confirmation e-mail of their waiting registration: the e-mail
    to send (to the address the registration holds), recorded in the audit log. NotFound for a sale
    not public; RegistrationRefused when registration is closed or nothing waits for this e-mail."""
    async with sessions() as session, session.begin():
        sale = await session.get(Sale, sale_id)
        if sale is None or not sale.is_public:
            raise NotFound()
        if sale.status not in REGISTRATION_OPEN_STATUSES:
            raise RegistrationRefused("Les inscriptions à cette vente sont closes.")
        registration = await pending_in_session(session, sale_id, email) if email.strip() else None
        if registration is None:
            raise RegistrationRefused("Aucune demande d'inscription en attente pour cette adresse électronique : "
                                      "remplissez le formulaire.", field="email")
        mail = _mail_of(secret, base_url, sale, registration, now)
        audit.record(session, at=now, user_id=None, sale_id=sale_id, action=RESENT,
                     summary=f"Courriel de confirmation de l'inscription n° {registration.id} renvoyé à la "
                             "demande de l'inscrit (formulaire public).",
                     details={"registration_id": registration.id, "by": "registrant"})
    return mail


async def resend_by_staff(settings: Settings, sessions: async_sessionmaker[AsyncSession], secret: bytes,
                          base_url: str, sale_id: int, registration_id: int, *, user_id: int, now: datetime) -> bool:
    """The clerk sends a lost confirmation e-mail again; True if the mail server took it. Recorded in
    the audit log, sent or not. Refused (RegistrationRefused, AlreadyVerified) when there is nothing to
    confirm: a desk registration, an address already confirmed, a paddle given, registration closed."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id)
        if registration.paddle_number is not None:
            raise AlreadyVerified(f"Inscription déjà vérifiée : panneau {registration.paddle_number}.")
        if sale.status not in REGISTRATION_OPEN_STATUSES:
            raise RegistrationRefused("Les inscriptions à cette vente sont closes.")
        if registration.registered_via != "web":
            raise RegistrationRefused("Inscription prise à l'accueil : elle ne demande pas de confirmation "
                                      "par courriel.")
        if registration.bidder.email_confirmed_at is not None:
            raise RegistrationRefused("L'adresse électronique de cette inscription est déjà confirmée.")
        mail = _mail_of(secret, base_url, sale, registration, now)
    sent = await deliver(settings, mail)
    async with sessions() as session, session.begin():
        audit.record(session, at=now, user_id=user_id, sale_id=sale_id, action=RESENT,
                     summary=f"Courriel de confirmation de l'inscription n° {registration_id} renvoyé par l'étude"
                             f"{'' if sent else ' : non envoyé (serveur de courrier)'}.",
                     details={"registration_id": registration_id, "by": "staff", "sent": sent})
    return sent


async def mail_history(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int
                       ) -> list[AuditEntry]:
    """What happened to this registration's confirmation e-mail (resends, a first one held back), latest first."""
    async with sessions() as session:
        entries = (await session.scalars(
            select(AuditEntry).where(AuditEntry.sale_id == sale_id, AuditEntry.action.in_(MAIL_ACTIONS))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))).unique()
        return [entry for entry in entries if (entry.details or {}).get("registration_id") == registration_id]


async def unsent(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> set[int]:
    """The sale's registrations whose last confirmation e-mail did not go: held back by the cap, or sent
    again by the clerk while the mail server was away (the clerk's list points them out: the registrant
    has no link to confirm with)."""
    async with sessions() as session:
        rows = (await session.execute(
            select(AuditEntry.action, AuditEntry.details).where(AuditEntry.sale_id == sale_id,
                                                                AuditEntry.action.in_(MAIL_ACTIONS))
            .order_by(AuditEntry.at, AuditEntry.id))).all()
    last: dict[int, bool] = {}   # registration id: its last e-mail went (as far as is known)
    for action, details in rows:
        details = details or {}
        last[details.get("registration_id")] = action == RESENT and details.get("sent", True)
    return {registration_id for registration_id, went in last.items() if not went}
