"""The live room: the clerk's tablet, the room display, and their websockets (docs/protocol.md)."""
from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from auction.domain.increments import sale_increments
from auction.domain.roles import Role
from auction.domain.room import Actor, RoomError
from auction.models import utcnow
from auction.services import catalogue, online, screens
from auction.services import room as room_service
from auction.services.screens import Screen

from ..access import PUBLIC, STAFF, page, socket
from ..errors import error_page
from ..forms import parse_int
from ..live import Client, encode
from ..presence import presence_of
from ..templates import render
from .sale_record import SEALING_KINDS, seal_in_background

log = logging.getLogger("criee.live")

HELLO_TIMEOUT = 10
# The largest message each screen may send (UTF-8 bytes; docs/protocol.md): a display sends hello and
# ping, a bidder a bid of a few hundred bytes, the tablet a command with a reason of 500 characters.
MAX_DISPLAY_MESSAGE = 1024
MAX_BIDDER_MESSAGE = 2048
MAX_CLERK_MESSAGE = 8192
CLOSE_TOO_BIG = 1009        # RFC 6455: a message too big to process
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED = 1003    # a binary frame
CLOSE_UNKNOWN_SALE = 4404


def sale_id_param(params) -> int | None:
    value = params["sale_id"]
    return value if isinstance(value, int) else parse_int(value)


async def clerk_tablet(request: Request) -> Response:
    sale_id = sale_id_param(request.path_params)
    try:
        if sale_id is None:
            raise catalogue.NotFound()
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    requests = await online.request_book(request.app.state.db.sessions, sale.id)
    return render(request, "room/clerk.html", {"sale": sale, "bid_requests": requests,
                                               "first_bid": sale_increments(sale.increments).first_bid})


async def tablet_book(request: Request) -> Response:
    """The sale's order book and phone lines as they are now, for the tablet to refresh its own when a
    lot opens (orders and phone requests are taken at the desk during the sale too)."""
    sale_id = sale_id_param(request.path_params)
    try:
        if sale_id is None:
            raise room_service.SaleNotFound()
        requests = await online.request_book(request.app.state.db.sessions, sale_id)
    except room_service.SaleNotFound:
        return JSONResponse({"message": "Vente introuvable."}, status_code=404)
    return JSONResponse({"bid_requests": requests}, headers={"cache-control": "no-store, private"})


async def _screen_page(request: Request, template: str, *, public: bool) -> Response:
    """A screen that follows the room (the room display, the rostrum): the sale, its lots and the
    first bid; 404 for a sale that does not exist (or is not public, for a public screen)."""
    sale_id = sale_id_param(request.path_params)
    try:
        if sale_id is None:
            raise catalogue.NotFound()
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=public)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, template, {"sale": sale, "first_bid": sale_increments(sale.increments).first_bid})


async def room_display(request: Request) -> Response:
    return await _screen_page(request, "room/display.html", public=True)


class BinaryMessage(Exception):
    """A screen sent a binary frame: the protocol is JSON text only."""


async def _receive_text(websocket: WebSocket) -> str:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise BinaryMessage()
    return message["text"]


def screen_of(websocket: WebSocket, staff: bool) -> Screen:
    """What the record of connections names this socket by default: a staff socket is the user's
    tablet; a public one is the room display (its page asks `?ecran=salle`) or an anonymous viewer."""
    user = getattr(websocket.state, "user", None)
    if staff and user is not None:
        return Screen("officer_tablet" if user.role_enum is Role.OFFICER else "clerk_tablet", user.id)
    return Screen("display" if websocket.query_params.get("ecran") == "salle" else "viewer")


async def _serve(websocket: WebSocket, *, staff: bool, handle=None, joined=None, left=None,
                 max_message: int | None = None, screen: Screen | None = None) -> None:
    """Accept a screen, sync it (hello → snapshot or catch-up), then read its messages.

    `handle(app, room, client, user, text, staff)` answers each message (the staff commands by
    default); `joined(room, hub, client)` and `left(hub, client)` run as the screen comes and goes.
    Its accept and its close go to the record of connections as `screen` (queued, never awaited)."""
    sale_id = sale_id_param(websocket.path_params)
    try:
        if sale_id is None:
            raise room_service.SaleNotFound()
        if not staff:
            # Thousands of displays may connect at once: a sale whose room has opened is public for
            # good (live, then closed); otherwise one column is read.
            loaded = websocket.app.state.rooms.rooms.get(sale_id)
            if (loaded is None or loaded.state.seq == 0) and not await catalogue.sale_is_public(
                    websocket.app.state.db.sessions, sale_id):
                raise catalogue.NotFound()
        room = await websocket.app.state.rooms.get(sale_id)
    except (room_service.SaleNotFound, catalogue.NotFound):
        await websocket.accept()
        await websocket.close(code=CLOSE_UNKNOWN_SALE)
        return
    await websocket.accept()
    screen = screen or screen_of(websocket, staff)
    recorder = screens.screen_recorder(websocket.app)
    number = recorder.connected(room.sale_id, screen, utcnow())
    try:
        await _follow(websocket, room, staff=staff, handle=handle or _handle, joined=joined, left=left,
                      limit=max_message or (MAX_CLERK_MESSAGE if staff else MAX_DISPLAY_MESSAGE))
    finally:
        recorder.disconnected(room.sale_id, number, screen, utcnow())


async def _follow(websocket: WebSocket, room, *, staff: bool, handle, joined, left, limit: int) -> None:
    """An accepted screen: its hello, then its messages until it goes."""
    try:
        first = await asyncio.wait_for(_receive_text(websocket), HELLO_TIMEOUT)
        if len(first.encode()) > limit:
            await websocket.close(code=CLOSE_TOO_BIG)
            return
        hello = orjson.loads(first)
        last_seq = hello.get("last_seq") if isinstance(hello, dict) and hello.get("type") == "hello" else None
        if not isinstance(last_seq, int) or isinstance(last_seq, bool):
            last_seq = None
    except (asyncio.TimeoutError, orjson.JSONDecodeError, WebSocketDisconnect, BinaryMessage):
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_PROTOCOL_ERROR)
        return

    hub = websocket.app.state.hubs.for_room(room)
    client = Client(websocket, staff=staff)
    hub.join(client, last_seq)
    if staff:
        presence_of(websocket.app).greet(hub, client)   # how many online bidders are connected
    if joined is not None:
        joined(room, hub, client)
    sender = client.start()     # a queued client's; a direct one has none
    user = getattr(websocket.state, "user", None)
    try:
        while True:
            text = await _receive_text(websocket)
            if len(text) > limit or len(text.encode()) > limit:
                await websocket.close(code=CLOSE_TOO_BIG)   # no screen of ours sends that: not read
                break
            await handle(websocket.app, room, client, user, text, staff)
    except WebSocketDisconnect:
        pass
    except BinaryMessage:
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_UNSUPPORTED)
    finally:
        hub.leave(client)
        if left is not None:
            left(hub, client)
        client.stop(sender)


def refusal(exc: RoomError, command_id) -> dict:
    """The error message of a refused command; an outbid bid also gets the bid that beat it."""
    message = {"type": "error", "code": exc.code, "message": exc.message, "command_id": command_id}
    data = getattr(exc, "data", None)
    if data:
        message["details"] = data
    return message


def read_command(text: str, reply) -> dict | None:
    """A screen's message, if it is a command; otherwise None, once `reply` has answered it (a ping
    with pong, an unreadable or unknown message with bad_message)."""
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        message = None
    if not isinstance(message, dict):
        reply({"type": "error", "code": "bad_message", "message": "Message illisible.", "command_id": None})
        return None
    if message.get("type") == "ping":
        reply({"type": "pong"})
        return None
    if message.get("type") != "command":
        reply({"type": "error", "code": "bad_message", "message": "Type de message inconnu.",
               "command_id": message.get("command_id")})
        return None
    return message


def command_id_ok(command_id, reply) -> bool:
    """Whether a command carries its id (8 to 64 characters); if not, `reply` has said so."""
    if isinstance(command_id, str) and 8 <= len(command_id) <= 64:
        return True
    reply({"type": "error", "code": "bad_message", "message": "Identifiant de commande manquant.", "command_id": None})
    return False


async def _handle(app, room, client: Client, user, text: str, staff: bool) -> None:
    def reply(message: dict) -> None:
        client.send(encode({**message, "seq": room.state.seq}))

    message = read_command(text, reply)
    if message is None:
        return
    command_id = message.get("command_id")
    if not staff or user is None:
        reply({"type": "error", "code": "forbidden", "message": "Cet écran ne peut pas agir sur la vente.",
               "command_id": command_id})
        return
    if not command_id_ok(command_id, reply):
        return
    name, args = message.get("name"), message.get("args") or {}
    if not isinstance(name, str) or not isinstance(args, dict):
        reply({"type": "error", "code": "bad_message", "message": "Commande illisible.", "command_id": command_id})
        return
    try:
        outcome = await room_service.submit(app.state.db.sessions, room, command_id, name, args,
                                            Actor(user.id, user.role_enum), utcnow())
    except RoomError as exc:
        reply(refusal(exc, command_id))
        return
    except Exception:
        log.exception("command failed", extra={"sale_id": room.sale_id, "command": name})
        reply({"type": "error", "code": "server_error", "command_id": command_id,
               "message": "Erreur du serveur : l'action n'a pas été enregistrée. Réessayez."})
        return
    reply({"type": "ack", "command_id": command_id, "event_seq": outcome.event.seq,
           "duplicate": outcome.duplicate})
    if outcome.event.kind in SEALING_KINDS and not outcome.duplicate:
        seal_in_background(app, room.sale_id)     # the closed session's part of the record is frozen


async def clerk_socket(websocket: WebSocket) -> None:
    await _serve(websocket, staff=True)


async def display_socket(websocket: WebSocket) -> None:
    await _serve(websocket, staff=False)


routes = [
    page("/bureau/ventes/{sale_id}/salle", clerk_tablet, access=STAFF),
    page("/bureau/ventes/{sale_id}/salle/carnet", tablet_book, access=STAFF),
    page("/salle/{sale_id}", room_display, access=PUBLIC),
    socket("/ws/bureau/ventes/{sale_id}", clerk_socket, access=STAFF),
    socket("/ws/salle/{sale_id}", display_socket, access=PUBLIC),
]
