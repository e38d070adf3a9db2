"""Login and logout pages."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.models import utcnow
from auction.services import accounts

from ..access import PUBLIC, SESSION_COOKIE, SIGNED_IN, page, safe_next, set_cookie
from ..forms import form_dict
from ..templates import render


def home_for(user) -> str:
    return "/bureau" if user.role_enum.is_staff else "/mon-espace"


async def login_form(request: Request) -> Response:
    user = request.state.user
    if user is not None:
        return RedirectResponse(safe_next(request.query_params.get("suite"), home_for(user)), status_code=303)
    return render(request, "login.html", {"email": "", "suite": request.query_params.get("suite", "")})


async def login(request: Request) -> Response:
    form = await form_dict(request)
    suite = form.get("suite", "")
    try:
        token, user = await accounts.log_in(request.app.state.db.sessions, form.get("email", ""),
                                            form.get("password", ""), utcnow())
    except accounts.LoginFailed:
        return render(request, "login.html", {
            "email": form.get("email", ""), "suite": suite,
            "error": "Adresse électronique ou mot de passe incorrect.",
        }, status_code=400)
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
