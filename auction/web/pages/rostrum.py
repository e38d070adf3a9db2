"""The auctioneer's screen (le pupitre): what the officer at the rostrum reads, in large type, and
cannot act on. It follows the room like the display does, on a read-only staff socket that carries
the staff view (the stop rule's cases), plus the lot's orders and phone lines over HTTP, without
names or phone numbers (docs/protocol.md)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from auction.services import online
from auction.services import room as room_service
from auction.services.screens import Screen

from ..access import STAFF, page, socket
from .room import MAX_DISPLAY_MESSAGE, _handle, _screen_page, _serve, sale_id_param


async def rostrum(request: Request) -> Response:
    return await _screen_page(request, "room/rostrum.html", public=False)


async def rostrum_book(request: Request) -> Response:
    """The sale's absentee orders and phone lines without names or numbers, fetched again whenever
    the lot on the block changes (orders are taken at the desk during the sale too)."""
    sale_id = sale_id_param(request.path_params)
    try:
        if sale_id is None:
            raise room_service.SaleNotFound()
        book = await online.rostrum_book(request.app.state.db.sessions, sale_id)
    except room_service.SaleNotFound:
        return JSONResponse({"message": "Vente introuvable."}, status_code=404)
    return JSONResponse({"bid_requests": book}, headers={"cache-control": "no-store, private"})


async def _read_only(app, room, client, user, text: str, staff: bool) -> None:
    """Pings are answered; every command is refused (`forbidden`), as on the public socket."""
    await _handle(app, room, client, user, text, False)


async def rostrum_socket(websocket: WebSocket) -> None:
    await _serve(websocket, staff=True, handle=_read_only, max_message=MAX_DISPLAY_MESSAGE,
                 screen=Screen("rostrum", websocket.state.user.id))


routes = [
    page("/bureau/ventes/{sale_id}/pupitre", rostrum, access=STAFF),
    page("/bureau/ventes/{sale_id}/pupitre/carnet", rostrum_book, access=STAFF),
    socket("/ws/bureau/ventes/{sale_id}/pupitre", rostrum_socket, access=STAFF),
]
