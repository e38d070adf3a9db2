"""The clerk creates a sale and edits its date, place and conditions."""
from __future__ import annotations

from datetime import datetime, time, timezone

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotsFrozen
from auction.domain.office import required_text
from auction.domain.publication import PublicityError
from auction.domain.publication_gate import ChecksFailed
from auction.formats import PARIS, to_paris
from auction.models import Sale, utcnow
from auction.services import catalogue, sales

from ..access import STAFF, page
from ..errors import error_page
from ..forms import form_dict, iso_date, path_id
from ..templates import render
from .publicity import actor_of, base_url

DEFAULT_CONDITIONS = (
    "Vente aux enchères publiques après saisie-vente (CPCE R221-30 et suivants). Le prix est payable "
    "comptant, frais en sus des enchères. Une pièce d'identité est exigée pour enchérir. Les biens sont "
    "vendus en l'état, sans garantie ; l'exposition permet de les examiner.")


def _parse(form: dict[str, str]) -> tuple[sales.SaleDetails | None, dict[str, str]]:
    errors: dict[str, str] = {}

    def text(name, label, max_length=200, required=True):
        try:
            return required_text(form.get(name, ""), name, label, max_length) if required else form.get(name, "")
        except InvalidValue as exc:
            errors[name] = exc.message
            return ""

    values = {
        "reference": text("reference", "Référence", 40), "title": text("title", "Intitulé"),
        "place_name": text("place_name", "Lieu"), "address": text("address", "Adresse"),
        "postcode": text("postcode", "Code postal", 10), "city": text("city", "Commune", 100),
        "viewing": text("viewing", "Exposition", required=False),
        "conditions": text("conditions", "Conditions", 4000),   # the default text alone is over 200 characters
    }
    starts_at = None
    try:
        day = iso_date(form.get("starts_on", ""))
        hour = time.fromisoformat(form.get("starts_time", ""))
        starts_at = datetime.combine(day, hour, tzinfo=PARIS).astimezone(timezone.utc)
    except ValueError:
        errors["starts_on"] = "Date et heure de la vente obligatoires."
    if errors:
        return None, errors
    return sales.SaleDetails(starts_at=starts_at, place_kind=form.get("place_kind", ""), **values), {}


def _values_of(sale: Sale) -> dict[str, str]:
    local = to_paris(sale.starts_at)
    return {"reference": sale.reference, "title": sale.title, "starts_on": local.date().isoformat(),
            "starts_time": local.strftime("%H:%M"), "place_kind": sale.place_kind, "place_name": sale.place_name,
            "address": sale.address, "postcode": sale.postcode, "city": sale.city, "viewing": sale.viewing,
            "conditions": sale.conditions}


async def new_sale(request: Request) -> Response:
    return render(request, "staff/sale_form.html", {"sale": None, "errors": {},
                                                     "values": {"place_kind": "room", "conditions": DEFAULT_CONDITIONS,
                                                                "starts_time": "14:00"}})


async def create_sale(request: Request) -> Response:
    form = await form_dict(request)
    details, errors = _parse(form)
    if details is not None:
        try:
            sale = await sales.create_sale(request.app.state.db.sessions, details, utcnow())
            return RedirectResponse(f"/bureau/ventes/{sale.id}", status_code=303)
        except InvalidValue as exc:
            errors[exc.field or "reference"] = exc.message
    return render(request, "staff/sale_form.html", {"sale": None, "values": form, "errors": errors}, status_code=400)


async def edit_sale(request: Request) -> Response:
    try:
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, path_id(request, "sale_id"), public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "staff/sale_form.html", {"sale": sale, "values": _values_of(sale), "errors": {}})


async def save_sale(request: Request) -> Response:
    sale_id = path_id(request, "sale_id")
    form = await form_dict(request)
    details, errors = _parse(form)
    failures = None
    if details is not None:
        try:
            # Once announced, a change of the notice's content issues a new notice and runs the checks again.
            await sales.update_sale(request.app.state.db.sessions, int(sale_id), details, utcnow(),
                                    actor=actor_of(request), base_url=base_url(request),
                                    override_reason=form.get("override_reason") or None)
            await request.app.state.rooms.reload_setup(int(sale_id))     # its date sets the tariff
            return RedirectResponse(f"/bureau/ventes/{sale_id}", status_code=303)
        except catalogue.NotFound:
            return error_page(request, 404)
        except LotsFrozen as exc:
            return error_page(request, 409, exc.message)
        except ChecksFailed as exc:
            errors["publicity"], failures = exc.message, exc.results
        except PublicityError as exc:
            errors["publicity"] = exc.message
        except InvalidValue as exc:
            errors[exc.field or "reference"] = exc.message
    try:
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, int(sale_id), public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "staff/sale_form.html", {"sale": sale, "values": form, "errors": errors,
                                                     "failures": failures},
                  status_code=409 if failures or "publicity" in errors else 400)


routes = [
    page("/bureau/ventes/nouvelle", new_sale, access=STAFF),
    page("/bureau/ventes", create_sale, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/modifier", edit_sale, access=STAFF),
    page("/bureau/ventes/{sale_id}/modifier", save_sale, access=STAFF, methods=("POST",)),
]
