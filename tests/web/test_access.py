"""Every route of the app declares who may call it, and refuses everyone else.

The test enumerates the app's routes: a new route is covered as soon as it exists, and the app
refuses to start if a route forgets its rule.
"""
import asyncio
import re

import pytest
from starlette.routing import Mount, Route, WebSocketRoute

from auction.domain.roles import Role
from auction.web.access import Access
from auction.web.app import require_access_rules

from ..conftest import csrf_from

PARAM = re.compile(r"\{[^}]+\}")


def concrete(path: str) -> str:
    return PARAM.sub("1", path)


def endpoints(app):
    for route in app.routes:
        if isinstance(route, Route):
            for method in sorted(route.methods - {"HEAD"}):
                yield route, method


async def test_every_route_declares_its_access(app):
    routes = list(app.routes)
    assert routes
    for route in routes:
        assert isinstance(getattr(route, "access", None), Access), f"{route} has no access rule"
    for route in routes:
        if isinstance(route, Mount):
            assert route.access.public, "only public static files may be mounted"


async def test_no_route_is_declared_twice(app):
    """The first of two routes with one path and method always wins: the second would be dead code."""
    seen = set()
    for route in app.routes:
        if isinstance(route, Route):
            keys = [(route.path, method) for method in route.methods]
        elif isinstance(route, WebSocketRoute):
            keys = [(route.path, "websocket")]
        else:
            continue
        for key in keys:
            assert key not in seen, f"{key} is declared twice"
            seen.add(key)


def test_a_route_without_a_rule_is_refused():
    async def endpoint(request):
        raise AssertionError("never called")
    with pytest.raises(RuntimeError, match="/oubli"):
        require_access_rules([Route("/oubli", endpoint)])


async def test_anonymous_requests_to_protected_routes_are_refused(app, client):
    checked = 0
    for route, method in endpoints(app):
        if route.access.public:
            continue
        response = await client.request(method, concrete(route.path))
        checked += 1
        if method == "GET":
            assert response.status_code == 303, f"{method} {route.path}"
            assert response.headers["location"].startswith("/connexion?suite="), f"{method} {route.path}"
        else:
            assert response.status_code == 401, f"{method} {route.path}"
    assert checked >= 5


async def test_wrong_role_is_refused_on_every_route(app, client, users, login):
    checked = 0
    for role, user in users.items():
        client.cookies.clear()
        await login(client, user)
        token = await csrf_from(client, "/")
        for route, method in endpoints(app):
            if route.access.public or role in route.access.roles:
                continue
            data = {"csrf_token": token} if method != "GET" else None
            response = await client.request(method, concrete(route.path), data=data)
            checked += 1
            assert response.status_code == 403, f"{role} {method} {route.path}: {response.status_code}"
            assert "Accès refusé" in response.text
    assert checked >= 5


async def test_allowed_roles_are_let_through(app, client, users, login):
    for role, user in users.items():
        client.cookies.clear()
        await login(client, user)
        for route, method in endpoints(app):
            if method != "GET" or route.access.public or role not in route.access.roles:
                continue
            response = await client.get(concrete(route.path))
            assert response.status_code in (200, 404), f"{role} GET {route.path}: {response.status_code}"
            # what is behind a login is personal: no cache keeps it
            assert "no-store" in response.headers.get("cache-control", ""), f"{role} GET {route.path}"


async def test_public_pages_may_be_cached(client):
    response = await client.get("/connexion")
    assert response.status_code == 200 and "no-store" not in response.headers.get("cache-control", "")


async def test_static_files_are_public(client):
    response = await client.get("/static/css/criee.css")
    assert response.status_code == 200
    assert "body" in response.text


async def ws_handshake(app, path: str, cookie: str | None = None, origin: str | None = None) -> dict:
    """Open a websocket on the ASGI app in-process and return the server's first answer."""
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"criee_session={cookie}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "scheme": "ws", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "subprotocols": [], "asgi": {"version": "3.0"}, "app": app}
    sent: list[dict] = []
    first = asyncio.Event()
    incoming = [{"type": "websocket.connect"}]

    async def receive():
        if incoming:
            return incoming.pop(0)
        await first.wait()
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message):
        sent.append(message)
        first.set()

    await asyncio.wait_for(app(scope, receive, send), 5)
    # Refusals are an accept immediately followed by a close with the reason's code.
    closes = [m for m in sent if m["type"] == "websocket.close"]
    if sent and sent[0]["type"] == "websocket.accept" and closes:
        return closes[0]
    return sent[0]


def sockets(app):
    return [route for route in app.routes if isinstance(route, WebSocketRoute)]


async def test_websockets_declare_access_and_refuse_the_wrong_people(app, client, users, login):
    assert sockets(app), "no websocket routes found"
    for route in sockets(app):
        assert isinstance(getattr(route, "access", None), Access)
        if route.access.public:
            continue
        path = concrete(route.path)
        assert (await ws_handshake(app, path)) == {"type": "websocket.close", "code": 4401, "reason": ""}
        for role, user in users.items():
            client.cookies.clear()
            await login(client, user)
            answer = await ws_handshake(app, path, cookie=client.cookies.get("criee_session"))
            if role in route.access.roles:
                assert answer.get("code") != 4403 and answer.get("code") != 4401, f"{role} {path}"
            else:
                assert answer == {"type": "websocket.close", "code": 4403, "reason": ""}, f"{role} {path}"


async def test_staff_socket_refuses_another_sites_page(app, client, users, login):
    await login(client, users[Role.CLERK])
    cookie = client.cookies.get("criee_session")
    for route in sockets(app):
        if route.access.public:
            continue
        answer = await ws_handshake(app, concrete(route.path), cookie=cookie, origin="https://evil.example")
        assert answer["type"] == "websocket.close" and answer["code"] == 4403
