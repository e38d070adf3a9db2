"""A sale's invoices (bordereaux) for the staff: the list with what each buyer has paid, issuing the
bordereaux of every buyer, each invoice with its PDF (Factur-X for a company) and its credit notes,
the credit-note form, and the export handed to the office's e-invoicing platform (a zip)."""
from __future__ import annotations

import asyncio
import uuid

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction import invoice_documents
from auction.domain import buyer_accounts, invoice_export
from auction.domain.errors import DomainError
from auction.domain.invoices import find_invoice
from auction.domain.storage_invoices import find_storage_invoice
from auction.models import utcnow
from auction.services import invoice_export as export_service
from auction.services import invoice_mail, invoices
from auction.services.catalogue import NotFound
from auction.services.settlement_log import SaleNotFound

from ..access import BIDDER, STAFF, page
from ..errors import error_page
from ..forms import form_ids, path_id
from ..templates import render

NOTICES = {"emises": "Bordereaux émis.", "aucune": "Aucun lot adjugé n'attend de bordereau.",
           "envoye": "Bordereau envoyé par e-mail à l'adjudicataire.",
           "non-envoye": "Le bordereau n'a pas pu être envoyé : serveur de courrier absent ou injoignable.",
           "avoir": "Avoir émis.", "deja": "Cet avoir était déjà émis (formulaire envoyé deux fois)."}


def invoices_url(sale_id: int) -> str:
    return f"/bureau/ventes/{sale_id}/factures"


def invoice_pdf_url(sale_id: int, number: int) -> str:
    """Where the staff print an invoice (the checkout screen links here)."""
    return f"{invoices_url(sale_id)}/{number}/pdf"


def _who(request: Request) -> dict:
    return {"user_id": request.state.user.id, "now": utcnow()}


async def _invoicing(request: Request):
    sale_id = path_id(request, "sale_id")
    try:
        return await invoices.sale_invoicing(request.app.state.db.sessions, sale_id)
    except SaleNotFound:
        raise NotFound() from None


def _documents(view) -> list[tuple]:
    """(invoice, None) and (invoice, credit note) rows in number order: one series, no gap to hide."""
    rows = [(invoice.number, invoice, None) for invoice in view.invoices]
    rows += [(note.number, invoice, note) for invoice in view.invoices for note in invoice.credit_notes]
    return [(invoice, note) for _, invoice, note in sorted(rows, key=lambda row: row[0])]


def _paid(view) -> dict[int, int]:
    return invoice_export.paid_by_invoice([*view.invoices, *view.storage], buyer_accounts.accounts(view.events))


async def list_invoices(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    try:
        view = await _invoicing(request)
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return error_page(request, 409, exc.message)
    return render(request, "invoices/list.html", {
        "view": view, "sale": view.sale, "paid": _paid(view), "error": error, "documents": _documents(view),
        "ok": NOTICES.get(request.query_params.get("ok", "")), "base": invoices_url(view.sale.id),
    }, status_code=status_code)


async def issue_all(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        issued = await invoices.issue_invoices(request.app.state.db.sessions, sale_id, **_who(request))
    except (NotFound, SaleNotFound):
        return error_page(request, 404)
    except DomainError as exc:     # the tariff of the sale's day not confirmed, no office…
        return await list_invoices(request, error=exc.message, status_code=400)
    return RedirectResponse(f"{invoices_url(sale_id)}?ok={'emises' if issued else 'aucune'}", status_code=303)


async def _one(request: Request):
    view = await _invoicing(request)
    number = path_id(request, "number")
    try:
        return view, find_invoice(view.invoices, number)
    except DomainError:
        raise NotFound() from None


async def show_invoice(request: Request, *, values=None, errors=None, status_code: int = 200) -> Response:
    try:
        view, invoice = await _one(request)
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return error_page(request, 409, exc.message)
    paid = _paid(view).get(invoice.number, 0)
    return render(request, "invoices/invoice.html", {
        "view": view, "sale": view.sale, "invoice": invoice, "paid": paid,
        "balance": invoice.amount_due_cents - paid, "facturx": invoice_documents.is_einvoice(invoice),
        "values": values or {"command_id": uuid.uuid4().hex}, "errors": errors or {},
        "ok": NOTICES.get(request.query_params.get("ok", "")), "base": invoices_url(view.sale.id),
    }, status_code=status_code)


def _pdf(document: invoice_documents.Document) -> Response:
    return Response(document.content, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{document.filename}"'})


async def invoice_pdf(request: Request) -> Response:
    """A bordereau's PDF, or a storage invoice's (same series, so one address by number)."""
    try:
        view = await _invoicing(request)
        number = path_id(request, "number")
    except NotFound:
        return error_page(request, 404)
    except DomainError as exc:
        return error_page(request, 409, exc.message)
    invoice = find_storage_invoice(view.storage, number)
    if invoice is None:
        try:
            invoice = find_invoice(view.invoices, number)
        except DomainError:
            return error_page(request, 404)
    return _pdf(await invoice_documents.render(invoice))


async def credit_note_pdf(request: Request) -> Response:
    try:
        _view, invoice = await _one(request)
        number = path_id(request, "note")
    except NotFound:
        return error_page(request, 404)
    note = next((n for n in invoice.credit_notes if n.number == number), None)
    if note is None:
        return error_page(request, 404)
    return _pdf(await invoice_documents.render(invoice, note))


async def add_credit_note(request: Request) -> Response:
    form = await request.form()
    values = {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}
    lot_ids = form_ids(v for v in form.getlist("lot_ids") if isinstance(v, str))
    command_id = values.get("command_id", "")
    try:
        sale_id = path_id(request, "sale_id")
        number = path_id(request, "number")
    except NotFound:
        return error_page(request, 404)
    try:
        note, again = await invoices.issue_credit_note(
            request.app.state.db.sessions, sale_id, number, lot_ids, values.get("reason", ""),
            command_id=command_id if 8 <= len(command_id) <= 64 and command_id.isascii() else None, **_who(request))
    except SaleNotFound:
        return error_page(request, 404)
    except DomainError as exc:
        if exc.code == "unknown_invoice":
            return error_page(request, 404)
        values["lot_ids"] = lot_ids
        return await show_invoice(request, values=values, errors={exc.field or "reason": exc.message},
                                  status_code=400)
    return RedirectResponse(f"{invoices_url(sale_id)}/{number}?ok={'deja' if again else 'avoir'}#avoir-{note.number}",
                            status_code=303)


async def mail_invoice(request: Request) -> Response:
    try:
        view, invoice = await _one(request)
    except NotFound:
        return error_page(request, 404)
    sent = await invoice_mail.send_invoice(request.app.state.settings, request.app.state.db.sessions, view.sale.id,
                                           invoice.number, **_who(request))
    return RedirectResponse(f"{invoices_url(view.sale.id)}/{invoice.number}?ok={'envoye' if sent else 'non-envoye'}",
                            status_code=303)


async def bidder_pdf(request: Request) -> Response:
    """The signed-in bidder's own bordereau (Mon espace); anyone else's is a 404."""
    try:
        invoice = await invoices.bidder_invoice(request.app.state.db.sessions, request.state.user.id,
                                                path_id(request, "sale_id"), path_id(request, "number"))
    except (NotFound, DomainError):
        return error_page(request, 404)
    return _pdf(await invoice_documents.render(invoice))


async def export_zip(request: Request) -> Response:
    try:
        view = await _invoicing(request)
    except NotFound:
        return error_page(request, 404)
    export = await export_service.build(request.app.state.db.sessions, view.sale.id)
    content = await asyncio.to_thread(export_service.to_zip, export)
    return Response(content, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="factures-{view.sale.reference}.zip"'})


routes = [
    page("/bureau/ventes/{sale_id}/factures", list_invoices, access=STAFF),
    page("/bureau/ventes/{sale_id}/factures", issue_all, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/factures/export.zip", export_zip, access=STAFF),
    page("/bureau/ventes/{sale_id}/factures/{number}", show_invoice, access=STAFF),
    page("/bureau/ventes/{sale_id}/factures/{number}/pdf", invoice_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/factures/{number}/avoir", add_credit_note, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/factures/{number}/avoirs/{note}/pdf", credit_note_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/factures/{number}/envoi", mail_invoice, access=STAFF, methods=("POST",)),
    page("/mon-espace/bordereaux/{sale_id}/{number}", bidder_pdf, access=BIDDER),
]
