"""The sale's registration rules: paddle ranges and the solvency asked for. The same page lists the
sale's barred persons (auction.web.pages.barred_persons adds and removes them)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.errors import InvalidValue
from auction.domain.registration_rules import clean_rules
from auction.services import barred_persons, catalogue, registration_rules

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict, path_id
from ..templates import render
from .registration import CHOICES


async def render_rules(request: Request, *, values=None, errors=None, status_code=200) -> Response:
    sessions = request.app.state.db.sessions
    try:
        sale_id = path_id(request, "sale_id")
        sale = await catalogue.sale_with_lots(sessions, sale_id, public=False)
        ranges, rule = await registration_rules.sale_rules(sessions, sale_id)
    except catalogue.NotFound:
        return error_page(request, 404)
    case_ids = sorted({lot.case_id for lot in sale.lots})
    cases = {case.id: case for case in await catalogue.cases(sessions) if case.id in case_ids}
    if values is None:
        values = {"room_first": ranges.room_first, "room_last": ranges.room_last,
                  "online_first": ranges.online_first, "online_last": ranges.online_last,
                  "solvency_rule": rule.kind,
                  "deposit_minimum": f"{rule.deposit_minimum_cents / 100:.2f}".replace(".", ",")
                  if rule.deposit_minimum_cents else ""}
    return render(request, "staff/registration_rules.html", {
        **CHOICES, "sale": sale, "values": values, "errors": errors or {}, "cases": cases,
        "barred": await barred_persons.barred_persons(sessions, sale_id), "notice": request.query_params.get("ok"),
    }, status_code=status_code)


async def rules_page(request: Request) -> Response:
    return await render_rules(request)


async def save_rules(request: Request) -> Response:
    form = await form_dict(request)
    parsed, errors = clean_rules(form)
    if errors:
        return await render_rules(request, values=form, errors=errors, status_code=400)
    ranges, rule = parsed
    try:
        sale_id = path_id(request, "sale_id")
        await registration_rules.save_rules(request.app.state.db.sessions, sale_id, ranges, rule,
                                            request.state.user.id)
    except catalogue.NotFound:
        return error_page(request, 404)
    except InvalidValue as exc:
        return await render_rules(request, values=form, errors={exc.field or "form": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/inscriptions/regles?ok=regles", status_code=303)


routes = [
    page("/bureau/ventes/{sale_id}/inscriptions/regles", rules_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/inscriptions/regles", save_rules, access=OFFICER, methods=("POST",)),
]
