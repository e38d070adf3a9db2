"""The buyer an invoice names (auction.domain.invoice_buyers): a company's SIREN and VAT number."""
from auction.domain.invoice_buyers import siren_of, vat_number_of


def test_company_identity_siren_and_vat_number():
    assert siren_of("732 829 320 00074") == "732829320"
    assert siren_of("732829320") == "732829320"
    assert siren_of("123") == "" and siren_of("") == ""
    assert vat_number_of("732829320") == "FR44732829320"
    assert vat_number_of("") == ""
