"""The staff's page of a sale's defaults of payment (réitération des enchères, CPCE R221-38): the
overdue buyers, their formal notices, the default act (officer), the lots in default and where they
are put up again, the defaulter's statement; the letters and acts as PDFs."""
from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain import defaults as rules
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.money import parse_euros
from auction.domain.release import LOT_STATES
from auction.models import utcnow
from auction.services import default_documents, defaults, settlement_log
from auction.services.catalogue import NotFound

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_dict as _values, iso_date, parse_int, path_id
from ..templates import render

NOTICES = {
    "mise-en-demeure": "Mise en demeure enregistrée : imprimez la lettre et envoyez-la.",
    "defaut": "Défaut de paiement constaté : bordereau annulé par avoir, enchérisseur bloqué. "
              "Le lot peut être remis en vente depuis la tablette, ou dans une vente ultérieure.",
    "remis": "Lot ajouté au catalogue de la vente ultérieure.",
    "decompte": "Décompte du défaillant établi : son solde est à encaisser à la caisse.",
}
STATUS_LABELS = {"running": "Délai en cours", "paid": "Payé pendant le délai : procédure terminée",
                 "overdue": "Délai expiré sans paiement : le défaut peut être constaté",
                 "declared": "Défaut constaté", "stated": "Décompte établi"}


def _int(values: dict[str, str], key: str, label: str) -> int:
    number = parse_int(values.get(key))
    if number is None:
        raise InvalidValue(f"{label} : nombre entier attendu.", field=key)
    return number


def _day(values: dict[str, str], key: str) -> date:
    try:
        return iso_date(values.get(key, ""))
    except ValueError:
        raise InvalidValue("Date obligatoire.", field=key) from None


def _cents(values: dict[str, str], key: str) -> int:
    text = values.get(key, "")
    return parse_euros(text, field=key) if text else 0


async def show(request: Request, *, form: str | None = None, values: dict | None = None,
               errors: dict | None = None, status_code: int = 200) -> Response:
    sale_id = path_id(request, "sale_id")
    try:
        view = await defaults.sale_defaults(request.app.state.db.sessions, sale_id, utcnow())
    except settlement_log.SaleNotFound:
        return error_page(request, 404)
    resales = {}
    for procedure in view.procedures:
        if procedure.act is not None and procedure.statement is None:
            resales[procedure.act.seq] = await defaults.resales_of(request.app.state.db.sessions, sale_id, procedure)
    return render(request, "staff/defaults.html", {
        "sale": view.sale, "view": view, "form": form, "values": values or {}, "errors": errors or {},
        "means": rules.NOTICE_MEANS, "status_labels": STATUS_LABELS, "lot_states": LOT_STATES,
        "resales": resales, "notice_days": rules.NOTICE_DAYS, "mention": rules.RESALE_MENTION,
        "statement_label": default_documents.statement_label,
        "ok": NOTICES.get(request.query_params.get("ok", "")),
    }, status_code=status_code)


async def defaults_page(request: Request) -> Response:
    return await show(request)


async def _attempt(request: Request, form: str, values: dict, call, success: str) -> Response:
    """Run a use case; a refusal re-renders the page with the form as typed and nothing recorded."""
    try:
        await call()
    except (NotFound, settlement_log.SaleNotFound):
        return error_page(request, 404)
    except DomainError as exc:
        return await show(request, form=form, values=values, errors={exc.field or form: exc.message},
                          status_code=400 if isinstance(exc, InvalidValue) else 409)
    return RedirectResponse(f"/bureau/ventes/{request.path_params['sale_id']}/defauts?ok={success}", status_code=303)


async def send_notice(request: Request) -> Response:
    values = await _values(request)
    form = f"notice-{values.get('paddle', '')}"

    async def call():
        await defaults.send_notice(
            request.app.state.db.sessions, path_id(request, "sale_id"), _int(values, "paddle", "Panneau"),
            sent_on=_day(values, "sent_on"), means=values.get("means", ""), days=_int(values, "days", "Délai"),
            cost_cents=_cents(values, "cost"), user_id=request.state.user.id, now=utcnow(),
            command_id=values.get("command_id") or None)
    return await _attempt(request, form, values, call, "mise-en-demeure")


async def declare(request: Request) -> Response:
    values = await _values(request)
    notice_seq = path_id(request, "seq")
    sale_id = path_id(request, "sale_id")

    async def call():
        await defaults.declare_default(request.app.state.db.sessions, sale_id, notice_seq,
                                       user_id=request.state.user.id, now=utcnow(),
                                       command_id=values.get("command_id") or None)
    response = await _attempt(request, f"declare-{notice_seq}", values, call, "defaut")
    if response.status_code == 303:
        rooms = request.app.state.rooms
        await rooms.reload_setup(sale_id)    # the tablet lists the lot in default at once
        await rooms.refresh_paddles()         # and refuses the blocked bidder in every live sale
    return response


async def place(request: Request) -> Response:
    values = await _values(request)
    default_seq = path_id(request, "seq")

    async def call():
        await defaults.place_in_later_sale(
            request.app.state.db.sessions, path_id(request, "sale_id"), default_seq,
            _int(values, "lot_id", "Lot"), _int(values, "target_sale_id", "Vente"), user_id=request.state.user.id,
            now=utcnow(), command_id=values.get("command_id") or None)
    return await _attempt(request, f"place-{default_seq}", values, call, "remis")


async def statement(request: Request) -> Response:
    values = await _values(request)
    default_seq = path_id(request, "seq")

    async def call():
        await defaults.issue_statement(
            request.app.state.db.sessions, path_id(request, "sale_id"), default_seq,
            user_id=request.state.user.id, now=utcnow(), command_id=values.get("command_id") or None)
    return await _attempt(request, f"statement-{default_seq}", values, call, "decompte")


def _document(kind: str):
    async def endpoint(request: Request) -> Response:
        try:
            content, filename = await default_documents.document_pdf(
                request.app.state.db.sessions, path_id(request, "sale_id"), kind, path_id(request, "seq"))
        except NotFound:
            return error_page(request, 404)
        return Response(content, media_type="application/pdf", headers={
            "content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})
    return endpoint


def _or_404(endpoint):
    """A path id that is not a number is a 404, like an unknown one."""
    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except NotFound:
            return error_page(request, 404)
    return guarded


routes = [
    page("/bureau/ventes/{sale_id}/defauts", _or_404(defaults_page), access=STAFF),
    page("/bureau/ventes/{sale_id}/defauts/mise-en-demeure", _or_404(send_notice), access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/constater", _or_404(declare), access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/remettre", _or_404(place), access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/decompte", _or_404(statement), access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/lettre.pdf", _or_404(_document("notice")), access=STAFF),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/acte.pdf", _or_404(_document("act")), access=STAFF),
    page("/bureau/ventes/{sale_id}/defauts/{seq}/decompte.pdf", _or_404(_document("statement")), access=STAFF),
]
