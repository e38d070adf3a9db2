"""The staff's page of a sale record's certified copies and extracts (C. com. A444-6): the copies
issued with their pages and fee, each PDF; the officer issues a copy of the whole record, or an
extract for one lot or one buyer, charged to a case (its costs statement) or to whoever asks."""
from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import DomainError, InvalidValue
from auction.domain.record_copies import SCOPES, CopyRequest
from auction.models import utcnow
from auction.services import record_copies as service
from auction.services import sale_record as records
from auction.services.catalogue import NotFound

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict, path_id
from ..templates import render

FIELDS = {"lot": "lot_id", "buyer": "registration_id"}


def _id(values: dict[str, str], name: str) -> int | None:
    text = values.get(name, "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 11:
        raise InvalidValue("Choix invalide.", field=name)
    return int(text)


def _request(values: dict[str, str]) -> CopyRequest:
    scope = values.get("scope", "")
    if scope not in SCOPES:
        raise InvalidValue("Choisissez une copie entière ou un extrait.", field="scope")
    case_id = _id(values, "case_id")
    if scope == "whole":
        return CopyRequest("whole", case_id=case_id)
    field = FIELDS[scope]
    chosen = _id(values, field)
    if chosen is None:
        raise InvalidValue("Choisissez un lot." if scope == "lot" else "Choisissez un adjudicataire.", field=field)
    return CopyRequest(scope, case_id=case_id, **{field: chosen})


async def show(request: Request, *, values: dict | None = None, errors: dict | None = None,
               status_code: int = 200) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        state = await records.load_record(request.app.state.db.sessions, sale_id)
    except NotFound:
        return error_page(request, 404)
    record = state.record
    buyers = {}
    for part in record.sessions:
        for entry in part.sold:
            if entry.buyer is not None:
                buyers.setdefault(entry.buyer.registration_id, entry.buyer)
    facts = record.facts
    defaults = {"scope": "whole", "case_id": str(facts.cases[0].id) if len(facts.cases) == 1 else ""}
    return render(request, "staff/record_copies.html", {
        "sale_id": sale_id, "record": record, "state": state, "scopes": SCOPES,
        "copies": await service.issued(request.app.state.db.sessions, sale_id),
        "cases": {c.id: c for c in facts.cases}, "lots": {lot.id: lot for lot in facts.lots},
        "buyers": sorted(buyers.values(), key=lambda b: b.paddle), "all_buyers": facts.buyers,
        "closed": [p for p in record.sessions if p.closed],
        "values": values if values is not None else defaults, "errors": errors or {},
        "command_id": uuid.uuid4().hex, "ok": request.query_params.get("ok") == "1",
    }, status_code=status_code)


async def copies_page(request: Request) -> Response:
    return await show(request)


async def issue(request: Request) -> Response:
    values = await form_dict(request)
    try:
        sale_id = path_id(request, "sale_id")
        copy_request = _request(values)
        await service.issue_copy(request.app.state.db.sessions, request.app.state.settings.private_dir, sale_id,
                                 copy_request, user_id=request.state.user.id, now=utcnow(),
                                 command_id=values.get("command_id") or None,
                                 secret_key=request.app.state.settings.secret_key)
    except NotFound:
        return error_page(request, 404)
    except service.settlement_log.SaleNotFound:
        return error_page(request, 404)
    except InvalidValue as exc:
        return await show(request, values=values, errors={exc.field or "scope": exc.message}, status_code=400)
    except DomainError as exc:
        return await show(request, values=values, errors={"case_id": exc.message}, status_code=409)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/proces-verbal/copies?ok=1", status_code=303)


async def copy_pdf(request: Request) -> Response:
    try:
        sale_id, seq = path_id(request, "sale_id"), path_id(request, "seq")
        content = await service.copy_pdf(request.app.state.db.sessions, request.app.state.settings.private_dir,
                                         sale_id, seq)
    except (NotFound, FileNotFoundError):
        return error_page(request, 404)
    return Response(content, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="copie-proces-verbal-{sale_id}-{seq}.pdf"'})


routes = [
    page("/bureau/ventes/{sale_id}/proces-verbal/copies", copies_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/proces-verbal/copies", issue, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/proces-verbal/copies/{seq}.pdf", copy_pdf, access=STAFF),
]
