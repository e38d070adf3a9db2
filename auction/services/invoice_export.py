"""A sale's invoices and credit notes as files for the office's e-invoicing platform: each document
as a PDF (Factur-X for a business buyer) and `invoices.csv` (auction.domain.invoice_export), in a
directory (`criee invoices SALE --out DIR`) or in one zip (the staff page)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction import invoice_documents
from auction.domain import buyer_accounts, invoice_export
from auction.domain.invoices import invoices_of
from auction.domain.storage_invoices import storage_invoices_of

from . import default_documents, settlement_log

CSV_NAME = "invoices.csv"
STATEMENT_PREFIX = "decompte-defaut-"


@dataclass(frozen=True)
class Export:
    documents: list[invoice_documents.Document]
    csv: str

    @property
    def invoice_count(self) -> int:
        return sum(1 for d in self.documents if d.filename.startswith("facture-"))

    @property
    def credit_note_count(self) -> int:
        return sum(1 for d in self.documents if d.filename.startswith("avoir-"))

    @property
    def statement_count(self) -> int:
        """Defaulters' statements (décomptes, auction/services/defaults.py): receivables, not invoices."""
        return sum(1 for d in self.documents if d.filename.startswith(STATEMENT_PREFIX))


async def build(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, processes: int | None = None) -> Export:
    """Every document of the sale, rendered in worker processes, and the CSV (paid and balance derived)."""
    events = await settlement_log.read(sessions, sale_id)
    invoices, storage = invoices_of(events), storage_invoices_of(events)
    rows = invoice_export.rows(invoices, buyer_accounts.accounts(events), storage)
    documents = await invoice_documents.render_many(invoice_documents.all_documents(invoices, storage),
                                                    processes=processes)
    for event in events:
        if event.kind == "default_statement_issued":
            content, _ = await default_documents.document_pdf(sessions, sale_id, "statement",
                                                              event.payload["default_seq"])
            label = default_documents.statement_label(event.payload)
            documents.append(invoice_documents.Document(f"{STATEMENT_PREFIX}{label}.pdf", content, False))
    return Export(documents, invoice_export.to_csv(rows))


def write_directory(export: Export, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for document in export.documents:
        path = out / document.filename
        path.write_bytes(document.content)
        written.append(path)
    (out / CSV_NAME).write_text(export.csv, encoding="utf-8")
    return [*written, out / CSV_NAME]


def to_zip(export: Export) -> bytes:
    """The zip of the export: the CSV deflated, the PDFs stored as they are (compressed already).
    Blocking (megabytes for a large sale): run it in a thread."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CSV_NAME, export.csv)
        for document in export.documents:
            archive.writestr(document.filename, document.content, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()
