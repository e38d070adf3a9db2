"""The sale record of a sale: its facts loaded, the record derived from the log, rendered (HTML for
the staff page, PDF/A for print), and each closed session sealed, signed and verified.

The record's text is never stored. When a session closes, its part is frozen: the seal keeps the
closing event (seq and hash: the log's head at that point) and the SHA-256 of the PDF then rendered,
which is kept under the private directory; the tables are append-only. `verify_seals` checks them.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_html, write_archival_pdf
from auction.domain.bidlog import Event
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.inventory import ACT_KINDS
from auction.domain.sale_record import (RecordAct, RecordBuyer, RecordCase, RecordFacts, RecordLot, SaleRecord,
                                        sale_record)
from auction.domain.uploads import MAX_DOCUMENT_BYTES, document_type
from auction.formats import to_paris
from auction.models import (Bidder, Case, InventoryAct, InventoryItem, Lot, LotItem, Office,
                            RecordSeal, RecordSignature, Registration, RegisterEntry, Sale, SaleEvent, User)

from .catalogue import NotFound
from .catalogue_pdf import pdf_from_html
from .office import tariff_lookup
from .record_signing import signed_name
from .room_loaders import to_event
from .settlement_log import next_number
from .stop_rule import stop_rule_cases

TEMPLATE = "sale_record.html"
RECORDS_DIR = "records"
LEGAL_NOTICE = ("Un procès-verbal électronique n'a force probante que s'il est établi sur un système agréé par "
                "la Chambre nationale des commissaires de justice et revêtu de la signature électronique "
                "qualifiée du commissaire de justice ; à défaut, c'est le procès-verbal imprimé, signé de sa main, "
                "qui fait foi.")


class SessionNotSealed(DomainError):
    code = "session_not_sealed"


class AlreadySigned(DomainError):
    code = "already_signed"


@dataclass
class RecordState:
    """The record as it stands and what is kept of it."""
    record: SaleRecord
    events: list[Event]
    seals: dict[int, RecordSeal] = field(default_factory=dict)          # by session
    signatures: dict[int, list[RecordSignature]] = field(default_factory=dict)
    register: RegisterEntry | None = None
    signers: dict[int, str] = field(default_factory=dict)               # user id -> name

    def signed(self, session: int) -> RecordSignature | None:
        return next((s for s in self.signatures.get(session, []) if s.kind == "signed"), None)

    def scan(self, session: int) -> RecordSignature | None:
        scans = [s for s in self.signatures.get(session, []) if s.kind == "scan"]
        return scans[-1] if scans else None


# --- loading -------------------------------------------------------------------------------------

async def load_facts(session: AsyncSession, sessions: async_sessionmaker[AsyncSession], sale_id: int) -> RecordFacts:
    sale = await session.get(Sale, sale_id)
    if sale is None:
        raise NotFound()
    office = await session.scalar(select(Office).order_by(Office.id).limit(1))
    lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
    case_ids = sorted({lot.case_id for lot in lots})
    cases = {c.id: c for c in (await session.scalars(select(Case).where(Case.id.in_(case_ids)))).all()}
    # The stop threshold as the room counts it (L221-4, L221-5: admitted creditors, interest to the sale's day).
    claims = {case_id: info.claims_cents for case_id, info in
              (await stop_rule_cases(session, set(case_ids), to_paris(sale.starts_at).date())).items()}
    # The acts the lots come from (through their items), and the case's verification acts.
    act_ids = set((await session.scalars(
        select(InventoryItem.act_id).join(LotItem, LotItem.item_id == InventoryItem.id)
        .join(Lot, Lot.id == LotItem.lot_id).where(Lot.sale_id == sale_id))).all())
    acts = (await session.scalars(select(InventoryAct).where(
        InventoryAct.case_id.in_(case_ids), InventoryAct.signed_at.is_not(None))
        .order_by(InventoryAct.act_date, InventoryAct.id))).all()
    acts_by_case: dict[int, list[RecordAct]] = {case_id: [] for case_id in case_ids}
    for act in acts:
        if act.id in act_ids or act.kind in ("verification", "correction"):
            acts_by_case[act.case_id].append(RecordAct(ACT_KINDS.get(act.kind, act.kind), act.act_date))
    buyers = {}
    for reg, bidder in await session.execute(
            select(Registration, Bidder).join(Bidder, Bidder.id == Registration.bidder_id)
            .where(Registration.sale_id == sale_id, Registration.paddle_number.is_not(None))):
        buyers[reg.id] = RecordBuyer(reg.id, reg.paddle_number, bidder.last_name, bidder.first_name,
                                     f"{bidder.address}, {bidder.postcode} {bidder.city}", bidder.company_name)
    # As the room does: without rates in force (not confirmed by the officer), no seller's fees.
    tariff = (await tariff_lookup(sessions, to_paris(sale.starts_at).date())).tariff
    officer = office.officer.full_name if office is not None and office.officer is not None else ""
    return RecordFacts(
        sale_id=sale.id, sale_reference=sale.reference, sale_title=sale.title,
        place=f"{sale.place_name}, {sale.address}, {sale.postcode} {sale.city}", starts_at=sale.starts_at,
        office=(f"{office.name}, {office.address}, {office.postcode} {office.city}" if office else ""),
        officer=officer,
        cases=tuple(RecordCase(case_id, cases[case_id].reference, claims[case_id], tuple(acts_by_case[case_id]))
                    for case_id in case_ids),
        lots=tuple(RecordLot(lot.id, lot.label, _designation(lot), lot.case_id, lot.status == "withdrawn",
                             lot.withdrawal_reason) for lot in lots),
        buyers=buyers,
        seller_fee_rate_incl_vat=tariff.seller_fee_rate_incl_vat if tariff else Decimal(0),
        tariff=tariff,
    )


def _designation(lot: Lot) -> str:
    description = " ".join(lot.description.split())
    return f"{lot.title}. {description}" if description else lot.title


async def load_record(sessions: async_sessionmaker[AsyncSession], sale_id: int,
                      up_to_seq: int | None = None) -> RecordState:
    """The record from the stored log (up to `up_to_seq`, to render a closed session as it closed)."""
    async with sessions() as session:
        facts = await load_facts(session, sessions, sale_id)
        query = select(SaleEvent).where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq)
        if up_to_seq is not None:
            query = query.where(SaleEvent.seq <= up_to_seq)
        events = [to_event(row) for row in await session.scalars(query)]
        seals = {s.session: s for s in await session.scalars(select(RecordSeal).where(RecordSeal.sale_id == sale_id))}
        signatures: dict[int, list[RecordSignature]] = {}
        for signature in await session.scalars(select(RecordSignature).where(RecordSignature.sale_id == sale_id)
                                               .order_by(RecordSignature.id)):
            signatures.setdefault(signature.session, []).append(signature)
        register = await session.scalar(select(RegisterEntry).where(RegisterEntry.sale_id == sale_id))
        signer_ids = {s.signed_by_id for rows in signatures.values() for s in rows}
        signers = {}
        if signer_ids:
            signers = dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(signer_ids)))).all())
    return RecordState(sale_record(facts, events), events, seals, signatures, register, signers)


# --- rendering -----------------------------------------------------------------------------------

def record_html(state: RecordState, *, title: str = "Procès-verbal de vente", copy: str = "",
                sessions_upto: int | None = None, fragment: bool = False, extract: str = "") -> str:
    """The record's HTML: a whole document for the PDF, or (`fragment`) its body for a staff page."""
    return render_html(TEMPLATE, {"state": state, "record": state.record, "title": title, "copy": copy,
                                  "legal_notice": LEGAL_NOTICE, "sessions_upto": sessions_upto,
                                  "fragment": fragment, "extract": extract})


async def record_pdf(state: RecordState, **options) -> tuple[bytes, int]:
    """The PDF/A of the record and its page count, rendered in the documents' worker process (never
    on the event loop, nor in a thread holding the GIL)."""
    return await pdf_from_html(record_html(state, **options), write_archival_pdf)


async def sale_record_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[bytes, str]:
    state = await load_record(sessions, sale_id)
    pdf, _ = await record_pdf(state)
    return pdf, f"proces-verbal-{state.record.facts.sale_reference}.pdf"


# --- sealing a closed session ----------------------------------------------------------------------

def _store(private_dir: Path, name: str, content: bytes) -> str:
    directory = private_dir / RECORDS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    temporary.write_bytes(content)
    temporary.replace(directory / name)
    return f"{RECORDS_DIR}/{name}"


def stored_file(private_dir: Path, relative: str) -> Path:
    path = (private_dir / relative).resolve()
    if private_dir.resolve() not in path.parents:
        raise FileNotFoundError(relative)
    return path


async def seal_sessions(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int,
                        now: datetime) -> list[int]:
    """Seal every closed session not sealed yet (idempotent, safe to run from several processes):
    its PDF is rendered from the log up to its closing event. The sessions sealed now."""
    current = await load_record(sessions, sale_id)
    sealed = []
    for part in current.record.sessions:
        if not part.closed or part.number in current.seals:
            continue
        state = await load_record(sessions, sale_id, up_to_seq=part.closed_seq)
        pdf, pages = await record_pdf(state)
        digest = hashlib.sha256(pdf).hexdigest()
        path = await asyncio.to_thread(_store, private_dir, f"pv-{sale_id}-seance-{part.number}-{digest[:16]}.pdf", pdf)
        try:
            async with sessions() as session, session.begin():
                session.add(RecordSeal(sale_id=sale_id, session=part.number, head_seq=part.closed_seq,
                                       head_hash=part.closed_hash, pdf_sha256=digest, pdf_pages=pages, pdf_path=path,
                                       sealed_at=now))
                await session.flush()
                if await session.scalar(select(RegisterEntry.id).where(RegisterEntry.sale_id == sale_id)) is None:
                    year = to_paris(part.closed_at).year
                    session.add(RegisterEntry(sale_id=sale_id, year=year,
                                              number=await next_number(session, f"register-{year}"),
                                              registered_at=now))
        except IntegrityError:
            continue            # another process sealed it first
        sealed.append(part.number)
    return sealed


async def sign_session(sessions: async_sessionmaker[AsyncSession], sale_id: int, number: int, officer_id: int,
                       now: datetime) -> None:
    """The officer records that he signed the printed part of a closed session (R221-39)."""
    async with sessions() as session, session.begin():
        seal = await session.scalar(select(RecordSeal).where(RecordSeal.sale_id == sale_id, RecordSeal.session == number))
        if seal is None:
            raise SessionNotSealed(f"La séance n° {number} n'est pas close : elle ne peut pas être signée.")
        if await session.scalar(select(RecordSignature.id).where(
                RecordSignature.sale_id == sale_id, RecordSignature.session == number,
                RecordSignature.kind == "signed")) is not None:
            raise AlreadySigned(f"La séance n° {number} est déjà signée.")
        session.add(RecordSignature(sale_id=sale_id, session=number, kind="signed", signed_by_id=officer_id, at=now))


async def attach_signed_scan(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int,
                             number: int, content: bytes, officer_id: int, now: datetime) -> None:
    """The scan of the signed pages of a session (a PDF or a photo, recognised by its content)."""
    if not content:
        raise InvalidValue("Choisissez le fichier du procès-verbal signé.", field="scan")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidValue("Le fichier dépasse 10 Mo.", field="scan")
    content_type = document_type(content)
    if content_type is None:
        raise InvalidValue("Le fichier doit être un PDF complet ou une photo JPEG ou PNG.", field="scan")
    async with sessions() as session:
        signed = await session.scalar(select(RecordSignature.id).where(
            RecordSignature.sale_id == sale_id, RecordSignature.session == number, RecordSignature.kind == "signed"))
    if signed is None:
        raise SessionNotSealed(f"Enregistrez d'abord la signature de la séance n° {number}.")
    digest = hashlib.sha256(content).hexdigest()
    suffix = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    path = await asyncio.to_thread(_store, private_dir, f"pv-{sale_id}-seance-{number}-signe-{digest[:16]}.{suffix}",
                                   content)
    async with sessions() as session, session.begin():
        session.add(RecordSignature(sale_id=sale_id, session=number, kind="scan", signed_by_id=officer_id, at=now,
                                    scan_path=path, scan_content_type=content_type, scan_sha256=digest))


# --- verification --------------------------------------------------------------------------------

async def verify_seals(sessions: async_sessionmaker[AsyncSession], private_dir: Path | None,
                       sale_id: int) -> list[str]:
    """Each closed session's seal checked against the log (its closing event is there, with that
    hash) and against its stored PDF; the problems found (empty: all hold)."""
    async with sessions() as session:
        seals = (await session.scalars(select(RecordSeal).where(RecordSeal.sale_id == sale_id)
                                       .order_by(RecordSeal.session))).all()
        events = {row.seq: row for row in await session.scalars(
            select(SaleEvent).where(SaleEvent.sale_id == sale_id, SaleEvent.seq.in_([s.head_seq for s in seals])))}
    problems = []
    for seal in seals:
        event = events.get(seal.head_seq)
        if event is None or event.hash != seal.head_hash:
            problems.append(f"séance {seal.session} : l'événement {seal.head_seq} ne correspond plus au sceau")
        elif event.kind not in ("session_closed", "sale_closed"):
            problems.append(f"séance {seal.session} : l'événement {seal.head_seq} ne clôt pas de séance")
        if private_dir is not None:
            try:
                content = await asyncio.to_thread(stored_file(private_dir, seal.pdf_path).read_bytes)
            except FileNotFoundError:
                problems.append(f"séance {seal.session} : le PDF scellé est introuvable ({seal.pdf_path})")
                continue
            if hashlib.sha256(content).hexdigest() != seal.pdf_sha256:
                problems.append(f"séance {seal.session} : le PDF scellé a été modifié")
                continue
            try:   # signed electronically (PAdES): an incremental update of the very sealed bytes
                signed = await asyncio.to_thread(stored_file(private_dir, signed_name(seal.pdf_path)).read_bytes)
            except FileNotFoundError:
                continue
            if not signed.startswith(content):
                problems.append(f"séance {seal.session} : le PDF signé électroniquement ne reprend pas le PDF scellé")
    return problems

