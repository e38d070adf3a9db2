"""Inventory acts: the clerk drafts on a tablet, imports a spreadsheet, the officer signs; PDF."""
from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.documents import render_pdf
from auction.domain.errors import InvalidValue
from auction.domain.inventory import ACT_KINDS, FINDINGS, ActSigned, Item, MentionsMissing, missing_mentions
from auction.domain.money import parse_euros
from auction.models import Creditor, User, utcnow
from auction.services import catalogue, inventory, inventory_import
from auction.services.office import get_office

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict, iso_date, parse_int, path_id
from ..templates import render


def _int_param(request: Request, name: str) -> int:
    return path_id(request, name)


def signed_refusal(request: Request, exc: ActSigned) -> Response:
    return error_page(request, 409, exc.message)


async def _page(request: Request, act_id: int, *, errors=None, values=None, status_code=200, notice=None) -> Response:
    act, case, parent = await inventory.get_act(request.app.state.db.sessions, act_id)
    content = inventory.content_of(act, case, parent)
    return render(request, "staff/act.html", {
        "act": act, "case": case, "parent": parent, "kind_label": ACT_KINDS[act.kind], "findings": FINDINGS,
        "missing": missing_mentions(content) if act.signed_at is None else [],
        "errors": errors or {}, "values": values or {}, "notice": notice,
        "origin_items": parent.items if parent else [],
    }, status_code=status_code)


async def create_act(request: Request) -> Response:
    try:
        act = await inventory.create_act(request.app.state.db.sessions, _int_param(request, "case_id"),
                                         request.state.user.id)
    except catalogue.NotFound:
        return error_page(request, 404)
    return RedirectResponse(f"/bureau/actes/{act.id}", status_code=303)


async def create_follow_up(request: Request) -> Response:
    form = await form_dict(request)
    try:
        act_id = _int_param(request, "act_id")
        parent, case, _ = await inventory.get_act(request.app.state.db.sessions, act_id)
        act = await inventory.create_act(request.app.state.db.sessions, case.id, request.state.user.id,
                                         kind=form.get("kind", ""), parent_id=parent.id)
    except catalogue.NotFound:
        return error_page(request, 404)
    except InvalidValue as exc:
        return await _page(request, act_id, errors={"follow_up": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/actes/{act.id}", status_code=303)


async def show_act(request: Request) -> Response:
    try:
        return await _page(request, _int_param(request, "act_id"), notice=request.query_params.get("ok"))
    except catalogue.NotFound:
        return error_page(request, 404)


def _parse_header(form: dict[str, str]) -> tuple[inventory.ActHeader | None, dict[str, str]]:
    errors: dict[str, str] = {}
    act_date = None
    if form.get("act_date"):
        try:
            act_date = iso_date(form["act_date"])
        except ValueError:
            errors["act_date"] = "Date invalide."
    limits = {"place": 300, "enforcement_court": 300}
    for name, limit in limits.items():
        if len(form.get(name, "")) > limit:
            errors[name] = f"{limit} caractères au plus."
    if errors:
        return None, errors
    return inventory.ActHeader(act_date=act_date, **{name: form.get(name, "") for name in inventory.HEADER_FIELDS}), {}


async def save_header(request: Request) -> Response:
    form = await form_dict(request)
    try:
        act_id = _int_param(request, "act_id")
        header, errors = _parse_header(form)
        if errors:
            return await _page(request, act_id, errors=errors, values=form, status_code=400)
        await inventory.update_header(request.app.state.db.sessions, act_id, header)
    except catalogue.NotFound:
        return error_page(request, 404)
    except ActSigned as exc:
        return signed_refusal(request, exc)
    return RedirectResponse(f"/bureau/actes/{act_id}?ok=enregistre", status_code=303)


def _parse_item(form: dict[str, str]) -> tuple[Item | None, dict[str, str]]:
    errors: dict[str, str] = {}
    quantity = form.get("quantity", "1") or "1"
    if (parse_int(quantity) or 0) < 1:
        errors["quantity"] = "La quantité est un entier positif."
    estimate = None
    if form.get("estimate"):
        try:
            estimate = parse_euros(form["estimate"], field="estimate")
        except InvalidValue as exc:
            errors["estimate"] = exc.message
    if not form.get("description"):
        errors["description"] = "Désignation obligatoire."
    refers = form.get("refers_to_position") or None
    if refers is not None and parse_int(refers) is None:
        errors["refers_to_position"] = "Numéro du bien d'origine."
    finding = form.get("finding") or None
    if finding is not None and finding not in FINDINGS:
        errors["finding"] = "Constat inconnu."
    if errors:
        return None, errors
    return Item(0, form["description"], int(quantity), form.get("condition", ""), estimate, form.get("category", ""),
                int(refers) if refers else None, finding), {}


async def add_item(request: Request) -> Response:
    form = await form_dict(request)
    try:
        act_id = _int_param(request, "act_id")
        item, errors = _parse_item(form)
        if item is not None:
            try:
                await inventory.add_items(request.app.state.db.sessions, act_id, [item])
            except InvalidValue as exc:
                errors = {exc.field or "description": exc.message}
        if errors:
            return await _page(request, act_id, errors=errors, values=form, status_code=400)
    except catalogue.NotFound:
        return error_page(request, 404)
    except ActSigned as exc:
        return signed_refusal(request, exc)
    return RedirectResponse(f"/bureau/actes/{act_id}?ok=bien#biens", status_code=303)


async def delete_item(request: Request) -> Response:
    try:
        act_id = _int_param(request, "act_id")
        await inventory.delete_item(request.app.state.db.sessions, act_id, _int_param(request, "item_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    except ActSigned as exc:
        return signed_refusal(request, exc)
    return RedirectResponse(f"/bureau/actes/{act_id}#biens", status_code=303)


async def sign_act(request: Request) -> Response:
    user = request.state.user
    try:
        act_id = _int_param(request, "act_id")
        await inventory.sign(request.app.state.db.sessions, act_id, user.id, user.role_enum, utcnow())
    except catalogue.NotFound:
        return error_page(request, 404)
    except ActSigned as exc:
        return signed_refusal(request, exc)
    except MentionsMissing as exc:
        return await _page(request, act_id, errors={"sign": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/actes/{act_id}?ok=signe", status_code=303)


async def import_preview(request: Request) -> Response:
    try:
        act_id = _int_param(request, "act_id")
        act, case, _ = await inventory.get_act(request.app.state.db.sessions, act_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    if act.signed_at is not None:
        return signed_refusal(request, ActSigned("Acte signé : il ne peut plus être modifié."))
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if hasattr(upload, "read") else b""
    try:
        rows = inventory_import.preview(content)
    except InvalidValue as exc:
        return await _page(request, act_id, errors={"file": exc.message}, status_code=400)
    faulty = [row for row in rows if row.errors]
    token = None if faulty else inventory_import.stash(request.app.state.settings.private_dir, content)
    return render(request, "staff/import_preview.html", {
        "act": act, "case": case, "rows": rows, "faulty": faulty, "token": token,
        "filename": getattr(upload, "filename", ""),
    }, status_code=400 if faulty else 200)


async def import_confirm(request: Request) -> Response:
    form = await form_dict(request)
    private_dir = request.app.state.settings.private_dir
    try:
        act_id = _int_param(request, "act_id")
        content = inventory_import.take(private_dir, form.get("token", ""))
        rows = inventory_import.preview(content)
        if any(row.errors for row in rows):
            raise InvalidValue("Le fichier contient des erreurs : rien n'a été importé.", field="file")
        await inventory.add_items(request.app.state.db.sessions, act_id, [row.item for row in rows])
        inventory_import.discard(private_dir, form.get("token", ""))
    except catalogue.NotFound:
        return error_page(request, 404)
    except ActSigned as exc:
        return signed_refusal(request, exc)
    except InvalidValue as exc:
        return await _page(request, act_id, errors={"file": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/actes/{act_id}?ok=import#biens", status_code=303)


async def act_pdf(request: Request) -> Response:
    sessions = request.app.state.db.sessions
    try:
        act, case, parent = await inventory.get_act(sessions, _int_param(request, "act_id"))
    except catalogue.NotFound:
        return error_page(request, 404)
    office = await get_office(sessions)
    async with sessions() as session:
        creditors = (await session.scalars(select(Creditor).where(Creditor.case_id == case.id))).all()
        signer = await session.get(User, act.signed_by_id) if act.signed_by_id else None
    pdf = await render_pdf("inventory_act.html", {
        "act": act, "case": case, "parent": parent, "office": office, "officer": office.officer if office else None,
        "creditors": creditors, "signer": signer, "kind_label": ACT_KINDS[act.kind], "findings": FINDINGS,
        "parent_label": ACT_KINDS[parent.kind] if parent else "",
        "origin_positions": {i.id: i.position for i in parent.items} if parent else {},
    })
    filename = f"{case.reference}-acte-{act.id}{'' if act.digest else '-projet'}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{filename}"'})


routes = [
    page("/bureau/dossiers/{case_id}/actes", create_act, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}", show_act, access=STAFF),
    page("/bureau/actes/{act_id}", save_header, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/biens", add_item, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/biens/{item_id}/supprimer", delete_item, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/import", import_preview, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/import/confirmer", import_confirm, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/signer", sign_act, access=OFFICER, methods=("POST",)),
    page("/bureau/actes/{act_id}/suite", create_follow_up, access=STAFF, methods=("POST",)),
    page("/bureau/actes/{act_id}/pdf", act_pdf, access=STAFF),
]
