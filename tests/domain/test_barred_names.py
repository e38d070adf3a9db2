"""C. civ. 1596: a bidder who may be a barred person is flagged for the officer, however the name is
written; someone else is not."""
from datetime import date

import pytest

from auction.domain.barred_names import last_name_forms, may_be
from auction.domain.bidder_checks import BarredEntry, PersonBarred, check_not_barred, email_key

STAFF = BarredEntry("Me Claire LEFÈVRE", "personnel de l'étude (C. civ. 1596)", email="officier@etude.fr")


def flagged(entry: BarredEntry, first: str, last: str, *, email: str = "autre@exemple.fr",
            birth_date: date | None = None, document_names=("", "")) -> bool:
    try:
        check_not_barred(first, last, birth_date, email, "ZZ0000000", [entry], document_names=document_names)
    except PersonBarred:
        return True
    return False


# --- first names ------------------------------------------------------------------------------------

def test_c_civ_1596_a_bidder_with_more_first_names_than_the_entry_is_flagged():
    entry = BarredEntry("Pierre ROCHE", "débiteur saisi")
    assert flagged(entry, "Jean Pierre Marie", "Roche")
    assert flagged(entry, "Jean-Pierre", "Roche")
    assert not flagged(entry, "Jean Marie", "Roche")          # no first name in common: someone else


def test_c_civ_1596_a_bidder_with_fewer_first_names_than_the_entry_is_flagged():
    entry = BarredEntry("Jean-Pierre Marie ROCHE", "débiteur saisi")
    assert flagged(entry, "Marie", "Roche")
    assert flagged(entry, "Jean", "ROCHE")
    assert not flagged(entry, "Paul", "Roche")


def test_c_civ_1596_first_names_read_on_the_document_are_compared_too():
    entry = BarredEntry("Hélène BERTIN", "clerc de l'étude")
    assert not flagged(entry, "Anne", "Bertin")
    assert flagged(entry, "Anne", "Bertin", document_names=("Anne Hélène Louise", "BERTIN"))


def test_c_civ_1596_an_entry_with_a_last_name_only_flags_that_last_name():
    entry = BarredEntry("ROCHE", "débiteur saisi")
    assert flagged(entry, "Paul", "Roche")
    assert not flagged(entry, "Paul", "Rocher")


# --- compound and hyphenated last names -------------------------------------------------------------

def test_c_civ_1596_a_compound_last_name_written_in_part_is_flagged_both_ways():
    entry = BarredEntry("Claire LEFÈVRE-DUPRÉ", "débitrice saisie")
    assert flagged(entry, "Claire", "Lefèvre")
    assert flagged(entry, "Claire", "Dupre")
    assert flagged(entry, "Claire", "Lefevre Dupré")
    assert flagged(BarredEntry("Claire LEFÈVRE", "débitrice saisie"), "Claire", "Lefèvre-Dupré")
    assert not flagged(entry, "Claire", "Dupont")
    assert not flagged(entry, "Anne", "Lefèvre-Dupré")       # the name, but another first name


def test_c_civ_1596_hyphens_accents_and_case_do_not_count():
    entry = BarredEntry("Jean-Noël LE GOFF", "débiteur saisi")
    assert flagged(entry, "jean noel", "le goff")
    assert flagged(entry, "JEAN-NOËL", "Le-Goff")
    assert flagged(entry, "Jean Noël", "Legoff")


# --- particles --------------------------------------------------------------------------------------

@pytest.mark.parametrize("last", ["de La Tour", "De la Tour", "Delatour", "de Latour", "La Tour", "Tour",
                                  "DE-LA-TOUR"])
def test_c_civ_1596_a_particle_written_differently_is_flagged(last):
    assert flagged(BarredEntry("Henri DE LA TOUR", "débiteur saisi"), "Henri", last)


@pytest.mark.parametrize("entry_name", ["Jeanne d'Arc", "Jeanne D'ARC", "Jeanne DARC", "Jeanne ARC", "Jeanne d’Arc"])
@pytest.mark.parametrize("last", ["d'Arc", "D'Arc", "Darc", "Arc", "d Arc"])
def test_c_civ_1596_an_elided_particle_d_is_flagged_however_written(entry_name, last):
    assert flagged(BarredEntry(entry_name, "débitrice saisie"), "Jeanne", last)


def test_c_civ_1596_a_particle_is_not_a_name_of_its_own():
    entry = BarredEntry("Henri DE LA TOUR", "débiteur saisi")
    assert not flagged(entry, "Henri", "de")
    assert not flagged(entry, "Henri", "Dela")
    assert not flagged(entry, "Henri", "Latourette")
    assert not flagged(BarredEntry("Henri DUPONT", "débiteur saisi"), "Henri", "du Pontet")
    assert flagged(BarredEntry("Henri DUPONT", "débiteur saisi"), "Henri", "du Pont")


def test_c_civ_1596_titles_of_the_entry_are_ignored():
    assert flagged(STAFF, "Claire", "Lefevre")
    assert flagged(BarredEntry("Mme Claire MARTIN", "clerc"), "Claire", "Martin")
    assert not flagged(BarredEntry("Mme Claire MARTIN", "clerc"), "Me", "Martin")


def test_c_civ_1596_swapped_first_and_last_names_are_flagged():
    assert flagged(BarredEntry("Martin BERNARD", "débiteur saisi"), "Bernard", "Martin")


def test_c_civ_1596_a_different_birth_date_is_a_namesake_not_the_entry():
    entry = BarredEntry("Jean Pierre ROCHE", "débiteur saisi", date(1979, 3, 30))
    assert flagged(entry, "Pierre", "Roche", birth_date=date(1979, 3, 30))
    assert flagged(entry, "Pierre", "Roche")                          # birth date unknown: flagged
    assert not flagged(entry, "Pierre", "Roche", birth_date=date(1979, 3, 31))


# --- the office's staff: by name and by e-mail ------------------------------------------------------

def test_c_civ_1596_staff_match_by_name():
    assert flagged(STAFF, "Claire Marie", "Lefèvre")
    assert not flagged(STAFF, "Claire", "Lefort")


def test_c_civ_1596_staff_match_by_email_whatever_the_name():
    assert flagged(STAFF, "Paul", "Durand", email="officier@etude.fr")
    assert flagged(STAFF, "Paul", "Durand", email=" Officier@Etude.FR ")
    assert flagged(STAFF, "Paul", "Durand", email="officier+ventes@etude.fr")
    assert not flagged(STAFF, "Paul", "Durand", email="officier@etude.com")
    assert not flagged(STAFF, "Paul", "Durand", email="officier2@etude.fr")


def test_email_key():
    assert email_key("A.B+x@Ex.FR") == "a.b@ex.fr"
    assert email_key("") == ""
    assert email_key("pas-une-adresse") == "pas-une-adresse"


def test_last_name_forms():
    assert last_name_forms("de La Tour") == {"delatour", "tour"}
    assert last_name_forms("Lefèvre-Dupré") == {"lefevredupre", "lefevre", "dupre"}
    assert last_name_forms("d'") == {"d"}
    assert not may_be("Henri DE LA TOUR", "Henri", "")
    assert not may_be("Me", "Claire", "Me")
