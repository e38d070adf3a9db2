"""Legal interest by half-year and creditor type, with the five points of CMF L313-3."""
from datetime import date
from decimal import Decimal

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.legal_interest import (
    SHIPPED_RATES, CreditorType, LegalRate, MissingLegalRate, contractual_interest, half_year_of,
    legal_interest, legal_interest_cents, legal_rate_on, majoration_starts, missing_half_years, rate_table,
    validate_rate,
)

PRIVATE, OTHER = CreditorType.PRIVATE, CreditorType.OTHER


def test_cmf_l313_2_shipped_rates_of_the_domain_reference():
    table = rate_table()
    assert legal_rate_on(date(2025, 7, 1), PRIVATE, table) == Decimal("0.0665")
    assert legal_rate_on(date(2025, 12, 31), OTHER, table) == Decimal("0.0276")
    assert legal_rate_on(date(2026, 1, 1), PRIVATE, table) == Decimal("0.0667")
    assert legal_rate_on(date(2026, 6, 30), OTHER, table) == Decimal("0.0262")
    assert all(row.shipped for row in SHIPPED_RATES)


def test_cmf_l313_2_one_half_year_at_one_rate():
    # 10 000 € for the 181 days of the first half of 2026, a company creditor at 2.62 %:
    # 1 000 000 × 0.0262 × 181 / 365 = 12 992.33 cents
    computation = legal_interest(1_000_000, date(2026, 1, 1), date(2026, 7, 1), OTHER)
    assert computation.interest_cents == 12_992
    assert [(p.days, p.rate) for p in computation.periods] == [(181, Decimal("0.0262"))]


def test_cmf_l313_2_interest_runs_day_by_day_across_the_half_year_boundary():
    # 31 days of December 2025 at 6.65 % then 31 days of January 2026 at 6.67 %, a private creditor:
    # 1 000 000 × (0.0665 × 31 + 0.0667 × 31) / 365 = 11 312.88 cents
    computation = legal_interest(1_000_000, date(2025, 12, 1), date(2026, 2, 1), PRIVATE)
    assert computation.interest_cents == 11_313
    assert [(p.start, p.end, p.rate) for p in computation.periods] == [
        (date(2025, 12, 1), date(2026, 1, 1), Decimal("0.0665")),
        (date(2026, 1, 1), date(2026, 2, 1), Decimal("0.0667")),
    ]


def test_cmf_l313_2_one_rounding_at_the_end_not_one_per_half_year():
    # 10 € over the same two months: 5.648 + 5.665 = 11.31 cents → 11 (rounding each half-year would give 12)
    assert legal_interest_cents(1_000, date(2025, 12, 1), date(2026, 2, 1), PRIVATE) == 11


def test_cmf_l313_3_five_points_from_two_months_after_the_judgment_became_enforceable():
    # enforceable on 15 October 2025: the two months end on 15 December, the raised rate runs from the 16th
    assert majoration_starts(date(2025, 10, 15)) == date(2025, 12, 16)
    computation = legal_interest(1_000_000, date(2025, 12, 1), date(2026, 1, 1), PRIVATE,
                                 enforceable_on=date(2025, 10, 15))
    assert [(p.days, p.rate, p.majorated) for p in computation.periods] == [
        (15, Decimal("0.0665"), False), (16, Decimal("0.1165"), True)]
    # 1 000 000 × (0.0665 × 15 + 0.1165 × 16) / 365 = 7 839.73 cents
    assert computation.interest_cents == 7_840


def test_cmf_l313_3_majoration_at_month_end():
    assert majoration_starts(date(2025, 12, 31)) == date(2026, 3, 1)   # two months end on 28 February


def test_cmf_l313_3_no_majoration_before_the_two_months():
    raised = legal_interest_cents(1_000_000, date(2026, 1, 1), date(2026, 2, 1), OTHER, enforceable_on=date(2025, 12, 20))
    plain = legal_interest_cents(1_000_000, date(2026, 1, 1), date(2026, 2, 1), OTHER)
    assert raised == plain


def test_a_missing_half_year_is_an_error_never_zero():
    with pytest.raises(MissingLegalRate, match="second semestre 2026"):
        legal_interest(1_000_000, date(2026, 6, 1), date(2026, 8, 1), PRIVATE)
    with pytest.raises(MissingLegalRate, match="premier semestre 2025"):
        legal_interest(1_000_000, date(2025, 6, 30), date(2025, 7, 2), OTHER)


def test_the_office_enters_a_half_year_and_may_correct_a_shipped_one():
    h2_2026 = LegalRate(date(2026, 7, 1), Decimal("0.0650"), Decimal("0.0250"), "Arrêté du juin 2026")
    # June 2026 (30 days at 2.62 %) and July 2026 (31 days at 2.50 %), on 1 000 000 cents:
    # (26 200 × 30 + 25 000 × 31) / 365 = 4 277.26
    assert legal_interest_cents(1_000_000, date(2026, 6, 1), date(2026, 8, 1), OTHER, office_rates=[h2_2026]) == 4_277
    corrected = LegalRate(date(2026, 1, 1), Decimal("0.07"), Decimal("0.03"), "Rectificatif")
    table = rate_table([corrected])
    assert legal_rate_on(date(2026, 3, 1), PRIVATE, table) == Decimal("0.07")
    assert not table[date(2026, 1, 1)].shipped


def test_a_leap_year_counts_366_days():
    rows = [LegalRate(date(2028, 1, 1), Decimal("0.0366"), Decimal("0.0366"), "test")]
    computation = legal_interest(1_000_000, date(2028, 2, 29), date(2028, 3, 1), OTHER, office_rates=rows, shipped=())
    assert computation.periods[0].year_days == 366
    assert computation.interest_cents == 100   # 1 000 000 × 0.0366 / 366


def test_no_days_no_interest():
    computation = legal_interest(1_000_000, date(2026, 3, 1), date(2026, 3, 1), OTHER)
    assert computation.interest_cents == 0 and computation.periods == ()
    assert legal_interest_cents(1_000_000, date(2026, 3, 2), date(2026, 3, 1), OTHER) == 0
    assert legal_interest_cents(0, date(2026, 1, 1), date(2026, 6, 1), OTHER) == 0


def test_a_negative_principal_is_refused():
    with pytest.raises(InvalidValue):
        legal_interest(-1, date(2026, 1, 1), date(2026, 2, 1), OTHER)


def test_the_titles_own_rate():
    # 5 % a year on 2 000 € for the 365 days of 2026: 10 000 cents exactly
    assert contractual_interest(200_000, date(2026, 1, 1), date(2027, 1, 1), Decimal("0.05")).interest_cents == 10_000
    with pytest.raises(InvalidValue):
        contractual_interest(200_000, date(2026, 1, 1), date(2027, 1, 1), Decimal("1.5"))


@pytest.mark.parametrize("row, field", [
    (LegalRate(date(2026, 7, 2), Decimal("0.06"), Decimal("0.02"), "x"), "half_year"),
    (LegalRate(date(2026, 4, 1), Decimal("0.06"), Decimal("0.02"), "x"), "half_year"),
    (LegalRate(date(2026, 7, 1), Decimal("0.6"), Decimal("0.02"), "x"), "private_rate"),
    (LegalRate(date(2026, 7, 1), Decimal("0.06"), Decimal("-0.01"), "x"), "other_rate"),
    (LegalRate(date(2026, 7, 1), Decimal("0.06"), Decimal("0.02"), "  "), "reference"),
])
def test_an_office_row_no_arrete_would_publish_is_refused(row, field):
    with pytest.raises(InvalidValue) as caught:
        validate_rate(row)
    assert caught.value.field == field


def test_half_year_of():
    assert half_year_of(date(2026, 6, 30)) == date(2026, 1, 1)
    assert half_year_of(date(2026, 7, 1)) == date(2026, 7, 1)


# --- the table as the point of the review asks it (issue 15, point 8) ------------------------------

def test_cmf_l313_2_shipped_rows_run_to_the_first_half_of_2026_then_the_office_enters_them():
    table = rate_table()
    assert sorted(table) == [date(2025, 7, 1), date(2026, 1, 1)]
    assert (table[date(2026, 1, 1)].private_rate, table[date(2026, 1, 1)].other_rate) == (Decimal("0.0667"),
                                                                                          Decimal("0.0262"))
    assert legal_rate_on(date(2026, 6, 30), PRIVATE, table) == Decimal("0.0667")      # last day shipped
    with pytest.raises(MissingLegalRate, match="second semestre 2026") as missing:   # first day not shipped
        legal_rate_on(date(2026, 7, 1), PRIVATE, table)
    assert "compté à 0" in missing.value.message
    h2 = LegalRate(date(2026, 7, 1), Decimal("0.0640"), Decimal("0.0240"), "Arrêté du 22 juin 2026")
    assert legal_rate_on(date(2026, 7, 1), OTHER, rate_table([h2])) == Decimal("0.0240")


def test_cmf_l313_2_a_missing_half_year_is_never_a_silent_zero_even_for_one_day():
    with pytest.raises(MissingLegalRate):
        legal_interest(1_000_000, date(2026, 6, 30), date(2026, 7, 2), OTHER)          # one day of H2 2026
    assert legal_interest_cents(1_000_000, date(2026, 6, 30), date(2026, 7, 1), OTHER) == 72   # H1 only: 71.78
    with pytest.raises(MissingLegalRate):
        legal_interest(1_000_000, date(2025, 6, 30), date(2025, 7, 1), PRIVATE)        # the day before the first row


@pytest.mark.parametrize("creditor, base", [(PRIVATE, Decimal("0.0667")), (OTHER, Decimal("0.0262"))])
def test_cmf_l313_3_five_points_on_each_creditor_types_rate_from_the_day_after_the_two_months(creditor, base):
    # enforceable on 10 January 2026: the two months run to 10 March included, the raised rate from the 11th
    enforceable = date(2026, 1, 10)
    assert majoration_starts(enforceable) == date(2026, 3, 11)
    last_plain = legal_interest(365_000_000, date(2026, 3, 10), date(2026, 3, 11), creditor, enforceable_on=enforceable)
    first_raised = legal_interest(365_000_000, date(2026, 3, 11), date(2026, 3, 12), creditor,
                                  enforceable_on=enforceable)
    assert [(p.rate, p.majorated) for p in last_plain.periods] == [(base, False)]
    assert [(p.rate, p.majorated) for p in first_raised.periods] == [(base + Decimal("0.05"), True)]
    # one day on 3 650 000 € (365 000 000 cents): the yearly rate in cents, divided by 365
    assert last_plain.interest_cents == int(base * 1_000_000)
    assert first_raised.interest_cents == int((base + Decimal("0.05")) * 1_000_000)


def test_cmf_l313_3_no_five_points_without_an_enforceable_judgment():
    computation = legal_interest(1_000_000, date(2026, 1, 1), date(2026, 7, 1), PRIVATE)
    assert not any(p.majorated for p in computation.periods)


def test_cmf_l313_3_the_raised_rate_follows_each_half_year():
    h2 = LegalRate(date(2026, 7, 1), Decimal("0.0640"), Decimal("0.0240"), "Arrêté")
    computation = legal_interest(1_000_000, date(2026, 6, 1), date(2026, 8, 1), OTHER, enforceable_on=date(2025, 1, 1),
                                 office_rates=[h2])
    assert [(p.start, p.rate) for p in computation.periods] == [(date(2026, 6, 1), Decimal("0.0762")),
                                                                (date(2026, 7, 1), Decimal("0.0740"))]


def test_cmf_l313_2_the_half_years_the_office_still_has_to_enter():
    assert missing_half_years(rate_table(), date(2026, 6, 30)) == []
    assert missing_half_years(rate_table(), date(2026, 7, 1)) == [date(2026, 7, 1)]
    assert missing_half_years(rate_table(), date(2027, 2, 1)) == [date(2026, 7, 1), date(2027, 1, 1)]
    h1_2027 = LegalRate(date(2027, 1, 1), Decimal("0.06"), Decimal("0.02"), "Arrêté")
    assert missing_half_years(rate_table([h1_2027]), date(2027, 2, 1)) == [date(2026, 7, 1)]   # a gap
    assert missing_half_years({}, date(2026, 12, 2)) == [date(2026, 7, 1)]
