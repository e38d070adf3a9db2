"""The documents of an invoice or credit note: the bordereau as a PDF, and for a business buyer (a
SIREN) a Factur-X e-invoice: the same PDF as PDF/A-3 with its CII XML (EN 16931 profile) embedded,
built and checked against the Factur-X XML schema by the `factur-x` library.

Rendering is synchronous (WeasyPrint, lxml): `render` runs it in a worker thread, `render_many` in
worker processes (a whole sale's export), so the event loop never waits on it.
"""
from __future__ import annotations

import asyncio
import io
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from auction.documents import DOCUMENTS, render_html
from auction.domain import einvoice
from auction.domain.invoices import LEGAL_BASIS, CreditNote, Invoice, vat_breakdown
from decimal import Decimal


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    facturx: bool


def is_einvoice(invoice: Invoice) -> bool:
    """Business buyers with a SIREN get a Factur-X invoice; private persons a plain PDF."""
    return invoice.buyer.is_company and bool(invoice.buyer.siren)


def filename(invoice: Invoice, note: CreditNote | None = None) -> str:
    return f"avoir-{note.label}.pdf" if note else f"facture-{invoice.label}.pdf"


def document_html(invoice: Invoice, note: CreditNote | None = None, *, facturx: bool = False) -> str:
    lines = note.lines if note else invoice.lines
    sale_date = (invoice.payload.get("sale") or {}).get("date")
    return render_html("invoice.html", {
        "invoice": invoice, "note": note, "facturx": facturx, "legal_basis": LEGAL_BASIS,
        "sale_day": date.fromisoformat(sale_date) if sale_date else None,
        "breakdown": vat_breakdown(lines, Decimal(invoice.payload.get("fee_vat_rate") or "0.20")),
    })


def cii_xml(invoice: Invoice, note: CreditNote | None = None) -> bytes:
    """The CII XML (Factur-X EN 16931) of an invoice or credit note, checked against the XML schema."""
    import facturx
    terms = einvoice.credit_note_terms(note, invoice) if note else einvoice.invoice_terms(invoice)
    return facturx.generate_cii_xml(terms, level="en16931", check_xsd=True, check_schematron=False)


def document_pdf(invoice: Invoice, note: CreditNote | None = None) -> Document:
    """The PDF of an invoice or credit note (Factur-X for a business buyer). Blocking."""
    from weasyprint import HTML   # imported lazily: it loads Pango
    electronic = is_einvoice(invoice)
    html = HTML(string=document_html(invoice, note, facturx=electronic), base_url=str(DOCUMENTS))
    if not electronic:
        return Document(filename(invoice, note), html.write_pdf(), False)
    import facturx
    pdf = html.write_pdf(pdf_variant="pdf/a-3b")
    title = f"Avoir {note.label}" if note else f"Facture {invoice.label}"
    office = (invoice.payload.get("office") or {}).get("name", "")
    content = facturx.generate_from_binary(
        pdf, cii_xml(invoice, note), flavor="factur-x", level="en16931", check_xsd=True, lang="fr",
        pdf_metadata={"author": office, "keywords": "Factur-X, facture, bordereau d'adjudication",
                      "title": f"{office} : {title}", "subject": f"{title} — {invoice.buyer.name}"})
    return Document(filename(invoice, note), content, True)


def _render_pairs(pairs: list[tuple[Invoice, CreditNote | None]]) -> list[Document]:
    return [document_pdf(invoice, note) for invoice, note in pairs]


async def render(invoice: Invoice, note: CreditNote | None = None) -> Document:
    return await asyncio.to_thread(document_pdf, invoice, note)


def all_documents(invoices: list[Invoice]) -> list[tuple[Invoice, CreditNote | None]]:
    """Every invoice and credit note of a sale, in number order."""
    pairs = [(invoice, None) for invoice in invoices]
    pairs += [(invoice, note) for invoice in invoices for note in invoice.credit_notes]
    return sorted(pairs, key=lambda pair: (pair[1] or pair[0]).number)


async def render_many(pairs: list[tuple[Invoice, CreditNote | None]], *, processes: int | None = None) -> list[Document]:
    """Many documents in worker processes (WeasyPrint holds the GIL), in the order given."""
    if not pairs:
        return []
    import os
    workers = max(1, min(processes or os.cpu_count() or 1, len(pairs)))
    chunk = max(1, min(25, len(pairs) // workers or 1))
    batches = [pairs[i:i + chunk] for i in range(0, len(pairs), chunk)]
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, _render_pairs, batch) for batch in batches))
    return [document for batch in results for document in batch]


def embedded_xml(pdf: bytes) -> bytes:
    """The CII XML embedded in a Factur-X PDF (for checks and tests)."""
    import facturx
    _name, xml = facturx.get_xml_from_pdf(io.BytesIO(pdf), check_xsd=False)
    return xml
