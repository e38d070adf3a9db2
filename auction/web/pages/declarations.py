"""The office's declarations (staff): the quarterly declaration to the chamber, quarter by quarter, with
its due date and whether it was sent; marking it sent freezes its document (auction/services/
declarations.py), which is then served as sent. The office's delay is set by the officer."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain import declarations as dec
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import utcnow
from auction.services import declarations as service
from auction.services.catalogue import NotFound

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_date, form_dict, form_int, path_id
from ..templates import render

NOTICES = {"delai": "Délai de la déclaration enregistré.",
           "envoyee": "Déclaration marquée envoyée : son PDF et son CSV sont figés tels qu'envoyés."}


async def _page(request: Request, *, values=None, errors=None, error_quarter=None, status_code: int = 200) -> Response:
    found = await service.declarations(request.app.state.db.sessions, utcnow())
    return render(request, "staff/declarations.html", {
        "d": found, "states": dec.STATES, "means": dec.MEANS, "values": values or {}, "errors": errors or {},
        "error_quarter": error_quarter, "notice": NOTICES.get(request.query_params.get("fait", "")),
        "is_officer": request.state.user.role_enum is Role.OFFICER,
    }, status_code=status_code)


async def declarations_page(request: Request) -> Response:
    return await _page(request)


async def add_terms(request: Request) -> Response:
    values = await form_dict(request)
    try:
        terms = dec.Terms(form_date(values, "effective_from", "En vigueur à partir du"),
                          form_int(values, "days_after_quarter", "Délai", maximum=366),
                          (values.get("reference") or "").strip())
        await service.add_terms(request.app.state.db.sessions, terms, request.state.user.id, utcnow())
    except InvalidValue as exc:
        return await _page(request, values=values, errors={exc.field or "form": exc.message}, status_code=400)
    return RedirectResponse("/bureau/declarations?fait=delai", status_code=303)


def _quarter(request: Request) -> tuple[int, int]:
    try:
        year, quarter = path_id(request, "year"), path_id(request, "quarter")
        dec.quarter_end(year, quarter)
    except (InvalidValue, NotFound):
        raise LookupError from None
    return year, quarter


async def mark_sent(request: Request) -> Response:
    try:
        year, quarter = _quarter(request)
    except LookupError:
        return error_page(request, 404)
    values = await form_dict(request)
    try:
        sent_on = form_date(values, "sent_on", "Date d'envoi")
        await service.mark_sent(request.app.state.db.sessions, year, quarter, sent_on, values.get("means", ""),
                                values.get("reference", ""), user_id=request.state.user.id, now=utcnow())
    except InvalidValue as exc:
        return await _page(request, values=values, errors={exc.field or "form": exc.message},
                           error_quarter=(year, quarter), status_code=400)
    return RedirectResponse(f"/bureau/declarations?fait=envoyee#t-{year}-{quarter}", status_code=303)


async def sent_file(request: Request) -> Response:
    """The declaration as it was sent: the stored bytes, never made again."""
    try:
        year, quarter = _quarter(request)
    except LookupError:
        return error_page(request, 404)
    row = await service.sent_of(request.app.state.db.sessions, year, quarter)
    if row is None:
        return error_page(request, 404)
    name = f"declaration-ventes-{year}-T{quarter}-envoyee"
    if request.url.path.endswith(".csv"):
        return Response(row.csv, media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    return Response(row.pdf, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{name}.pdf"'})


routes = [
    page("/bureau/declarations", declarations_page, access=STAFF),
    page("/bureau/declarations/delai", add_terms, access=OFFICER, methods=("POST",)),
    page("/bureau/declarations/{year}/{quarter}/envoi", mark_sent, access=STAFF, methods=("POST",)),
    page("/bureau/declarations/{year}/{quarter}/envoyee.pdf", sent_file, access=STAFF),
    page("/bureau/declarations/{year}/{quarter}/envoyee.csv", sent_file, access=STAFF),
]
