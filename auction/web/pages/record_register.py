"""The office's register of sale records (répertoire) by year, and the quarterly declaration of its
sales to the chamber (C. com. R444-48) with quarter selection, as a page, PDF/A and CSV."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from auction.domain import record_register as reg
from auction.domain.deadlines import paris_day
from auction.domain.errors import InvalidValue
from auction.models import utcnow
from auction.services import declarations
from auction.services import record_register as service

from ..access import STAFF, page
from ..templates import render


async def register_page(request: Request) -> Response:
    sessions = request.app.state.db.sessions
    today = paris_day(utcnow())
    years = await service.register_years(sessions, today)
    text = request.query_params.get("annee", "")
    errors = {}
    year = today.year
    if text:
        if text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100:
            year = int(text)
        else:
            errors["annee"] = "L'année s'écrit sur quatre chiffres, entre 2000 et 2100."
    return render(request, "staff/register.html", {
        "year": year, "years": years, "lines": await service.register(sessions, year), "errors": errors,
    }, status_code=400 if errors else 200)


def _quarter(request: Request) -> tuple[int, int]:
    return reg.parse_quarter(request.query_params.get("annee", "").strip(),
                             request.query_params.get("trimestre", "").strip(), paris_day(utcnow()))


async def declaration_page(request: Request) -> Response:
    today = paris_day(utcnow())
    values = {"annee": request.query_params.get("annee", ""), "trimestre": request.query_params.get("trimestre", "")}
    try:
        year, quarter = _quarter(request)
    except InvalidValue as exc:
        return render(request, "staff/declaration.html", {
            "d": None, "values": values, "errors": {exc.field: exc.message}, "euros_or_dash": reg.euros_or_dash,
            "nature": reg.NATURE, "this_year": today.year}, status_code=400)
    sessions = request.app.state.db.sessions
    found = await service.declaration(sessions, year, quarter, utcnow())
    sent = await declarations.sent_of(sessions, year, quarter)
    return render(request, "staff/declaration.html", {
        "d": found, "sent": sent,
        "changed": sent is not None and await declarations.changed_since_sent(sessions, sent, utcnow()), "values": {"annee": str(year), "trimestre": str(quarter)}, "errors": {},
        "euros_or_dash": reg.euros_or_dash, "nature": reg.NATURE, "this_year": today.year})


async def declaration_file(request: Request) -> Response:
    try:
        year, quarter = _quarter(request)
    except InvalidValue as exc:
        return Response(exc.message, status_code=400, media_type="text/plain; charset=utf-8")
    sessions = request.app.state.db.sessions
    name = f"declaration-ventes-{year}-T{quarter}"
    if (sent := await declarations.sent_of(sessions, year, quarter)) is not None:
        # sent: the document as it was sent, never made again (auction/services/declarations.py)
        if request.url.path.endswith(".csv"):
            return Response(sent.csv, media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}.csv"'})
        return Response(sent.pdf, media_type="application/pdf",
                        headers={"content-disposition": f'inline; filename="{name}.pdf"'})
    found = await service.declaration(sessions, year, quarter, utcnow())
    if request.url.path.endswith(".csv"):
        return Response(reg.declaration_csv(found).encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    return Response(await service.declaration_pdf(sessions, found), media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{name}.pdf"'})


routes = [
    page("/bureau/repertoire", register_page, access=STAFF),
    page("/bureau/declaration-trimestrielle", declaration_page, access=STAFF),
    page("/bureau/declaration-trimestrielle.pdf", declaration_file, access=STAFF),
    page("/bureau/declaration-trimestrielle.csv", declaration_file, access=STAFF),
]
