"""Certified copies and extracts of a sale's record (C. com. A444-6): rendered from the log up to the
last closed session, with the certification, the page count and the fee of the tariff in force that
day; the PDF kept under the private directory and the copy recorded in the settlement log, whose
distribution fold puts a copy charged to a case in that case's costs statement."""
from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import distribution_log as dlog
from auction.domain import record_copies as copies
from auction.domain.deadlines import paris_day
from auction.domain.distribution_procedure import StepRefused
from auction.domain.errors import InvalidValue

from . import record_signing, settlement_log
from .office import tariff_lookup
from .sale_record import RecordState, load_record, record_pdf, stored_file, _store

MAX_RENDERS = 4


async def render_copy(state: RecordState, request: copies.CopyRequest, *, officer: str, now: datetime,
                      tariff) -> tuple[bytes, int, str]:
    """The copy's PDF, its page count and its title. The mention states the page count, so the
    document is rendered again until the count it states is the count it has."""
    part = copies.check_request(state.record, request)
    title = copies.copy_title(state.record, request)
    contents = copies.extract_contents(state.record, request)
    shown = replace(state, record=part)
    pages = 1
    for _ in range(MAX_RENDERS):
        mention = copies.certification(officer=officer, day=paris_day(now), pages=pages, tariff=tariff,
                                       scope=request.scope)
        pdf, counted = await record_pdf(shown, title=title, copy=mention, extract=contents)
        if counted == pages:
            return pdf, pages, title
        pages = counted
    raise RuntimeError("the copy's page count does not settle")


async def issue_copy(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int,
                     request: copies.CopyRequest, *, user_id: int, now: datetime,
                     command_id: str | None = None, secret_key: str | None = None) -> int:
    """Issue a certified copy or an extract; the seq of its `record_copy_issued` event. With the
    server's `secret_key` and a signing certificate configured, the copy is also signed (PAdES)."""
    current = await load_record(sessions, sale_id)
    upto, head_seq = copies.closed_sessions(current.record)
    copies.check_request(current.record, request)       # refuse before rendering anything
    lookup = await tariff_lookup(sessions, paris_day(now))
    if lookup.tariff is None:
        raise InvalidValue(lookup.note + " Le commissaire de justice confirme les montants en vigueur sur la page "
                           "Tarif avant de délivrer une copie.", field="scope")
    state = await load_record(sessions, sale_id, up_to_seq=head_seq)
    pdf, pages, title = await render_copy(state, request, officer=state.record.facts.officer, now=now,
                                          tariff=lookup.tariff)
    if secret_key is not None:
        signed = await record_signing.sign_pdf(private_dir, secret_key, pdf, location=state.record.facts.place,
                                               name=state.record.facts.officer,
                                               reason=f"{title} : {copies.certified_as(request.scope).lower()}")
        pdf = signed if signed is not None else pdf
    digest = hashlib.sha256(pdf).hexdigest()
    path = await asyncio.to_thread(_store, private_dir, f"copie-{sale_id}-{digest[:16]}.pdf", pdf)
    payload = copies.payload(request, title=title, pages=pages, tariff=lookup.tariff, sessions_upto=upto,
                             head_seq=head_seq, pdf_sha256=digest, pdf_path=path, on=paris_day(now))
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        if request.case_id is not None:
            case = dlog.fold(tx.events).get(request.case_id)
            if case is not None and case.plan is not None and case.steps:
                raise StepRefused("Le projet de répartition de ce dossier est déjà notifié : ses frais ne changent "
                                  "plus. Mettez la copie à la charge du demandeur.")
        return tx.append(copies.KIND, payload, user_id=user_id, now=now, command_id=command_id).seq


async def issued(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[copies.IssuedCopy]:
    return copies.fold(await settlement_log.read(sessions, sale_id))


async def copy_pdf(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int, seq: int) -> bytes:
    """The PDF of an issued copy, checked against the digest its event recorded."""
    found = next((c for c in await issued(sessions, sale_id) if c.seq == seq), None)
    if found is None:
        raise FileNotFoundError(seq)
    content = await asyncio.to_thread(stored_file(private_dir, found.pdf_path).read_bytes)
    if hashlib.sha256(content).hexdigest() != found.pdf_sha256:
        raise FileNotFoundError(found.pdf_path)     # changed on disk: not the copy that was issued
    return content
