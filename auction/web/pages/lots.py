"""The clerk arranges the lots of a sale: build from inventory items, edit, renumber, reorder,
merge, split, withdraw, photos.

Only before the sale opens (auction.domain.lots.require_editable): once it is live its lots are
frozen, the lot on the block included. A sale's room may be loaded before it opens (its display, the
tablet, the live page), so every change reloads the room's setup, in every process."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotsFrozen, parse_lot_number, require_editable
from auction.domain.money import parse_euros
from auction.services import catalogue, lots, photos

from ..access import STAFF, page
from ..errors import error_page
from ..forms import form_dict, form_ids, parse_int, path_id
from ..templates import render

LOT_FIELDS = ("title", "description", "category", "estimate_low", "estimate_high", "opening_bid", "number")


def _ids(request: Request, *names: str) -> list[int]:
    return [path_id(request, name) for name in names]


def _fields(form: dict[str, str]) -> tuple[lots.LotFields | None, dict[str, str]]:
    errors: dict[str, str] = {}
    amounts = {}
    for name in ("estimate_low", "estimate_high", "opening_bid"):
        try:
            amounts[name] = parse_euros(form.get(name) or "0", field=name)
        except InvalidValue as exc:
            errors[name] = exc.message
    if not form.get("title"):
        errors["title"] = "Titre du lot obligatoire."
    if errors:
        return None, errors
    return lots.LotFields(form["title"], form.get("description", ""), form.get("category", ""),
                          amounts["estimate_low"], amounts["estimate_high"], amounts["opening_bid"]), {}


async def new_lot_form(request: Request, *, values=None, errors=None, status_code=200) -> Response:
    try:
        (sale_id,) = _ids(request, "sale_id")
        sale = await catalogue.sale_with_lots(request.app.state.db.sessions, sale_id, public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    try:
        require_editable(sale.status)      # the live sale's lots are frozen: no form to fill in for nothing
    except LotsFrozen as exc:
        return error_page(request, 409, exc.message)
    available = await lots.available_items(request.app.state.db.sessions)
    state = await lots.inventory_state(request.app.state.db.sessions) if not available else None
    cases = {case.id: case for case in await catalogue.cases(request.app.state.db.sessions)}
    return render(request, "staff/lot_new.html", {
        "sale": sale, "available": available, "state": state, "cases": cases, "values": values or {},
        "errors": errors or {},
        "chosen": set(form_ids((values or {}).get("items", []))),
    }, status_code=status_code)


async def create_lot(request: Request) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, "")).strip() for key in LOT_FIELDS}
    values["items"] = [str(v) for v in form.getlist("items")]
    try:
        (sale_id,) = _ids(request, "sale_id")
        fields, errors = _fields(values)
        number = None
        if values["number"]:
            try:
                number = parse_lot_number(values["number"])
            except InvalidValue as exc:
                errors["number"] = exc.message
        if not errors:
            item_ids = form_ids(values["items"])
            try:
                lot = await lots.create_lot(request.app.state.db.sessions, sale_id, item_ids, fields, number)
                await request.app.state.rooms.reload_setup(sale_id)
                return RedirectResponse(f"/bureau/ventes/{sale_id}/lots/{lot.id}?ok=cree", status_code=303)
            except InvalidValue as exc:
                errors[exc.field or "items"] = exc.message
    except catalogue.NotFound:
        return error_page(request, 404)
    except LotsFrozen as exc:
        return error_page(request, 409, exc.message)
    return await new_lot_form(request, values=values, errors=errors, status_code=400)


async def show_lot(request: Request, *, values=None, errors=None, status_code=200) -> Response:
    try:
        sale_id, lot_id = _ids(request, "sale_id", "lot_id")
        sale, lot, items, others = await lots.lot_detail(request.app.state.db.sessions, sale_id, lot_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    if values is None:
        values = {"title": lot.title, "description": lot.description, "category": lot.category,
                  "number": lot.label, "estimate_low": f"{lot.estimate_low_cents / 100:.2f}".replace(".", ","),
                  "estimate_high": f"{lot.estimate_high_cents / 100:.2f}".replace(".", ","),
                  "opening_bid": f"{lot.opening_bid_cents / 100:.2f}".replace(".", ",")}
    return render(request, "staff/lot.html", {
        "sale": sale, "lot": lot, "items": items, "others": others, "values": values, "errors": errors or {},
        "notice": request.query_params.get("ok"), "editable": sale.status in ("draft", "announced"),
    }, status_code=status_code)


async def _act(request: Request, action) -> Response:
    """Run a change on a lot; errors come back on the lot page, in French, with nothing changed."""
    try:
        sale_id, lot_id = _ids(request, "sale_id", "lot_id")
        target = await action(sale_id, lot_id)
        await request.app.state.rooms.reload_setup(sale_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    except LotsFrozen as exc:
        return error_page(request, 409, exc.message)
    except InvalidValue as exc:
        return await show_lot(request, errors={exc.field or "form": exc.message}, status_code=400)
    return RedirectResponse(target, status_code=303)


async def save_lot(request: Request) -> Response:
    form = await form_dict(request)
    fields, errors = _fields(form)
    try:
        number = parse_lot_number(form.get("number", ""))
    except InvalidValue as exc:
        errors["number"] = exc.message
    if errors:
        return await show_lot(request, values=form, errors=errors, status_code=400)

    async def action(sale_id, lot_id):
        await lots.update_lot(request.app.state.db.sessions, sale_id, lot_id, fields, number)
        return f"/bureau/ventes/{sale_id}/lots/{lot_id}?ok=enregistre"
    return await _act(request, action)


async def withdraw(request: Request) -> Response:
    form = await form_dict(request)

    async def action(sale_id, lot_id):
        await lots.set_withdrawn(request.app.state.db.sessions, sale_id, lot_id, form.get("withdrawn") == "1",
                                 form.get("withdrawal_reason", ""))
        return f"/bureau/ventes/{sale_id}/lots/{lot_id}?ok=enregistre"
    return await _act(request, action)


async def move(request: Request) -> Response:
    form = await form_dict(request)

    async def action(sale_id, lot_id):
        await lots.move(request.app.state.db.sessions, sale_id, lot_id, -1 if form.get("direction") == "up" else 1)
        return f"/bureau/ventes/{sale_id}#lot-{lot_id}"
    return await _act(request, action)


async def merge(request: Request) -> Response:
    form = await form_dict(request)

    async def action(sale_id, lot_id):
        other = parse_int(form.get("other"))
        if other is None:
            raise InvalidValue("Choisissez le lot à réunir.", field="other")
        await lots.merge(request.app.state.db.sessions, sale_id, lot_id, other)
        return f"/bureau/ventes/{sale_id}/lots/{lot_id}?ok=reuni"
    return await _act(request, action)


async def split(request: Request) -> Response:
    form = await request.form()
    item_ids = form_ids(form.getlist("items"))

    async def action(sale_id, lot_id):
        new = await lots.split(request.app.state.db.sessions, sale_id, lot_id, item_ids)
        return f"/bureau/ventes/{sale_id}/lots/{new.id}?ok=divise"
    return await _act(request, action)


async def upload_photo(request: Request) -> Response:
    form = await request.form()
    upload = form.get("photo")
    content = await upload.read() if hasattr(upload, "read") else b""
    alt = str(form.get("alt", "")).strip()
    media_dir = request.app.state.settings.media_dir

    async def action(sale_id, lot_id):
        if not alt:
            raise InvalidValue("Décrivez la photo (texte alternatif pour les lecteurs d'écran).", field="photo")
        path = await photos.store_photo(content, media_dir)
        try:
            await lots.add_photo(request.app.state.db.sessions, sale_id, lot_id, path, alt)
        except BaseException:
            photos.remove_photo(media_dir, path)    # nothing half-saved
            raise
        return f"/bureau/ventes/{sale_id}/lots/{lot_id}?ok=photo"
    return await _act(request, action)


async def renumber(request: Request) -> Response:
    try:
        (sale_id,) = _ids(request, "sale_id")
        await lots.renumber(request.app.state.db.sessions, sale_id)
        await request.app.state.rooms.reload_setup(sale_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    except LotsFrozen as exc:
        return error_page(request, 409, exc.message)
    return RedirectResponse(f"/bureau/ventes/{sale_id}?ok=renumerote", status_code=303)


async def new_lot(request: Request) -> Response:
    return await new_lot_form(request)


async def lot_page(request: Request) -> Response:
    return await show_lot(request)


routes = [
    page("/bureau/ventes/{sale_id}/lots/nouveau", new_lot, access=STAFF),
    page("/bureau/ventes/{sale_id}/lots", create_lot, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/renumeroter", renumber, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}", lot_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}", save_lot, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}/retrait", withdraw, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}/deplacer", move, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}/reunir", merge, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}/diviser", split, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/lots/{lot_id}/photos", upload_photo, access=STAFF, methods=("POST",)),
]
