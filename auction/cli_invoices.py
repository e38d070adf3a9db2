"""`criee invoices SALE --out DIR`: every invoice and credit note of a sale as a PDF (Factur-X where
the buyer is a company) and DIR/invoices.csv, for the office's e-invoicing platform."""
from __future__ import annotations

from pathlib import Path

from auction.domain.errors import InvalidValue as CommandError   # printed by `criee` as one line


def cmd_invoices(args, settings):
    from auction.cli import _preflight, _run
    from auction.models import Sale
    from auction.services import invoice_export

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out : {out} n'est pas un dossier.")
    if not out.parent.is_dir():
        raise CommandError(f"--out : le dossier {out.parent} n'existe pas.")
    _preflight(settings)

    async def export(db):
        async with db.sessions() as session:
            if await session.get(Sale, args.sale) is None:
                raise CommandError(f"Vente {args.sale} introuvable.")
        return await invoice_export.build(db.sessions, args.sale)
    result = _run(export, settings)
    invoice_export.write_directory(result, out)
    facturx = sum(1 for document in result.documents if document.facturx)
    print(f"Vente {args.sale} : {result.invoice_count} facture{'s' if result.invoice_count != 1 else ''}"
          f" ({facturx} Factur-X), {result.credit_note_count} avoir{'s' if result.credit_note_count != 1 else ''},"
          f" {result.statement_count} décompte{'s' if result.statement_count != 1 else ''} de défaut,"
          f" écrits dans {out} avec {invoice_export.CSV_NAME}.")


def add_parsers(sub) -> None:
    invoices = sub.add_parser("invoices", help="write a sale's invoices and credit notes (PDF, Factur-X for "
                                               "companies) and invoices.csv into a directory")
    invoices.add_argument("sale", type=int, help="sale id")
    invoices.add_argument("--out", required=True, help="directory to write into (created if missing)")
    invoices.set_defaults(func=cmd_invoices)
