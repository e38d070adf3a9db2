"""Office settings, tariff periods and staff accounts (the officer's back office)."""
from __future__ import annotations

from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.money import parse_euros, parse_rate
from auction.domain.office import clean_office, format_iban
from auction.domain.roles import Role
from auction.domain.tariff import DEFAULT_TARIFF, Tariff, describe_amounts
from auction.formats import to_paris
from auction.models import utcnow
from auction.services import accounts, office as office_service

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict, iso_date, parse_int
from ..templates import render

OFFICE_FIELDS = ("name", "address", "postcode", "city", "phone", "email", "siret", "client_account_iban")


async def _officers(request: Request):
    return [u for u in await accounts.list_users(request.app.state.db.sessions)
            if u.role == Role.OFFICER and u.active]


async def office_settings(request: Request) -> Response:
    office = await office_service.get_office(request.app.state.db.sessions)
    if office is None:
        return error_page(request, 404, "Aucune étude n'est configurée : lancez `criee office create`.")
    values = {field: getattr(office, field) for field in OFFICE_FIELDS}
    values["client_account_iban"] = format_iban(office.client_account_iban)
    values["officer_id"] = str(office.officer_id or "")
    return render(request, "office/settings.html", {
        "values": values, "errors": {}, "officers": await _officers(request),
        "saved": request.query_params.get("enregistre") == "1",
    })


async def save_office_settings(request: Request) -> Response:
    form = await form_dict(request)
    details, errors = clean_office(form)
    officer_id = parse_int(form.get("officer_id"))
    if officer_id is None:
        errors["officer_id"] = "Choisissez le commissaire de justice en charge."
    if not errors:
        try:
            await office_service.update_office(request.app.state.db.sessions, details, officer_id)
        except InvalidValue as exc:
            errors[exc.field or "name"] = exc.message
        except office_service.OfficeMissing as exc:
            return error_page(request, 404, str(exc))
    if errors:
        return render(request, "office/settings.html", {
            "values": form, "errors": errors, "officers": await _officers(request), "saved": False,
        }, status_code=400)
    return RedirectResponse("/bureau/etude?enregistre=1", status_code=303)


async def _tariff_context(request: Request, values: dict, errors: dict, renewal: dict | None = None,
                          renewal_errors: dict | None = None) -> dict:
    today = to_paris(utcnow()).date()
    office_periods = await office_service.office_tariff_periods(request.app.state.db.sessions)
    found = await office_service.tariff_lookup(request.app.state.db.sessions, today)
    periods = sorted((*DEFAULT_TARIFF, *office_periods), key=lambda t: (t.effective_from, not t.shipped),
                     reverse=True)
    last = periods[0] if periods else None
    if renewal is None:
        renewal = {"renewal_from": (last.term_ends + timedelta(days=1)).isoformat()
                   if last is not None and last.term_ends else ""}
    if not values and last is not None:
        values = _form_values(last)
    return {"current": found.tariff, "found": found, "amounts": describe_amounts(found.tariff) if found.tariff else [],
            "last": last, "periods": periods, "today": today, "values": values, "errors": errors,
            "renewal": renewal, "renewal_errors": renewal_errors or {}}


def _form_values(period: Tariff) -> dict[str, str]:
    """The new-period form starts from the last period's amounts (dates and reference left blank)."""
    def euros(cents: int) -> str:
        return f"{cents // 100},{cents % 100:02d}"

    def percent(rate) -> str:
        return f"{(rate * 100).normalize():f}".replace(".", ",")

    return {"buyer_fee_rate": percent(period.buyer_fee_rate), "seller_fee_rate": percent(period.seller_fee_rate),
            "vat_rate": percent(period.vat_rate), "seller_fee_minimum_cents": euros(period.seller_fee_minimum_cents),
            "vacation_half_hour_cents": euros(period.vacation_half_hour_cents),
            "withdrawn_lot_divisor": str(period.withdrawn_lot_divisor),
            "copy_page_cents": euros(period.copy_page_cents), "deposit_cents": euros(period.deposit_cents),
            "postponement_cents": euros(period.postponement_cents), "postponement_max": str(period.postponement_max),
            "cancellation_cents": euros(period.cancellation_cents)}


async def tariff(request: Request) -> Response:
    return render(request, "office/tariff.html", await _tariff_context(request, {}, {}))


def _parse_day(text: str, field: str, *, required: bool) -> date | None:
    if not text:
        if required:
            raise InvalidValue("Date obligatoire.", field=field)
        return None
    try:
        return iso_date(text)
    except ValueError:
        raise InvalidValue("Date invalide (jj/mm/aaaa).", field=field) from None


def _parse_tariff(form: dict[str, str]) -> tuple[Tariff | None, dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict = {}
    parsers = {
        "effective_from": lambda v: _parse_day(v, "effective_from", required=True),
        "term_ends": lambda v: _parse_day(v, "term_ends", required=False),
        "buyer_fee_rate": lambda v: parse_rate(v, field="buyer_fee_rate"),
        "seller_fee_rate": lambda v: parse_rate(v, field="seller_fee_rate"),
        "seller_fee_minimum_cents": lambda v: parse_euros(v, field="seller_fee_minimum_cents"),
        "vat_rate": lambda v: parse_rate(v, field="vat_rate"),
        "withdrawn_lot_divisor": lambda v: _positive_int(v, "withdrawn_lot_divisor"),
        "vacation_half_hour_cents": lambda v: parse_euros(v, field="vacation_half_hour_cents"),
        "copy_page_cents": lambda v: parse_euros(v, field="copy_page_cents"),
        "deposit_cents": lambda v: parse_euros(v, field="deposit_cents"),
        "postponement_cents": lambda v: parse_euros(v, field="postponement_cents"),
        "postponement_max": lambda v: _count(v, "postponement_max"),
        "cancellation_cents": lambda v: parse_euros(v, field="cancellation_cents"),
        "reference": lambda v: v,
    }
    for field, parse in parsers.items():
        try:
            values[field] = parse(form.get(field, ""))
        except InvalidValue as exc:
            errors[field] = exc.message
    if errors:
        return None, errors
    return Tariff(**values), {}


def _positive_int(text: str, field: str) -> int:
    number = parse_int(text, minimum=1)
    if number is None:
        raise InvalidValue("Un entier positif.", field=field)
    return number


def _count(text: str, field: str) -> int:
    number = parse_int(text)
    if number is None:
        raise InvalidValue("Un entier positif ou nul.", field=field)
    return number


async def add_tariff_period(request: Request) -> Response:
    form = await form_dict(request)
    period, errors = _parse_tariff(form)
    if period is not None:
        try:
            await office_service.add_tariff_period(request.app.state.db.sessions, period, request.state.user.id)
        except InvalidValue as exc:
            errors[exc.field or "reference"] = exc.message
    if errors:
        return render(request, "office/tariff.html", await _tariff_context(request, form, errors), status_code=400)
    return RedirectResponse("/bureau/tarif", status_code=303)


RENEWAL_FIELDS = {"effective_from": "renewal_from", "term_ends": "renewal_until", "reference": "renewal_reference",
                  "renewal_from": "renewal_from", "renewal_until": "renewal_until"}


async def renew_tariff_period(request: Request) -> Response:
    """The officer confirms the last period's amounts from a date, with the text that renews them."""
    form = await form_dict(request)
    errors: dict[str, str] = {}
    try:
        effective_from = _parse_day(form.get("renewal_from", ""), "renewal_from", required=True)
        term_ends = _parse_day(form.get("renewal_until", ""), "renewal_until", required=False)
        await office_service.renew_last_period(request.app.state.db.sessions, effective_from, term_ends,
                                               form.get("renewal_reference", ""), request.state.user.id)
    except InvalidValue as exc:
        errors[RENEWAL_FIELDS.get(exc.field or "", "renewal_reference")] = exc.message
    if errors:
        return render(request, "office/tariff.html",
                      await _tariff_context(request, {}, {}, renewal=form, renewal_errors=errors), status_code=400)
    return RedirectResponse("/bureau/tarif", status_code=303)


async def users(request: Request) -> Response:
    return render(request, "office/users.html", {
        "users": await accounts.list_users(request.app.state.db.sessions),
        "values": {"role": Role.CLERK.value}, "errors": {}, "roles": list(Role),
    })


async def create_user(request: Request) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, "")).strip() for key in ("email", "full_name", "role")}
    new, errors = accounts.clean_new_user({**values, "password": str(form.get("password", ""))})
    if new is not None:
        try:
            await accounts.create_user(request.app.state.db.sessions, new)
        except accounts.EmailTaken as exc:
            errors["email"] = exc.message
    if errors:
        return render(request, "office/users.html", {
            "users": await accounts.list_users(request.app.state.db.sessions),
            "values": values, "errors": errors, "roles": list(Role),
        }, status_code=400)
    return RedirectResponse("/bureau/utilisateurs", status_code=303)


routes = [
    page("/bureau/etude", office_settings, access=STAFF),
    page("/bureau/etude", save_office_settings, access=OFFICER, methods=("POST",)),
    page("/bureau/tarif", tariff, access=STAFF),
    page("/bureau/tarif", add_tariff_period, access=OFFICER, methods=("POST",)),
    page("/bureau/tarif/reconduction", renew_tariff_period, access=OFFICER, methods=("POST",)),
    page("/bureau/utilisateurs", users, access=OFFICER),
    page("/bureau/utilisateurs", create_user, access=OFFICER, methods=("POST",)),
]
