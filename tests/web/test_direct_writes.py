"""Direct writes (auction.web.direct_writes): text frames, and uvicorn's own websocket protocol found
through the app's middleware."""
from __future__ import annotations

import asyncio

import pytest

from auction.web.direct_writes import TRANSPORT_EXTENSION, DirectSocket, DirectWrites, text_frame

from .live_fixtures import FakeSocket, FakeTransport


@pytest.mark.parametrize("size", [10, 125, 126, 65_535, 65_536])
def test_text_frames(size):
    text = "é" * (size // 2) + "x" * (size % 2)
    transport = FakeTransport()
    transport.write(text_frame(text))
    assert len(text.encode()) == size
    frame = bytes(transport.written)
    header = {True: 2, False: 4 if size < 65_536 else 10}[size < 126]
    assert len(frame) == header + size and frame[header:].decode() == text


def uvicorn_protocol(app):
    """The installed uvicorn's websockets-sansio protocol object for `app`, on a fake transport."""
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    config = Config(app=app, ws="websockets-sansio")
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=asyncio.get_running_loop())
    protocol.transport = FakeTransport()
    return protocol


async def test_direct_writes_find_uvicorns_websocket_protocol():
    """DirectWrites against the installed uvicorn's websockets-sansio protocol, not a fake."""
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope.get("extensions") or {})
    protocol = uvicorn_protocol(app)
    await DirectWrites(app)({"type": "websocket", "extensions": {}}, None, protocol.send)
    assert seen[TRANSPORT_EXTENSION] is protocol
    from websockets.datastructures import Headers
    from websockets.http11 import Request, Response
    request = Request("/ws/salle/1", Headers([("Host", "criee.test"), ("Cookie", "criee_session=x")]))
    protocol.request, protocol.response = request, Response(101, "Switching Protocols", Headers())
    socket = DirectSocket(protocol)
    assert not socket.open                                  # not accepted yet
    assert protocol.request is request and len(request.headers) == 2
    protocol.handshake_complete = True
    assert socket.open and socket.buffered() == 0
    DirectSocket(protocol)                                  # accepted: the handshake is let go
    assert protocol.request is None and protocol.response is None and len(request.headers) == 0
    seen.clear()
    await DirectWrites(app)({"type": "websocket", "extensions": {}}, None, FakeSocket().send_text)
    await DirectWrites(app)({"type": "http"}, None, protocol.send)
    assert seen == {}


async def test_the_apps_middleware_leaves_uvicorns_protocol_to_direct_writes(settings):
    """Through the app's own middleware, in its order, a websocket still finds uvicorn's protocol:
    a middleware before DirectWrites that wraps `send` (ErrorPages does) would hide it, and every
    screen would get a queue and a task instead of direct writes (the fan-out's CPU ten times over)."""
    from auction.web.app import middleware

    seen = {}

    async def endpoint(scope, receive, send):
        seen.update(scope.get("extensions") or {})

    protocol = uvicorn_protocol(endpoint)
    app = endpoint
    for layer in reversed(middleware(settings)):
        app = layer.cls(app, *layer.args, **layer.kwargs)
    await app({"type": "websocket", "path": "/ws/salle/1", "headers": [], "extensions": {}}, None, protocol.send)
    assert seen.get(TRANSPORT_EXTENSION) is protocol
