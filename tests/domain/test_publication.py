"""The legal delays of publicity, each on both sides of its limit, across daylight-saving changes.

In 2026 Paris changes to summer time on Sunday 29 March (02:00 → 03:00) and back on Sunday
25 October (03:00 → 02:00).
"""
from datetime import date, datetime, timedelta, timezone

from auction.domain.publication import (FAILED, PASSED, PENDING, AmicableOffer, CaseFacts, Commune, DebtorNoticeFact,
                                        NoticeContent, OfferLetter, PosterFact, PublicityFacts, amicable_window_end,
                                        check_amicable_window, check_debtor_notices, check_posters, evaluate, paris_day,
                                        poster_standing)
from auction.domain.publication_gate import ANNOUNCE, blocking
from auction.formats import PARIS

VILLEURBANNE = Commune("69100", "Villeurbanne")
LYON = Commune("69006", "Lyon")
PLACE = "Hôtel des ventes, 8 quai de Saône, 69009 Lyon"
GOODS = "Machines (5 lots) et Outillage (3 lots)."


def paris(y, m, d, hh=14, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PARIS).astimezone(timezone.utc)


def case(notified_on=date(2026, 9, 10), offers=(), commune=VILLEURBANNE, case_id=1) -> CaseFacts:
    return CaseFacts(id=case_id, reference=f"SV-{case_id}", commune=commune, notified_on=notified_on,
                     creditor_ids=(10, 11), creditor_names={10: "Banque Rhodanienne", 11: "Crédit-Bail"},
                     offers=tuple(offers))


def notice(starts_at: datetime, place=PLACE, goods=GOODS) -> NoticeContent:
    return NoticeContent(starts_at=starts_at, place=place, goods_summary=goods)


def facts(starts_at: datetime, posters=(), debtor_notices=(), cases=None) -> PublicityFacts:
    return PublicityFacts(sale_place_label=PLACE, notice=notice(starts_at), cases=tuple(cases or (case(),)),
                          posters=tuple(posters), debtor_notices=tuple(debtor_notices))


def posters(done_at: datetime, starts_at: datetime, commune=VILLEURBANNE) -> list[PosterFact]:
    content = notice(starts_at)
    return [PosterFact("poster_town_hall", done_at, content, commune), PosterFact("poster_sale_place", done_at, content)]


def by_key(results):
    return {r.key: r for r in results}


# --- dates ----------------------------------------------------------------------------------------

def test_the_paris_day_of_an_instant_follows_summer_and_winter_time():
    assert paris_day(datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc)) == date(2026, 3, 30)   # 00:30 CEST
    assert paris_day(datetime(2026, 3, 28, 22, 30, tzinfo=timezone.utc)) == date(2026, 3, 28)   # 23:30 CET
    assert paris_day(datetime(2026, 10, 25, 22, 30, tzinfo=timezone.utc)) == date(2026, 10, 25)  # 23:30 CET
    assert paris_day(datetime(2026, 10, 24, 22, 30, tzinfo=timezone.utc)) == date(2026, 10, 25)  # 00:30 CEST


# --- L221-3, R221-30, R221-31: the amicable-sale window -----------------------------------------

def test_L221_3_the_sale_may_take_place_the_day_after_the_month():
    # notified 10 September: the month runs to 10 October included
    assert check_amicable_window(case(), date(2026, 10, 11)).status == PASSED
    refused = check_amicable_window(case(), date(2026, 10, 10))
    assert refused.status == FAILED
    assert "L221-3" in refused.message and "10/10/2026 inclus" in refused.message and "11/10/2026" in refused.message


def test_L221_3_a_month_from_the_31st_of_january_ends_on_the_last_day_of_february():
    early = case(notified_on=date(2026, 1, 31))
    assert check_amicable_window(early, date(2026, 3, 1)).status == PASSED
    assert check_amicable_window(early, date(2026, 2, 28)).status == FAILED


def test_L221_3_the_window_is_counted_on_the_paris_day_of_the_sale_across_summer_time():
    # notified 28 February: the month runs to 28 March included; summer time starts 29 March at 02:00.
    # A sale at 00:30 on 29 March, Paris time, is on the 29th in Paris but on the 28th in UTC.
    early = case(notified_on=date(2026, 2, 28))
    sale_at = datetime(2026, 3, 29, 0, 30, tzinfo=PARIS)
    assert sale_at.astimezone(timezone.utc).date() == date(2026, 3, 28)
    assert check_amicable_window(early, paris_day(sale_at)).status == PASSED
    assert check_amicable_window(early, paris_day(datetime(2026, 3, 28, 23, 30, tzinfo=PARIS))).status == FAILED
    # and going back to winter time: notified 24 September, the month runs to 24 October included
    autumn = case(notified_on=date(2026, 9, 24))
    just_after = datetime(2026, 10, 25, 0, 30, tzinfo=PARIS)         # CEST still: 22:30 UTC on the 24th
    assert just_after.astimezone(timezone.utc).date() == date(2026, 10, 24)
    assert evaluate(facts(just_after, cases=[autumn]), now=paris(2026, 10, 1))[0].status == PASSED
    just_before = datetime(2026, 10, 24, 23, 59, tzinfo=PARIS)
    assert evaluate(facts(just_before, cases=[autumn]), now=paris(2026, 10, 1))[0].status == FAILED


def test_R221_31_an_offer_extends_the_month_by_the_creditors_fifteen_days():
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, date(2026, 9, 24))))
    with_offer = case(offers=[offer])
    # one month (10 October) plus fifteen days: 25 October included
    assert amicable_window_end(date(2026, 9, 10), [offer]) == date(2026, 10, 25)
    assert check_amicable_window(with_offer, date(2026, 10, 26)).status == PASSED
    refused = check_amicable_window(with_offer, date(2026, 10, 25))
    assert refused.status == FAILED and "quinze jours" in refused.message and "R221-31" in refused.message


def test_R221_31_a_late_receipt_pushes_the_window_to_fifteen_days_after_it():
    # the last creditor received the letter on 20 October: it may answer until 4 November included
    offer = AmicableOffer(date(2026, 10, 5), (OfferLetter(10, date(2026, 10, 8)), OfferLetter(11, date(2026, 10, 20))))
    late = case(offers=[offer])
    assert check_amicable_window(late, date(2026, 11, 5)).status == PASSED
    assert check_amicable_window(late, date(2026, 11, 4)).status == FAILED


def test_R221_31_an_offer_not_sent_to_every_creditor_or_without_receipt_fails():
    missing = case(offers=[AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)),))])
    result = check_amicable_window(missing, date(2027, 1, 10))
    assert result.status == FAILED and "Crédit-Bail" in result.message and "n'a pas été communiquée" in result.message
    unreceived = case(offers=[AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, None)))])
    result = check_amicable_window(unreceived, date(2027, 1, 10))
    assert result.status == FAILED and "date de réception" in result.message


def test_L221_3_without_the_notification_date_the_check_fails():
    result = check_amicable_window(case(notified_on=None), date(2027, 1, 10))
    assert result.status == FAILED and "signification" in result.message


# --- R221-34: posters, eight days before ---------------------------------------------------------

def test_R221_34_posters_put_up_eight_days_before_pass_and_seven_fail():
    sale = paris(2026, 12, 12)
    assert {r.status for r in check_posters(facts(sale, posters(paris(2026, 12, 4, 9), sale)), paris(2026, 12, 5))} == {PASSED}
    late = check_posters(facts(sale, posters(paris(2026, 12, 5, 9), sale)), paris(2026, 12, 5))
    assert {r.status for r in late} == {FAILED}
    assert all("R221-34" in r.message and "04/12/2026" in r.message for r in late)


def test_R221_34_eight_calendar_days_across_the_change_to_summer_time():
    # Poster at 14:30 on 25 March (CET), sale at 14:00 on 2 April (CEST): 8 calendar days, though
    # only 7 days and 22.5 hours have passed.
    sale = paris(2026, 4, 2, 14)
    done = paris(2026, 3, 25, 14, 30)
    assert (sale - done).total_seconds() < 8 * 24 * 3600
    winter = [case(notified_on=date(2026, 1, 10))]
    assert {r.status for r in check_posters(facts(sale, posters(done, sale), cases=winter), paris(2026, 3, 30))} == {PASSED}
    assert {r.status for r in check_posters(facts(sale, posters(paris(2026, 3, 26, 8), sale), cases=winter),
                                            paris(2026, 3, 30))} == {FAILED}


def test_R221_34_a_poster_put_up_just_after_midnight_counts_on_its_paris_day():
    # 00:30 on 28 March (CET) is still the 27th in UTC; the sale on 4 April is 7 Paris days later.
    sale = paris(2026, 4, 4, 14)
    done = datetime(2026, 3, 28, 0, 30, tzinfo=PARIS)
    assert done.astimezone(timezone.utc).date() == date(2026, 3, 27)
    winter = [case(notified_on=date(2026, 1, 10))]
    assert {r.status for r in check_posters(facts(sale, posters(done, sale), cases=winter), paris(2026, 3, 30))} == {FAILED}
    assert {r.status for r in check_posters(facts(sale, posters(done - timedelta(days=1), sale), cases=winter),
                                            paris(2026, 3, 30))} == {PASSED}
    # and the same in autumn: 00:30 on 24 October (CEST) is the 23rd in UTC; sale on 31 October (CET)
    sale = paris(2026, 10, 31, 14)
    done = datetime(2026, 10, 24, 0, 30, tzinfo=PARIS)
    assert done.astimezone(timezone.utc).date() == date(2026, 10, 23)
    assert {r.status for r in check_posters(facts(sale, posters(done, sale)), paris(2026, 10, 26))} == {FAILED}
    done = datetime(2026, 10, 23, 23, 50, tzinfo=PARIS)
    assert {r.status for r in check_posters(facts(sale, posters(done, sale)), paris(2026, 10, 26))} == {PASSED}


def test_R221_34_a_missing_poster_is_pending_until_its_last_day_then_fails():
    sale = paris(2026, 12, 12)
    on_last_day = by_key(check_posters(facts(sale), paris(2026, 12, 4, 23, 59)))
    assert on_last_day["poster_sale_place"].status == PENDING
    assert "04/12/2026" in on_last_day["poster_sale_place"].message
    day_after = by_key(check_posters(facts(sale), paris(2026, 12, 5, 0, 1)))
    assert day_after["poster_sale_place"].status == FAILED
    assert day_after[f"poster_town_hall:{VILLEURBANNE.key}"].status == FAILED


def test_R221_34_one_poster_at_each_debtors_town_hall_and_one_per_commune():
    sale = paris(2026, 12, 12)
    two = [case(case_id=1), case(case_id=2, commune=LYON), case(case_id=3, commune=Commune("69100", "VILLEURBANNE"))]
    only_villeurbanne = posters(paris(2026, 11, 20), sale)
    results = by_key(check_posters(facts(sale, only_villeurbanne, cases=two), paris(2026, 11, 21)))
    assert set(results) == {f"poster_town_hall:{VILLEURBANNE.key}", f"poster_town_hall:{LYON.key}", "poster_sale_place"}
    assert results[f"poster_town_hall:{VILLEURBANNE.key}"].status == PASSED
    assert results[f"poster_town_hall:{LYON.key}"].status == PENDING


def test_R221_34_a_poster_of_another_date_place_or_goods_does_not_count():
    sale = paris(2026, 12, 12)
    for other in (notice(paris(2026, 12, 5)), notice(sale, place="Autre salle, 1 rue, 69001 Lyon"),
                  notice(sale, goods="Mobilier (2 lots).")):
        old = [PosterFact("poster_sale_place", paris(2026, 11, 20), other)]
        assert by_key(check_posters(facts(sale, old), paris(2026, 11, 21)))["poster_sale_place"].status == PENDING
    same_but_spaced = [PosterFact("poster_sale_place", paris(2026, 11, 20), notice(sale, place=PLACE.upper()))]
    assert by_key(check_posters(facts(sale, same_but_spaced), paris(2026, 11, 21)))["poster_sale_place"].status == PASSED


# --- R221-34: posters only once the amicable-sale window has run out --------------------------------
# The default case was notified on 10 September 2026: its window runs to 10 October included.

def test_r221_34_poster_during_amicable_window_does_not_count():
    sale = paris(2026, 12, 12)
    during = by_key(check_posters(facts(sale, posters(paris(2026, 10, 10, 9), sale)), paris(2026, 10, 15)))
    for result in during.values():
        assert result.status == PENDING
        assert "pendant le délai de vente amiable du dossier SV-1" in result.message
        assert "jusqu'au 10/10/2026 inclus" in result.message and "elle ne compte pas" in result.message
        assert "entre le 11/10/2026" in result.message and "04/12/2026" in result.message
    after = check_posters(facts(sale, posters(paris(2026, 10, 11, 9), sale)), paris(2026, 10, 15))
    assert {r.status for r in after} == {PASSED}


def test_r221_34_poster_during_amicable_window_fails_once_the_last_day_is_past():
    sale = paris(2026, 12, 12)
    late = check_posters(facts(sale, posters(paris(2026, 10, 10, 9), sale)), paris(2026, 12, 5))
    assert {r.status for r in late} == {FAILED}
    assert all("pendant le délai de vente amiable" in r.message for r in late)


def test_r221_34_the_window_ends_on_its_paris_day():
    sale = paris(2026, 12, 12)
    just_before = datetime(2026, 10, 10, 23, 50, tzinfo=PARIS)
    just_after = datetime(2026, 10, 11, 0, 10, tzinfo=PARIS)          # 22:10 UTC on the 10th
    assert just_after.astimezone(timezone.utc).date() == date(2026, 10, 10)
    assert {r.status for r in check_posters(facts(sale, posters(just_before, sale)), paris(2026, 10, 15))} == {PENDING}
    assert {r.status for r in check_posters(facts(sale, posters(just_after, sale)), paris(2026, 10, 15))} == {PASSED}


def test_r221_34_poster_during_the_creditors_fifteen_days_does_not_count():
    # an offer: the month (10 October) plus the creditors' fifteen days, to 25 October included (R221-31)
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, date(2026, 9, 24))))
    sale = paris(2026, 12, 12)
    cases = [case(offers=[offer])]
    during = check_posters(facts(sale, posters(paris(2026, 10, 25, 18), sale), cases=cases), paris(2026, 10, 26))
    assert {r.status for r in during} == {PENDING}
    assert all("jusqu'au 25/10/2026 inclus" in r.message for r in during)
    after = check_posters(facts(sale, posters(paris(2026, 10, 26, 8), sale), cases=cases), paris(2026, 10, 26))
    assert {r.status for r in after} == {PASSED}


def test_r221_34_poster_while_an_offer_awaits_a_creditors_receipt_does_not_count():
    offer = AmicableOffer(date(2026, 9, 20), (OfferLetter(10, date(2026, 9, 23)), OfferLetter(11, None)))
    sale = paris(2026, 12, 12)
    result = by_key(check_posters(facts(sale, posters(paris(2026, 11, 2), sale), cases=[case(offers=[offer])]),
                                  paris(2026, 11, 3)))["poster_sale_place"]
    assert result.status == PENDING and "ne peut pas encore être calculé" in result.message


def test_r221_34_poster_without_the_seizure_notification_date_does_not_count():
    sale = paris(2026, 12, 12)
    result = by_key(check_posters(facts(sale, posters(paris(2026, 11, 20), sale), cases=[case(notified_on=None)]),
                                  paris(2026, 11, 21)))["poster_sale_place"]
    assert result.status == PENDING and "SV-1" in result.message and "ne peut pas encore être calculé" in result.message


def test_r221_34_a_sale_eight_days_after_the_window_leaves_no_day_for_a_poster():
    # window to 10 October: a poster from 11 October, and eight days before the sale: the 19th at the earliest
    possible = by_key(check_posters(facts(paris(2026, 10, 19)), paris(2026, 10, 5)))
    assert possible["poster_sale_place"].status == PENDING
    assert "entre le 11/10/2026" in possible["poster_sale_place"].message
    assert "et le 11/10/2026" in possible["poster_sale_place"].message
    impossible = by_key(check_posters(facts(paris(2026, 10, 18)), paris(2026, 10, 5)))
    for result in impossible.values():
        assert result.status == FAILED and "c'est impossible" in result.message
        assert "avant le 19/10/2026" in result.message
    assert blocking(evaluate(facts(paris(2026, 10, 18)), paris(2026, 10, 5)), (), ANNOUNCE)


def test_r221_34_town_hall_poster_waits_for_its_communes_cases_the_sale_place_for_every_case():
    # Villeurbanne's case: window to 10 October; Lyon's case, notified 1 October: to 1 November
    sale = paris(2026, 12, 12)
    cases = [case(case_id=1), case(case_id=2, commune=LYON, notified_on=date(2026, 10, 1))]
    put_up = posters(paris(2026, 10, 20), sale) + [PosterFact("poster_town_hall", paris(2026, 10, 20), notice(sale), LYON)]
    results = by_key(check_posters(facts(sale, put_up, cases=cases), paris(2026, 10, 21)))
    assert results[f"poster_town_hall:{VILLEURBANNE.key}"].status == PASSED
    assert results[f"poster_town_hall:{LYON.key}"].status == PENDING
    assert "dossier SV-2" in results[f"poster_town_hall:{LYON.key}"].message
    assert results["poster_sale_place"].status == PENDING
    assert "dossier SV-2 (jusqu'au 01/11/2026 inclus)" in results["poster_sale_place"].message


def test_r221_34_the_page_says_why_a_recorded_poster_does_not_count():
    sale = paris(2026, 12, 12)
    early = PosterFact("poster_sale_place", paris(2026, 10, 10, 9), notice(sale), act_id=7)
    counted = PosterFact("poster_sale_place", paris(2026, 10, 11, 9), notice(sale), act_id=8)
    other = PosterFact("poster_sale_place", paris(2026, 10, 20), notice(paris(2026, 12, 5)), act_id=9)
    current = facts(sale, [early, counted, other])
    reason = poster_standing(current, early)
    assert reason.startswith("CPCE R221-34") and "pendant le délai de vente amiable" in reason
    assert poster_standing(current, counted) is None
    assert "autre avis" in poster_standing(current, other)


# --- R221-35: the debtor told eight days before --------------------------------------------------

def test_R221_35_the_debtor_told_eight_days_before_passes_and_seven_fails():
    sale = paris(2026, 12, 12)
    told = [DebtorNoticeFact(1, date(2026, 12, 4), notice(sale))]
    assert check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 12, 5))[0].status == PASSED
    told = [DebtorNoticeFact(1, date(2026, 12, 5), notice(sale))]
    result = check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 12, 5))[0]
    assert result.status == FAILED and "R221-35" in result.message


def test_R221_35_counted_on_the_paris_day_of_the_sale_across_winter_time():
    # told on 17 October; a sale at 00:30 on 25 October (CEST, the night of the change) is 8 days later
    # in Paris, but 7 days later by its UTC date.
    sale = datetime(2026, 10, 25, 0, 30, tzinfo=PARIS).astimezone(timezone.utc)
    assert sale.date() == date(2026, 10, 24)
    told = [DebtorNoticeFact(1, date(2026, 10, 17), notice(sale))]
    assert check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 10, 18))[0].status == PASSED
    told = [DebtorNoticeFact(1, date(2026, 10, 18), notice(sale))]
    assert check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 10, 18))[0].status == FAILED


def test_R221_35_a_debtor_told_another_time_is_not_told():
    sale = paris(2026, 12, 12)
    told = [DebtorNoticeFact(1, date(2026, 11, 20), notice(paris(2026, 12, 12, 10)))]
    assert check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 11, 21))[0].status == PENDING
    # the goods summary is not what the debtor must be told: a new summary keeps the notice valid
    told = [DebtorNoticeFact(1, date(2026, 11, 20), notice(sale, goods="Autre résumé."))]
    assert check_debtor_notices(facts(sale, debtor_notices=told), paris(2026, 11, 21))[0].status == PASSED
