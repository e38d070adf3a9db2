"""The letters and acts of a default procedure as PDFs, rendered from their settlement events (never
stored): the formal notice, the default act, the defaulter's statement (décompte)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from auction.documents import render_pdf
from auction.domain import defaults as rules
from auction.domain.default_statements import describe_balance
from auction.domain.invoice_numbers import format_number
from auction.models import Office, Registration, Sale

from . import settlement_log
from .catalogue import NotFound
from .invoices import office_context

TEMPLATES = {"notice": "default_notice.html", "act": "default_act.html", "statement": "default_statement.html"}
FILENAMES = {"notice": "mise-en-demeure", "act": "acte-de-defaut", "statement": "decompte-defaut"}


def statement_label(payload: dict) -> str:
    """A statement's number as printed (the office's series of statements, by year)."""
    return f"D{format_number(payload['number'], date.fromisoformat(payload['issued_on']))}"


async def document_pdf(sessions: async_sessionmaker, sale_id: int, kind: str, seq: int) -> tuple[bytes, str]:
    """The PDF of a procedure's notice (`seq` of the notice), act or statement (`seq` of the act)."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None or kind not in TEMPLATES:
            raise NotFound()
        events = await settlement_log.load_events(session, sale_id)
        office = await session.scalar(select(Office).order_by(Office.id).limit(1))
        procedure = next((p for p in rules.procedures(events)
                          if (p.notice.seq if kind == "notice" else (p.act.seq if p.act else None)) == seq), None)
        if procedure is None or (kind == "statement" and procedure.statement is None):
            raise NotFound()
        registration = await session.get(Registration, procedure.notice.registration_id)
        buyer = registration.bidder if registration else None
        context = {
            "sale": sale, "office": office_context(office) if office else None, "procedure": procedure,
            "notice": procedure.notice, "act": procedure.act, "statement": procedure.statement,
            "buyer": None if buyer is None else {
                "name": buyer.company_name or buyer.full_name if buyer.buyer_type == "company" else buyer.full_name,
                "address": f"{buyer.address}, {buyer.postcode} {buyer.city}"},
            "means": rules.NOTICE_MEANS, "consequences": rules.CONSEQUENCES, "mention": rules.RESALE_MENTION,
            "balance_text": describe_balance(procedure.statement["totals"]["balance_cents"])
            if procedure.statement else "",
            "statement_label": statement_label(procedure.statement) if procedure.statement else "",
            "statement_day": date.fromisoformat(procedure.statement["issued_on"]) if procedure.statement else None,
        }
    content = await render_pdf(TEMPLATES[kind], context)
    return content, f"{FILENAMES[kind]}-{sale.reference}-{seq}.pdf"
