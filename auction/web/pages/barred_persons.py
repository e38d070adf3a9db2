"""Who may not bid: the officer's barred persons (listed on the rules page), and the blocking of a
bidder after a default of payment."""
from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.registration import parse_date
from auction.models import utcnow
from auction.services import barred_persons, catalogue

from ..access import OFFICER, page, safe_next
from ..errors import error_page
from ..forms import form_dict, parse_int, path_id
from .registration_rules import render_rules


async def add_barred(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    name = " ".join(form.get("full_name", "").split())
    reason = " ".join(form.get("reason", "").split())
    if not name or len(name) > 200:
        errors["full_name"] = "Nom et prénom de la personne exclue (200 caractères au plus)."
    if not reason or len(reason) > 300:
        errors["reason"] = "Motif de l'exclusion (300 caractères au plus)."
    birth_date: date | None = None
    if form.get("birth_date"):
        try:
            birth_date = parse_date(form["birth_date"], "birth_date", "Date de naissance")
        except InvalidValue as exc:
            errors["birth_date"] = exc.message
    case = form.get("case_id", "")
    case_id = parse_int(case)
    try:
        sale_id = path_id(request, "sale_id")
        if not errors:
            await barred_persons.add_barred_person(request.app.state.db.sessions, sale_id, case_id, name, birth_date,
                                                   reason, request.state.user.id)
    except catalogue.NotFound:
        return error_page(request, 404)
    except InvalidValue as exc:
        errors[exc.field or "full_name"] = exc.message
    if errors:
        return await render_rules(request, errors=errors, status_code=400)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/regles?ok=exclusion#exclusions", status_code=303)


async def remove_barred(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        await barred_persons.remove_barred_person(request.app.state.db.sessions, path_id(request, "barred_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/regles?ok=retire#exclusions", status_code=303)


async def block_bidder(request: Request) -> Response:
    form = await form_dict(request)
    reason = " ".join(form.get("reason", "").split())[:300]
    unblock = form.get("unblock") == "1"
    if not unblock and not reason:
        return error_page(request, 400, "Indiquez le motif du blocage (défaut de paiement, vente, lot).")
    try:
        await barred_persons.set_blocked(request.app.state.db.sessions, path_id(request, "bidder_id"),
                                         "" if unblock else reason, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    await request.app.state.rooms.refresh_paddles()   # a live room refuses the blocked paddle at once
    return RedirectResponse(safe_next(form.get("suite"), "/bureau"), status_code=303)


routes = [
    page("/bureau/ventes/{sale_id}/inscriptions/exclusions", add_barred, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/inscriptions/exclusions/{barred_id}/supprimer", remove_barred, access=OFFICER,
         methods=("POST",)),
    page("/bureau/encherisseurs/{bidder_id}/blocage", block_bidder, access=OFFICER, methods=("POST",)),
]
