"""Identity scans at the office: the clerk's photo of the document, and the staff's look at it (logged)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.models import utcnow
from auction.services import catalogue, id_scans, personal_data
from auction.services import registration as service

from ..access import STAFF, page
from ..errors import error_page
from ..forms import path_id
from ..headers import upload_headers
from .bidder_checks import render_detail
from .registration import form_with_scan


async def view_scan(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        path, content_type = await personal_data.scan_for_staff(
            request.app.state.db.sessions, path_id(request, "sale_id"), path_id(request, "registration_id"),
            request.state.user.id, utcnow())
        file = id_scans.scan_file(settings.private_dir, path)
        content = file.read_bytes()
    except (catalogue.NotFound, FileNotFoundError):
        return error_page(request, 404, "Aucune copie de pièce d'identité n'est conservée pour cette inscription.")
    name = f'piece-{request.path_params["registration_id"]}.{file.suffix.lstrip(".")}'
    return Response(content, media_type=content_type, headers={**upload_headers(name), "referrer-policy": "no-referrer"})


async def upload_scan(request: Request) -> Response:
    settings = request.app.state.settings
    _, content = await form_with_scan(request)
    try:
        sale_id, registration_id = path_id(request, "sale_id"), path_id(request, "registration_id")
        scan = await id_scans.store_scan(content or b"", settings.private_dir)
    except catalogue.NotFound:
        return error_page(request, 404)
    except InvalidValue as exc:
        return await render_detail(request, errors={"scan": exc.message}, status_code=400)
    try:
        previous = await service.attach_scan(request.app.state.db.sessions, sale_id, registration_id, scan, utcnow())
    except BaseException:
        id_scans.remove_scan(settings.private_dir, scan.path)
        raise
    id_scans.remove_scan(settings.private_dir, previous)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/{registration_id}?ok=copie", status_code=303)


routes = [
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/piece", view_scan, access=STAFF),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/piece", upload_scan, access=STAFF,
         methods=("POST",)),
]
