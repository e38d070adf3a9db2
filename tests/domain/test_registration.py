"""Bidder registration rules: the form, every check before a paddle and every refusal, paddle numbers,
cash ceilings (CMF D112-3), identity scans and their retention."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotNumber
from auction.domain.registration import (
    CASH_CEILINGS, BarredEntry, BidRequestInput, BirthDateMissing, BlockedBidder, CashAboveCeiling, CheckFacts,
    DepositTooLow, DocumentExpired, DocumentMissing, DocumentNotSeen, DuplicateDocument, DuplicatePerson,
    IdentityDocument, LotFacts, NamesMismatch, NamesNotRead, OtherRegistration, PaddleRanges, PaddlesExhausted,
    PersonBarred, SolvencyIncomplete, SolvencyMissing, SolvencyProof, SolvencyRule, SolvencyWrongKind, Underage,
    add_months, age_on, cash_ceiling_cents, check_bid_request, check_identity, check_names_match, check_no_duplicate,
    check_not_barred, check_of_age, check_paddle_ranges, check_solvency, clean_attestation, clean_registration,
    clean_rules, effective_expiry, fold_name, mask_document_number, name_key, next_paddle, run_checks,
    scan_due_for_deletion, sniff_scan)

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
    ({"request_lot_1": "3", "request_max_1": "0"}, "request_max_1", "positif"),
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


# --- solvency and cash ceilings -------------------------------------------------------------------------

ANY = SolvencyRule("any", 300_00)
DEPOSIT = SolvencyProof("deposit", 500_00, "transfer", "VIR-12")


def test_cash_ceilings_by_tax_residence():
    assert cash_ceiling_cents("france", "person", SALE_DAY) == 1_000_00
    assert cash_ceiling_cents("france", "company", SALE_DAY) == 1_000_00
    assert cash_ceiling_cents("abroad", "person", SALE_DAY) == 15_000_00
    assert cash_ceiling_cents("abroad", "company", SALE_DAY) == 1_000_00      # buying for a business
    assert "D112-3" in CASH_CEILINGS[0].reference
    with pytest.raises(ValueError):
        cash_ceiling_cents("france", "person", date(2014, 1, 1))


def test_solvency_as_the_sale_requires():
    check_solvency(SolvencyRule("none"), None, 1_000_00)
    check_solvency(ANY, DEPOSIT, 1_000_00)
    check_solvency(ANY, SolvencyProof("bank_letter", None, None, "BNP, lettre du 2 décembre"), 1_000_00)
    check_solvency(ANY, SolvencyProof("card_preauth", 300_00, None, "AUTH-88"), 1_000_00)
    check_solvency(SolvencyRule("deposit"), SolvencyProof("deposit", 1_000_00, "cash", "REC-1"), 1_000_00)
    check_solvency(SolvencyRule("deposit"), SolvencyProof("deposit", 15_000_00, "cash", "REC-2"), 15_000_00)


@pytest.mark.parametrize("rule, proof, error, message", [
    (ANY, None, SolvencyMissing, "Garantie exigée"),
    (SolvencyRule("deposit"), SolvencyProof("bank_letter", None, None, "BNP"), SolvencyWrongKind, "exige"),
    (ANY, SolvencyProof("bank_letter", None, None, " "), SolvencyIncomplete, "banque et la date"),
    (ANY, SolvencyProof("deposit", 500_00, None, "X"), SolvencyIncomplete, "mode de versement"),
    (ANY, SolvencyProof("deposit", None, "transfer", "X"), SolvencyIncomplete, "montant du dépôt"),
    (ANY, SolvencyProof("card_preauth", None, None, "AUTH"), SolvencyIncomplete, "montant de la pré-autorisation"),
    (ANY, SolvencyProof("deposit", 200_00, "transfer", "X"), DepositTooLow, "au moins 300"),
    (SolvencyRule("deposit"), SolvencyProof("deposit", 1_000_01, "cash", "REC"), CashAboveCeiling, "D112-3"),
])
def test_solvency_refusals(rule, proof, error, message):
    with pytest.raises(error, match=message):
        check_solvency(rule, proof, 1_000_00)


# --- barred persons, blocked bidders, duplicates ---------------------------------------------------------

STAFF = BarredEntry("Me Claire LEFÈVRE", "personnel de l'étude (C. civ. 1596)", email="officier@etude.fr")


def test_barred_persons_and_blocked_bidders_get_no_paddle():
    check_not_barred("Léa", "Martin", date(1990, 1, 1), "lea@exemple.fr", "X1", [STAFF])
    with pytest.raises(PersonBarred, match="C. civ. 1596"):
        check_not_barred("Claire", "Lefevre", None, "claire@perso.fr", "X1", [STAFF])
    with pytest.raises(PersonBarred):                                # another name, the staff address
        check_not_barred("C.", "L.", None, "Officier@Etude.fr", "X1", [STAFF])
    barred = BarredEntry("Julien ROCHE", "débiteur saisi", date(1979, 3, 30), document_number="AB12345")
    with pytest.raises(PersonBarred, match="Julien ROCHE"):
        check_not_barred("Julien", "Roche", date(1979, 3, 30), "j@r.fr", "ZZ999", [barred])
    check_not_barred("Julien", "Roche", date(1990, 1, 1), "j@r.fr", "ZZ999", [barred])   # a namesake
    with pytest.raises(PersonBarred):
        check_not_barred("Jules", "Rocher", None, "x@y.fr", "ab 12345", [barred])       # his document
    with pytest.raises(BlockedBidder, match="défaut de paiement"):
        check_not_barred("Léa", "Martin", None, "lea@exemple.fr", "X1", [], "défaut de paiement, vente VJ-1")


OTHERS = [OtherRegistration(7, 3, "Marc", "Bertin", date(1971, 11, 2), "18CV42817"),
          OtherRegistration(8, None, "Nadia", "Haddad", None, "T7K2MW9LQ")]


def test_the_same_document_or_person_twice_in_a_sale_is_refused():
    check_no_duplicate(9, "Léa", "Martin", date(1990, 1, 1), "X4RTBPFW4", OTHERS)
    check_no_duplicate(7, "Marc", "Bertin", date(1971, 11, 2), "18CV42817", OTHERS)   # itself
    with pytest.raises(DuplicateDocument, match="panneau 3"):
        check_no_duplicate(9, "Léa", "Martin", date(1990, 1, 1), "18 CV 42817", OTHERS)
    with pytest.raises(DuplicatePerson, match="panneau 3"):
        check_no_duplicate(9, "MARC", "Bertin", date(1971, 11, 2), "NEW12345", OTHERS)
    with pytest.raises(DuplicatePerson, match="inscription n° 8 en attente"):
        check_no_duplicate(9, "Nadia", "Haddad", date(1990, 2, 24), "NEW12345", OTHERS)
    check_no_duplicate(9, "Marc", "Bertin", date(1980, 1, 1), "NEW12345", OTHERS)     # a namesake


# --- all the checks together ---------------------------------------------------------------------------

FACTS = CheckFacts(
    registration_id=9, sale_day=SALE_DAY, first_name="Léa", last_name="Martin", birth_date=date(1990, 4, 15),
    email="lea@exemple.fr", tax_residence="france", buyer_type="person",
    document=replace(DOCUMENT, number="X4RTBPFW4"), document_seen=True,
    document_first_names="Léa, Anne", document_last_name="MARTIN", solvency_rule=ANY, solvency=DEPOSIT,
    barred=(STAFF,), others=tuple(OTHERS))


def test_all_checks_pass_for_a_good_registration():
    results = run_checks(FACTS)
    assert [r.kind for r in results] == ["identity", "age", "names", "solvency", "not_barred", "duplicates"]
    assert all(r.passed for r in results), results
    assert "••••••PFW4" in results[0].detail and "36 ans" in results[1].detail
    assert "500,00" in results[3].detail and "VIR-12" in results[3].detail


def test_each_failing_check_is_reported_with_its_reason():
    results = {r.kind: r for r in run_checks(replace(
        FACTS, document_seen=False, birth_date=date(2010, 1, 1), document_last_name="DURAND", solvency=None,
        first_name="Claire", last_name="Lefèvre", document_first_names="Claire"))}
    assert not any(r.passed for r in results.values() if r.kind != "duplicates")
    assert "pièce vue" in results["identity"].detail
    assert "ans" in results["age"].detail and "C. civ. 1596" in results["not_barred"].detail


def test_a_cash_deposit_is_judged_against_the_bidders_own_ceiling():
    cash = SolvencyProof("deposit", 5_000_00, "cash", "REC-9")
    resident = {r.kind: r for r in run_checks(replace(FACTS, solvency=cash))}
    assert not resident["solvency"].passed and "1 000" in resident["solvency"].detail.replace("\u202f", " ")
    abroad = {r.kind: r for r in run_checks(replace(FACTS, solvency=cash, tax_residence="abroad"))}
    assert abroad["solvency"].passed


# --- paddle numbers ---------------------------------------------------------------------------------------

def test_paddles_are_sequential_in_separate_ranges():
    ranges = PaddleRanges()
    assert next_paddle("room", ranges, []) == 1
    assert next_paddle("room", ranges, [1, 2, 3, 501]) == 4
    assert next_paddle("online", ranges, [1, 2, 3, 501]) == 502
    assert next_paddle("room", ranges, [1, 7]) == 8                   # after the highest, never a gap
    custom = PaddleRanges(100, 199, 900, 905)
    assert next_paddle("room", custom, [1, 2, 3]) == 100              # numbers outside the range are ignored
    with pytest.raises(PaddlesExhausted, match="900 à 905"):
        next_paddle("online", custom, [905])


@pytest.mark.parametrize("ranges, message", [
    (PaddleRanges(0, 10, 11, 20), "de 1 à"), (PaddleRanges(10, 5, 501, 999), "le premier avant"),
    (PaddleRanges(1, 600, 501, 999), "chevaucher"), (PaddleRanges(1, 10, 11, 10_000_000), "de 1 à"),
])
def test_bad_paddle_ranges_are_refused(ranges, message):
    with pytest.raises(InvalidValue, match=message):
        check_paddle_ranges(ranges)


def test_the_rules_form():
    parsed, errors = clean_rules({"room_first": "1", "room_last": "299", "online_first": "300", "online_last": "399",
                                  "solvency_rule": "deposit", "deposit_minimum": "500"})
    assert errors == {} and parsed == (PaddleRanges(1, 299, 300, 399), SolvencyRule("deposit", 500_00))
    _, errors = clean_rules({"room_first": "un", "room_last": "2", "online_first": "3", "online_last": "4",
                             "solvency_rule": "gage"})
    assert set(errors) == {"room_first", "solvency_rule"}
    _, errors = clean_rules({"room_first": "1", "room_last": "600", "online_first": "501", "online_last": "999",
                             "solvency_rule": "none"})
    assert "chevaucher" in errors["online_first"]


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


# --- identity scans ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, kind", [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"),
])
def test_scans_are_recognised_by_content(content, kind):
    assert sniff_scan(content) == kind


@pytest.mark.parametrize("content, message", [
    (b"", "Joignez"), (b"MZ\x90\x00 an executable named scan.jpg", "Format refusé"),
    (b"%PDF-1.7 but cut short", "Format refusé"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Format refusé"),
    (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "10 Mo"),
])
def test_other_uploads_are_refused(content, message):
    with pytest.raises(InvalidValue, match=message):
        sniff_scan(content)


def test_scans_are_deleted_a_set_number_of_months_after_the_sale_is_settled():
    settled = datetime(2026, 8, 31, 10, 0, tzinfo=timezone.utc)
    assert add_months(settled, 6) == datetime(2027, 2, 28, 10, 0, tzinfo=timezone.utc)
    assert add_months(settled, 60).year == 2031
    assert not scan_due_for_deletion(None, 6, datetime(2040, 1, 1, tzinfo=timezone.utc))   # not settled
    assert not scan_due_for_deletion(settled, 6, datetime(2027, 2, 27, tzinfo=timezone.utc))
    assert scan_due_for_deletion(settled, 6, datetime(2027, 2, 28, 10, 0, tzinfo=timezone.utc))
    assert scan_due_for_deletion(settled, 0, settled)
