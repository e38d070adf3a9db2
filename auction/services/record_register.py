"""The office's register of sale records (répertoire) and the quarterly declaration of its sales to
the chamber (C. com. R444-48): each line derived from the sale's record as the log stands; the
declaration as PDF/A and CSV."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_html, write_archival_pdf
from auction.domain import record_register as reg
from auction.domain.defaults import lots_in_default, procedures
from auction.formats import PARIS, to_paris
from auction.models import RegisterEntry, Sale, SaleEvent

from .catalogue_pdf import pdf_from_html
from .office import office_heading, tariff_lookup
from . import settlement_log
from .sale_record import load_record

DECLARATION_TEMPLATE = "declaration.html"


async def _line(sessions: async_sessionmaker[AsyncSession], sale_id: int, held_at: datetime | None) -> reg.RegisterLine:
    state = await load_record(sessions, sale_id)
    record = state.record
    held_on = to_paris(held_at).date() if held_at is not None else (
        to_paris(record.sessions[0].opened_at).date() if record.sessions else None)
    async with sessions() as session:
        city = await session.scalar(select(Sale.city).where(Sale.id == sale_id)) or ""
        # the default acts as the settlement log stands now: an adjudication they annul is not a sale
        defaulted = set(lots_in_default(procedures(await settlement_log.load_events(session, sale_id))))
    tariff = (await tariff_lookup(sessions, held_on)).tariff if held_on is not None else None
    entry = state.register
    return reg.register_line(record, held_on=held_on, year=entry.year if entry else None,
                             number=entry.number if entry else None,
                             signed_sessions=sum(1 for n in state.seals if state.signed(n) is not None),
                             city=city, tariff=tariff, defaulted=defaulted)


async def register_years(sessions: async_sessionmaker[AsyncSession], today: date) -> list[int]:
    async with sessions() as session:
        years = set((await session.scalars(select(RegisterEntry.year).distinct())).all())
    return sorted(years | {today.year}, reverse=True)


async def register(sessions: async_sessionmaker[AsyncSession], year: int) -> list[reg.RegisterLine]:
    """The year's records in the order of their numbers."""
    async with sessions() as session:
        entries = (await session.scalars(select(RegisterEntry).where(RegisterEntry.year == year)
                                         .order_by(RegisterEntry.number))).all()
    return [await _line(sessions, entry.sale_id, None) for entry in entries]


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), PARIS)


async def declaration(sessions: async_sessionmaker[AsyncSession], year: int, quarter: int,
                      now: datetime) -> reg.Declaration:
    """The sales held in the quarter (opened in it, Paris time) and their totals."""
    start, end = reg.quarter_bounds(year, quarter)
    async with sessions() as session:
        held = (await session.execute(
            select(SaleEvent.sale_id, func.min(SaleEvent.at)).where(SaleEvent.kind == "sale_opened")
            .group_by(SaleEvent.sale_id)
            .having(func.min(SaleEvent.at) >= _utc_midnight(start), func.min(SaleEvent.at) < _utc_midnight(end)))).all()
    lines = [await _line(sessions, sale_id, opened_at) for sale_id, opened_at in held]
    return reg.declaration(year, quarter, lines, now)


async def declaration_pdf(sessions: async_sessionmaker[AsyncSession], found: reg.Declaration) -> bytes:
    office, officer = await office_heading(sessions)
    html = render_html(DECLARATION_TEMPLATE, {"d": found, "office": office, "officer": officer,
                                              "nature": reg.NATURE, "euros_or_dash": reg.euros_or_dash})
    pdf, _ = await pdf_from_html(html, write_archival_pdf)
    return pdf
