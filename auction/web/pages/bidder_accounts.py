"""The bidder's account, made from the e-mail confirmation link of an online registration."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.signing import TokenRefused
from auction.models import utcnow
from auction.services import accounts
from auction.services.bidder_accounts import create_bidder_account
from auction.services.registration import confirm_email as confirm_email_address

from ..access import PUBLIC, SESSION_COOKIE, page, set_cookie, signing_secret
from ..errors import error_page
from ..forms import form_dict
from ..templates import render


async def _confirmed_page(request: Request, *, errors=None, status_code=200) -> Response:
    """Confirms the address (idempotent) and offers the account when the bidder has none yet."""
    token = request.path_params["token"]
    try:
        registration, sale = await confirm_email_address(request.app.state.db.sessions, signing_secret(request), token,
                                                         utcnow())
    except TokenRefused as exc:
        return error_page(request, 400, exc.message)
    offer = registration.bidder.user_id is None and request.state.user is None
    return render(request, "registration/confirmed.html", {
        "sale": sale, "offer_account": offer, "email": registration.bidder.email,
        "action": f"/inscription/confirmer/{token}/compte", "errors": errors or {}, "values": {},
    }, status_code=status_code)


async def confirm_email(request: Request) -> Response:
    return await _confirmed_page(request)


async def create_account(request: Request) -> Response:
    form = await form_dict(request)
    try:
        account = await create_bidder_account(request.app.state.db.sessions, signing_secret(request),
                                              request.path_params["token"], form.get("password", ""),
                                              form.get("confirmation", ""), utcnow())
    except TokenRefused as exc:
        return error_page(request, 400, exc.message)
    except InvalidValue as exc:
        return await _confirmed_page(request, errors={exc.field or "password": exc.message}, status_code=400)
    response = RedirectResponse("/mon-espace?compte=cree", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, account.session_token,
               max_age=int(accounts.SESSION_LIFETIME.total_seconds()))
    return response


routes = [
    page("/inscription/confirmer/{token:str}", confirm_email, access=PUBLIC),
    page("/inscription/confirmer/{token:str}/compte", create_account, access=PUBLIC, methods=("POST",)),
]
