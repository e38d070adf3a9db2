"""The evidence file of a lot or a session (dossier de preuve), for the officer: assembled from the
stored bid log, the seals of the closed sessions, the record of refused online bids (with the count
of those it could not record) and the record of the screens connected (auction.domain.evidence), as a PDF for a lawyer and as JSON with the chain
segment; each file made is written to the audit log."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_html, write_archival_pdf
from auction.domain import evidence as domain
from auction.domain.roles import Role
from auction.models import Lot, RecordSeal, Sale, SaleEvent, User

from . import audit, online_refusals, screens
from .catalogue import NotFound
from .catalogue_pdf import pdf_from_html
from .office import office_heading
from .room_loaders import to_event

TEMPLATE = "evidence.html"
FORMATS = ("pdf", "json")


async def assemble(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, scope: str,
                   lot_id: int | None = None, session_number: int | None = None, produced_by: str,
                   now: datetime) -> domain.EvidenceFile:
    """The file from the database. Raises NotFound (no such sale, or a lot of another sale) or
    domain.NothingToShow (a lot never offered, a session never held)."""
    screen_events = await screens.load(sessions, sale_id)
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        lots = {lot.id: domain.LotRef(lot.id, lot.label, lot.title) for lot in await session.scalars(
            select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))}
        if scope == "lot" and lot_id not in lots:
            raise NotFound()
        events = [to_event(row) for row in await session.scalars(
            select(SaleEvent).where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq))]
        seals = [domain.Seal(s.session, s.head_seq, s.head_hash, s.sealed_at) for s in await session.scalars(
            select(RecordSeal).where(RecordSeal.sale_id == sale_id).order_by(RecordSeal.session))]
        user_ids = {e.user_id for e in events if e.user_id is not None}
        user_ids |= {e.user_id for e in screen_events if e.user_id is not None}
        staff = {user.id: domain.StaffRef(user.id, user.full_name, Role(user.role).label)
                 for user in await session.scalars(select(User).where(
                     User.id.in_(user_ids), User.role.in_((Role.OFFICER.value, Role.CLERK.value))))}
    if not events:
        raise domain.NothingToShow("La vente n'est pas encore ouverte : le journal est vide.")
    refusals = await online_refusals.load(sessions, sale_id)
    refusals_lost = await online_refusals.load_lost(sessions, sale_id)
    return domain.assemble(sale_id=sale.id, sale_reference=sale.reference, sale_title=sale.title, events=events,
                           scope=scope, lot_id=lot_id, session=session_number, lots=lots, staff=staff,
                           refusals=refusals, seals=seals, screen_events=screen_events,
                           refusals_lost=refusals_lost, produced_at=now, produced_by=produced_by)


def json_bytes(file: domain.EvidenceFile) -> bytes:
    return (json.dumps(domain.document(file), ensure_ascii=False, indent=1) + "\n").encode()


def file_name(file: domain.EvidenceFile, extension: str) -> str:
    what = f"lot-{file.lot.label}" if file.lot else f"seance-{file.session}"
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in f"{file.sale_reference}-{what}")
    return f"preuve-{safe}.{extension}"


async def pdf_bytes(sessions: async_sessionmaker[AsyncSession], file: domain.EvidenceFile) -> bytes:
    """The PDF/A for a lawyer, rendered in the documents' worker process."""
    office, officer = await office_heading(sessions)
    html = render_html(TEMPLATE, {"file": file, "office": office, "officer": officer,
                                  "source_labels": domain.SOURCE_LABELS})
    pdf, _ = await pdf_from_html(html, write_archival_pdf)
    return pdf


def describe_scope(file: domain.EvidenceFile) -> str:
    return f"du lot {file.lot.label}" if file.lot else f"de la séance n° {file.session}"


async def produce(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, form: str, user_id: int | None,
                  now: datetime, scope: str, lot_id: int | None = None,
                  session_number: int | None = None) -> tuple[bytes, str]:
    """The file as PDF or JSON and its name; the audit log says who made which, when (`user_id`
    None: from the command line, on the server)."""
    if form not in FORMATS:
        raise ValueError(form)
    async with sessions() as session:
        user = await session.get(User, user_id) if user_id is not None else None
    produced_by = user.full_name if user else "la commande criee evidence, sur le serveur de l'étude"
    file = await assemble(sessions, sale_id, scope=scope, lot_id=lot_id, session_number=session_number,
                          produced_by=produced_by, now=now)
    content = await pdf_bytes(sessions, file) if form == "pdf" else json_bytes(file)
    await audit.record_alone(
        sessions, at=now, user_id=user_id, action="evidence_file", sale_id=sale_id,
        summary=f"Dossier de preuve {describe_scope(file)} ({form.upper()}) : événements {file.chain[0].seq} "
                f"à {file.head.seq}, empreinte de tête {file.head.hash[:16]}…",
        details={"scope": scope, "lot_id": lot_id, "session": session_number, "format": form,
                 "from_seq": file.chain[0].seq, "head_seq": file.head.seq, "head_hash": file.head.hash,
                 "refusals": len(file.refusals), "refusals_lost": file.refusals_lost_count,
                 "named_screens": len(file.screens.named),
                 "screens_lost": file.screens.lost_count})
    return content, file_name(file, form)


async def lot_by_label(sessions: async_sessionmaker[AsyncSession], sale_id: int, label: str) -> int:
    """The id of the sale's lot numbered `label` (as the catalogue prints it). Raises NotFound."""
    wanted = " ".join(label.split())
    async with sessions() as session:
        found = next((lot.id for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale_id))
                      if lot.label == wanted), None)
    if found is None:
        raise NotFound()
    return found


async def scopes(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[list[domain.LotRef], list[int]]:
    """What an evidence file can be made of: the lots the log offered, the sessions it opened."""
    async with sessions() as session:
        if await session.get(Sale, sale_id) is None:
            raise NotFound()
        rows = (await session.execute(select(SaleEvent.kind, SaleEvent.payload).where(
            SaleEvent.sale_id == sale_id, SaleEvent.kind.in_(
                ("sale_opened", "session_opened", *domain.LOT_STARTS))).order_by(SaleEvent.seq))).all()
        lots = {lot.id: lot for lot in await session.scalars(
            select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))}
    offered = {p.get("lot_id") for kind, p in rows if kind in domain.LOT_STARTS}
    numbers = [1 if kind == "sale_opened" else p["session"] for kind, p in rows
               if kind in ("sale_opened", "session_opened")]
    return ([domain.LotRef(lot.id, lot.label, lot.title) for lot in lots.values() if lot.id in offered],
            sorted(set(numbers)))
