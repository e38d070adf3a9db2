"""The live room: the clerk's tablet, the room display, and their websockets (docs/protocol.md)."""
from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from auction.domain.currencies import from_json as currencies_from_json
from auction.domain.currencies import parse_currencies
from auction.domain.errors import InvalidValue
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.domain.money import format_euros, parse_euros
from auction.domain.room import Actor, RoomError
from auction.models import utcnow
from auction.services import catalogue
from auction.services import room as room_service
from auction.services import sale_settings

from ..access import OFFICER, PUBLIC, STAFF, page, socket
from ..errors import error_page
from ..live import Client, encode
from ..templates import render

log = logging.getLogger("criee.live")

HELLO_TIMEOUT = 10
CLOSE_UNKNOWN_SALE = 4404


def _sale_id(params) -> int | None:
    value = params["sale_id"]
    return int(value) if value.isdigit() and len(value) < 12 else None


async def clerk_tablet(request: Request) -> Response:
    sale_id = _sale_id(request.path_params)
    try:
        if sale_id is None:
            raise catalogue.NotFound()
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "room/clerk.html", {"sale": sale})


async def room_display(request: Request) -> Response:
    sale_id = _sale_id(request.path_params)
    try:
        if sale_id is None:
            raise catalogue.NotFound()
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=True)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "room/display.html", {"sale": sale})


INCREMENT_ROWS = 12
CURRENCY_ROWS = 3


async def _settings_context(request: Request, sale, *, increments=None, currencies=None, errors=None) -> dict:
    table = IncrementTable.from_json(sale.increments) if sale.increments else DEFAULT_INCREMENTS
    if increments is None:
        increments = [(_euros_text(start), _euros_text(step)) for start, step in table.rows]
    increments = list(increments) + [("", "")] * (INCREMENT_ROWS - len(increments))
    if currencies is None:
        currencies = [(c.code, str(c.rate).replace(".", ",")) for c in currencies_from_json(sale.display_currencies)]
    currencies = list(currencies) + [("", "")] * (CURRENCY_ROWS - len(currencies))
    return {"sale": sale, "increments": increments, "currencies": currencies, "errors": errors or {},
            "is_default": sale.increments is None,
            "saved": request.query_params.get("enregistre") == "1"}


def _euros_text(cents: int) -> str:
    return format_euros(cents, with_cents=False).replace("\u00a0€", "")


async def _staff_sale(request: Request):
    sale_id = _sale_id(request.path_params)
    if sale_id is None:
        raise catalogue.NotFound()
    return await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=False)


async def room_settings(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "room/settings.html", await _settings_context(request, sale))


async def save_increments(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    form = await request.form()
    rows = [(str(form.get(f"from_{i}", "")).strip(), str(form.get(f"step_{i}", "")).strip())
            for i in range(INCREMENT_ROWS)]
    try:
        if form.get("reset"):
            table = DEFAULT_INCREMENTS
        else:
            parsed = [(parse_euros(start or "0", field="increments"), parse_euros(step, field="increments"))
                      for start, step in rows if start or step]
            table = IncrementTable(tuple(parsed))
    except InvalidValue as exc:
        context = await _settings_context(request, sale, increments=[r for r in rows if any(r)],
                                          errors={"increments": exc.message})
        return render(request, "room/settings.html", context, status_code=400)
    await sale_settings.set_increments(request.app.state.db.sessions, sale.id, table)
    await request.app.state.rooms.reload_setup(sale.id)
    return RedirectResponse(f"/bureau/ventes/{sale.id}/reglages?enregistre=1", status_code=303)


async def save_currencies(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    form = await request.form()
    rows = [(str(form.get(f"code_{i}", "")), str(form.get(f"rate_{i}", ""))) for i in range(CURRENCY_ROWS)]
    try:
        currencies = parse_currencies(rows)
    except InvalidValue as exc:
        context = await _settings_context(request, sale, currencies=rows, errors={exc.field or "currency_0": exc.message})
        return render(request, "room/settings.html", context, status_code=400)
    await sale_settings.set_display_currencies(request.app.state.db.sessions, sale.id, currencies)
    await request.app.state.rooms.reload_setup(sale.id)
    return RedirectResponse(f"/bureau/ventes/{sale.id}/reglages?enregistre=1", status_code=303)


async def _serve(websocket: WebSocket, *, staff: bool) -> None:
    sale_id = _sale_id(websocket.path_params)
    try:
        if sale_id is None:
            raise room_service.SaleNotFound()
        if not staff:
            await catalogue.sale_with_lots(websocket.app.state.db.sessions, sale_id, public=True)
        room = await websocket.app.state.rooms.get(sale_id)
    except (room_service.SaleNotFound, catalogue.NotFound):
        await websocket.close(code=CLOSE_UNKNOWN_SALE)
        return
    await websocket.accept()
    try:
        hello = orjson.loads(await asyncio.wait_for(websocket.receive_text(), HELLO_TIMEOUT))
        last_seq = hello.get("last_seq") if isinstance(hello, dict) and hello.get("type") == "hello" else None
        if not isinstance(last_seq, int) or isinstance(last_seq, bool):
            last_seq = None
    except (asyncio.TimeoutError, orjson.JSONDecodeError, WebSocketDisconnect):
        with contextlib.suppress(Exception):
            await websocket.close(code=1002)
        return

    hub = websocket.app.state.hubs.for_room(room)
    client = Client(websocket, staff=staff)
    hub.join(client, last_seq)
    sender = asyncio.create_task(client.run())
    user = getattr(websocket.state, "user", None)
    try:
        while True:
            text = await websocket.receive_text()
            await _handle(websocket.app, room, client, user, text, staff)
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(client)
        sender.cancel()


async def _handle(app, room, client: Client, user, text: str, staff: bool) -> None:
    def reply(message: dict) -> None:
        client.send(encode({**message, "seq": room.state.seq}))

    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        reply({"type": "error", "code": "bad_message", "message": "Message illisible.", "command_id": None})
        return
    if not isinstance(message, dict):
        reply({"type": "error", "code": "bad_message", "message": "Message illisible.", "command_id": None})
        return
    if message.get("type") == "ping":
        reply({"type": "pong"})
        return
    command_id = message.get("command_id")
    if message.get("type") != "command":
        reply({"type": "error", "code": "bad_message", "message": "Type de message inconnu.", "command_id": command_id})
        return
    if not staff or user is None:
        reply({"type": "error", "code": "forbidden", "message": "Cet écran ne peut pas agir sur la vente.",
               "command_id": command_id})
        return
    if not isinstance(command_id, str) or not 8 <= len(command_id) <= 64:
        reply({"type": "error", "code": "bad_message", "message": "Identifiant de commande manquant.",
               "command_id": None})
        return
    name, args = message.get("name"), message.get("args") or {}
    if not isinstance(name, str) or not isinstance(args, dict):
        reply({"type": "error", "code": "bad_message", "message": "Commande illisible.", "command_id": command_id})
        return
    try:
        outcome = await room_service.submit(app.state.db.sessions, room, command_id, name, args,
                                            Actor(user.id, user.role_enum), utcnow())
    except RoomError as exc:
        reply({"type": "error", "code": exc.code, "message": exc.message, "command_id": command_id})
        return
    except Exception:
        log.exception("command failed", extra={"sale_id": room.sale_id, "command": name})
        reply({"type": "error", "code": "server_error", "command_id": command_id,
               "message": "Erreur du serveur : l'action n'a pas été enregistrée. Réessayez."})
        return
    reply({"type": "ack", "command_id": command_id, "event_seq": outcome.event.seq,
           "duplicate": outcome.duplicate})


async def clerk_socket(websocket: WebSocket) -> None:
    await _serve(websocket, staff=True)


async def display_socket(websocket: WebSocket) -> None:
    await _serve(websocket, staff=False)


routes = [
    page("/bureau/ventes/{sale_id}/salle", clerk_tablet, access=STAFF),
    page("/salle/{sale_id}", room_display, access=PUBLIC),
    page("/bureau/ventes/{sale_id}/reglages", room_settings, access=STAFF),
    page("/bureau/ventes/{sale_id}/paliers", save_increments, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/devises", save_currencies, access=STAFF, methods=("POST",)),
    socket("/ws/bureau/ventes/{sale_id}", clerk_socket, access=STAFF),
    socket("/ws/salle/{sale_id}", display_socket, access=PUBLIC),
]
