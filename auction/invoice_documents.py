"""The documents of an invoice or credit note: the bordereau as a PDF, and for a business buyer (a
SIREN) a Factur-X e-invoice: the same PDF as PDF/A-3 with its CII XML (EN 16931 profile) embedded,
built and checked against the Factur-X XML schema by the `factur-x` library.

Rendering is synchronous (WeasyPrint, lxml) and runs in other processes, so the event loop never
waits on it (in a thread WeasyPrint, mostly pure Python, would hold the GIL): `render` in the
documents' worker process (auction/services/catalogue_pdf.py), `render_many` (a whole sale's
export) in a pool of one process per core, started for the export. WeasyPrint's cost is layout:
the template is self-contained and lean (fixed table layouts, one font family, no page total), and
each process shares one font configuration across its documents.
"""
from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from auction.documents import DOCUMENTS, render_html
from auction.domain import einvoice
from auction.domain.invoices import LEGAL_BASIS, CreditNote, Invoice, vat_breakdown
from auction.domain.storage_invoices import StorageInvoice
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


_BETWEEN_TAGS = re.compile(r">\s+<")   # the template's indentation: less for WeasyPrint to parse


def document_html(invoice: Invoice | StorageInvoice, note: CreditNote | None = None, *, facturx: bool = False) -> str:
    if isinstance(invoice, StorageInvoice):
        sale_date = (invoice.payload.get("sale") or {}).get("date")
        return _BETWEEN_TAGS.sub("><", render_html("storage_invoice.html", {
            "invoice": invoice, "facturx": facturx,
            "sale_day": date.fromisoformat(sale_date) if sale_date else None}))
    lines = note.lines if note else invoice.lines
    sale_date = (invoice.payload.get("sale") or {}).get("date")
    return _BETWEEN_TAGS.sub("><", render_html("invoice.html", {
        "invoice": invoice, "note": note, "facturx": facturx, "legal_basis": LEGAL_BASIS,
        "sale_day": date.fromisoformat(sale_date) if sale_date else None,
        "breakdown": vat_breakdown(lines, Decimal(invoice.payload.get("fee_vat_rate") or "0.20")),
    }))


def cii_xml(invoice: Invoice, note: CreditNote | None = None) -> bytes:
    """The CII XML (Factur-X EN 16931) of an invoice or credit note, checked against the XML schema."""
    import facturx
    if isinstance(invoice, StorageInvoice):
        terms = einvoice.storage_invoice_terms(invoice)
    else:
        terms = einvoice.credit_note_terms(note, invoice) if note else einvoice.invoice_terms(invoice)
    return facturx.generate_cii_xml(terms, level="en16931", check_xsd=True, check_schematron=False)


_font_config = None


def _fonts():
    """One WeasyPrint font configuration per process, shared by its documents (making one per
    document costs about a sixth of a bordereau's rendering)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration
        _font_config = FontConfiguration()
    return _font_config


def document_pdf(invoice: Invoice, note: CreditNote | None = None) -> Document:
    """The PDF of an invoice or credit note (Factur-X for a business buyer). Blocking."""
    from weasyprint import HTML   # imported lazily: it loads Pango
    electronic = is_einvoice(invoice)
    html = HTML(string=document_html(invoice, note, facturx=electronic), base_url=str(DOCUMENTS))
    if not electronic:
        return Document(filename(invoice, note), html.write_pdf(font_config=_fonts()), False)
    import facturx
    pdf = html.write_pdf(pdf_variant="pdf/a-3b", font_config=_fonts())
    storage = isinstance(invoice, StorageInvoice)
    title = f"Avoir {note.label}" if note else f"Facture {invoice.label}"
    office = (invoice.payload.get("office") or {}).get("name", "")
    content = facturx.generate_from_binary(
        pdf, cii_xml(invoice, note), flavor="factur-x", level="en16931", check_xsd=False, lang="fr",   # checked by cii_xml
        pdf_metadata={"author": office, "keywords": "Factur-X, facture, " + (
                          "frais de magasinage" if storage else "bordereau d'adjudication"),
                      "title": f"{office} : {title}", "subject": f"{title} — {invoice.buyer.name}"})
    return Document(filename(invoice, note), content, True)


def _render_pairs(pairs: list[tuple[Invoice, CreditNote | None]]) -> list[Document]:
    return [document_pdf(invoice, note) for invoice, note in pairs]


async def render(invoice: Invoice, note: CreditNote | None = None) -> Document:
    """One document, in the documents' worker process."""
    from auction.services.catalogue_pdf import in_worker
    return await in_worker(document_pdf, invoice, note)


def all_documents(invoices: list[Invoice], storage: list[StorageInvoice] = ()) -> list[tuple[Invoice | StorageInvoice, CreditNote | None]]:
    """Every invoice (bordereaux and storage invoices) and credit note of a sale, in number order."""
    pairs = [(invoice, None) for invoice in [*invoices, *storage]]
    pairs += [(invoice, note) for invoice in invoices for note in invoice.credit_notes]
    return sorted(pairs, key=lambda pair: (pair[1] or pair[0]).number)


def _start_worker(server_pid: int) -> None:
    """A worker exits with the server (even killed mid-export: its parent is the fork server, so it
    watches the server's pid), and has its font configuration before its first batch."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
    threading.Thread(target=watch, name="server-watch", daemon=True).start()
    _fonts()


_context = None


def _workers_context():
    """Workers are forked from a fork server (a small single-threaded process that has WeasyPrint
    loaded already): they start at once, unlike spawned ones that import everything again, and
    without what a fork of the threaded server process would inherit (a lock held by another thread)."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["auction.invoice_documents", "auction.services.catalogue_pdf",
                                         "weasyprint", "facturx"])
    return _context


async def render_many(pairs: list[tuple[Invoice, CreditNote | None]], *, processes: int | None = None) -> list[Document]:
    """Many documents in worker processes, one per core (WeasyPrint holds the GIL), in the order
    given; small batches keep the processes equally busy to the end."""
    if not pairs:
        return []
    workers = max(1, min(processes or os.cpu_count() or 1, len(pairs)))
    chunk = max(1, min(10, len(pairs) // (workers * 4) or 1))
    batches = [pairs[i:i + chunk] for i in range(0, len(pairs), chunk)]
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_workers_context(),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        # Starting a worker waits for the fork server (the first time, until it has loaded WeasyPrint):
        # start them all from a thread, so that the submissions below find them running.
        await asyncio.to_thread(lambda: [future.result() for future in [pool.submit(os.getpid)
                                                                         for _ in range(workers)]])
        results = await asyncio.gather(*(loop.run_in_executor(pool, _render_pairs, batch) for batch in batches))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)   # never wait on the processes' exit in the loop
    return [document for batch in results for document in batch]


def embedded_xml(pdf: bytes) -> bytes:
    """The CII XML embedded in a Factur-X PDF (for checks and tests)."""
    import facturx
    _name, xml = facturx.get_xml_from_pdf(io.BytesIO(pdf), check_xsd=False)
    return xml
