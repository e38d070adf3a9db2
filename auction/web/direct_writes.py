"""Direct writes to uvicorn's websocket transports: how the room's fan-out (auction.web.live) sends
each event's frame to a screen without a task, a queue or an ASGI send per message.

`DirectWrites`, the app's outermost middleware, hands the fan-out uvicorn's protocol object of a
websocket; `DirectSocket` writes RFC 6455 text frames (`text_frame`) to its transport. Under another
ASGI server (the tests') a websocket has no such object, and its client gets a queue instead.
"""
from __future__ import annotations

TRANSPORT_EXTENSION = "criee.websocket_protocol"


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented, uncompressed RFC 6455 text frame (server to client)."""
    data = text.encode()
    size = len(data)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = b"\x81\x7e" + size.to_bytes(2, "big")
    else:
        header = b"\x81\x7f" + size.to_bytes(8, "big")
    return header + data


class DirectWrites:
    """ASGI middleware: passes uvicorn's websockets-sansio protocol object of a websocket to the app
    (scope["extensions"][TRANSPORT_EXTENSION]), so that the fan-out can write frames to its transport.
    That protocol writes plain RFC 6455 frames, each with one transport.write(), so whole frames of
    ours interleave safely with its own (pings, close); an uncompressed frame is valid even when
    permessage-deflate was negotiated (RFC 7692: only frames with RSV1 set are compressed)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            if type(protocol).__module__ == "uvicorn.protocols.websockets.websockets_sansio_impl" and all(
                    hasattr(protocol, name) for name in ("transport", "close_sent", "disconnected",
                                                         "handshake_complete")):
                extensions = scope.get("extensions")
                if extensions is None:
                    extensions = scope["extensions"] = {}
                extensions[TRANSPORT_EXTENSION] = protocol
        await self.app(scope, receive, send)


def release_handshake(protocol) -> None:
    """uvicorn's protocol keeps the handshake's request and response for the socket's whole life
    (and the websockets parser, the request as a local variable), and reads neither once the
    socket is accepted: they are let go, and the request's headers emptied (together about 4 KiB
    a socket, a seventh of an idle display's memory; more with a browser's headers)."""
    if not protocol.handshake_complete:
        return
    request = getattr(protocol, "request", None)
    headers = getattr(request, "headers", None)
    if callable(getattr(headers, "clear", None)):
        headers.clear()
    for name in ("request", "response"):
        if getattr(protocol, name, None) is not None:
            setattr(protocol, name, None)


class DirectSocket:
    """The transport of an accepted uvicorn websocket, written to directly (its methods bound once:
    this runs once per screen per event)."""

    __slots__ = ("protocol", "write", "buffered", "_closing", "abort")

    def __init__(self, protocol):
        self.protocol = protocol
        release_handshake(protocol)
        transport = protocol.transport
        self.write = transport.write                        # (frame: bytes) -> None
        self.buffered = transport.get_write_buffer_size     # () -> bytes not yet sent
        self._closing = transport.is_closing
        self.abort = transport.abort

    @property
    def open(self) -> bool:
        p = self.protocol
        return p.handshake_complete and not (p.close_sent or p.disconnected or self._closing())


def direct_socket(websocket) -> DirectSocket | None:
    extensions = getattr(websocket, "scope", {}).get("extensions") or {}
    protocol = extensions.get(TRANSPORT_EXTENSION)
    return DirectSocket(protocol) if protocol is not None else None
