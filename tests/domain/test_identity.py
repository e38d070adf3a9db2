"""Identity: names folded and document numbers masked, documents valid on the sale day (with the
2004–2013 identity cards extended to fifteen years), of age on the sale day, names matching the document."""
from dataclasses import replace
from datetime import date

import pytest

from auction.domain.identity import (BirthDateMissing, DocumentExpired, DocumentMissing, DocumentNotSeen,
                                     IdentityDocument, NamesMismatch, NamesNotRead, Underage, age_on, check_identity,
                                     check_names_match, check_of_age, effective_expiry, fold_name,
                                     mask_document_number, name_key)

SALE_DAY = date(2026, 12, 12)


# --- names, masks ------------------------------------------------------------------------------------

def test_names_are_folded_for_search_and_comparison():
    assert fold_name("  LEFÈVRE-Dupré ") == "lefevre dupre"
    assert fold_name("Œuvray d’Ornano") == "oeuvray d ornano"
    assert name_key("Hélène", "Lefèvre") == "lefevre helene"


@pytest.mark.parametrize("number, masked", [("AB1234567", "••••••4567"), ("12 34 56", "••••••3456"),
                                            ("1234", "••••••"), ("", "")])
def test_document_numbers_are_masked_in_lists(number, masked):
    assert mask_document_number(number) == masked


# --- identity ----------------------------------------------------------------------------------------

DOCUMENT = IdentityDocument("passport", "18CV42817", date(2030, 1, 1), "FR")


def test_identity_document_seen_and_valid_on_the_sale_day():
    check_identity(DOCUMENT, True, SALE_DAY, date(1990, 1, 1))
    check_identity(replace(DOCUMENT, expires_on=SALE_DAY), True, SALE_DAY, None)   # valid that very day
    with pytest.raises(DocumentMissing):
        check_identity(None, True, SALE_DAY, None)
    with pytest.raises(DocumentMissing):
        check_identity(replace(DOCUMENT, number=""), True, SALE_DAY, None)
    with pytest.raises(DocumentExpired, match="expire le 11/12/2026, avant la vente du 12/12/2026"):
        check_identity(replace(DOCUMENT, expires_on=date(2026, 12, 11)), True, SALE_DAY, None)
    with pytest.raises(DocumentNotSeen, match="pièce vue"):
        check_identity(DOCUMENT, False, SALE_DAY, None)


def test_french_identity_cards_of_2004_to_2013_issued_to_adults_last_fifteen_years():
    card = IdentityDocument("id_card", "X4RTBPFW4", date(2020, 6, 1), "FR")       # issued 1 June 2010
    assert effective_expiry(card, date(1980, 1, 1)) == date(2025, 6, 1)
    assert effective_expiry(card, date(1995, 1, 1)) == date(2020, 6, 1)           # a minor when issued
    assert effective_expiry(replace(card, country="BE"), date(1980, 1, 1)) == date(2020, 6, 1)
    assert effective_expiry(replace(card, type="passport"), date(1980, 1, 1)) == date(2020, 6, 1)
    assert effective_expiry(replace(card, expires_on=date(2024, 6, 1)), date(1980, 1, 1)) == date(2024, 6, 1)
    check_identity(replace(card, expires_on=date(2022, 6, 1)), True, SALE_DAY, date(1980, 1, 1))


def test_of_age_on_the_sale_day():
    check_of_age(date(2008, 12, 12), SALE_DAY)                   # eighteen that day
    with pytest.raises(Underage, match="17 ans"):
        check_of_age(date(2008, 12, 13), SALE_DAY)
    with pytest.raises(BirthDateMissing):
        check_of_age(None, SALE_DAY)
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17 and age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_names_match_the_document():
    check_names_match("Jean-Pierre", "Lefèvre", "Paul, Jean Pierre, Marie", "LEFEVRE")
    check_names_match("Léa", "Martin", "Léa", "Martin")
    check_names_match("Jean Pierre", "Martin", "Jean-Pierre Louis", "Martin")
    check_names_match("Léa Anne", "Martin", "Léa, Anne", "Martin")
    check_names_match("Paul", "Martin", "Paul Jean Marie", "MARTIN")             # older documents: no commas
    with pytest.raises(NamesNotRead):
        check_names_match("Léa", "Martin", "", "")
    with pytest.raises(NamesMismatch, match="MARTINEZ"):
        check_names_match("Léa", "Martin", "Léa", "Martinez")
    with pytest.raises(NamesMismatch):
        check_names_match("Pierre", "Martin", "Jean-Pierre", "Martin")   # not one of the first names
    with pytest.raises(NamesMismatch):
        check_names_match("Lé", "Martin", "Léa", "Martin")
    with pytest.raises(NamesMismatch):
        check_names_match("Jean", "Martin", "Paul, Jean Pierre", "Martin")        # Jean Pierre is one name
