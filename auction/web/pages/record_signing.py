"""The officer's page of the office's signing certificate for the sale record (PAdES): give the
PKCS#12 file and its password, see the certificate in use, remove it. Officer only."""
from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.models import utcnow
from auction.services import record_signing as service
from auction.services.sale_record import LEGAL_NOTICE

from ..access import OFFICER, page
from ..templates import render

NOTICES = {"ok": "Certificat enregistré : les séances closes seront aussi signées électroniquement.",
           "retire": "Certificat retiré : le procès-verbal se signe de nouveau à la main seulement."}


async def show(request: Request, *, errors: dict | None = None, status_code: int = 200) -> Response:
    return render(request, "office/signing.html", {
        "certificate": service.current(request.app.state.settings.private_dir), "errors": errors or {},
        "legal_notice": LEGAL_NOTICE, "ok": NOTICES.get(request.query_params.get("ok", "")),
    }, status_code=status_code)


async def signing_page(request: Request) -> Response:
    return await show(request)


async def configure(request: Request) -> Response:
    form = await request.form()
    upload = form.get("p12")
    content = await upload.read(service.MAX_P12_BYTES + 1) if isinstance(upload, UploadFile) else b""
    password = form.get("password")
    settings = request.app.state.settings
    try:
        await service.configure(request.app.state.db.sessions, settings.private_dir, settings.secret_key, content,
                                password if isinstance(password, str) else "", user_id=request.state.user.id,
                                now=utcnow())
    except InvalidValue as exc:
        return await show(request, errors={exc.field or "p12": exc.message}, status_code=400)
    return RedirectResponse("/bureau/etude/signature?ok=ok", status_code=303)


async def remove(request: Request) -> Response:
    await service.remove(request.app.state.db.sessions, request.app.state.settings.private_dir,
                         user_id=request.state.user.id, now=utcnow())
    return RedirectResponse("/bureau/etude/signature?ok=retire", status_code=303)


routes = [
    page("/bureau/etude/signature", signing_page, access=OFFICER),
    page("/bureau/etude/signature", configure, access=OFFICER, methods=("POST",)),
    page("/bureau/etude/signature/retrait", remove, access=OFFICER, methods=("POST",)),
]
