"""The registration's page (the clerk's checks before a paddle): the preview of every check, the
clerk's reading of the document and solvency, the verification, the officer's clearance of a
homonym of a barred person, and the withdrawal of a registration without a paddle."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import DomainError, InvalidValue
from auction.domain.registration import clean_attestation
from auction.models import utcnow
from auction.services import barred_clearances, catalogue, registration_mail
from auction.services import bidder_checks as checks
from auction.services import registration as service

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict, path_id
from ..templates import render
from .registration import CHOICES


def _attestation_values(registration) -> dict[str, str]:
    values = {
        "document_type": registration.document_type, "document_number": registration.document_number,
        "document_expires_on": registration.document_expires_on.isoformat() if registration.document_expires_on else "",
        "document_country": registration.document_country or "FR",
        "document_first_names": registration.document_first_names,
        "document_last_name": registration.document_last_name,
        "document_seen": "1" if registration.document_seen else "",
        "solvency_kind": registration.solvency_kind or "", "solvency_method": registration.solvency_method or "",
        "solvency_reference": registration.solvency_reference,
        "solvency_amount": (f"{registration.solvency_amount_cents / 100:.2f}".replace(".", ",")
                            if registration.solvency_amount_cents else ""),
    }
    return values


async def render_detail(request: Request, *, values=None, errors=None, status_code=200, results=None) -> Response:
    try:
        detail = await checks.registration_detail(request.app.state.db.sessions, path_id(request, "sale_id"),
                                                   path_id(request, "registration_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    cleared = await barred_clearances.clearances(request.app.state.db.sessions, detail.registration.id)
    mails = await registration_mail.mail_history(request.app.state.db.sessions, detail.sale.id,
                                                 detail.registration.id)
    return render(request, "staff/registration.html", {
        **CHOICES, "d": detail, "sale": detail.sale, "rule": detail.rule, "r": detail.registration, "bidder": detail.bidder,
        "clearances": cleared, "mails": mails,
        "values": values or _attestation_values(detail.registration), "errors": errors or {},
        "results": results or detail.preview, "notice": request.query_params.get("ok"),
        "failure": request.query_params.get("erreur"),
        "open": detail.sale.status in service.REGISTRATION_OPEN_STATUSES,
    }, status_code=status_code)


async def registration_page(request: Request) -> Response:
    return await render_detail(request)


async def verify_registration(request: Request) -> Response:
    form = await form_dict(request)
    attestation, errors = clean_attestation(form)
    if errors:
        return await render_detail(request, values=form, errors=errors, status_code=400)
    try:
        sale_id, registration_id = path_id(request, "sale_id"), path_id(request, "registration_id")
        outcome = await checks.verify(request.app.state.db.sessions, sale_id, registration_id, attestation,
                                       request.state.user.id, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    except (service.AlreadyVerified, service.RegistrationRefused) as exc:
        return error_page(request, 409, exc.message)
    except DomainError as exc:
        return await render_detail(request, values=form, errors={"form": exc.message}, status_code=409)
    if outcome.paddle is None:
        return await render_detail(request, values=form, results=outcome.results, status_code=400,
                             errors={"form": "Contrôles non satisfaits : aucun panneau n'a été attribué."})
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/{registration_id}?ok=panneau", status_code=303)


async def clear_homonym(request: Request) -> Response:
    """The officer finds that the barred person this bidder matches is someone else."""
    form = await form_dict(request)
    try:
        sale_id, registration_id = path_id(request, "sale_id"), path_id(request, "registration_id")
        await barred_clearances.clear_homonym(request.app.state.db.sessions, sale_id, registration_id,
                                              form.get("reason", ""), request.state.user.id, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    except (service.AlreadyVerified, service.RegistrationRefused) as exc:
        return error_page(request, 409, exc.message)
    except InvalidValue as exc:
        return await render_detail(request, errors={"homonym_reason": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/{registration_id}?ok=homonyme", status_code=303)


async def cancel_registration(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        await service.cancel_registration(request.app.state.db.sessions, request.app.state.settings.private_dir,
                                          sale_id, path_id(request, "registration_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    except service.AlreadyVerified as exc:
        return error_page(request, 409, exc.message)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions", status_code=303)


routes = [   # after registration.routes: /inscriptions/nouvelle is not a registration id
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}", registration_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/homonyme", clear_homonym, access=OFFICER,
         methods=("POST",)),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/verifier", verify_registration, access=STAFF,
         methods=("POST",)),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/annuler", cancel_registration, access=STAFF,
         methods=("POST",)),
]
