"""The confirmation e-mail sent again: by the registrant, from the public form that refused a second
registration of their e-mail (throttled per e-mail, and counted in the client address's hourly cap of
confirmation e-mails), and by the clerk, from the registration's page (audited, listed there)."""
from __future__ import annotations

import logging
import math

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import DomainError
from auction.mail import deliver
from auction.models import utcnow
from auction.services import catalogue, registration_mail
from auction.services import registration as service

from ..access import PUBLIC, STAFF, page, signing_secret
from ..errors import error_page
from ..forms import form_dict, path_id
from ..templates import render
from .bidder_checks import render_detail
from .registration import _public_form, registration_limits

log = logging.getLogger("criee.registration")


def base_url(request: Request) -> str:
    return request.app.state.settings.public_url or str(request.base_url)   # behind a proxy: CRIEE_PUBLIC_URL


def _too_many(wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return (f"Trop de demandes de renvoi du courriel de confirmation : réessayez dans {minutes} "
            f"minute{'s' if minutes > 1 else ''}, ou appelez l'étude.")


async def public_resend(request: Request) -> Response:
    """The registrant's "send the confirmation e-mail again": to the address their waiting registration
    holds (the one they typed), never to another."""
    limits = registration_limits(request.app)
    address = request.client.host if request.client else None
    values = await form_dict(request)
    email = values.get("email", "")
    again = {"email": email}
    wait = await limits.check_resend(email, address)
    if wait is not None:
        log.warning("confirmation resend throttled", extra={"retry_after": math.ceil(wait)})   # no client address
        return await _public_form(request, values=again, errors={"form": _too_many(wait)}, status_code=429)
    try:
        sale_id = path_id(request, "sale_id")
        mail = await registration_mail.resend_for_registrant(request.app.state.db.sessions, signing_secret(request),
                                                             base_url(request), sale_id, email, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    except service.RegistrationRefused as exc:
        return await _public_form(request, values=again, errors={exc.field or "form": exc.message}, status_code=400)
    return RedirectResponse(f"/ventes/{sale_id}/inscription/renvoyee", status_code=303,
                            background=BackgroundTask(deliver, request.app.state.settings, mail))


async def public_resent(request: Request) -> Response:
    try:
        sale, _ = await service.registration_sale(request.app.state.db.sessions, path_id(request, "sale_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "registration/resent.html", {"sale": sale})


async def staff_resend(request: Request) -> Response:
    """The clerk sends a lost confirmation e-mail again, from the registration's page."""
    try:
        sale_id, registration_id = path_id(request, "sale_id"), path_id(request, "registration_id")
        sent = await registration_mail.resend_by_staff(
            request.app.state.settings, request.app.state.db.sessions, signing_secret(request), base_url(request),
            sale_id, registration_id, user_id=request.state.user.id, now=utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return await render_detail(request, errors={"resend": exc.message}, status_code=409)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/{registration_id}"
                            f"?ok={'courriel' if sent else 'courriel-non-envoye'}#courriel", status_code=303)


routes = [
    page("/ventes/{sale_id}/inscription/renvoyer", public_resend, access=PUBLIC, methods=("POST",)),
    page("/ventes/{sale_id}/inscription/renvoyee", public_resent, access=PUBLIC),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/courriel", staff_resend, access=STAFF,
         methods=("POST",)),
]
