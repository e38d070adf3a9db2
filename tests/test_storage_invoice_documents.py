"""The storage invoice (facture de frais de magasinage) as documents: a plain PDF for a private buyer, a
Factur-X invoice for a company whose embedded CII XML passes the schema and the EN 16931 rules."""
import io
from datetime import date, datetime, timezone
from decimal import Decimal

from pypdf import PdfReader

from auction import invoice_documents as documents
from auction.domain.buyer_accounts import BuyerAccount
from auction.domain.einvoice import amount
from auction.domain.release import StorageTerms, storage_due, storage_payload
from auction.domain.settlement_log import next_event
from auction.domain.storage_invoices import invoice_fields, storage_invoices_of

from .test_invoice_documents import COMPANY, CONTEXT, PERSON, text_of, xpath

AT = datetime(2026, 12, 22, 10, 0, tzinfo=timezone.utc)
TERMS = StorageTerms(free_days=3, fee_cents=2_55)
LOTS = {1: ("1", "Scie à format Altendorf"), 2: ("2 bis", "Établi de menuisier")}


def storage_invoice(buyer):
    account = BuyerAccount(2, 102)
    today = date(2026, 12, 22)
    lines = storage_due(TERMS, date(2026, 12, 12), account, [1, 2], set(), today)
    payload = storage_payload(account, lines, today)
    payload.update(invoice_fields(43, today, buyer, TERMS.fee_cents, TERMS.vat_rate, payload["lines"], LOTS,
                                  {1: "2026-000041", 2: "2026-000041"}, CONTEXT))
    return storage_invoices_of([next_event([], 2, "storage_fee_charged", payload, AT, 1)])[0]


def test_lines_are_days_times_rate_with_vat_rounded_per_line_then_summed():
    invoice = storage_invoice(PERSON)
    assert [(line.label, line.days, line.amount_cents, line.vat_cents) for line in invoice.lines] == \
        [("1", 7, 17_85, 3_57), ("2 bis", 7, 17_85, 3_57)]          # 16/12 to 22/12: 7 days × 2,55 €
    assert invoice.totals == {"amount_cents": 35_70, "vat_cents": 7_14, "total_cents": 42_84}
    assert invoice.label == "2026-000043" and invoice.invoice_labels == ["2026-000041"]
    assert invoice.vat_rate == Decimal("0.20")


def test_a_private_buyer_gets_a_plain_pdf_referring_to_the_bordereau():
    document = documents.document_pdf(storage_invoice(PERSON))
    assert document.filename == "facture-2026-000043.pdf" and not document.facturx
    text = text_of(document.content).replace("\u202f", " ").replace("\u00a0", " ")
    for expected in ("FACTURE DE FRAIS DE MAGASINAGE", "FACTURE N° 2026-000043", "2026-000041", "Étude Demo",
                     "SIRET 81234567600017", "Jeanne MARTIN", "Scie à format Altendorf", "du 16/12/2026 au 22/12/2026",
                     "7 × 2,55 €", "17,85 €", "3,57 €", "Net à payer : 42,84 €", "20,00 % 35,70 € 7,14 €"):
        assert expected in text, expected


def test_a_company_gets_a_factur_x_storage_invoice_valid_against_schema_and_rules():
    from .einvoice_check import rule_failures, schema_valid

    invoice = storage_invoice(COMPANY)
    document = documents.document_pdf(invoice)
    assert document.facturx
    assert "factur-x.xml" in PdfReader(io.BytesIO(document.content)).attachments
    xml = documents.embedded_xml(document.content)
    assert schema_valid(xml)
    assert rule_failures(xml) == []
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert xpath(xml, "//rsm:ExchangedDocument/ram:ID") == ["2026-000043"]
    assert xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["2026-000041"]
    assert xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["732829320"]
    assert xpath(xml, "//ram:BilledQuantity") == ["7", "7"]               # the days charged…
    assert xpath(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["2.55", "2.55"]   # …at the rate
    assert xpath(xml, "//ram:GrandTotalAmount") == [amount(42_84)]
    assert xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount") == ["7.14"]
    assert "Menuiserie Durand SAS" in text_of(document.content)


def test_the_export_lists_a_storage_invoice_as_a_document_and_a_csv_row():
    from auction.domain.invoice_export import rows

    invoice = storage_invoice(COMPANY)
    assert [(p[0].label, p[1]) for p in documents.all_documents([], [invoice])] == [("2026-000043", None)]
    (row,) = rows([], {}, [invoice])
    assert (row["number"], row["kind"], row["paddle"], row["hammer_cents"], row["fees_cents"], row["vat_cents"],
            row["total_cents"], row["paid_cents"], row["balance_cents"]) == \
        ("2026-000043", "storage", 2, 0, 35_70, 7_14, 42_84, 0, 42_84)
