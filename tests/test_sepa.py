"""SEPA credit-transfer files (pain.001) for the payouts, validated against the ISO 20022 schema."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from lxml import etree

from auction.domain.errors import InvalidValue
from auction.sepa import (
    SCHEMAS, OrderingAccount, SepaFileRefused, Transfer, credit_transfer_file, schema_path, validate_file,
)

OFFICE = OrderingAccount("Étude Demo — compte affecté", "FR7630006000011234567890189")
NOW = datetime(2026, 12, 2, 8, 30, tzinfo=timezone.utc)
TRANSFERS = (
    Transfer("Crédit Lyonnais Créances", "DE89 3704 0044 0532 0130 00", 123_456, "Répartition vente 2, dossier 1",
             "CRIEE-2-1-C3", bic="COBADEFFXXX"),
    Transfer("Benoît Débiteur", "FR7630006000011234567890189", 100, "Solde de la répartition", "CRIEE-2-1-D"),
)


def build(schema="pain.001.001.09", transfers=TRANSFERS):
    return credit_transfer_file(OFFICE, transfers, execution_date=date(2026, 12, 3), message_id="CRIEE-2-PAYOUT-1",
                                now=NOW, schema=schema)


def read(document):
    tree = etree.fromstring(document)
    return tree, {"p": tree.nsmap[None]}


@pytest.mark.parametrize("schema", SCHEMAS)
def test_the_file_validates_against_the_pain_001_schema(schema):
    document = build(schema)
    xsd = etree.XMLSchema(etree.parse(str(schema_path(schema))))
    assert xsd.validate(etree.fromstring(document)), xsd.error_log
    tree, ns = read(document)
    assert tree.nsmap[None] == f"urn:iso:std:iso:20022:tech:xsd:{schema}"


def test_the_file_carries_every_transfer_to_the_cent_and_our_identifiers():
    tree, ns = read(build())
    header = tree.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header.findtext("p:MsgId", namespaces=ns) == "CRIEE-2-PAYOUT-1"
    assert header.findtext("p:CreDtTm", namespaces=ns) == "2026-12-02T08:30:00Z"
    assert header.findtext("p:NbOfTxs", namespaces=ns) == "2"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=ns)) == Decimal("1235.56")
    lines = tree.findall(".//p:CdtTrfTxInf", ns)
    assert [(l.findtext("p:PmtId/p:EndToEndId", namespaces=ns), l.findtext("p:Amt/p:InstdAmt", namespaces=ns),
             l.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns)) for l in lines] == [
        ("CRIEE-2-1-C3", "1234.56", "DE89370400440532013000"),
        ("CRIEE-2-1-D", "1.00", "FR7630006000011234567890189")]
    # names go to the SEPA character set
    assert lines[1].findtext("p:Cdtr/p:Nm", namespaces=ns) == "Benoit Debiteur"
    # the office's bank comes from its IBAN's bank code (30006: AGRIFRPP)
    assert tree.findtext(".//p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=ns) == "AGRIFRPPXXX"
    assert tree.findtext(".//p:ReqdExctnDt/p:Dt", namespaces=ns) == "2026-12-03"


def test_the_same_payout_run_gives_the_same_file():
    assert build() == build()


@pytest.mark.parametrize("transfers, field", [
    ((), "transfers"),
    ((Transfer("X", "FR7630006000011234567890188", 100, "r", "A"),), "iban"),
    ((Transfer("X", "BR1800360305000010009795493C1", 100, "r", "A"),), "iban"),
    ((Transfer("X", "FR7630006000011234567890189", 0, "r", "A"),), "amount_cents"),
    ((Transfer("X", "FR7630006000011234567890189", 100, "r", "Référence accentuée"),), "end_to_end_id"),
    ((Transfer(" ", "FR7630006000011234567890189", 100, "r", "A"),), "name"),
    ((Transfer("X", "FR7630006000011234567890189", 100, "r", "A", bic="COBADEFFXXX"),), "bic"),
    ((Transfer("X", "FR7630006000011234567890189", 100, "r", "A"),
      Transfer("Y", "FR7630006000011234567890189", 100, "r", "A")), "end_to_end_id"),
])
def test_bad_transfers_are_refused_in_french(transfers, field):
    with pytest.raises(InvalidValue) as caught:
        build(transfers=transfers)
    assert caught.value.field == field


def test_an_invalid_document_is_refused():
    tree, ns = read(build())
    tree.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", ns).text = "deux"
    with pytest.raises(SepaFileRefused, match="non conforme"):
        validate_file(etree.tostring(tree))
    with pytest.raises(SepaFileRefused, match="illisible"):
        validate_file(b"<Document")
