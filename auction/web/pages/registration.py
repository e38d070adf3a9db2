"""Bidder registration pages: the public form, the clerk's list and desk form; the registration's page and its
checks are bidder_checks.

The labels, choices and request helpers here serve the other registration pages too: identity scans
(id_scans), paddle cards (cards), the sale's rules (registration_rules), barred persons and blocking
(barred_persons), the bidder's own data (personal_data)."""
from __future__ import annotations

import logging
import math
from datetime import datetime

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.countries import COUNTRIES
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.bidder_checks import CHECK_KINDS
from auction.domain.id_scans import MAX_SCAN_BYTES, sniff_scan
from auction.domain.identity import DOCUMENT_TYPES
from auction.domain.lots import parse_lot_number
from auction.domain.registration import (BUYER_TYPES, CHANNELS, REQUEST_KINDS, REQUEST_MAX_ROWS, REQUEST_ROWS,
                                         TAX_RESIDENCES,
                                         RegistrationInput, clean_attestation, clean_registration)
from auction.domain.solvency import DEPOSIT_METHODS, SOLVENCY_KINDS, SOLVENCY_RULES
from auction.domain.office import clean_email
from auction.mail import deliver
from auction.models import Registration, Sale, utcnow
from auction.services import catalogue, id_scans, registration_mail, registration_rules
from auction.services import bidder_checks as checks
from auction.services import registration as service

from ..access import PUBLIC, STAFF, CSRF_FIELD, page, signing_secret
from ..errors import error_page
from ..forms import Refused, form_again_values, parse_int, path_id
from ..ratelimit import RegistrationLimits
from ..templates import render

log = logging.getLogger("criee.registration")

LABELS = {
    "first_name": "Prénom", "last_name": "Nom", "birth_date": "Date de naissance", "nationality": "Nationalité",
    "email": "Adresse électronique", "phone": "Téléphone", "address": "Adresse", "postcode": "Code postal",
    "city": "Commune", "country": "Pays de résidence", "tax_residence": "Résidence fiscale",
    "buyer_type": "Vous achetez", "company_name": "Raison sociale", "company_number": "SIREN ou SIRET",
    "representative_capacity": "Qualité du représentant", "document_type": "Type de pièce",
    "document_number": "Numéro de la pièce", "document_expires_on": "Date d'expiration",
    "document_country": "Pays de délivrance", "scan": "Copie de la pièce", "channel": "Vous enchérirez",
    "conditions": "Conditions de la vente", "document_first_names": "Prénoms sur la pièce",
    "document_last_name": "Nom sur la pièce", "solvency_kind": "Garantie", "solvency_amount": "Montant",
    "solvency_method": "Mode de versement", "solvency_reference": "Référence",
    **{f"request_{part}_{row}": f"Demande {row}, {what}" for part, what in (
        ("lot", "n° du lot"), ("kind", "type"), ("max", "montant maximum"), ("phone", "téléphone à appeler"))
       for row in range(1, REQUEST_MAX_ROWS + 1)},
}
CHOICES = {"countries": COUNTRIES, "channels": CHANNELS, "tax_residences": TAX_RESIDENCES, "buyer_types": BUYER_TYPES,
           "document_types": DOCUMENT_TYPES, "request_kinds": REQUEST_KINDS, "request_rows": REQUEST_ROWS,
           "request_max_rows": REQUEST_MAX_ROWS,
           "solvency_kinds": SOLVENCY_KINDS, "deposit_methods": DEPOSIT_METHODS, "solvency_rules": SOLVENCY_RULES,
           "check_kinds": CHECK_KINDS, "labels": LABELS}
REGISTRATION_DEFAULTS = {"nationality": "FR", "country": "FR", "document_country": "FR", "tax_residence": "france",
                         "buyer_type": "person", "document_type": "id_card"}


def _is_bidder(request: Request) -> bool:
    user = getattr(request.state, "user", None)
    return user is not None and user.role == "bidder"


async def form_with_scan(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The form's text fields, and the identity scan's first bytes (read up to the size limit + 1)."""
    form = await request.form()
    values = {key: str(value).strip() for key, value in form.items()
              if key != CSRF_FIELD and isinstance(value, str)}
    upload = form.get("scan")
    content = await upload.read(MAX_SCAN_BYTES + 1) if isinstance(upload, UploadFile) else None
    return values, content or None


async def _record(request: Request, values: dict[str, str], content: bytes | None, now: datetime, *, desk: bool,
                  more_errors: dict[str, str] | None = None, user_id: int | None = None,
                  bidder_id: int | None = None) -> tuple[Sale, RegistrationInput, Registration] | Response:
    """What the public form and the desk form share: check the form and the scan (required online, optional
    at the desk), keep the scan, then record the registration, removing the scan if it is not recorded.
    Returns what was recorded, or the response to send: the form again with its errors, or a 404."""
    sessions, private_dir = request.app.state.db.sessions, request.app.state.settings.private_dir
    form_page = _desk_form if desk else _public_form
    try:
        sale_id = path_id(request, "sale_id")
        sale, _ = await service.registration_sale(sessions, sale_id, public=not desk)
    except catalogue.NotFound:
        return error_page(request, 404)
    data, errors = clean_registration(values, service.sale_day(sale))
    errors.update({k: v for k, v in (more_errors or {}).items() if k not in errors})
    if content or not desk:
        try:
            sniff_scan(content or b"")
        except InvalidValue as exc:
            errors["scan"] = exc.message
    if errors:
        if not desk and "scan" not in errors:
            errors["scan"] = "Joignez de nouveau la copie de la pièce (le navigateur ne la garde pas)."
        return await form_page(request, values=values, errors=errors, status_code=400)
    scan = None
    try:
        if content:
            scan = await id_scans.store_scan(content, private_dir)
        registration = await service.register(sessions, sale_id, data, via="desk" if desk else "web", now=now,
                                              scan=scan, user_id=user_id, bidder_id=bidder_id)
    except service.AlreadyPending as exc:   # a second post of the same e-mail, in the same instant
        id_scans.remove_scan(private_dir, scan.path if scan else None)
        return await _pending_answer(request, values, exc)
    except (InvalidValue, service.RegistrationRefused) as exc:
        id_scans.remove_scan(private_dir, scan.path if scan else None)
        return await form_page(request, values=values, errors={exc.field or "form": exc.message}, status_code=400)
    except catalogue.NotFound:
        id_scans.remove_scan(private_dir, scan.path if scan else None)
        return error_page(request, 404)
    except BaseException:
        id_scans.remove_scan(private_dir, scan.path if scan else None)   # nothing half-saved
        raise
    return sale, data, registration


# --- public: the online pre-registration -----------------------------------------------------------

async def _public_form(request: Request, *, values=None, errors=None, status_code=200,
                       pending: str | None = None) -> Response:
    """The public form; `pending`: the notice that the typed e-mail has a registration waiting, shown with
    the button sending its confirmation e-mail again."""
    try:
        sale, rule = await service.registration_sale(request.app.state.db.sessions, path_id(request, "sale_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    if values is None:
        values = _lot_from_link(request)
    return render(request, "registration/form.html", {
        **CHOICES, "sale": sale, "rule": rule, "values": {**REGISTRATION_DEFAULTS, **(values or {})},
        **request_context(await service.request_lots(request.app.state.db.sessions, sale.id)),
        "errors": errors or {}, "open": sale.status in service.REGISTRATION_OPEN_STATUSES,
        "scan_required": True, "pending": pending,
    }, status_code=status_code)


def lot_key(text: str) -> str:
    """A lot number as typed, the way the form's script compares it: "12 BIS", "12bis", "012 bis" → "12bis"."""
    key = "".join((text or "").split()).lower()
    return key.lstrip("0") if key.lstrip("0")[:1].isdigit() else key


def lot_echo(lots: list[service.RequestLot], text: str) -> str:
    """What a request row says under its lot number: the lot's title, or why there is none (the form's
    script says the same as the number is typed: frontend/static/js/bid-requests.js)."""
    key = lot_key(text)
    if not key:
        return ""
    for lot in lots:
        if lot_key(lot.label) == key:
            return f"Lot {lot.label} : {lot.title}" + (" — retiré de la vente" if lot.withdrawn else "")
    return f"Aucun lot n° {text.strip()} dans cette vente."


def request_context(lots: list[service.RequestLot]) -> dict:
    """What the absentee orders and phone requests of a registration form need (registration/_requests.html)."""
    return {"request_lots": lots, "lot_key": lot_key, "lot_echo": lambda text: lot_echo(lots, text)}


def _lot_from_link(request: Request) -> dict[str, str]:
    """A lot page's "Laisser un ordre d'achat" opens the form with that lot on the first row."""
    try:
        lot = parse_lot_number(request.query_params.get("lot", ""))
    except InvalidValue:
        return {}
    return {"request_lot_1": lot.label, "request_kind_1": "absentee"}


async def public_form(request: Request) -> Response:
    return await _public_form(request)


async def _pending_answer(request: Request, values: dict[str, str], exc: service.AlreadyPending) -> Response:
    """A second registration of the same e-mail for the sale: nothing kept, the form again, pointing to
    the waiting one (by its number only: nothing of it the registrant did not type) with a resend button."""
    return await _public_form(request, values=values, status_code=409, pending=exc.message)


async def public_form_again(request: Request, refused: Refused) -> Response:
    """A field the request checks refused (a control character, too long): the form again, in French."""
    errors = {refused.field: refused.message}
    errors.setdefault("scan", "Joignez de nouveau la copie de la pièce (le navigateur ne la garde pas).")
    return await _public_form(request, values=await form_again_values(request, refused), errors=errors,
                              status_code=400)


async def desk_form_again(request: Request, refused: Refused) -> Response:
    return await _desk_form(request, values=await form_again_values(request, refused), status_code=400,
                            errors={refused.field: refused.message})


def registration_limits(app) -> RegistrationLimits:
    limits = getattr(app.state, "registration_limits", None)
    if limits is None:
        limits = app.state.registration_limits = RegistrationLimits(app.state.limit_store,
                                                                    app.state.settings.secret_key.encode())
    return limits


def _throttled(wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return (f"Trop de demandes d'inscription envoyées d'ici ou pour cette adresse électronique : "
            f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''}, ou appelez l'étude.")


async def public_register(request: Request) -> Response:
    settings = request.app.state.settings
    limits = registration_limits(request.app)
    address = request.client.host if request.client else None
    values, content = await form_with_scan(request)
    wait = await limits.check(address, values.get("email", ""))
    if wait is not None:   # before anything is kept: no scan stored, no registration, no e-mail
        log.warning("registration throttled", extra={"retry_after": math.ceil(wait)})   # no client address: personal data
        return await _public_form(request, values=values, errors={"form": _throttled(wait)}, status_code=429)
    sessions = request.app.state.db.sessions
    try:
        typed = clean_email(values.get("email", ""))
    except InvalidValue:
        typed = ""   # the form's checks say why
    try:
        pending = await registration_mail.pending_registration(sessions, path_id(request, "sale_id"), typed)
    except catalogue.NotFound:
        return error_page(request, 404)
    if pending is not None:   # before anything is kept: no scan stored, nothing written, no e-mail
        return await _pending_answer(request, values, service.AlreadyPending(pending))
    now = utcnow()
    recorded = await _record(request, values, content, now, desk=False,
                             user_id=request.state.user.id if _is_bidder(request) else None)
    if isinstance(recorded, Response):
        return recorded
    sale, data, registration = recorded
    base_url = settings.public_url or str(request.base_url)   # behind a proxy, set CRIEE_PUBLIC_URL
    details = data.bidder
    mail = registration_mail.confirmation_mail(signing_secret(request), base_url, sale, registration, details.email,
                                               details.first_name, details.last_name, now)
    response = RedirectResponse(f"/ventes/{sale.id}/inscription/envoyee", status_code=303)
    if await limits.may_mail(address):
        response.background = BackgroundTask(deliver, settings, mail)
    else:   # the registration is kept for the clerk, whose page says so and can send the e-mail again
        log.warning("confirmation e-mail not sent: hourly cap", extra={"registration_id": registration.id})
        await registration_mail.record_withheld(sessions, sale.id, registration.id, now)
    return response


async def public_sent(request: Request) -> Response:
    try:
        sale, _ = await service.registration_sale(request.app.state.db.sessions, path_id(request, "sale_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "registration/sent.html", {"sale": sale})


# --- staff: list, desk form, checks --------------------------------------------------------------------

async def registrations_list(request: Request) -> Response:
    sessions = request.app.state.db.sessions
    try:
        sale_id = path_id(request, "sale_id")
        sale, _ = await service.registration_sale(sessions, sale_id, public=False)
        rows = await service.sale_registrations(sessions, sale_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    ranges, rule = await registration_rules.sale_rules(sessions, sale_id)
    unsent = await registration_mail.unsent(sessions, sale_id)
    return render(request, "staff/registrations.html", {**CHOICES, "sale": sale, "rows": rows, "ranges": ranges,
                                                        "rule": rule, "unsent": unsent})


def _bidder_values(bidder, latest) -> dict[str, str]:
    values = {name: str(getattr(bidder, name) or "") for name in (
        "first_name", "last_name", "nationality", "email", "phone", "address", "postcode", "city", "country",
        "tax_residence", "buyer_type", "company_name", "company_number", "representative_capacity")}
    values["birth_date"] = bidder.birth_date.isoformat() if bidder.birth_date else ""
    values["bidder_id"] = str(bidder.id)
    if latest is not None:
        values.update(document_type=latest.document_type, document_number=latest.document_number,
                      document_country=latest.document_country, channel=latest.channel,
                      document_expires_on=latest.document_expires_on.isoformat() if latest.document_expires_on else "")
    return values


async def _desk_form(request: Request, *, values=None, errors=None, status_code=200) -> Response:
    sessions = request.app.state.db.sessions
    try:
        sale_id = path_id(request, "sale_id")
        sale, rule = await service.registration_sale(sessions, sale_id, public=False)
        query = request.query_params.get("q", "").strip()[:100]
        found = await service.find_bidders(sessions, query, signing_secret(request)) if query else []
        if values is None:
            values = {"channel": "room"}
            chosen = request.query_params.get("encherisseur", "")
            if parse_int(chosen) is not None:
                values = _bidder_values(*await service.returning_bidder(sessions, parse_int(chosen)))
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "staff/registration_new.html", {
        **CHOICES, "sale": sale, "rule": rule, "query": query, "found": found,
        **request_context(await service.request_lots(sessions, sale.id)),
        "values": {**REGISTRATION_DEFAULTS, "channel": "room", **values}, "errors": errors or {},
        "open": sale.status in service.REGISTRATION_OPEN_STATUSES,
        "scan_required": False,
    }, status_code=status_code)


async def desk_form(request: Request) -> Response:
    return await _desk_form(request)


async def desk_register(request: Request) -> Response:
    """The clerk's fast path: the same data and the same checks; all passed, a paddle at once."""
    values, content = await form_with_scan(request)
    attestation, attestation_errors = clean_attestation(values)
    bidder_id = parse_int(values.get("bidder_id"))
    now = utcnow()
    recorded = await _record(request, values, content, now, desk=True, more_errors=attestation_errors,
                             bidder_id=bidder_id)
    if isinstance(recorded, Response):
        return recorded
    sale, _, registration = recorded
    target = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}"
    try:
        outcome = await checks.verify(request.app.state.db.sessions, sale.id, registration.id, attestation,
                                       request.state.user.id, now)
    except DomainError as exc:   # e.g. no paddle number left: the registration stays, to be checked again
        return RedirectResponse(f"{target}?ok=inscrit&erreur={exc.code}", status_code=303)
    return RedirectResponse(f"{target}?ok={'panneau' if outcome.paddle else 'controles'}", status_code=303)


routes = [
    page("/ventes/{sale_id}/inscription", public_form, access=PUBLIC),
    page("/ventes/{sale_id}/inscription", public_register, access=PUBLIC, methods=("POST",),
         form_again=(LABELS, public_form_again)),
    page("/ventes/{sale_id}/inscription/envoyee", public_sent, access=PUBLIC),
    # Specific paths, before bidder_checks.routes (and registration_rules.routes before these).
    page("/bureau/ventes/{sale_id}/inscriptions", registrations_list, access=STAFF),
    page("/bureau/ventes/{sale_id}/inscriptions", desk_register, access=STAFF, methods=("POST",),
         form_again=(LABELS, desk_form_again)),
    page("/bureau/ventes/{sale_id}/inscriptions/nouvelle", desk_form, access=STAFF),
]
