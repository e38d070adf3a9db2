"""Error pages in French. Users never see a stack trace; the log gets it."""
from __future__ import annotations

import logging
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Route

from .access import login_redirect
from .templates import render

log = logging.getLogger("criee.web")

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être comprise."),
    401: ("Connexion requise", "Connectez-vous pour accéder à cette page."),
    403: ("Accès refusé", "Votre compte ne permet pas d'accéder à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est plus publiée."),
    405: ("Action impossible", "Cette action n'est pas permise sur cette page."),
    409: ("Modification refusée", "Cet enregistrement ne peut plus être modifié."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille permise."),
    500: ("Erreur interne", "Une erreur est survenue de notre côté. Elle a été enregistrée ; réessayez dans un instant."),
}


FORM_ADDRESS = ("Adresse d'un formulaire",
                "Cette adresse reçoit un formulaire envoyé par un bouton de Criée. Ouverte directement (un lien, "
                "un favori, une page rechargée), elle n'a rien à afficher : rien n'a été fait ni enregistré.")


def error_page(request: Request, status: int, detail: str | None = None, *, title: str | None = None,
               back: str | None = None, headers: dict[str, str] | None = None) -> Response:
    default_title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    response = render(request, "error.html", {"title": title or default_title, "message": detail or message,
                                              "status": status, "back": back}, status_code=status)
    response.headers.update(headers or {})
    return response


def login_required_response(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        return login_redirect(request)
    return error_page(request, 401)


def forbidden_response(request: Request) -> Response:
    return error_page(request, 403)


def csrf_failed_response(request: Request) -> Response:
    return error_page(request, 403, "La page a expiré ou le formulaire ne vient pas de Criée. "
                                    "Rechargez la page et recommencez.")


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405 and request.method in ("GET", "HEAD"):
        from .access import current_user
        request.state.user = await current_user(request)   # the page's header as on any other page
        return form_address_page(request, dict(exc.headers or {}))
    return error_page(request, exc.status_code, headers=dict(exc.headers or {}))


def form_address_page(request: Request, headers: dict[str, str]) -> Response:
    """A GET on an address that only takes a form's POST (every such route, from the router's 405):
    say so in French and link to the nearest page above it, instead of a bare refusal."""
    return error_page(request, 405, FORM_ADDRESS[1], title=FORM_ADDRESS[0], back=page_above(request),
                      headers=headers)


def page_above(request: Request) -> str:
    """The nearest address above the request's path that a GET route of the app serves (the sale
    above `/bureau/ventes/1/lots`, the registration above `/inscriptions/5/verifier`); `/` if none."""
    path = request.url.path.rstrip("/")
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        candidate = path or "/"
        scope = {"type": "http", "path": candidate, "method": "GET", "root_path": ""}
        for route in request.app.routes:
            if isinstance(route, Route) and "GET" in (route.methods or ()) and \
                    route.matches(scope)[0] == Match.FULL:
                return candidate
    return "/"


def route_of(scope) -> str:
    """The route's path as declared (`/ventes/{sale_id:id}/inscription`): what failed, without the
    ids or the query a user gave."""
    for route in scope["app"].routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "path", "?")
    return "?"


class ErrorPages:
    """ASGI middleware: every request gets an id (`request.state.request_id`, the `x-request-id`
    header); an exception an endpoint lets through is logged once, here (its type, the route, the
    request id and the stack, never its message, the form or the SQL parameters), and answered with
    the French error page naming the request id. Nothing is re-raised: the server does not log it a
    second time."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def tracked(message):
            nonlocal started
            if message["type"] in ("http.response.start", "websocket.accept", "websocket.close",
                                   "websocket.http.response.start"):
                started = True
                if message["type"] == "http.response.start":
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:  # noqa: BLE001 - the last line: logged once, answered in French
            log.error("unhandled error", exc_info=exc, extra={
                "error": f"{type(exc).__module__}.{type(exc).__qualname__}", "route": route_of(scope),
                "method": scope.get("method", "WEBSOCKET"), "request_id": request_id})
            if scope["type"] == "http" and not started:
                response = server_error_page(Request(scope, receive), request_id)
                await response(scope, receive, send)


def server_error_page(request: Request, request_id: str) -> Response:
    detail = f"{MESSAGES[500][1]} Référence de l'erreur : {request_id}."
    try:
        response = error_page(request, 500, detail)
    except Exception:  # noqa: BLE001 - the page itself failed (a template, the database): plain text
        response = PlainTextResponse(f"Erreur interne. {detail}", status_code=500)
    response.headers["x-request-id"] = request_id
    return response
