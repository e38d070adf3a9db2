"""The office's identity: SIRET and IBAN are checked, not just their length."""
import pytest

from auction.domain.errors import InvalidValue
from auction.domain.office import clean_iban, clean_office, clean_siret

GOOD = {
    "name": "Étude Test", "address": "1 rue du Palais", "postcode": "69005", "city": "Lyon",
    "phone": "04 00 00 00 00", "email": "Contact@Etude.fr", "siret": "812 345 676 00017",
    "client_account_iban": "FR76 3000 6000 0112 3456 7890 189",
}


def test_a_valid_office_is_normalised():
    details, errors = clean_office(GOOD)
    assert errors == {}
    assert details.siret == "81234567600017"
    assert details.client_account_iban == "FR7630006000011234567890189"
    assert details.email == "contact@etude.fr"


def test_siret_checksum():
    assert clean_siret("81234567600017") == "81234567600017"
    with pytest.raises(InvalidValue, match="SIRET"):
        clean_siret("81234567600018")  # last digit changed
    with pytest.raises(InvalidValue):
        clean_siret("1234")


def test_iban_checksum():
    with pytest.raises(InvalidValue, match="IBAN"):
        clean_iban("FR7630006000011234567890188")
    with pytest.raises(InvalidValue):
        clean_iban("pas un iban")


def test_every_bad_field_is_reported_at_once_in_french():
    details, errors = clean_office({**GOOD, "name": "", "postcode": "6900", "siret": "1", "client_account_iban": "FR00"})
    assert details is None
    assert set(errors) == {"name", "postcode", "siret", "client_account_iban"}
    assert errors["name"] == "Nom de l'étude : champ obligatoire."
