"""The public Atom feed of announced sales."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from auction.models import utcnow
from auction.services.office import get_office
from auction.services.publicity_view import announced_sales

from ..access import PUBLIC, page
from ..feeds import atom_feed
from .publicity import base_url


async def sales_feed(request: Request) -> Response:
    sessions = request.app.state.db.sessions
    office = await get_office(sessions)
    entries = await announced_sales(sessions, base_url(request))
    body = atom_feed(entries, base_url(request), office.name if office else "", utcnow())
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"cache-control": "public, max-age=300"})


routes = [page("/ventes.atom", sales_feed, access=PUBLIC)]
