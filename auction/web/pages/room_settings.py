"""A sale's room settings: the increment table (officer) and the display currencies (clerk)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.currencies import from_json as currencies_from_json
from auction.domain.currencies import parse_currencies
from auction.domain.errors import InvalidValue
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable
from auction.domain.money import format_euros, parse_euros
from auction.services import catalogue, sale_settings

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..templates import render
from .room import sale_id_param

INCREMENT_ROWS = 12
CURRENCY_ROWS = 3


async def _settings_context(request: Request, sale, *, increments=None, currencies=None, errors=None) -> dict:
    table = IncrementTable.from_json(sale.increments) if sale.increments else DEFAULT_INCREMENTS
    if increments is None:
        increments = [(_euros_text(start), _euros_text(step)) for start, step in table.rows]
    increments = list(increments) + [("", "")] * (INCREMENT_ROWS - len(increments))
    if currencies is None:
        currencies = [(c.code, str(c.rate).replace(".", ",")) for c in currencies_from_json(sale.display_currencies)]
    currencies = list(currencies) + [("", "")] * (CURRENCY_ROWS - len(currencies))
    return {"sale": sale, "increments": increments, "currencies": currencies, "errors": errors or {},
            "is_default": sale.increments is None,
            "saved": request.query_params.get("enregistre") == "1"}


def _euros_text(cents: int) -> str:
    return format_euros(cents, with_cents=False).replace("\u00a0€", "")


async def _staff_sale(request: Request):
    sale_id = sale_id_param(request.path_params)
    if sale_id is None:
        raise catalogue.NotFound()
    return await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=False)


async def room_settings(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    return render(request, "room/settings.html", await _settings_context(request, sale))


async def save_increments(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    form = await request.form()
    rows = [(str(form.get(f"from_{i}", "")).strip(), str(form.get(f"step_{i}", "")).strip())
            for i in range(INCREMENT_ROWS)]
    try:
        if form.get("reset"):
            table = DEFAULT_INCREMENTS
        else:
            parsed = [(parse_euros(start or "0", field="increments"), parse_euros(step, field="increments"))
                      for start, step in rows if start or step]
            table = IncrementTable(tuple(parsed))
    except InvalidValue as exc:
        context = await _settings_context(request, sale, increments=[r for r in rows if any(r)],
                                          errors={"increments": exc.message})
        return render(request, "room/settings.html", context, status_code=400)
    await sale_settings.set_increments(request.app.state.db.sessions, sale.id, table)
    await request.app.state.rooms.reload_setup(sale.id)
    return RedirectResponse(f"/bureau/ventes/{sale.id}/reglages?enregistre=1", status_code=303)


async def save_currencies(request: Request) -> Response:
    try:
        sale = await _staff_sale(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    form = await request.form()
    rows = [(str(form.get(f"code_{i}", "")), str(form.get(f"rate_{i}", ""))) for i in range(CURRENCY_ROWS)]
    try:
        currencies = parse_currencies(rows)
    except InvalidValue as exc:
        context = await _settings_context(request, sale, currencies=rows, errors={exc.field or "currency_0": exc.message})
        return render(request, "room/settings.html", context, status_code=400)
    await sale_settings.set_display_currencies(request.app.state.db.sessions, sale.id, currencies)
    await request.app.state.rooms.reload_setup(sale.id)
    return RedirectResponse(f"/bureau/ventes/{sale.id}/reglages?enregistre=1", status_code=303)



routes = [
    page("/bureau/ventes/{sale_id}/reglages", room_settings, access=STAFF),
    page("/bureau/ventes/{sale_id}/paliers", save_increments, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/devises", save_currencies, access=STAFF, methods=("POST",)),
]
