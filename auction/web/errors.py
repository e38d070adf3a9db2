"""Error pages in French. Users never see a stack trace; the log gets it."""
from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

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


def error_page(request: Request, status: int, detail: str | None = None) -> Response:
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render(request, "error.html", {"title": title, "message": detail or message, "status": status},
                  status_code=status)


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
    return error_page(request, exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc, extra={"path": request.url.path, "method": request.method})
    return error_page(request, 500)
