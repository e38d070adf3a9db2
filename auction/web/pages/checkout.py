"""The quick checkout (the cashier's screen, staff): find the buyer by scanning the paddle card or typing
the paddle, see the lots won, what is owed, the deposit held, the payments, the balance; record a
payment; issue the bordereau; release paid lots; next buyer. Keyboard- and scanner-driven: the search
field has the focus, a USB scanner types the card's code and Enter, the tablet's camera does the same."""
from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain import buyer_accounts, payments as rules
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.invoice_numbers import format_number
from auction.domain.money import parse_euros
from auction.models import utcnow
from auction.domain.roles import Role
from auction.services import cash_desk, checkout, default_documents, invoices, payments, release, vigilance
from auction.services.catalogue import NotFound
from auction.services.checkout import UnknownPaddle

from ..access import STAFF, page, signing_secret
from ..errors import error_page
from auction.models.limits import CENTS_MAX

from ..forms import form_command, form_day, form_dict, parse_int, path_id, today
from ..templates import render

NOTICES = {
    "paiement": "Paiement enregistré.",
    "deja": "Ce paiement était déjà enregistré (formulaire envoyé deux fois) : rien de plus n'a été ajouté.",
    "encaisse": "Paiement marqué encaissé.",
    "annule": "Paiement annulé par une écriture de contre-passation.",
    "rembourse": "Remboursement enregistré.",
    "bordereau": "Bordereau émis.",
    "magasinage": "Frais de magasinage portés au compte de l'acheteur et facturés (facture de frais de magasinage).",
    "delivrance": "Bon de délivrance émis.",
    "retrait": "Retrait des lots enregistré.",
    "remise": "Remise d'espèces enregistrée.",
    "conditions": "Conditions de paiement et de magasinage enregistrées.",
}


def _base(sale_id: int) -> str:
    return f"/bureau/ventes/{sale_id}/caisse"


def _int(text: str, field: str, label: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise InvalidValue(f"{label} : un nombre entier.", field=field)
    return int(text)


async def desk(request: Request) -> Response:
    """Find the buyer: `q` is a typed paddle or a scanned card's code."""
    try:
        sale_id = path_id(request, "sale_id")
        view = await cash_desk.cash_desk(request.app.state.db.sessions, sale_id, today())
    except NotFound:
        return error_page(request, 404)
    query = request.query_params.get("q", "").strip()
    error = None
    if query:
        try:
            registration_id = None
            if query.isascii() and query.isdigit():
                paddle = checkout.parse_paddle(query)
            else:
                card = checkout.card_of(signing_secret(request), query, sale_id)
                paddle, registration_id = card.paddle, card.registration_id
            await checkout.buyer_checkout(request.app.state.db.sessions, sale_id, paddle, utcnow(),
                                          card_registration_id=registration_id)
            return RedirectResponse(f"{_base(sale_id)}/{paddle}", status_code=303)
        except UnknownPaddle as exc:
            error = exc.message
    return render(request, "checkout/desk.html", {
        "desk": view, "error": error, "query": query if query.isdigit() else "",
        "notice": NOTICES.get(request.query_params.get("fait", "")), "command_id": uuid.uuid4().hex,
    }, status_code=400 if error else 200)


async def _buyer_page(request: Request, sale_id: int, paddle: int, *, values=None, errors=None, confirm=None,
                      status_code: int = 200) -> Response:
    view = await checkout.buyer_checkout(request.app.state.db.sessions, sale_id, paddle, utcnow())
    # The officer's vigilance flags (auction/services/vigilance.py), never read for a clerk
    user = request.state.user
    flagged = (await vigilance.checkout_flags(request.app.state.db.sessions, sale_id, paddle, viewer_id=user.id,
                                              now=utcnow()) if user.role_enum is Role.OFFICER else None)
    return render(request, "checkout/buyer.html", {
        "vigilance": flagged,
        "view": view, "means": buyer_accounts.MEANS, "refund_means": rules.REFUND_MEANS, "values": values or {},
        "errors": errors or {}, "confirm": confirm, "command_id": uuid.uuid4().hex,
        "notice": NOTICES.get(request.query_params.get("fait", "")),
        "invoice_numbers": {invoice.number: format_number(invoice.number, invoice.issued_on)
                            for invoice in view.account.invoices},
        "statement_label": default_documents.statement_label,
    }, status_code=status_code)


async def buyer(request: Request) -> Response:
    try:
        sale_id, paddle = path_id(request, "sale_id"), path_id(request, "paddle")
        return await _buyer_page(request, sale_id, paddle)
    except (NotFound, UnknownPaddle):
        return error_page(request, 404)


async def record_payment(request: Request) -> Response:
    try:
        sale_id, paddle = path_id(request, "sale_id"), path_id(request, "paddle")
        await checkout.buyer_checkout(request.app.state.db.sessions, sale_id, paddle, utcnow())
    except (NotFound, UnknownPaddle):
        return error_page(request, 404)
    values = await form_dict(request)
    try:
        amount = parse_euros(values.get("amount", ""), field="amount")
        shown = values.get("shown_balance", "")
        form = rules.PaymentForm(values.get("means", ""), amount, values.get("reference", ""), values.get("bank", ""),
                                 values.get("cheque_number", ""), values.get("payer", ""))
        done = await payments.record_payment(
            request.app.state.db.sessions, sale_id, paddle, form, user_id=request.state.user.id, now=utcnow(),
            command_id=form_command(values), shown_balance_cents=parse_int(shown, minimum=-CENTS_MAX, maximum=CENTS_MAX),
            confirm_refund=values.get("confirm_refund") == "1")
    except rules.OverpaymentNotConfirmed as exc:
        return await _buyer_page(request, sale_id, paddle, values=values, confirm=exc, status_code=409)
    except rules.StaleBalance as exc:
        return await _buyer_page(request, sale_id, paddle, values={**values, "shown_balance": ""},
                                 errors={"payment": exc.message}, status_code=409)
    except DomainError as exc:
        return await _buyer_page(request, sale_id, paddle, values=values,
                                 errors={"payment": exc.message, exc.field or "payment": exc.message}, status_code=400)
    return RedirectResponse(f"{_base(sale_id)}/{paddle}?fait={'deja' if done.duplicate else 'paiement'}",
                            status_code=303)


def _action(run, notice: str):
    """A buyer-page form: run the use case, back to the buyer's page with a notice or the error."""
    async def handler(request: Request) -> Response:
        try:
            sale_id, paddle = path_id(request, "sale_id"), path_id(request, "paddle")
            await checkout.buyer_checkout(request.app.state.db.sessions, sale_id, paddle, utcnow())
        except (NotFound, UnknownPaddle):
            return error_page(request, 404)
        values = await form_dict(request)
        form = await request.form()
        try:
            await run(request, sale_id, paddle, values, form)
        except DomainError as exc:
            return await _buyer_page(request, sale_id, paddle, errors={exc.field or "action": exc.message,
                                                                       "action": exc.message}, status_code=400)
        return RedirectResponse(f"{_base(sale_id)}/{paddle}?fait={notice}", status_code=303)
    handler.__name__ = f"checkout_{notice}"
    return handler


def _who(request: Request) -> dict:
    return {"user_id": request.state.user.id, "now": utcnow()}


async def _issue_invoice(request, sale_id, paddle, values, form):
    await invoices.issue_invoices(request.app.state.db.sessions, sale_id, paddle=paddle, **_who(request))


async def _clear(request, sale_id, paddle, values, form):
    seq = _int(values.get("payment_seq", ""), "payment_seq", "Paiement")
    await payments.clear_payment(request.app.state.db.sessions, sale_id, seq, form_day(values, "cleared_on"),
                                 command_id=form_command(values), paddle=paddle, **_who(request))


async def _reverse(request, sale_id, paddle, values, form):
    seq = _int(values.get("payment_seq", ""), "payment_seq", "Paiement")
    await payments.reverse_payment(request.app.state.db.sessions, sale_id, seq, values.get("reason", ""),
                                   command_id=form_command(values), paddle=paddle, **_who(request))


async def _refund(request, sale_id, paddle, values, form):
    amount = parse_euros(values.get("refund_amount", ""), field="refund_amount")
    await payments.pay_refund(request.app.state.db.sessions, sale_id, paddle, amount, values.get("refund_means", ""),
                              values.get("refund_reference", ""), command_id=form_command(values), **_who(request))


async def _storage(request, sale_id, paddle, values, form):
    await release.charge_storage(request.app.state.db.sessions, sale_id, paddle, command_id=form_command(values),
                                 **_who(request))


async def _release(request, sale_id, paddle, values, form):
    lot_ids = [_int(str(v), "lot_ids", "Lot") for v in form.getlist("lot_ids")]
    await release.issue_release(request.app.state.db.sessions, sale_id, paddle, lot_ids, command_id=form_command(values),
                                **_who(request))


async def _pickup(request, sale_id, paddle, values, form):
    seq = _int(values.get("release_seq", ""), "release_seq", "Bon de délivrance")
    await release.record_pickup(request.app.state.db.sessions, sale_id, seq, values.get("collected_by", ""),
                                form_day(values, "collected_on"), command_id=form_command(values),
                                **_who(request))


async def release_slip(request: Request) -> Response:
    """The printable release slip (bon de délivrance)."""
    try:
        sale_id, paddle, seq = path_id(request, "sale_id"), path_id(request, "paddle"), path_id(request, "seq")
        view = await checkout.buyer_checkout(request.app.state.db.sessions, sale_id, paddle, utcnow())
    except (NotFound, UnknownPaddle):
        return error_page(request, 404)
    slip = next((r for r in view.releases if r.seq == seq), None)
    if slip is None:
        return error_page(request, 404)
    lots = [s for s in view.lots if s.lot_id in slip.lot_ids]
    return render(request, "checkout/release.html", {"view": view, "slip": slip, "lots": lots})


async def _desk_refused(request: Request, sale_id: int, **error: str) -> Response:
    """The desk again (400) with a desk form's refusal under that form (`cash_error`, `conditions_error`)."""
    view = await cash_desk.cash_desk(request.app.state.db.sessions, sale_id, today())
    return render(request, "checkout/desk.html", {"desk": view, "error": None, "query": "", **error,
                                                  "command_id": uuid.uuid4().hex}, status_code=400)


async def bank_cash(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
    except NotFound:
        return error_page(request, 404)
    values = await form_dict(request)
    form = await request.form()
    try:
        seqs = [_int(str(v), "payment_seqs", "Paiement") for v in form.getlist("payment_seqs")]
        await payments.bank_cash(request.app.state.db.sessions, sale_id, seqs, form_day(values, "banked_on"),
                                 command_id=form_command(values), **_who(request))
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return await _desk_refused(request, sale_id, cash_error=exc.message)
    return RedirectResponse(f"{_base(sale_id)}?fait=remise", status_code=303)


async def conditions(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
    except NotFound:
        return error_page(request, 404)
    values = await form_dict(request)
    try:
        await cash_desk.set_conditions(
            request.app.state.db.sessions, sale_id,
            _int(values.get("payment_days", ""), "payment_days", "Délai de paiement"),
            _int(values.get("storage_free_days", ""), "storage_free_days", "Jours de magasinage gratuits"),
            parse_euros(values.get("storage_fee", "") or "0", field="storage_fee"))
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return await _desk_refused(request, sale_id, conditions_error=exc.message)
    return RedirectResponse(f"{_base(sale_id)}?fait=conditions", status_code=303)


BUYER = "/bureau/ventes/{sale_id}/caisse/{paddle}"
routes = [
    page("/bureau/ventes/{sale_id}/caisse", desk, access=STAFF),
    page("/bureau/ventes/{sale_id}/caisse/remises", bank_cash, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/caisse/conditions", conditions, access=STAFF, methods=("POST",)),
    page(BUYER, buyer, access=STAFF),
    page(BUYER + "/paiement", record_payment, access=STAFF, methods=("POST",)),
    page(BUYER + "/bordereau", _action(_issue_invoice, "bordereau"), access=STAFF, methods=("POST",)),
    page(BUYER + "/encaissement", _action(_clear, "encaisse"), access=STAFF, methods=("POST",)),
    page(BUYER + "/annulation", _action(_reverse, "annule"), access=STAFF, methods=("POST",)),
    page(BUYER + "/remboursement", _action(_refund, "rembourse"), access=STAFF, methods=("POST",)),
    page(BUYER + "/magasinage", _action(_storage, "magasinage"), access=STAFF, methods=("POST",)),
    page(BUYER + "/delivrance", _action(_release, "delivrance"), access=STAFF, methods=("POST",)),
    page(BUYER + "/retrait", _action(_pickup, "retrait"), access=STAFF, methods=("POST",)),
    page(BUYER + "/delivrances/{seq}", release_slip, access=STAFF),
]
