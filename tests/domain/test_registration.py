"""The registration form: every field checked with a French message, companies, absentee orders and
phone bids taken with it, and the clerk's attestation form."""
from datetime import date

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotNumber
from auction.domain.identity import IdentityDocument
from auction.domain.increments import IncrementTable
from auction.domain.registration import (BidRequestInput, LotFacts, check_bid_request, clean_attestation,
                                         clean_registration)
from auction.domain.solvency import SolvencyProof

SALE_DAY = date(2026, 12, 12)


def form(**changes) -> dict[str, str]:
    base = {
        "first_name": "Léa", "last_name": "Martin-Dupré", "birth_date": "1990-04-15", "nationality": "FR",
        "email": "Lea.Martin@Exemple.fr", "phone": "06 12 34 56 78", "address": "4 rue de la Paix",
        "postcode": "69002", "city": "Lyon", "country": "FR", "tax_residence": "france", "buyer_type": "person",
        "document_type": "id_card", "document_number": "x4rt bpfw4", "document_expires_on": "2031-05-01",
        "document_country": "FR", "channel": "room", "conditions": "1",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def errors_of(**changes) -> dict[str, str]:
    data, errors = clean_registration(form(**changes), SALE_DAY)
    assert data is None
    return errors


# --- the form ---------------------------------------------------------------------------------------

def test_a_complete_form_is_accepted_and_cleaned():
    data, errors = clean_registration(form(), SALE_DAY)
    assert errors == {}
    assert data.bidder.email == "lea.martin@exemple.fr"
    assert data.bidder.birth_date == date(1990, 4, 15)
    assert data.document == IdentityDocument("id_card", "X4RTBPFW4", date(2031, 5, 1), "FR")
    assert data.channel == "room" and data.requests == ()


def test_dates_may_be_typed_the_french_way():
    data, _ = clean_registration(form(birth_date="15/04/1990", document_expires_on="01/05/2031"), SALE_DAY)
    assert data.bidder.birth_date == date(1990, 4, 15) and data.document.expires_on == date(2031, 5, 1)


@pytest.mark.parametrize("field, value, message", [
    ("first_name", "", "Prénom : champ obligatoire"),
    ("last_name", "Martin2", "lettres, espaces"),
    ("last_name", "x" * 101, "100 caractères"),
    ("birth_date", "", "Date de naissance : champ obligatoire"),
    ("birth_date", "31/02/1990", "date invalide"),
    ("birth_date", "1850-01-01", "Date de naissance invalide"),
    ("birth_date", "2010-01-01", "Mineur le jour de la vente"),
    ("nationality", "XX", "choisissez un pays"),
    ("email", "lea@", "Adresse électronique invalide"),
    ("phone", "", "Téléphone : champ obligatoire"),
    ("phone", "06 12", "6 à 15 chiffres"),
    ("address", "  ", "Adresse : champ obligatoire"),
    ("postcode", "6900", "cinq chiffres"),
    ("city", "", "Commune : champ obligatoire"),
    ("country", "", "choisissez un pays"),
    ("tax_residence", "mars", "choisissez une réponse"),
    ("buyer_type", None, "choisissez une réponse"),
    ("document_type", "permis", "choisissez une réponse"),
    ("document_number", "AB1", "de 5 à 20"),
    ("document_number", "AB-12/3456", "de 5 à 20"),
    ("document_expires_on", "demain", "date invalide"),
    ("document_expires_on", "2026-12-11", "avant la vente"),
    ("document_country", "", "choisissez un pays"),
    ("channel", "pigeon", "choisissez une réponse"),
    ("conditions", None, "Acceptez les conditions"),
])
def test_every_field_is_checked_with_a_french_message(field, value, message):
    errors = errors_of(**{field: value})
    assert message in errors[field], errors


def test_a_foreign_address_has_its_own_postcode():
    data, errors = clean_registration(form(country="GB", postcode="SW1A 1AA", tax_residence="abroad"), SALE_DAY)
    assert errors == {} and data.bidder.postcode == "SW1A 1AA"
    assert "dix lettres" in errors_of(country="GB", postcode="SW1A 1AA 99999")["postcode"]


def test_a_company_needs_its_name_a_valid_siren_or_siret_and_its_representative():
    errors = errors_of(buyer_type="company")
    assert set(errors) == {"company_name", "company_number", "representative_capacity"}
    assert "clé" in errors_of(buyer_type="company", company_name="Atelier", company_number="732829321",
                              representative_capacity="gérant")["company_number"]
    for number in ("732 829 320", "73282932000074"):
        data, errors = clean_registration(form(buyer_type="company", company_name="Atelier SARL", company_number=number,
                                               representative_capacity="gérant"), SALE_DAY)
        assert errors == {}, errors
        assert data.bidder.company_number == number.replace(" ", "")


def test_bid_requests_are_taken_with_the_registration():
    data, errors = clean_registration(form(request_lot_1="3", request_max_1="1 400", request_lot_2="12 bis",
                                           request_kind_2="phone"), SALE_DAY)
    assert errors == {}
    absentee, phone = data.requests
    assert absentee == BidRequestInput(LotNumber(3), "absentee", 140_000, "", 1)
    assert phone.lot == LotNumber(12, "bis") and phone.kind == "phone" and phone.phone == "06 12 34 56 78"


@pytest.mark.parametrize("changes, field, message", [
    ({"request_max_1": "100"}, "request_lot_1", "numéro du lot"),
    ({"request_lot_1": "douze", "request_max_1": "10"}, "request_lot_1", "Numéro de lot"),
    ({"request_lot_1": "3"}, "request_max_1", "montant maximum"),
    ({"request_lot_1": "3", "request_max_1": "beaucoup"}, "request_max_1", "Montant illisible"),
    ({"request_lot_1": "3", "request_max_1": "0"}, "request_max_1", "supérieur à 0 € (C. civ. 1591)"),
    ({"request_lot_1": "3", "request_max_1": "0,00"}, "request_max_1", "supérieur à 0 € (C. civ. 1591)"),
    ({"request_lot_1": "3", "request_max_1": "-5"}, "request_max_1", "positif"),
    ({"request_lot_1": "3", "request_max_1": "0,001"}, "request_max_1", "deux décimales"),
    ({"request_lot_1": "3", "request_max_1": "10", "request_lot_2": "3", "request_max_2": "20"}, "request_lot_2",
     "déjà à la ligne 1"),
    ({"request_lot_1": "3", "request_kind_1": "fax"}, "request_kind_1", "ordre d'achat ou téléphone"),
    ({"request_lot_1": "3", "request_kind_1": "phone", "request_phone_1": "12"}, "request_phone_1", "6 à 15"),
])
def test_bid_request_refusals(changes, field, message):
    assert message in errors_of(**changes)[field]


def test_a_bid_request_must_name_a_lot_of_the_sale_on_offer_and_reach_its_opening_bid():
    request = BidRequestInput(LotNumber(3), "absentee", 500_00, "", 1)
    check_bid_request(request, LotFacts("3", 500_00, False))
    with pytest.raises(InvalidValue, match="n'existe pas"):
        check_bid_request(request, None)
    with pytest.raises(InvalidValue, match="retiré"):
        check_bid_request(request, LotFacts("3", 100_00, True))
    with pytest.raises(InvalidValue, match="mise à prix du lot 3") as refused:
        check_bid_request(request, LotFacts("3", 750_00, False))
    assert refused.value.field == "request_max_1"
    check_bid_request(BidRequestInput(LotNumber(3), "phone", None, "0612345678", 1), LotFacts("3", 750_00, False))


def test_c_civ_1591_an_order_on_a_lot_without_opening_bid_reaches_the_first_step():
    facts = LotFacts("3", 0, False)
    with pytest.raises(InvalidValue, match="première enchère du lot 3") as refused:
        check_bid_request(BidRequestInput(LotNumber(3), "absentee", 4_99, "", 1), facts)
    assert "5 €" in refused.value.message.replace("\u00a0", " ")
    check_bid_request(BidRequestInput(LotNumber(3), "absentee", 5_00, "", 1), facts)
    own_table = LotFacts("3", 0, False, IncrementTable.from_json([[0, 20_00]]))
    with pytest.raises(InvalidValue):
        check_bid_request(BidRequestInput(LotNumber(3), "absentee", 19_99, "", 1), own_table)
    check_bid_request(BidRequestInput(LotNumber(3), "absentee", 20_00, "", 1), own_table)


def test_the_clerks_attestation_form():
    attestation, errors = clean_attestation({
        "document_type": "passport", "document_number": "18cv 42817", "document_expires_on": "2030-01-01",
        "document_country": "FR", "document_seen": "1", "document_first_names": " Léa  Anne ",
        "document_last_name": "MARTIN", "solvency_kind": "deposit", "solvency_amount": "300", "solvency_method": "cash",
        "solvency_reference": "REC-1"})
    assert errors == {}
    assert attestation.document.number == "18CV42817" and attestation.document_seen
    assert attestation.document_first_names == "Léa Anne"
    assert attestation.solvency == SolvencyProof("deposit", 300_00, "cash", "REC-1")
    _, errors = clean_attestation({"document_type": "passport", "document_number": "18CV42817",
                                   "document_expires_on": "2030-01-01", "document_country": "FR",
                                   "solvency_kind": "gold", "solvency_amount": "x"})
    assert set(errors) == {"solvency_kind"}
    _, errors = clean_attestation({"document_type": "passport", "document_number": "18CV42817",
                                   "document_expires_on": "2030-01-01", "document_country": "FR",
                                   "solvency_kind": "deposit", "solvency_amount": "x", "solvency_method": "troc"})
    assert set(errors) == {"solvency_amount", "solvency_method"}
