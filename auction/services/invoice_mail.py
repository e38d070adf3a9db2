"""The bordereau by e-mail: the PDF (Factur-X for a company) sent to the address the buyer registered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction import invoice_documents
from auction.config import Settings
from auction.domain.invoices import Invoice, find_invoice
from auction.domain.money import format_euros
from auction.mail import Attachment, Mail, deliver
from auction.models import Registration

from . import audit
from .invoices import sale_invoices


def invoice_mail(invoice: Invoice, to: str, document: invoice_documents.Document, public_url: str = "") -> Mail:
    office = (invoice.payload.get("office") or {})
    sale = (invoice.payload.get("sale") or {})
    space = f"\nVous le retrouvez, avec son solde, dans votre espace : {public_url.rstrip('/')}/mon-espace\n" if public_url else ""
    body = (f"Bonjour,\n\nVeuillez trouver ci-joint votre bordereau d'adjudication (facture n° {invoice.label}) "
            f"de la vente {sale.get('reference', '')} : {format_euros(invoice.amount_due_cents)} TTC, payable comptant "
            f"au plus tard le {invoice.due_on:%d/%m/%Y}.\n"
            "Les lots sont délivrés une fois le paiement encaissé (un chèque ou un virement compte une fois encaissé).\n"
            f"{space}\n{office.get('name', '')}\n{office.get('address', '')}, {office.get('postcode', '')} "
            f"{office.get('city', '')}\n")
    return Mail(to, f"Bordereau d'adjudication {invoice.label} — {office.get('name', '')}", body,
                (Attachment(document.filename, "application/pdf", document.content),))


async def send_invoice(settings: Settings, sessions: async_sessionmaker[AsyncSession], sale_id: int, number: int, *,
                       user_id: int | None, now: datetime) -> bool:
    """E-mail an invoice to its buyer; True if sent. Recorded in the audit log (no address there)."""
    invoice = find_invoice(await sale_invoices(sessions, sale_id), number)
    async with sessions() as session:
        registration = await session.get(Registration, invoice.registration_id)
        to = registration.bidder.email
    document = await invoice_documents.render(invoice)
    sent = await deliver(settings, invoice_mail(invoice, to, document, settings.public_url or ""))
    async with sessions() as session, session.begin():
        audit.record(session, at=now, user_id=user_id, sale_id=sale_id, action="invoice_mailed",
                     summary=f"Bordereau {invoice.label} {'envoyé' if sent else 'non envoyé (serveur de courrier)'} "
                             f"par e-mail à l'adjudicataire (panneau {invoice.paddle}).")
    return sent
