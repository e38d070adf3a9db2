"""The sale's verification page (CPCE R221-36): per case, its signed verification act, and the
officer's form to record one (the goods missing or damaged, their lots withdrawn or described again)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import DomainError
from auction.domain.inventory import FINDINGS
from auction.domain.verification import LOT_ACTIONS, clean_verification_form
from auction.formats import to_paris
from auction.models import utcnow
from auction.services import catalogue
from auction.services.verification import record_verification, sale_day, sale_verifications

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..templates import render
from .room import sale_id_param


async def _context(request: Request, sale_id: int, *, case_id: int | None = None, values=None, errors=None) -> dict:
    sale, cases = await sale_verifications(request.app.state.db.sessions, sale_id)
    return {"sale": sale, "cases": cases, "sale_day": sale_day(sale), "findings": FINDINGS,
            "lot_actions": LOT_ACTIONS, "form_case_id": case_id, "values": values or {}, "errors": errors or {},
            "today": min(to_paris(utcnow()).date(), sale_day(sale)).isoformat(), "saved": request.query_params.get("enregistre") == "1"}


async def verification_page(request: Request) -> Response:
    sale_id = sale_id_param(request.path_params)
    if sale_id is None:
        return error_page(request, 404)
    try:
        return render(request, "staff/verification.html", await _context(request, sale_id))
    except catalogue.NotFound:
        return error_page(request, 404)


async def record(request: Request) -> Response:
    sale_id = sale_id_param(request.path_params)
    try:
        case_id = int(request.path_params["case_id"])
    except (KeyError, ValueError):
        return error_page(request, 404)
    if sale_id is None:
        return error_page(request, 404)
    form = {key: str(value) for key, value in (await request.form()).items()}
    try:
        sale, cases = await sale_verifications(request.app.state.db.sessions, sale_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    case = next((c for c in cases if c.case.id == case_id), None)
    if case is None:
        return error_page(request, 404)
    data, errors = clean_verification_form(form, [lot.id for lot in case.lots])
    if data is not None:
        try:
            await record_verification(request.app.state.db.sessions, sale_id, case_id, data,
                                      request.state.user.id, request.state.user.role_enum, utcnow())
        except catalogue.NotFound:
            return error_page(request, 404)
        except DomainError as exc:
            errors = {getattr(exc, "field", None) or "form": exc.message}
        else:
            await request.app.state.rooms.reload_setup(sale_id)   # lots withdrawn or re-described
            return RedirectResponse(f"/bureau/ventes/{sale_id}/verification?enregistre=1", status_code=303)
    context = await _context(request, sale_id, case_id=case_id, values=form, errors=errors)
    return render(request, "staff/verification.html", context, status_code=400)


routes = [
    page("/bureau/ventes/{sale_id}/verification", verification_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/verification/{case_id}", record, access=OFFICER, methods=("POST",)),
]
