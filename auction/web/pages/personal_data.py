"""The bidder's own data, downloaded from their space (their right of access)."""
from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import Response

from auction.models import utcnow
from auction.services import catalogue, personal_data

from ..access import BIDDER, page
from ..errors import error_page


async def my_data(request: Request) -> Response:
    try:
        data = await personal_data.bidder_export(request.app.state.db.sessions, request.state.user.id,
                                                 request.app.state.settings.private_dir, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404, "Aucune fiche d'enchérisseur n'est rattachée à ce compte.")
    return Response(orjson.dumps(data, option=orjson.OPT_INDENT_2), media_type="application/json", headers={
        "content-disposition": 'attachment; filename="mes-donnees-criee.json"', "cache-control": "no-store, private"})


routes = [
    page("/mon-espace/mes-donnees", my_data, access=BIDDER),
]
