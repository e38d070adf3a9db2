"""The CSV handed to the e-invoicing platform: one row per invoice and credit note, paid and balance derived."""
import csv
import io

from auction.domain.buyer_accounts import accounts
from auction.domain.invoice_export import COLUMNS, paid_by_invoice, rows, to_csv
from auction.domain.invoices import invoices_of

from ..checkout_fixtures import Log, credit_note_payload, line


def sale_log():
    log = Log()
    first = log.invoice(1, 1, [line(1, 100_00), line(2, 50_00)])        # 171,42 €
    log.invoice(2, 2, [line(3, 1_000_00)])                              # 1 142,80 €
    log.add("credit_note_issued", credit_note_payload(3, 1, first.seq, [line(2, 50_00)]))   # −57,14 €
    log.invoice(4, 1, [line(4, 10_00)])                                 # 11,43 €, won later
    return log


def test_payments_go_to_the_buyers_invoices_in_number_order():
    log = sale_log()
    log.pay(1, "card", 120_00)
    log.pay(2, "cheque", 1_142_80, bank="LCL", cheque_number="7")      # not cleared: not paid yet
    invoices = invoices_of(log.events)
    assert paid_by_invoice(invoices, accounts(log.events)) == {1: 114_28, 2: 0, 4: 5_72}


def test_an_overpayment_stays_on_the_last_invoice_as_a_negative_balance():
    log = sale_log()
    log.pay(1, "cash", 200_00)
    table = {row["number"]: row for row in rows(invoices_of(log.events), accounts(log.events))}
    assert table["2026-000001"]["paid_cents"] == 114_28 and table["2026-000001"]["balance_cents"] == 0
    assert table["2026-000004"]["paid_cents"] == 200_00 - 114_28
    assert table["2026-000004"]["balance_cents"] == 11_43 - (200_00 - 114_28)


def test_rows_have_the_columns_in_number_order_and_credit_notes_are_negative():
    log = sale_log()
    table = rows(invoices_of(log.events), accounts(log.events))
    assert [(row["number"], row["kind"]) for row in table] == [
        ("2026-000001", "invoice"), ("2026-000002", "invoice"), ("2026-000003", "credit_note"),
        ("2026-000004", "invoice")]
    first, _, note, _ = table
    assert first == {"number": "2026-000001", "kind": "invoice", "paddle": 1, "buyer": "Jeanne MARTIN", "siren": "",
                     "hammer_cents": 150_00, "fees_cents": 17_85, "vat_cents": 3_57, "total_cents": 171_42,
                     "paid_cents": 0, "balance_cents": 171_42 - 57_14}
    assert (note["hammer_cents"], note["fees_cents"], note["vat_cents"], note["total_cents"]) == (-50_00, -5_95,
                                                                                                   -1_19, -57_14)
    assert sum(row["total_cents"] for row in table) == sum(row["balance_cents"] for row in table)   # nothing paid
    parsed = list(csv.DictReader(io.StringIO(to_csv(table))))
    assert tuple(parsed[0]) == COLUMNS
    assert parsed[2]["total_cents"] == "-5714"
