"""Creating a seizure case, and adding its creditors with their claims."""
from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.money import parse_euros
from auction.domain.office import required_text
from auction.domain.publication_delays import case_delay_warnings
from auction.domain.inventory import ACT_KINDS
from auction.domain.invoices import seller_vat_rate
from auction.domain.room import Actor
from auction.models import utcnow
from auction.services import cases, catalogue, inventory, publication_acts
from auction.services.publication import case_facts

from ..access import STAFF, page
from ..errors import error_page
from ..forms import form_dict, iso_date, parse_int, path_id
from ..templates import render


def _day(form: dict[str, str], name: str, errors: dict[str, str]) -> date | None:
    try:
        return iso_date(form.get(name, ""))
    except ValueError:
        errors[name] = "Date obligatoire (jj/mm/aaaa)."
        return None


def _text(form, name, label, errors, max_length=200) -> str:
    try:
        return required_text(form.get(name, ""), name, label, max_length)
    except InvalidValue as exc:
        errors[name] = exc.message
        return ""


async def new_case(request: Request) -> Response:
    return render(request, "staff/case_new.html", {"values": {}, "errors": {}})


async def create_case(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    values = {
        "reference": _text(form, "reference", "Référence", errors, 40),
        "debtor_name": _text(form, "debtor_name", "Débiteur", errors),
        "debtor_address": _text(form, "debtor_address", "Adresse du débiteur", errors),
        "debtor_postcode": _text(form, "debtor_postcode", "Code postal", errors, 10),
        "debtor_city": _text(form, "debtor_city", "Commune", errors, 100),
        "title_nature": _text(form, "title_nature", "Nature du titre", errors),
        "title_court": _text(form, "title_court", "Juridiction", errors),
        "title_date": _day(form, "title_date", errors),
        "seizure_date": _day(form, "seizure_date", errors),
        "seizure_notified_on": _day(form, "seizure_notified_on", errors) if form.get("seizure_notified_on") else None,
    }
    if not errors:
        try:
            case = await cases.create_case(request.app.state.db.sessions, cases.CaseDetails(
                debtor_is_company=form.get("debtor_is_company") == "1", **values))
            return RedirectResponse(f"/bureau/dossiers/{case.id}", status_code=303)
        except InvalidValue as exc:
            errors[exc.field or "reference"] = exc.message
    return render(request, "staff/case_new.html", {"values": form, "errors": errors}, status_code=400)


async def add_creditor(request: Request) -> Response:
    form = await form_dict(request)
    case_id_text = str(path_id(request, "case_id"))
    errors: dict[str, str] = {}
    amounts = {}
    for name in ("principal", "interest", "costs"):
        try:
            amounts[name] = parse_euros(form.get(name) or "0", field=name)
        except InvalidValue as exc:
            errors[name] = exc.message
    name = _text(form, "name", "Nom du créancier", errors)
    address = _text(form, "address", "Adresse du créancier", errors, 300)
    as_of = _day(form, "as_of", errors)
    came_forward_on = _day(form, "came_forward_on", errors) if form.get("came_forward_on") else None
    if not errors:
        try:
            await cases.add_creditor(request.app.state.db.sessions, int(case_id_text), cases.CreditorClaim(
                name=name, address=address, role=form.get("role", ""), is_private_person=form.get("is_private_person") == "1",
                represented_by=form.get("represented_by", "")[:200], description=form.get("description", ""),
                principal_cents=amounts["principal"], interest_cents=amounts["interest"], costs_cents=amounts["costs"],
                as_of=as_of, came_forward_on=came_forward_on))
            await request.app.state.rooms.refresh_claims(int(case_id_text))   # the room's stop threshold (L221-4)
            return RedirectResponse(f"/bureau/dossiers/{case_id_text}#creanciers", status_code=303)
        except catalogue.NotFound:
            return error_page(request, 404)
        except InvalidValue as exc:
            errors[exc.field or "name"] = exc.message
    return await case_page(request, creditor_values=form, creditor_errors=errors, status_code=400)


async def case_page(request: Request, *, creditor_values=None, creditor_errors=None, status_code=200,
                    form: str | None = None, values=None, errors=None) -> Response:
    try:
        case, lots = await catalogue.case_detail(request.app.state.db.sessions, path_id(request, "case_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    acts = await inventory.acts_of_case(request.app.state.db.sessions, case.id)
    return render(request, "staff/case.html", {
        "case": case, "lots": lots, "acts": acts, "act_kinds": ACT_KINDS,
        "delay_warnings": case_delay_warnings(case_facts(case)),
        "values": creditor_values or {"role": "opposing" if case.creditors else "seizing"},
        "errors": creditor_errors or {},
        "form": form, "form_values": values or {}, "form_errors": errors or {},
        "ok": CASE_NOTICES.get(request.query_params.get("ok", "")),
    }, status_code=status_code)


async def show_case(request: Request) -> Response:
    return await case_page(request)


# --- the amicable-sale window: notification of the seizure act, offers and their letters ------------

CASE_NOTICES = {"tva": "TVA du vendeur enregistrée.", "signification": "Date de signification enregistrée.", "offre": "Offre de vente amiable enregistrée.",
                "courrier": "Courrier au créancier enregistré."}


def _actor(request: Request) -> Actor:
    return Actor(request.state.user.id, request.state.user.role_enum)


async def _case_step(request: Request, form_name: str, form: dict, errors: dict, call, ok: str) -> Response:
    case_id = path_id(request, "case_id")
    if not errors:
        try:
            await call(case_id)
            anchor = "tva-vendeur" if ok == "tva" else "vente-amiable"
            return RedirectResponse(f"/bureau/dossiers/{case_id}?ok={ok}#{anchor}", status_code=303)
        except catalogue.NotFound:
            return error_page(request, 404)
        except InvalidValue as exc:
            errors[exc.field or form_name] = exc.message
    return await case_page(request, form=form_name, values=form, errors=errors, status_code=400)


async def set_notification(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    day = _day(form, "seizure_notified_on", errors)
    return await _case_step(request, "notification", form, errors, lambda case_id: publication_acts.set_seizure_notified(
        request.app.state.db.sessions, case_id, day, _actor(request), utcnow()), "signification")


async def add_offer(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    day = _day(form, "reported_on", errors)
    amount = 0
    try:
        amount = parse_euros(form.get("amount") or "0", field="amount")
    except InvalidValue as exc:
        errors["amount"] = exc.message
    return await _case_step(request, "offer", form, errors, lambda case_id: publication_acts.add_offer(
        request.app.state.db.sessions, case_id, day, form.get("offeror", ""), amount, form.get("description", ""),
        _actor(request), utcnow()), "offre")


async def record_letter(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    offer_id, creditor_id = path_id(request, "offer_id"), parse_int(form.get("creditor_id"))
    sent_on = _day(form, "sent_on", errors)
    received_on = _day(form, "received_on", errors) if form.get("received_on") else None
    if creditor_id is None:
        return error_page(request, 404)
    return await _case_step(request, f"letter-{offer_id}-{creditor_id}", form, errors,
                            lambda case_id: publication_acts.record_offer_letter(
                                request.app.state.db.sessions, case_id, offer_id, creditor_id, sent_on,
                                received_on, _actor(request), utcnow()), "courrier")


async def set_seller_vat(request: Request) -> Response:
    form = await form_dict(request)
    errors: dict[str, str] = {}
    rate = None
    try:
        rate = seller_vat_rate(form.get("seller_charges_vat") == "1", form.get("seller_vat_rate", ""))
    except InvalidValue as exc:
        errors["seller_vat_rate"] = exc.message
    return await _case_step(request, "seller_vat", form, errors, lambda case_id: cases.set_seller_vat(
        request.app.state.db.sessions, case_id, rate, _actor(request), utcnow()), "tva")


routes = [
    page("/bureau/dossiers/nouveau", new_case, access=STAFF),
    page("/bureau/dossiers", create_case, access=STAFF, methods=("POST",)),
    page("/bureau/dossiers/{case_id}", show_case, access=STAFF),
    page("/bureau/dossiers/{case_id}/creanciers", add_creditor, access=STAFF, methods=("POST",)),
    page("/bureau/dossiers/{case_id}/signification", set_notification, access=STAFF, methods=("POST",)),
    page("/bureau/dossiers/{case_id}/tva-vendeur", set_seller_vat, access=STAFF, methods=("POST",)),
    page("/bureau/dossiers/{case_id}/offres", add_offer, access=STAFF, methods=("POST",)),
    page("/bureau/dossiers/{case_id}/offres/{offer_id}/courriers", record_letter, access=STAFF, methods=("POST",)),
]
