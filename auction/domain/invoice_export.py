"""The export of a sale's invoices for the office's e-invoicing platform: one CSV row per invoice and
credit note, with what each invoice has been paid and its balance, derived from the settlement log.

Storage invoices (auction/domain/storage_invoices.py) are rows of kind `storage`: their amount excl.
VAT in `fees_cents` (the office's fees), no hammer price. A buyer's cleared payments (less refunds paid) go to the buyer's invoices in number order, each up to
its amount due (its total less its credit notes); what is left over stays on the last invoice, whose
balance is then negative (a refund due). A credit note's amounts are negative, so that each column
adds up to the net invoiced.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from .buyer_accounts import BuyerAccount
from .invoices import Invoice
from .storage_invoices import StorageInvoice

COLUMNS = ("number", "kind", "paddle", "buyer", "siren", "hammer_cents", "fees_cents", "vat_cents", "total_cents",
           "paid_cents", "balance_cents")


def paid_by_invoice(invoices: Iterable[Invoice | StorageInvoice], accounts: Mapping[int, BuyerAccount]) -> dict[int, int]:
    """Invoice number → the cleared money it has received (bordereaux and storage invoices alike)."""
    by_paddle: dict[int, list[Invoice]] = {}
    for invoice in invoices:
        by_paddle.setdefault(invoice.paddle, []).append(invoice)
    paid: dict[int, int] = {}
    for paddle, its in by_paddle.items():
        account = accounts.get(paddle)
        available = account.cleared_cents - account.refunded_cents if account else 0
        its.sort(key=lambda invoice: invoice.number)
        for invoice in its:
            take = max(0, min(invoice.amount_due_cents, available))
            paid[invoice.number] = take
            available -= take
        if available > 0:
            paid[its[-1].number] += available
    return paid


def rows(invoices: list[Invoice], accounts: Mapping[int, BuyerAccount],
         storage: Iterable[StorageInvoice] = ()) -> list[dict[str, object]]:
    """The CSV rows, invoices, storage invoices and credit notes in number order."""
    storage = list(storage)
    paid = paid_by_invoice([*invoices, *storage], accounts)
    out = []
    for invoice in storage:
        t = invoice.totals
        out.append({"number": invoice.label, "kind": "storage", "paddle": invoice.paddle, "buyer": invoice.buyer.name,
                    "siren": invoice.buyer.siren, "hammer_cents": 0, "fees_cents": t["amount_cents"],
                    "vat_cents": t["vat_cents"], "total_cents": t["total_cents"], "paid_cents": paid[invoice.number],
                    "balance_cents": invoice.amount_due_cents - paid[invoice.number], "_order": invoice.number})
    for invoice in invoices:
        t = invoice.totals
        out.append({"number": invoice.label, "kind": "invoice", "paddle": invoice.paddle, "buyer": invoice.buyer.name,
                    "siren": invoice.buyer.siren, "hammer_cents": t["hammer_cents"], "fees_cents": t["fees_cents"],
                    "vat_cents": t["hammer_vat_cents"] + t["fees_vat_cents"], "total_cents": t["total_cents"],
                    "paid_cents": paid[invoice.number],
                    "balance_cents": invoice.amount_due_cents - paid[invoice.number], "_order": invoice.number})
        for note in invoice.credit_notes:
            n = note.totals
            out.append({"number": note.label, "kind": "credit_note", "paddle": invoice.paddle,
                        "buyer": invoice.buyer.name, "siren": invoice.buyer.siren, "hammer_cents": -n["hammer_cents"],
                        "fees_cents": -n["fees_cents"], "vat_cents": -(n["hammer_vat_cents"] + n["fees_vat_cents"]),
                        "total_cents": -n["total_cents"], "paid_cents": 0, "balance_cents": 0, "_order": note.number})
    out.sort(key=lambda row: row["_order"])
    return [{key: row[key] for key in COLUMNS} for row in out]


def to_csv(rows_: Iterable[Mapping[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows_)
    return buffer.getvalue()
