"""A payee's IBAN and BIC, checked before a SEPA transfer."""
import pytest

from auction.domain.bank_accounts import bic_of, clean_bic, clean_payee_iban, format_iban
from auction.domain.errors import InvalidValue

FR = "FR7630006000011234567890189"


def test_an_iban_is_kept_compact_and_checked_with_its_national_key():
    assert clean_payee_iban(" fr76 3000 6000 0112 3456 7890 189 ") == FR
    assert format_iban(FR) == "FR76 3000 6000 0112 3456 7890 189"
    for bad in ("FR7630006000011234567890188", "FR76", "", "not an iban"):
        with pytest.raises(InvalidValue, match="IBAN invalide"):
            clean_payee_iban(bad)


def test_an_account_outside_the_sepa_zone_is_refused():
    with pytest.raises(InvalidValue, match="zone SEPA"):
        clean_payee_iban("BR1800360305000010009795493C1")
    assert clean_payee_iban("GB33BUKB20201555555555") == "GB33BUKB20201555555555"


def test_the_bic_is_checked_or_found_from_the_iban():
    assert clean_bic("agri frpp", FR) == "AGRIFRPP"
    assert clean_bic("", FR) == bic_of(FR) == "AGRIFRPPXXX"
    assert clean_bic("", None) is None
    with pytest.raises(InvalidValue, match="BIC invalide"):
        clean_bic("AGRIFR", FR)
    with pytest.raises(InvalidValue, match="pays de l'IBAN"):
        clean_bic("COBADEFFXXX", FR)
