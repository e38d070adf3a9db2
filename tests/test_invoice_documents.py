"""The bordereau PDF, and the Factur-X e-invoice of a business buyer: the CII XML is taken back out of
the PDF and checked against the Factur-X schema and the EN 16931 rules; the PDF's text is read back."""
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from auction import invoice_documents as documents
from auction.domain.einvoice import amount, credit_note_terms, invoice_terms
from auction.domain.invoice_buyers import Buyer
from auction.domain.invoices import INTERMEDIARY_MENTION, SoldLot, credit_note_payload, invoice_payload, invoices_of
from auction.domain.settlement_log import next_event
from auction.domain.tariff import tariff_on

from .einvoice_check import rule_failures, schema_valid

AT = datetime(2026, 12, 12, 17, 0, tzinfo=timezone.utc)
SALE_DAY = date(2026, 12, 12)
TARIFF = tariff_on(date(2025, 6, 1))
CONTEXT = {"office": {"name": "Étude Demo", "address": "12 quai Saint-Antoine", "postcode": "69002", "city": "Lyon",
                      "phone": "04 78 00 00 00", "email": "etude@exemple.fr", "siret": "81234567600017",
                      "vat_number": "FR86812345676", "iban": "FR76 3000 6000 0112 3456 7890 189",
                      "officer": "Me Claire DUVAL"},
           "sale": {"id": 2, "reference": "V-2026-12", "title": "Outillage et mobilier", "date": "2026-12-12",
                    "place": "Hôtel des ventes, 3 rue Molière, 69006 Lyon"}}
COMPANY = Buyer("Menuiserie Durand SAS", "5 rue des Tanneurs, 69007 Lyon", True, "732829320", "FR44732829320",
                "5 rue des Tanneurs", "69007", "Lyon", "FR")
PERSON = Buyer("Jeanne MARTIN", "3 rue de la Paix, 69002 Lyon", street="3 rue de la Paix", postcode="69002",
               city="Lyon")
LOTS = [SoldLot(1, "1", "Scie à format Altendorf", 10, 1234_56, 2, 102),
        SoldLot(2, "2 bis", "Établi de menuisier", 20, 5, 2, 102),
        SoldLot(3, "3", "Commode Louis XV", 20, 870_00, 2, 102)]
CII = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
       "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def log(buyer, rates=None, credit=None):
    events = [next_event([], 2, "invoice_issued", invoice_payload(
        41, LOTS, buyer, TARIFF, rates or {}, SALE_DAY, date(2026, 12, 20), CONTEXT), AT, 1)]
    if credit:
        note = credit_note_payload(42, invoices_of(events)[0], credit, "Lot endommagé à l'enlèvement", SALE_DAY)
        events.append(next_event(events, 2, "credit_note_issued", note, AT, 1))
    return invoices_of(events)[0]


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def xpath(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).xpath(path, namespaces=CII)]


def test_a_private_buyer_gets_a_plain_bordereau_with_everything_the_law_asks():
    invoice = log(PERSON)
    document = documents.document_pdf(invoice)
    assert document.filename == "facture-2026-000041.pdf" and not document.facturx
    reader = PdfReader(io.BytesIO(document.content))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    text = text_of(document.content).replace("\u202f", " ").replace("\u00a0", " ")
    for expected in ("BORDEREAU D'ADJUDICATION FACTURE N° 2026-000041", "Étude Demo", "SIRET 81234567600017",
                     "TVA intracommunautaire FR86812345676", "Jeanne MARTIN", "3 rue de la Paix, 69002 Lyon",
                     "samedi 12 décembre 2026", "Hôtel des ventes", "Scie à format Altendorf", "1 234,56 €",
                     "146,91 €", "29,38 €", "CPCE R221-38", "20/12/2026", "FR76 3000 6000 0112 3456 7890 189",
                     "CMF D112-3", "C. com. A444-3", "intermédiaire"):
        assert expected in text, expected
    assert f"Net à payer : {invoice.totals['total_cents'] // 100:,},".replace(",", " ", 1) in text


def test_a_business_buyer_gets_a_factur_x_invoice_whose_xml_passes_the_schema_and_en16931_rules():
    invoice = log(COMPANY)
    document = documents.document_pdf(invoice)
    assert document.facturx
    reader = PdfReader(io.BytesIO(document.content))
    assert "factur-x.xml" in reader.attachments
    metadata = reader.xmp_metadata
    assert metadata is not None and metadata.pdfaid_part == "3"      # PDF/A-3
    xml = documents.embedded_xml(document.content)
    assert xml == reader.attachments["factur-x.xml"][0]
    assert schema_valid(xml)
    assert rule_failures(xml) == []
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert xpath(xml, "//rsm:ExchangedDocument/ram:ID") == ["2026-000041"]
    assert xpath(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == ["urn:cen.eu:en16931:2017"]
    assert xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["732829320"]
    assert xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR44732829320"]
    assert xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR86812345676"]
    assert xpath(xml, "//ram:GrandTotalAmount") == [amount(invoice.totals["total_cents"])]
    assert xpath(xml, "//ram:DuePayableAmount") == [amount(invoice.totals["total_cents"])]
    # Without the seller's VAT, the hammer prices are their own group, exempt with the reason.
    assert sorted(xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode")) == ["E", "S"]
    assert xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReason")[0].startswith("Prix d'adjudication")
    assert len(xpath(xml, "//ram:IncludedSupplyChainTradeLineItem")) == 2 * len(LOTS)
    text = text_of(document.content)
    assert "Menuiserie Durand SAS" in text and "SIREN 732829320" in text and "Factur-X" in text


def test_hammer_vat_of_a_taxable_seller_is_in_the_e_invoice_and_on_the_bordereau():
    invoice = log(COMPANY, rates={20: Decimal("0.20")})
    assert invoice.totals["hammer_vat_cents"] == 0 + 0 + 174_00 + 1      # 0,05 € × 20 % rounds to 1 c
    xml = documents.cii_xml(invoice)
    assert schema_valid(xml) and rule_failures(xml) == []
    taxes = etree.fromstring(xml).xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
                                        namespaces=CII)
    groups = {(t.findtext("ram:CategoryCode", namespaces=CII), t.findtext("ram:RateApplicablePercent",
                                                                          namespaces=CII)) for t in taxes}
    assert groups == {("E", "0.00"), ("S", "20.00")}
    text = text_of(documents.document_pdf(invoice).content)
    assert "TVA sur adjudication" in text and "le vendeur est un assujetti" in text and INTERMEDIARY_MENTION[:40] in text


def test_a_credit_note_is_a_381_referring_to_its_invoice():
    invoice = log(COMPANY, credit=[3])
    [note] = invoice.credit_notes
    document = documents.document_pdf(invoice, note)
    assert document.filename == "avoir-2026-000042.pdf" and document.facturx
    xml = documents.embedded_xml(document.content)
    assert schema_valid(xml) and rule_failures(xml) == []
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["2026-000041"]
    assert xpath(xml, "//ram:GrandTotalAmount") == [amount(note.totals["total_cents"])]
    text = text_of(document.content)
    assert "AVOIR N° 2026-000042" in text and "Lot endommagé" in text and "Commode Louis XV" in text
    assert "Scie à format" not in text


def test_the_terms_never_go_through_a_float():
    invoice = log(COMPANY)
    terms = invoice_terms(invoice)
    assert terms["BT-112"] == amount(invoice.totals["total_cents"]) and isinstance(terms["BT-112"], str)
    assert amount(-1_05) == "-1.05" and amount(7) == "0.07"
    credited = log(COMPANY, credit=[1, 2])
    note_terms = credit_note_terms(credited.credit_notes[0], credited)
    assert note_terms["BT-3"] == "381" and note_terms["BG-3"] == [{"BT-25": "2026-000041", "BT-26": SALE_DAY}]
    assert note_terms["BT-115"] == amount(credited.credit_notes[0].totals["total_cents"])


def test_a_broken_total_is_caught_by_the_rules():
    xml = documents.cii_xml(log(COMPANY)).replace(b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>1")
    assert any(failure.startswith("BR-CO-15") for failure in rule_failures(xml))


@pytest.mark.parametrize("buyer", [PERSON, COMPANY])
async def test_rendering_runs_off_the_event_loop(buyer):
    document = await documents.render(log(buyer))
    assert document.content.startswith(b"%PDF")
