"""The office's declarations: the quarterly declaration of its sales to the chamber (C. com. R444-48)
listed quarter by quarter with its due date (the office's dated delay) and whether it was sent.

Marking a quarter sent freezes its document: the PDF/A and the CSV are made once, from the register
as it then stands, and stored as sent with their SHA-256; from then on the declaration's files are
those bytes, never made again (a later change of the logs shows as a difference, for a correction)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import declarations as dec
from auction.domain import record_register as reg
from auction.domain.deadlines import paris_day
from auction.domain.errors import InvalidValue
from auction.formats import to_paris
from auction.models import DeclarationSent, DeclarationTerm, SaleEvent

from . import audit
from . import record_register


def _terms(row: DeclarationTerm) -> dec.Terms:
    return dec.Terms(row.effective_from, row.days_after_quarter, row.reference)


def _sent(row: DeclarationSent) -> dec.Sent:
    return dec.Sent(row.year, row.quarter, row.sent_on, row.means, row.reference, row.pdf_sha256, row.csv_sha256)


async def terms(session: AsyncSession) -> list[dec.Terms]:
    rows = await session.scalars(select(DeclarationTerm).order_by(DeclarationTerm.effective_from))
    return [_terms(row) for row in rows]


async def add_terms(sessions: async_sessionmaker[AsyncSession], t: dec.Terms, user_id: int, now: datetime) -> None:
    async with sessions() as session, session.begin():
        if await session.scalar(select(DeclarationTerm.id).where(DeclarationTerm.effective_from == t.effective_from)):
            raise InvalidValue(f"Un délai est déjà en vigueur à partir du {t.effective_from:%d/%m/%Y} : choisissez "
                               "un autre jour de départ.", field="effective_from")
        session.add(DeclarationTerm(effective_from=t.effective_from, days_after_quarter=t.days_after_quarter,
                                    reference=t.reference.strip(), created_by_id=user_id, created_at=now))
        audit.record(session, at=now, user_id=user_id, action="declaration_terms",
                     summary=f"Délai de la déclaration trimestrielle : {t.days_after_quarter} jours après le "
                             f"trimestre, à partir du {t.effective_from:%d/%m/%Y}",
                     details={"effective_from": t.effective_from.isoformat(), "days": t.days_after_quarter})


@dataclass(frozen=True)
class Declarations:
    today: date
    quarters: tuple[dec.QuarterLine, ...]      # latest first
    terms: tuple[dec.Terms, ...]               # latest first


async def declarations(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Declarations:
    """From the quarter of the first sale held (or of the first declaration sent) to the current one."""
    today = paris_day(now)
    async with sessions() as session:
        first_opened = await session.scalar(select(func.min(SaleEvent.at)).where(SaleEvent.kind == "sale_opened"))
        sent = [_sent(row) for row in await session.scalars(select(DeclarationSent))]
        rows = await terms(session)
    starts = [to_paris(first_opened).date()] if first_opened else []
    starts += [dec.quarter_end(s.year, s.quarter) for s in sent]
    first = min(starts) if starts else today
    return Declarations(today, tuple(dec.schedule(first, today, rows, sent)), tuple(reversed(rows)))


async def sent_of(sessions: async_sessionmaker[AsyncSession], year: int, quarter: int) -> DeclarationSent | None:
    async with sessions() as session:
        return await session.scalar(select(DeclarationSent).where(DeclarationSent.year == year,
                                                                  DeclarationSent.quarter == quarter))


async def quarter_line(sessions: async_sessionmaker[AsyncSession], year: int, quarter: int,
                       now: datetime) -> dec.QuarterLine:
    reg.quarter_bounds(year, quarter)
    async with sessions() as session:
        rows = await terms(session)
    row = await sent_of(sessions, year, quarter)
    end = dec.quarter_end(year, quarter)
    [line] = dec.schedule(end, end, rows, [_sent(row)] if row else [])
    return line


async def mark_sent(sessions: async_sessionmaker[AsyncSession], year: int, quarter: int, sent_on: date, means: str,
                    reference: str, *, user_id: int, now: datetime) -> DeclarationSent:
    """The quarter's declaration sent: its PDF and CSV made now and kept as sent, with their SHA-256."""
    reg.quarter_bounds(year, quarter)
    today = paris_day(now)
    already = await sent_of(sessions, year, quarter)
    means, reference = dec.check_sending(year, quarter, sent_on, means, reference, today,
                                         _sent(already) if already else None)
    found = await record_register.declaration(sessions, year, quarter, now)
    pdf = await record_register.declaration_pdf(sessions, found)
    csv = reg.declaration_csv(found).encode("utf-8-sig")
    async with sessions() as session, session.begin():
        if await session.scalar(select(DeclarationSent.id).where(DeclarationSent.year == year,
                                                                 DeclarationSent.quarter == quarter)):
            raise InvalidValue(f"La déclaration du T{quarter} {year} vient d'être marquée envoyée.", field="sent_on")
        row = DeclarationSent(year=year, quarter=quarter, sent_on=sent_on, means=means, reference=reference,
                              pdf=pdf, pdf_sha256=dec.sha256(pdf), csv=csv, csv_sha256=dec.sha256(csv),
                              recorded_at=now, recorded_by_id=user_id)
        session.add(row)
        audit.record(session, at=now, user_id=user_id, action="declaration_sent",
                     summary=f"Déclaration trimestrielle T{quarter} {year} envoyée le {sent_on:%d/%m/%Y} "
                             f"({dec.MEANS[means]}), PDF SHA-256 {row.pdf_sha256[:12]}…",
                     details={"year": year, "quarter": quarter, "pdf_sha256": row.pdf_sha256,
                              "csv_sha256": row.csv_sha256})
    return row


async def changed_since_sent(sessions: async_sessionmaker[AsyncSession], row: DeclarationSent, now: datetime) -> bool:
    """Whether the declaration made from the logs today differs from the one sent (its CSV compared)."""
    found = await record_register.declaration(sessions, row.year, row.quarter, now)
    return dec.sha256(reg.declaration_csv(found).encode("utf-8-sig")) != row.csv_sha256
