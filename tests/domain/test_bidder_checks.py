"""The checks before a paddle: barred persons (C. civ. 1596) and blocked bidders, duplicates in a sale,
and every check run together with its reason."""
from dataclasses import replace
from datetime import date

import pytest

from auction.domain.bidder_checks import (BarredEntry, BlockedBidder, CheckFacts, DuplicateDocument, DuplicatePerson,
                                          EmailNotConfirmed, OtherRegistration, PersonBarred, check_email_confirmed,
                                          check_no_duplicate, check_not_barred, run_checks)
from auction.domain.identity import IdentityDocument
from auction.domain.solvency import SolvencyProof, SolvencyRule

SALE_DAY = date(2026, 12, 12)


DOCUMENT = IdentityDocument("passport", "18CV42817", date(2030, 1, 1), "FR")


ANY = SolvencyRule("any", 300_00)
DEPOSIT = SolvencyProof("deposit", 500_00, "transfer", "VIR-12")


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


def test_the_officer_clears_a_homonym_and_nothing_else():
    with pytest.raises(PersonBarred) as refused:                      # a namesake of the office's officer
        check_not_barred("Claire", "Lefèvre", date(1985, 2, 2), "claire@perso.fr", "X1", [STAFF])
    assert refused.value.entry_name == "Me Claire LEFÈVRE"
    check_not_barred("Claire", "Lefèvre", date(1985, 2, 2), "claire@perso.fr", "X1", [STAFF],
                     cleared=["Me Claire LEFÈVRE"])
    roche = BarredEntry("Claire ROCHE LEFÈVRE", "débitrice saisie")
    with pytest.raises(PersonBarred, match="Claire ROCHE LEFÈVRE"):    # another entry stays in force
        check_not_barred("Claire", "Lefèvre", None, "claire@perso.fr", "X1", [STAFF, roche],
                         cleared=["Me Claire LEFÈVRE"])
    with pytest.raises(BlockedBidder):                                # a block after a default is not a homonym
        check_not_barred("Claire", "Lefèvre", None, "claire@perso.fr", "X1", [STAFF], "défaut, vente VJ-1",
                         cleared=["Me Claire LEFÈVRE"])


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


def test_the_later_registration_is_flagged_not_the_bidder_already_checked():
    # Marc Bertin holds paddle 3 (registration 7); registration 12 reuses his document, and so does 5,
    # an older one still waiting: neither makes his own check fail.
    newer = OTHERS + [OtherRegistration(12, None, "Luc", "Petit", None, "18CV42817"),
                      OtherRegistration(5, None, "Luc", "Petit", None, "18CV42817")]
    check_no_duplicate(7, "Marc", "Bertin", date(1971, 11, 2), "18CV42817", newer, paddle=3)
    with pytest.raises(DuplicateDocument, match="panneau 3"):
        check_no_duplicate(12, "Luc", "Petit", None, "18CV42817", newer)
    with pytest.raises(DuplicateDocument, match="panneau 3"):      # older, but still waiting
        check_no_duplicate(5, "Luc", "Petit", None, "18CV42817", OTHERS[:1])
    # Two waiting: the later one is flagged, by the earlier one.
    with pytest.raises(DuplicateDocument, match="inscription n° 5 en attente"):
        check_no_duplicate(12, "Luc", "Petit", None, "18CV42817", newer[2:])
    check_no_duplicate(5, "Luc", "Petit", None, "18CV42817", newer[2:])
    # The same person twice: the later registration is the one refused.
    check_no_duplicate(8, "Nadia", "Haddad", None, "T7K2MW9LQ", [OtherRegistration(15, None, "Nadia", "Haddad",
                                                                                     None, "AB1234567")])


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


def test_a_cleared_homonym_passes_and_says_so():
    namesake = replace(FACTS, first_name="Claire", last_name="Lefèvre", document_first_names="Claire",
                       document_last_name="LEFÈVRE")
    assert not {r.kind: r for r in run_checks(namesake)}["not_barred"].passed
    cleared = {r.kind: r for r in run_checks(replace(namesake, cleared_homonyms=("Me Claire LEFÈVRE",)))}
    assert cleared["not_barred"].passed and "Homonymie levée" in cleared["not_barred"].detail


def test_a_cash_deposit_is_judged_against_the_bidders_own_ceiling():
    cash = SolvencyProof("deposit", 5_000_00, "cash", "REC-9")
    resident = {r.kind: r for r in run_checks(replace(FACTS, solvency=cash))}
    assert not resident["solvency"].passed and "1 000" in resident["solvency"].detail.replace("\u202f", " ")
    abroad = {r.kind: r for r in run_checks(replace(FACTS, solvency=cash, tax_residence="abroad"))}
    assert abroad["solvency"].passed


def test_a_web_registration_is_verified_only_once_its_email_is_confirmed():
    with pytest.raises(EmailNotConfirmed, match="pas encore confirmé son adresse électronique") as refused:
        check_email_confirmed("web", email_confirmed=False)
    assert refused.value.code == "email_not_confirmed"
    check_email_confirmed("web", email_confirmed=True)
    check_email_confirmed("desk", email_confirmed=False)      # the clerk has the bidder in front of them
