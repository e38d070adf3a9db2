"""Every route of the app declares who may call it, and refuses everyone else.

The test enumerates the app's routes: a new route is covered as soon as it exists, and the app
refuses to start if a route forgets its rule.
"""
import re

import pytest
from starlette.routing import Mount, Route

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


async def test_static_files_are_public(client):
    response = await client.get("/static/css/criee.css")
    assert response.status_code == 200
    assert "body" in response.text
