"""CPC 642: the amicable-sale window and the creditors' fifteen days that end on a Saturday, a Sunday
or a public holiday are shown to the officer, who decides whether the extension applies; the checks
themselves count the delays as they run."""
from datetime import date

from auction.domain.publication import (PASSED, AmicableOffer, CaseFacts, Commune, OfferLetter,
                                        check_amicable_window)
from auction.domain.publication_delays import case_delay_warnings, day_label, delay_warnings


def case(notified_on, offers=(), case_id=1) -> CaseFacts:
    return CaseFacts(id=case_id, reference=f"SV-{case_id}", commune=Commune("69100", "Villeurbanne"),
                     notified_on=notified_on, creditor_ids=(10, 11),
                     creditor_names={10: "Banque Rhodanienne", 11: "Crédit-Bail"}, offers=tuple(offers))


def keys(warnings) -> set[str]:
    return {w.key.split(":")[0] for w in warnings}


def test_cpc_642_amicable_window_ending_on_a_saturday_warns_the_officer():
    # notified 10 September 2026: the month ends on Saturday 10 October
    [warning] = case_delay_warnings(case(date(2026, 9, 10)))
    assert warning.key == "amicable_window:1" and warning.article == "CPCE L221-3, R221-30, CPC 642"
    assert warning.nominal_end == date(2026, 10, 10) and warning.extended_end == date(2026, 10, 12)
    assert "samedi 10/10/2026" in warning.message and "lundi 12/10/2026" in warning.message
    assert "à l'étude d'en décider" in warning.message and "avant le 13/10/2026" in warning.message
    assert "R221-34" in warning.message
    # notified the 9th: the month ends on Friday 9 October, a working day
    assert case_delay_warnings(case(date(2026, 9, 9))) == []


def test_cpc_642_amicable_window_ending_on_a_sunday_warns_the_officer():
    [warning] = case_delay_warnings(case(date(2026, 9, 11)))
    assert "dimanche 11/10/2026" in warning.message and warning.extended_end == date(2026, 10, 12)
    assert case_delay_warnings(case(date(2026, 9, 12))) == []          # Monday 12 October


def test_cpc_642_amicable_window_ending_on_a_public_holiday_warns_the_officer():
    # notified 11 October 2026: the month ends on Wednesday 11 November, Armistice day
    [warning] = case_delay_warnings(case(date(2026, 10, 11)))
    assert "mercredi 11/11/2026 (Armistice, jour férié)" in warning.message and "un jour férié" in warning.message
    assert warning.extended_end == date(2026, 11, 12)
    assert case_delay_warnings(case(date(2026, 10, 10))) == []         # Tuesday 10 November


def test_cpc_642_the_checks_count_the_delay_as_it_runs_the_warning_does_not_block():
    # the window ends on Saturday 10 October: the check lets the sale take place on Sunday the 11th
    assert check_amicable_window(case(date(2026, 9, 10)), date(2026, 10, 11)).status == PASSED


def test_cpc_642_creditors_fifteen_days_ending_on_a_non_working_day_warn_the_officer():
    # letters received 26 September (Banque: 11 October, a Sunday) and 27 September (Crédit-Bail: 12 October)
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 26)), OfferLetter(11, date(2026, 9, 27))))
    warnings = {w.key: w for w in case_delay_warnings(case(date(2026, 9, 8), offers=[offer]))}
    # notified 8 September: month to Thursday 8 October, window to Tuesday 27 October: none of them warns
    assert set(warnings) == {"creditor_answer:1:1:10"}
    warning = warnings["creditor_answer:1:1:10"]
    assert warning.article == "CPCE R221-31, CPC 642" and "Banque Rhodanienne" in warning.message
    assert "dimanche 11/10/2026" in warning.message and "lundi 12/10/2026" in warning.message
    assert "silence ne vaut acceptation" in warning.message
    # received on the 25th: the fifteen days end on Saturday 10 October
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 25)), OfferLetter(11, date(2026, 9, 24))))
    assert {w.key for w in case_delay_warnings(case(date(2026, 9, 8), offers=[offer]))} == {"creditor_answer:1:1:10"}


def test_cpc_642_window_with_an_offer_ending_on_a_saturday_warns_the_officer():
    # notified 9 September: the month ends on Friday 9 October, plus fifteen days: Saturday 24 October
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, date(2026, 9, 23))))
    warnings = {w.key: w for w in case_delay_warnings(case(date(2026, 9, 9), offers=[offer]))}
    assert set(warnings) == {"amicable_window:1"}
    assert "augmenté des quinze jours des créanciers" in warnings["amicable_window:1"].message
    assert "samedi 24/10/2026" in warnings["amicable_window:1"].message
    assert warnings["amicable_window:1"].article == "CPCE L221-3, R221-30, R221-31, CPC 642"
    # notified 8 September: Thursday 8 October plus fifteen days, Friday 23 October: nothing
    assert case_delay_warnings(case(date(2026, 9, 8), offers=[offer])) == []


def test_cpc_642_the_month_before_the_creditors_days_ending_on_a_saturday_warns_the_officer():
    # notified 10 September: the month ends on Saturday 10 October; plus fifteen days: Sunday 25 October
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, date(2026, 9, 23))))
    warnings = {w.key: w for w in case_delay_warnings(case(date(2026, 9, 10), offers=[offer]))}
    assert set(warnings) == {"amicable_window:1", "amicable_month:1"}
    assert "au moins jusqu'au 27/10/2026" in warnings["amicable_month:1"].message   # Monday 12 + 15 days


def test_cpc_642_nothing_while_the_window_cannot_be_computed():
    assert case_delay_warnings(case(None)) == []
    unreceived = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, None), OfferLetter(11, date(2026, 9, 24))))
    # the window is unknown (a letter not received yet): only the month and the known receipt are looked at
    assert keys(case_delay_warnings(case(date(2026, 9, 10), offers=[unreceived]))) == {"amicable_month"}


def test_cpc_642_every_case_of_the_sale():
    warnings = delay_warnings([case(date(2026, 9, 10), case_id=1), case(date(2026, 9, 9), case_id=2),
                               case(date(2026, 9, 11), case_id=3)])
    assert [w.key for w in warnings] == ["amicable_window:1", "amicable_window:3"]


def test_day_label():
    assert day_label(date(2026, 12, 25)) == "vendredi 25/12/2026 (Noël, jour férié)"
    assert day_label(date(2026, 12, 2)) == "mercredi 02/12/2026"
