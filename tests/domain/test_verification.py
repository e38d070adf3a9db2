"""The verification act before the sale (CPCE R221-36) and who shares the proceeds (L221-5, R221-41)."""
from datetime import date

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.verification import (Finding, VerificationInput, check_verification, clean_verification_form,
                                         is_admitted, missing_verifications)

SALE_DAY = date(2026, 12, 12)
SEIZURE_DAY = date(2026, 9, 1)


def act(day: date = date(2026, 12, 10), *findings: Finding, place="4 chemin des Tanneurs", present="Me Lefèvre"):
    return VerificationInput(day, place, present, tuple(findings))


def test_r221_36_the_act_is_drawn_up_before_the_sale_its_day_at_the_latest():
    check_verification(act(SALE_DAY), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="avant la vente") as refused:
        check_verification(act(date(2026, 12, 13)), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    assert refused.value.field == "act_date"


def test_r221_36_the_act_records_a_check_already_made():
    check_verification(act(date(2026, 12, 10)), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY, today=date(2026, 12, 10))
    with pytest.raises(InvalidValue, match="à venir"):
        check_verification(act(date(2026, 12, 11)), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY,
                           today=date(2026, 12, 10))


def test_r221_36_the_act_follows_the_seizure():
    check_verification(act(SEIZURE_DAY), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="précéder la saisie"):
        check_verification(act(date(2026, 8, 31)), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)


def test_r221_36_the_act_says_where_and_who_was_there():
    with pytest.raises(InvalidValue, match="lieu"):
        check_verification(act(place=" "), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="personnes présentes"):
        check_verification(act(present=""), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)


def test_r221_36_goods_missing_or_damaged_have_their_lot_withdrawn_or_described_again():
    check_verification(act(SALE_DAY, Finding(1, "missing", "withdrawn"),
                           Finding(2, "damaged", "redescribed", "Établi, plateau fendu")),
                       sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="nouvelle description"):
        check_verification(act(SALE_DAY, Finding(2, "damaged", "redescribed", " ")),
                           sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="retiré ou décrit"):
        check_verification(act(SALE_DAY, Finding(2, "damaged", "kept")), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="manquant ou détérioré"):
        check_verification(act(SALE_DAY, Finding(2, "stolen", "withdrawn")), sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)
    with pytest.raises(InvalidValue, match="deux fois"):
        check_verification(act(SALE_DAY, Finding(1, "missing", "withdrawn"), Finding(1, "damaged", "withdrawn")),
                           sale_day=SALE_DAY, seizure_day=SEIZURE_DAY)


def test_r221_36_the_form_lists_only_the_lots_with_a_finding():
    data, errors = clean_verification_form({
        "act_date": "2026-12-10", "place": " 4  chemin ", "present_persons": "Me Lefèvre",
        "finding_1": "", "finding_2": "damaged", "action_2": "redescribed", "description_2": "Plateau fendu",
        "finding_3": "missing", "action_3": "withdrawn", "description_3": "ignorée"}, [1, 2, 3])
    assert errors == {}
    assert data.place == "4 chemin"
    assert data.findings == (Finding(2, "damaged", "redescribed", "Plateau fendu"), Finding(3, "missing", "withdrawn"))
    _, errors = clean_verification_form({"act_date": "12/10", "finding_2": "damaged"}, [1, 2])
    assert set(errors) == {"act_date", "action_2"}


def test_r221_36_every_case_of_the_sale_needs_its_act_dated_by_the_sale_day():
    cases = {10: "SV-1", 20: "SV-2"}
    assert missing_verifications(cases, {10: SALE_DAY, 20: date(2026, 12, 1)}, SALE_DAY) == []
    assert missing_verifications(cases, {10: SALE_DAY}, SALE_DAY) == ["SV-2"]
    assert missing_verifications(cases, {10: date(2026, 12, 13), 20: SALE_DAY}, SALE_DAY) == ["SV-1"]


def test_l221_5_r221_41_only_creditors_who_came_forward_by_the_verification_share():
    verified = date(2026, 12, 10)
    assert is_admitted(date(2026, 12, 9), verified)
    assert is_admitted(verified, verified)                 # the same day counts as before the act
    assert not is_admitted(date(2026, 12, 11), verified)
    assert not is_admitted(None, verified)                 # no recorded day: not known to be admitted
    assert not is_admitted(date(2026, 12, 9), None)        # no act yet: nobody is known to be admitted
