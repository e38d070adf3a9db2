"""The officer's evidence files (dossiers de preuve) of a sale: for each lot the log offered and each
session it held, the PDF for a lawyer and the JSON with the chain segment (docs/verify-evidence.md).
The officer's alone: the file answers a contest of an adjudication, which the officer handles and
certifies (the clerk, who helps gather it, is refused, like the bidders and the public); each file
made is written to the audit log."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from auction.domain.evidence import NothingToShow
from auction.models import Sale, utcnow
from auction.services import evidence as service
from auction.services.catalogue import NotFound

from ..access import OFFICER, page
from ..errors import error_page
from ..forms import path_id
from ..templates import render

MEDIA_TYPES = {"pdf": "application/pdf", "json": "application/json"}


async def evidence_page(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        lots, sessions = await service.scopes(request.app.state.db.sessions, sale_id)
    except NotFound:
        return error_page(request, 404)
    async with request.app.state.db.sessions() as session:
        sale = await session.get(Sale, sale_id)
    return render(request, "staff/evidence.html", {"sale": sale, "lots": lots, "sessions": sessions})


async def _download(request: Request, form: str, **scope) -> Response:
    sale_id = path_id(request, "sale_id")
    back = f"/bureau/ventes/{sale_id}/preuve"
    try:
        content, name = await service.produce(request.app.state.db.sessions, sale_id, form=form,
                                              user_id=request.state.user.id, now=utcnow(), **scope)
    except NotFound:
        return error_page(request, 404)
    except NothingToShow as exc:
        return error_page(request, 409, exc.message, title="Pas de dossier de preuve", back=back)
    disposition = "inline" if form == "pdf" else "attachment"
    return Response(content, media_type=MEDIA_TYPES[form], headers={
        "content-disposition": f'{disposition}; filename="{name}"', "cache-control": "no-store, private"})


def _lot(form: str):
    async def endpoint(request: Request) -> Response:
        return await _download(request, form, scope="lot", lot_id=path_id(request, "lot_id"))
    return endpoint


def _session(form: str):
    async def endpoint(request: Request) -> Response:
        return await _download(request, form, scope="session", session_number=path_id(request, "number"))
    return endpoint


routes = [
    page("/bureau/ventes/{sale_id}/preuve", evidence_page, access=OFFICER),
    *(page(f"/bureau/ventes/{{sale_id}}/preuve/lots/{{lot_id}}.{form}", _lot(form), access=OFFICER)
      for form in service.FORMATS),
    *(page(f"/bureau/ventes/{{sale_id}}/preuve/seances/{{number}}.{form}", _session(form), access=OFFICER)
      for form in service.FORMATS),
]
