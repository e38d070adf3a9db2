"""Access rules declared per route, the session cookie, and CSRF protection of every form.

Every route of the app is built with `page()` (or `public_mount()`), which records its `Access`
rule on the route, reads every path parameter as an id (`auction.web.convertors`; `{token:str}` for
a text) and checks what the request sends (`auction.web.forms.refusal`) before its endpoint runs; `create_app` refuses a route without one, and the route-access test enumerates
them all.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket

from auction.domain.roles import Role
from auction.models import User, utcnow
from auction.services import accounts

from .convertors import with_ids

SESSION_COOKIE = "criee_session"
CSRF_COOKIE = "criee_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Access:
    """Who may call a route: nobody logged in needed (`public`), or one of `roles`."""

    public: bool
    roles: frozenset[Role] = frozenset()

    def allows(self, user: User | None) -> bool:
        if self.public:
            return True
        return user is not None and user.role_enum in self.roles

    def describe(self) -> str:
        return "public" if self.public else "+".join(sorted(r.value for r in self.roles))


PUBLIC = Access(public=True)
STAFF = Access(public=False, roles=frozenset({Role.OFFICER, Role.CLERK}))
OFFICER = Access(public=False, roles=frozenset({Role.OFFICER}))
BIDDER = Access(public=False, roles=frozenset({Role.BIDDER}))
SIGNED_IN = Access(public=False, roles=frozenset(Role))

Endpoint = Callable[[Request], Awaitable[Response]]
# A form's labels, and the page showing it again for a refused field (given forms.Refused).
FormAgain = tuple[Mapping[str, str], Callable[[Request, Any], Awaitable[Response]]]


def page(path: str, endpoint: Endpoint, *, access: Access, methods: tuple[str, ...] = ("GET",),
         name: str | None = None, form_again: FormAgain | None = None) -> Route:
    """A route whose endpoint runs only for users its `access` rule allows, with CSRF on unsafe methods.

    `form_again` is (the form's labels, a page showing the form again with an error per field): a field
    the request checks refuse (a control character, too long) is answered by it rather than by the
    bare error page."""

    async def guarded(request: Request) -> Response:
        user = await current_user(request)
        request.state.user = user
        if not access.allows(user):
            from .errors import forbidden_response, login_required_response
            if user is None:
                return login_required_response(request)
            return forbidden_response(request)
        if request.method in UNSAFE_METHODS and not await csrf_ok(request):
            from .errors import csrf_failed_response
            return csrf_failed_response(request)
        from .forms import refusal
        refused = await refusal(request, form_again[0] if form_again else None)
        if refused is not None:
            if form_again and refused.field:
                return await form_again[1](request, refused)
            from .errors import error_page
            return error_page(request, refused.status, refused.message)
        response = await endpoint(request)
        _ensure_csrf_cookie(request, response)
        if not access.public and "cache-control" not in response.headers:
            # Behind a login: names, addresses, phone numbers. Kept by no cache, shared or not.
            response.headers["cache-control"] = "no-store, private"
        return response

    route = Route(with_ids(path), guarded, methods=list(methods), name=name or endpoint.__name__)
    route.access = access  # type: ignore[attr-defined]
    return route


def socket(path: str, endpoint, *, access: Access, name: str | None = None) -> WebSocketRoute:
    """A websocket route: the handshake is refused (before accept) to those `access` does not allow,
    and to pages of another site (a cross-site page cannot ride the user's cookie)."""

    async def refuse(websocket: WebSocket, code: int) -> None:
        # Accept first: a close before accept reaches the browser as a bare HTTP 403 (code 1006),
        # and the screen could not tell "log in again" from "network down".
        await websocket.accept()
        await websocket.close(code=code)

    async def guarded(websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        if not access.public and origin and urlsplit(origin).netloc != websocket.headers.get("host"):
            await refuse(websocket, CLOSE_FORBIDDEN)
            return
        token = websocket.cookies.get(SESSION_COOKIE, "")
        user = await accounts.session_user(websocket.app.state.db.sessions, token, utcnow())
        if not access.allows(user):
            await refuse(websocket, CLOSE_UNAUTHENTICATED if user is None else CLOSE_FORBIDDEN)
            return
        websocket.state.user = user
        await endpoint(websocket)

    route = WebSocketRoute(with_ids(path), guarded, name=name or endpoint.__name__)
    route.access = access  # type: ignore[attr-defined]
    return route


CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


def public_mount(path: str, app, name: str) -> Mount:
    mount = Mount(path, app=app, name=name)
    mount.access = PUBLIC  # type: ignore[attr-defined]
    return mount


async def current_user(request: Request) -> User | None:
    if "user" in request.state._state:
        return request.state.user
    token = request.cookies.get(SESSION_COOKIE, "")
    return await accounts.session_user(request.app.state.db.sessions, token, utcnow())


# --- CSRF: a random cookie, and a form token that is its HMAC bound to the login session ----------

def _csrf_cookie_value(request: Request) -> str:
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not value:
        value = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = value
    return value


def signing_secret(request: Request) -> bytes:
    """The key the app signs with: CSRF tokens, e-mail links, paddle cards, e-mail tags."""
    return request.app.state.settings.secret_key.encode()


def csrf_token(request: Request) -> str:
    """The token to put in every form of this page."""
    secret = signing_secret(request)
    message = f"{_csrf_cookie_value(request)}|{request.cookies.get(SESSION_COOKIE, '')}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


async def csrf_ok(request: Request) -> bool:
    if not request.cookies.get(CSRF_COOKIE):
        return False
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form: FormData = await request.form()
        sent = str(form.get(CSRF_FIELD, ""))
    return hmac.compare_digest(sent, csrf_token(request))


def _ensure_csrf_cookie(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf_cookie", None)
    if new:
        set_cookie(request, response, CSRF_COOKIE, new, max_age=None)


def set_cookie(request: Request, response: Response, key: str, value: str, *, max_age: int | None) -> None:
    response.set_cookie(key, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/connexion?suite={quote(target)}", status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths may follow a login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
