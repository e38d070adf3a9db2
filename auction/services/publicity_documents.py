"""The poster (A4 or A3), the certificate of publicity and the press text of a sale's notice.

PDFs are rendered by WeasyPrint in the catalogue's worker process (catalogue_pdf.pdf_from_html), never
on the event loop, so the live room is not slowed by a rendering."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_html
from auction.domain import publication_acts as act_rules
from auction.models import Sale, SaleNotice, User

from .catalogue import NotFound
from .catalogue_pdf import pdf_from_html
from .publication import draft_summary, snapshot_of, snapshot_of_notice
from .publicity_view import notice_text, publicity_view

PAPERS = ("A4", "A3")


async def _text_of(sessions: async_sessionmaker[AsyncSession], sale_id: int, base_url: str, version: int | None):
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        query = select(SaleNotice).where(SaleNotice.sale_id == sale_id)
        query = query.where(SaleNotice.version == version) if version else query.where(SaleNotice.superseded_at.is_(None))
        notice = await session.scalar(query)
        if notice is None and version:
            raise NotFound()
        snapshot = snapshot_of_notice(notice) if notice else snapshot_of(sale, await draft_summary(session, sale))
        text = await notice_text(sessions, session, sale, snapshot, notice.version if notice else None, base_url)
    return sale, notice, text


async def poster_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, base_url: str, *,
                     version: int | None = None, paper: str = "A4") -> tuple[bytes, str]:
    """The poster of a notice (the current one by default; a draft's is marked as such). No debtor on it."""
    if paper not in PAPERS:
        paper = "A4"
    sale, notice, text = await _text_of(sessions, sale_id, base_url, version)
    html = render_html("poster.html", {"sale": sale, "notice": notice, "text": text, "paper": paper})
    suffix = f"avis-{notice.version}" if notice else "projet"
    return await pdf_from_html(html), f"affiche-{sale.reference}-{suffix}-{paper}.pdf"


async def press_text(sessions: async_sessionmaker[AsyncSession], sale_id: int, base_url: str) -> tuple[str, str]:
    """The current notice as plain text, ready to send to a newspaper."""
    sale, notice, text = await _text_of(sessions, sale_id, base_url, None)
    body = render_html("press_notice.txt", {"sale": sale, "notice": notice, "text": text})
    return body, f"avis-de-vente-{sale.reference}.txt"


async def certificate_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, now: datetime,
                          base_url: str) -> tuple[bytes, str]:
    """The certificate of publicity: every notice, publication act with its date and proof, the debtors'
    notices, the checks as they stand and the officer's overrides with their reasons."""
    view = await publicity_view(sessions, sale_id, now, base_url)
    async with sessions() as session:
        ids = {a.recorded_by_id for a in view.acts} | {n.recorded_by_id for n in view.debtor_notices}
        names = dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(ids - {None}))))
                     .all()) if ids - {None} else {}
    html = render_html("publicity_certificate.html", {
        "view": view, "sale": view.sale, "text": view.text, "names": names, "now": now,
        "act_kinds": act_rules.ACT_KINDS, "means": act_rules.DEBTOR_NOTICE_MEANS, "cases": {c.id: c for c in view.cases},
        "notice_versions": {n.id: n.version for n in view.notices}})
    return await pdf_from_html(html), f"certificat-publicite-{view.sale.reference}.pdf"
