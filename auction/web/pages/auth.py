"""Login and logout pages."""
from __future__ import annotations

import logging
import math

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.models import utcnow
from auction.services import accounts

from ..access import PUBLIC, SESSION_COOKIE, SIGNED_IN, page, safe_next, set_cookie, signing_secret
from ..forms import form_dict
from ..ratelimit import LoginRefused, LoginThrottle, email_tag
from ..templates import render

log = logging.getLogger("criee.auth")


def home_for(user) -> str:
    return "/bureau" if user.role_enum.is_staff else "/mon-espace"


async def login_form(request: Request) -> Response:
    user = request.state.user
    if user is not None:
        return RedirectResponse(safe_next(request.query_params.get("suite"), home_for(user)), status_code=303)
    return render(request, "login.html", {"email": "", "suite": request.query_params.get("suite", "")})


def login_throttle(app) -> LoginThrottle:
    throttle = getattr(app.state, "login_throttle", None)
    if throttle is None:
        throttle = app.state.login_throttle = LoginThrottle(app.state.limit_store,
                                                            app.state.settings.secret_key.encode())
    return throttle


def throttled_message(refused: LoginRefused) -> str:
    minutes = f"{refused.minutes} minute{'s' if refused.minutes > 1 else ''}"
    return f"Trop de tentatives de connexion. Par sécurité, réessayez dans {minutes}."


async def login(request: Request) -> Response:
    form = await form_dict(request)
    suite, email = form.get("suite", ""), form.get("email", "")
    throttle = login_throttle(request.app)
    address = request.client.host if request.client else None
    refused = await throttle.attempt(email, address)
    if refused is not None:     # before the password check: a guess costs nothing here
        log.warning("login throttled", extra={
            "reason": f"too_many_attempts_{refused.reason}", "address": address,
            "email_tag": email_tag(signing_secret(request), email),
            "retry_after": math.ceil(refused.retry_after)})
        response = render(request, "login.html", {"email": email, "suite": suite,
                                                  "error": throttled_message(refused)}, status_code=429)
        response.headers["Retry-After"] = str(math.ceil(refused.retry_after))
        return response
    try:
        token, user = await accounts.log_in(request.app.state.db.sessions, email, form.get("password", ""), utcnow())
    except accounts.LoginFailed:
        return render(request, "login.html", {
            "email": email, "suite": suite,
            "error": "Adresse électronique ou mot de passe incorrect.",
        }, status_code=400)
    await throttle.succeeded(email, address)
    response = RedirectResponse(safe_next(suite, home_for(user)), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token,
               max_age=int(accounts.SESSION_LIFETIME.total_seconds()))
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await accounts.log_out(request.app.state.db.sessions, token)
    response = RedirectResponse("/connexion?deconnecte=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    page("/connexion", login_form, access=PUBLIC),
    page("/connexion", login, access=PUBLIC, methods=("POST",)),
    page("/deconnexion", logout, access=SIGNED_IN, methods=("POST",)),
]
