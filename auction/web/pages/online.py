"""The public live page of a sale (phone-first) and the online bidder's websocket (docs/protocol.md).

Anyone may watch: the page follows the room through the public socket. A signed-in bidder holding
a verified online paddle for the sale connects to the bidder socket instead, which carries the same
public view and accepts one command, `bid`, for that bidder's own paddle.
"""
from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from auction.domain.increments import sale_increments
from auction.domain.roles import Role
from auction.domain.room import RoomError
from auction.domain.room_errors import RateLimited
from auction.models import utcnow
from auction.services import catalogue, online, online_refusals
from auction.services.screens import Screen

from ..access import BIDDER, PUBLIC, page, socket
from ..errors import error_page
from ..live import Client, encode
from ..presence import presence_of
from ..ratelimit import BidLimits
from ..templates import render
from .room import MAX_BIDDER_MESSAGE, _serve, command_id_ok, read_command, refusal, sale_id_param

log = logging.getLogger("criee.online")

SERVER_ERROR = "Erreur du serveur : votre enchère n'a pas été enregistrée. Réessayez."
ADMIT_TIMEOUT = 0.05   # seconds the room's lock waits at most for the shared rate limits
RATE_LIMITED = "Trop d'enchères en peu de temps : patientez un instant avant d'enchérir de nouveau."


def bid_limits(app) -> BidLimits:
    limits = getattr(app.state, "bid_limits", None)
    if limits is None:
        limits = app.state.bid_limits = BidLimits(app.state.limit_store, app.state.settings.secret_key.encode())
    return limits


async def live_page(request: Request) -> Response:
    sale_id = sale_id_param(request.path_params)
    try:
        if sale_id is None:
            raise catalogue.NotFound()
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=True)
    except catalogue.NotFound:
        return error_page(request, 404)
    user = request.state.user
    standing = None
    if user is not None and user.role_enum is Role.BIDDER:
        standing = await online.online_standing(request.app.state.db.sessions, sale.id, user.id)
    bidding = standing is not None and standing.paddle is not None
    return render(request, "public/live.html", {
        "sale": sale, "standing": standing, "first_bid": sale_increments(sale.increments).first_bid,
        "socket_path": f"/ws/direct/{sale.id}" if bidding else f"/ws/salle/{sale.id}",
    })


async def bidder_socket(websocket: WebSocket) -> None:
    """The public view, plus bids for the session's own verified online paddle."""
    user = websocket.state.user
    sale_id = sale_id_param(websocket.path_params)
    standing = (await online.online_standing(websocket.app.state.db.sessions, sale_id, user.id)
                if sale_id is not None else online.OnlineStanding(None, "not_registered"))
    presence = presence_of(websocket.app)

    def joined(room, hub, client: Client) -> None:
        if standing.paddle is not None:
            presence.arrive(hub, standing.paddle)

    def left(hub, client: Client) -> None:
        if standing.paddle is not None:
            presence.leave(hub, standing.paddle)

    # In the record of connections, by paddle (no name); a bidder without a paddle watches as the public.
    screen = Screen("online_bidder", paddle=standing.paddle) if standing.paddle is not None else Screen("viewer")
    await _serve(websocket, staff=False, handle=_handle_bid, joined=joined, left=left, max_message=MAX_BIDDER_MESSAGE,
                 screen=screen)


def refusal_recorder(app) -> online_refusals.RefusalRecorder:
    recorder = getattr(app.state, "refusals", None)
    if recorder is None:
        recorder = app.state.refusals = online_refusals.RefusalRecorder(app.state.db.sessions)
    return recorder


def _retrieved(task: asyncio.Task) -> None:
    """A limits check whose bid was answered before it was awaited (a command id seen already): its
    outcome is not needed, and not to be reported as "never retrieved"."""
    if not task.cancelled():
        task.exception()


async def _handle_bid(app, room, client: Client, user, text: str, staff: bool) -> None:
    received_at = utcnow()

    def reply(message: dict) -> None:
        client.send(encode({**message, "seq": room.state.seq}))

    def keep(code: str, message: str) -> None:
        """After the answer: the refused bid into the record of refusals (queued, written off the room's path)."""
        refusal_recorder(app).record(online_refusals.pending(
            room.sale_id, user.id, received_at, code, message, args,
            paddle=mine.number if mine is not None else None, log_seq=room.state.seq, command_id=command_id))

    message = read_command(text, reply)
    if message is None:
        return
    command_id = message.get("command_id")
    if not command_id_ok(command_id, reply):
        return
    args = message.get("args") or {}
    if message.get("name") != "bid" or not isinstance(args, dict):
        reply({"type": "error", "code": "forbidden", "message": "Depuis cet écran, on ne peut qu'enchérir.",
               "command_id": command_id})
        return

    mine = room.paddle_of_user(user.id)
    paddle_key = mine.number if mine is not None else ("user", user.id)
    address = client.websocket.client.host if client.websocket.client else None
    remembered = bid_limits(app).remembered(room.sale_id, paddle_key, address)
    if remembered is not None:
        # Refused a moment ago and no token yet: answered at once, without queuing on the room's lock.
        log.warning("online bid refused", extra={"sale_id": room.sale_id, "user_id": user.id,
                                                 "reason": f"rate_limited_{remembered}"})
        reply({"type": "error", "code": "rate_limited", "message": RATE_LIMITED, "command_id": command_id})
        keep("rate_limited", RATE_LIMITED)
        return

    # The shared limits are asked at once and their answer awaited under the room's lock: their round
    # trip overlaps the wait for the lock (another command being appended) instead of following it.
    # Where their store works through the app's sessions (the tests' one connection) they are asked in
    # turn and waited for: a check cancelled on that connection would break its transaction.
    apart = bid_limits(app).store.apart
    checking = None
    if apart:
        checking = asyncio.ensure_future(bid_limits(app).check(room.sale_id, paddle_key, address))
        checking.add_done_callback(_retrieved)

    async def admit() -> None:
        """The rate limits, under the room's lock: the bid keeps its place in the room's order from its
        arrival while the shared limits answer (ADMIT_TIMEOUT at most: then, as when their database
        is down, the bid goes on and the room is not held)."""
        try:
            limited = await asyncio.wait_for(checking or bid_limits(app).check(room.sale_id, paddle_key, address),
                                             ADMIT_TIMEOUT if apart else None)
        except Exception:   # noqa: BLE001 - the limits unreachable or slow: the bid still goes to the room
            log.exception("online bid limits unavailable", extra={"sale_id": room.sale_id, "user_id": user.id})
            return
        if limited is not None:
            # No client address in the log (personal data): the limit's name says which bucket refused.
            log.warning("online bid refused", extra={"sale_id": room.sale_id, "user_id": user.id,
                                                     "reason": f"rate_limited_{limited}"})
            raise RateLimited(RATE_LIMITED)

    try:
        outcome = await online.submit_online_bid(app.state.db.sessions, room, command_id, user.id, args, received_at,
                                                 admit)
    except RoomError as exc:
        reply(refusal(exc, command_id))
        keep(exc.code, exc.message)
        return
    except Exception:
        log.exception("online bid failed", extra={"sale_id": room.sale_id, "user_id": user.id})
        reply({"type": "error", "code": "server_error", "command_id": command_id, "message": SERVER_ERROR})
        keep("server_error", SERVER_ERROR)
        return
    reply({"type": "ack", "command_id": command_id, "event_seq": outcome.event.seq, "duplicate": outcome.duplicate})


routes = [
    page("/ventes/{sale_id}/direct", live_page, access=PUBLIC),
    socket("/ws/direct/{sale_id}", bidder_socket, access=BIDDER),
]
