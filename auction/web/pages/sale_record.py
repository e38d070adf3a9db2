"""The staff's page of a sale's record (procès-verbal de vente), next to the tablet: the record as the
log stands, refreshed while the sale runs; its PDF; per session, closing (officer), the sealed PDF,
signing and the signed scan (officer)."""
from __future__ import annotations

import asyncio
import logging
import uuid

from sqlalchemy import func, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from auction.domain.errors import DomainError, InvalidValue
from auction.domain.roles import Role
from auction.domain.room import Actor, RoomError
from auction.domain.uploads import MAX_DOCUMENT_BYTES
from auction.models import SaleEvent, utcnow
from auction.services import record_signing
from auction.services import room as room_service
from auction.services import sale_record as service
from auction.services.catalogue import NotFound

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import parse_int, path_id
from ..templates import render

log = logging.getLogger("criee.record")
SEALING_KINDS = ("session_closed", "sale_closed")
NOTICES = {
    "close": "Séance close : sa partie du procès-verbal est arrêtée. Imprimez-la et signez-la.",
    "signe": "Signature de la séance enregistrée.",
    "scan": "Procès-verbal signé enregistré.",
}
_sealing: set[asyncio.Task] = set()


async def seal_and_sign(app, sale_id: int) -> None:
    """Seal the closed sessions not sealed yet, then, where the office configured a certificate, sign
    their PDFs electronically (PAdES)."""
    settings = app.state.settings
    await service.seal_sessions(app.state.db.sessions, settings.private_dir, sale_id, utcnow())
    if record_signing.current(settings.private_dir) is None:
        return
    state = await service.load_record(app.state.db.sessions, sale_id)
    try:
        await record_signing.sign_sealed(settings.private_dir, settings.secret_key, state.seals.values(),
                                         location=state.record.facts.place, officer=state.record.facts.officer)
    except Exception:   # noqa: BLE001 - the printed record signed by hand stays the default
        log.exception("electronic signing failed", extra={"sale_id": sale_id})


def seal_in_background(app, sale_id: int) -> None:
    """After a session closed (from the tablet or this page): seal it without holding the caller."""
    async def seal() -> None:
        try:
            await seal_and_sign(app, sale_id)
        except Exception:   # noqa: BLE001 - the page seals what is left when it is next shown
            log.exception("sealing failed", extra={"sale_id": sale_id})
    task = asyncio.create_task(seal())
    _sealing.add(task)
    task.add_done_callback(_sealing.discard)


async def _head_seq(request: Request, sale_id: int) -> int:
    async with request.app.state.db.sessions() as session:
        return await session.scalar(select(func.coalesce(func.max(SaleEvent.seq), 0))
                                    .where(SaleEvent.sale_id == sale_id))


async def show(request: Request, *, errors: dict | None = None, status_code: int = 200) -> Response:
    settings = request.app.state.settings
    try:
        sale_id = path_id(request, "sale_id")
        state = await service.load_record(request.app.state.db.sessions, sale_id)
        signing = record_signing.current(settings.private_dir)
        if any(p.closed and p.number not in state.seals for p in state.record.sessions) or (
                signing is not None and any(not _pades(settings, seal).exists() for seal in state.seals.values())):
            await seal_and_sign(request.app, sale_id)
            state = await service.load_record(request.app.state.db.sessions, sale_id)
    except NotFound:
        return error_page(request, 404)
    pades = {n for n, seal in state.seals.items() if _pades(settings, seal).exists()}
    return render(request, "staff/sale_record.html", {
        "state": state, "record": state.record, "sale_id": sale_id, "errors": errors or {},
        "fragment": service.record_html(state, fragment=True), "legal_notice": service.LEGAL_NOTICE,
        "ok": NOTICES.get(request.query_params.get("ok", "")),
        "open_session": next((p for p in state.record.sessions if not p.closed), None),
        "signing": signing, "pades": pades,
    }, status_code=status_code)


def _pades(settings, seal):
    return settings.private_dir / record_signing.signed_name(seal.pdf_path)


async def record_page(request: Request) -> Response:
    return await show(request)


async def record_fragment(request: Request) -> Response:
    """The record's body for the page's refresh: 204 while the log has not moved past `seq`."""
    try:
        sale_id = path_id(request, "sale_id")
        seen = request.query_params.get("seq", "")
        if parse_int(seen) is not None and parse_int(seen) == await _head_seq(request, sale_id):
            return Response(status_code=204, headers={"cache-control": "no-store, private"})
        state = await service.load_record(request.app.state.db.sessions, sale_id)
    except NotFound:
        return Response("Vente introuvable.", status_code=404)
    return HTMLResponse(service.record_html(state, fragment=True),
                        headers={"x-record-seq": str(state.record.head_seq), "cache-control": "no-store, private"})


async def record_pdf(request: Request) -> Response:
    try:
        pdf, name = await service.sale_record_pdf(request.app.state.db.sessions, path_id(request, "sale_id"))
    except NotFound:
        return error_page(request, 404)
    return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{name}"'})


async def sealed_pdf(request: Request) -> Response:
    """The PDF frozen when the session closed (the one to print and sign)."""
    return await _session_pdf(request, lambda seal: seal.pdf_path, "",
                              "Cette séance n'est pas close : son procès-verbal n'est pas arrêté.")


async def pades_pdf(request: Request) -> Response:
    """A closed session's frozen PDF as signed electronically (PAdES), where the office signs so."""
    return await _session_pdf(request, lambda seal: record_signing.signed_name(seal.pdf_path), "-signe-pades",
                              "Cette séance n'est pas signée électroniquement.")


async def _session_pdf(request: Request, stored_name, suffix: str, missing: str) -> Response:
    """A closed session's PDF, the file `stored_name(seal)` in the private directory, downloaded as
    `proces-verbal-<sale>-seance-<n><suffix>.pdf`; a 404 saying `missing` without it."""
    try:
        sale_id, number = path_id(request, "sale_id"), path_id(request, "session")
        state = await service.load_record(request.app.state.db.sessions, sale_id)
        seal = state.seals.get(number)
        if seal is None:
            raise NotFound()
        content = await asyncio.to_thread(service.stored_file(request.app.state.settings.private_dir,
                                                              stored_name(seal)).read_bytes)
    except (NotFound, FileNotFoundError):
        return error_page(request, 404, missing)
    return Response(content, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="proces-verbal-{sale_id}-seance-{number}{suffix}.pdf"'})


async def signed_scan(request: Request) -> Response:
    try:
        sale_id, number = path_id(request, "sale_id"), path_id(request, "session")
        state = await service.load_record(request.app.state.db.sessions, sale_id)
        scan = state.scan(number)
        if scan is None:
            raise NotFound()
        content = await asyncio.to_thread(service.stored_file(request.app.state.settings.private_dir,
                                                              scan.scan_path).read_bytes)
    except (NotFound, FileNotFoundError):
        return error_page(request, 404)
    return Response(content, media_type=scan.scan_content_type, headers={
        "x-content-type-options": "nosniff",
        "content-disposition": f'inline; filename="proces-verbal-signe-{sale_id}-seance-{number}"'})


def _done(sale_id: int, notice: str) -> Response:
    return RedirectResponse(f"/bureau/ventes/{sale_id}/proces-verbal?ok={notice}", status_code=303)


async def close_session(request: Request) -> Response:
    """The officer closes the session in progress (the room's `close_session`), then it is sealed."""
    try:
        sale_id = path_id(request, "sale_id")
        room = await request.app.state.rooms.get(sale_id)
    except (NotFound, room_service.SaleNotFound):
        return error_page(request, 404)
    user = request.state.user
    try:
        await room_service.submit(request.app.state.db.sessions, room, uuid.uuid4().hex, "close_session", {},
                                  Actor(user.id, user.role_enum), utcnow())
    except RoomError as exc:
        return await show(request, errors={"close": exc.message}, status_code=409)
    await seal_and_sign(request.app, sale_id)
    return _done(sale_id, "close")


async def sign(request: Request) -> Response:
    try:
        sale_id, number = path_id(request, "sale_id"), path_id(request, "session")
        await service.sign_session(request.app.state.db.sessions, sale_id, number, request.state.user.id, utcnow())
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return await show(request, errors={f"sign-{request.path_params['session']}": exc.message}, status_code=409)
    return _done(sale_id, "signe")


async def upload_scan(request: Request) -> Response:
    form = await request.form()
    upload = form.get("scan")
    content = await upload.read(MAX_DOCUMENT_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        sale_id, number = path_id(request, "sale_id"), path_id(request, "session")
        await service.attach_signed_scan(request.app.state.db.sessions, request.app.state.settings.private_dir,
                                         sale_id, number, content, request.state.user.id, utcnow())
    except NotFound:
        return error_page(request, 404)
    except (InvalidValue, DomainError) as exc:
        return await show(request, errors={f"scan-{request.path_params['session']}": exc.message},
                          status_code=400 if isinstance(exc, InvalidValue) else 409)
    return _done(sale_id, "scan")


def is_officer(user) -> bool:
    return user is not None and user.role_enum is Role.OFFICER


routes = [
    page("/bureau/ventes/{sale_id}/proces-verbal", record_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/contenu", record_fragment, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal.pdf", record_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/seances/{session}.pdf", sealed_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/seances/{session}/signe", signed_scan, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/seances/{session}/pades.pdf", pades_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/cloture", close_session, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/proces-verbal/seances/{session}/signature", sign, access=OFFICER,
         methods=("POST",)),
    page("/bureau/ventes/{sale_id}/proces-verbal/seances/{session}/scan", upload_scan, access=OFFICER,
         methods=("POST",)),
]
