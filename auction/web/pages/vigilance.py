"""Anti-money-laundering vigilance, for the officer alone: the register of decisions and the office's
dated thresholds (/bureau/vigilance), a sale's flagged buyers with the decision form each
(/bureau/ventes/{id}/vigilance). Every view is logged in the audit log (auction/services/vigilance.py)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain import vigilance as v
from auction.domain.errors import DomainError, InvalidValue
from auction.models import utcnow
from auction.services import vigilance as service
from auction.services.catalogue import NotFound

from ..access import OFFICER, page
from ..errors import error_page
from ..forms import form_date, form_dict, form_int, path_id
from ..templates import render

NOTICES = {"seuils": "Seuils de vigilance enregistrés.", "decision": "Décision enregistrée au registre de vigilance."}
THRESHOLD_FIELDS = ("effective_from", "cash_share_percent", "cash_payments_count", "cash_window_days",
                    "estimate_ratio_percent", "reference")


async def _register_page(request: Request, *, values=None, errors=None, status_code: int = 200) -> Response:
    found = await service.register(request.app.state.db.sessions, viewer_id=request.state.user.id, now=utcnow())
    return render(request, "office/vigilance.html", {
        "register": found, "decisions": v.DECISIONS, "values": values or {}, "errors": errors or {},
        "notice": NOTICES.get(request.query_params.get("fait", "")),
    }, status_code=status_code)


async def register_page(request: Request) -> Response:
    return await _register_page(request)


def _thresholds(values: dict[str, str]) -> v.Thresholds:
    return v.Thresholds(
        effective_from=form_date(values, "effective_from", "En vigueur à partir du"),
        cash_share_percent=form_int(values, "cash_share_percent", "Part du plafond", minimum=1, maximum=100),
        cash_payments_count=form_int(values, "cash_payments_count", "Nombre de remises", minimum=2, maximum=50),
        cash_window_days=form_int(values, "cash_window_days", "Période", minimum=1, maximum=366),
        estimate_ratio_percent=form_int(values, "estimate_ratio_percent", "Rapport à l'estimation haute",
                                        minimum=101, maximum=10_000),
        reference=(values.get("reference") or "").strip())


async def add_thresholds(request: Request) -> Response:
    values = await form_dict(request)
    try:
        await service.add_thresholds(request.app.state.db.sessions, _thresholds(values), request.state.user.id,
                                     utcnow())
    except InvalidValue as exc:
        return await _register_page(request, values=values, errors={exc.field or "form": exc.message},
                                    status_code=400)
    return RedirectResponse("/bureau/vigilance?fait=seuils", status_code=303)


async def _sale_page(request: Request, sale_id: int, *, paddle: int | None = None, values=None, errors=None,
                     status_code: int = 200) -> Response:
    found = await service.sale_vigilance(request.app.state.db.sessions, sale_id, viewer_id=request.state.user.id,
                                         now=utcnow())
    return render(request, "staff/vigilance_sale.html", {
        "v": found, "decisions": v.DECISIONS, "values": values or {}, "errors": errors or {}, "error_paddle": paddle,
        "notice": NOTICES.get(request.query_params.get("fait", "")),
    }, status_code=status_code)


async def sale_page(request: Request) -> Response:
    try:
        return await _sale_page(request, path_id(request, "sale_id"))
    except NotFound:
        return error_page(request, 404)


def _decision(values: dict[str, str]) -> v.DecisionForm:
    declared = None
    if values.get("decision") == "suspicion_declared":
        declared = form_date(values, "declared_on", "Date de la déclaration")
    return v.DecisionForm(decision=values.get("decision", ""), note=values.get("note", ""), declared_on=declared,
                          declaration_reference=values.get("declaration_reference", ""))


async def record_decision(request: Request) -> Response:
    try:
        sale_id, paddle = path_id(request, "sale_id"), path_id(request, "paddle")
        values = await form_dict(request)
        try:
            await service.record_decision(request.app.state.db.sessions, sale_id, paddle, _decision(values),
                                          officer_id=request.state.user.id, now=utcnow())
        except DomainError as exc:
            return await _sale_page(request, sale_id, paddle=paddle, values=values,
                                    errors={exc.field or "form": exc.message}, status_code=400)
        return RedirectResponse(f"/bureau/ventes/{sale_id}/vigilance?fait=decision#panneau-{paddle}", status_code=303)
    except NotFound:
        return error_page(request, 404)


routes = [
    page("/bureau/vigilance", register_page, access=OFFICER),
    page("/bureau/vigilance/seuils", add_thresholds, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/vigilance", sale_page, access=OFFICER),
    page("/bureau/ventes/{sale_id}/vigilance/{paddle}", record_decision, access=OFFICER, methods=("POST",)),
]
