"""The vigilance flags (CMF D112-3 ceilings, the office's dated thresholds), each at its boundary, and
the officer's decision form."""
from dataclasses import replace
from datetime import date

import pytest

from auction.domain import vigilance as v
from auction.domain.errors import InvalidValue

ON = date(2026, 11, 21)
T = v.Thresholds(date(2026, 1, 1), cash_share_percent=80, cash_payments_count=3, cash_window_days=30,
                 estimate_ratio_percent=300)
BUYER = v.BuyerFacts(paddle=7, first_name="Isabelle", last_name="Moreau", company_name="", tax_residence="france",
                     buyer_type="person", cash_in_sale_cents=0)


def codes(facts, thresholds=T):
    return [f.code for f in v.flags(facts, thresholds, ON)]


def test_the_thresholds_in_force_are_the_latest_started_on_or_before_the_day():
    later = replace(T, effective_from=date(2026, 12, 1), cash_share_percent=50)
    assert v.thresholds_on([T, later], date(2025, 12, 31)) is None
    assert v.thresholds_on([T, later], date(2026, 11, 30)) == T
    assert v.thresholds_on([later, T], date(2026, 12, 1)) == later


@pytest.mark.parametrize("field, value", [("cash_share_percent", 0), ("cash_share_percent", 101),
                                          ("cash_payments_count", 1), ("cash_window_days", 0),
                                          ("cash_window_days", 367), ("estimate_ratio_percent", 100)])
def test_thresholds_out_of_range_are_refused(field, value):
    with pytest.raises(InvalidValue) as refused:
        replace(T, **{field: value})
    assert refused.value.field == field


def test_cash_near_the_ceiling_flags_from_the_offices_share_of_it():
    assert codes(replace(BUYER, cash_in_sale_cents=799_99)) == []
    flag = v.cash_near_ceiling(replace(BUYER, cash_in_sale_cents=800_00), T, ON)
    assert flag.code == "cash_near_ceiling" and "800,00" in flag.text and "1\u202f000" in flag.text
    assert v.cash_near_ceiling(replace(BUYER, cash_in_sale_cents=800_00), None, ON) is None   # no thresholds


def test_a_private_buyer_abroad_has_the_15_000_euro_ceiling_and_a_business_the_1_000():
    abroad = replace(BUYER, tax_residence="abroad", cash_in_sale_cents=11_999_99)
    assert v.cash_near_ceiling(abroad, T, ON) is None
    assert v.cash_near_ceiling(replace(abroad, cash_in_sale_cents=12_000_00), T, ON) is not None
    company = replace(abroad, buyer_type="company", cash_in_sale_cents=800_00)
    assert v.cash_near_ceiling(company, T, ON) is not None


def _cash(*days):
    return tuple(v.CashRemittance(day, 300_00, "VJ-2026-11") for day in days)


def test_repeated_cash_counts_remittances_within_the_window_both_ends_included():
    inside = replace(BUYER, remittances=_cash(date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 30)))
    flag = v.repeated_cash(inside, T)
    assert flag is not None and "3 remises d'espèces en 30 jour(s)" in flag.text and "900,00" in flag.text
    outside = replace(BUYER, remittances=_cash(date(2026, 11, 1), date(2026, 11, 15), date(2026, 12, 1)))
    assert v.repeated_cash(outside, T) is None              # 31 days from first to last
    two = replace(BUYER, remittances=_cash(date(2026, 11, 1), date(2026, 11, 2)))
    assert v.repeated_cash(two, T) is None
    assert v.repeated_cash(inside, None) is None


def test_a_payment_by_someone_else_is_flagged_not_the_buyer_written_otherwise():
    own = v.PaymentFact("cheque", 500_00, ON, payer="MOREAU Isabelle")
    accented = v.PaymentFact("cheque", 500_00, ON, payer="isabelle moreau")
    assert v.third_party(replace(BUYER, payments=(own, accented, v.PaymentFact("cash", 100_00, ON)))) is None
    other = v.PaymentFact("cheque", 1_713_60, ON, payer="Gérard MOREAU")
    flag = v.third_party(replace(BUYER, payments=(own, other)))
    assert flag.code == "third_party" and "payés par Gérard MOREAU" in flag.text and "1\u202f713,60" in flag.text
    company = replace(BUYER, buyer_type="company", company_name="SAS Le Bistrot des Canuts",
                      payments=(v.PaymentFact("transfer", 1_000_00, ON, payer="SAS le bistrot des canuts"),))
    assert v.third_party(company) is None
    assert codes(replace(BUYER, payments=(other,)), None) == ["third_party"]     # no threshold needed


def test_a_lot_bought_at_the_offices_ratio_of_its_high_estimate_is_flagged():
    below = v.LotFact("9", 2_999_99, 1_000_00)
    at = v.LotFact("10", 3_000_00, 1_000_00)
    no_estimate = v.LotFact("11", 50_000_00, 0)
    assert v.above_estimates(replace(BUYER, lots=(below, no_estimate)), T) is None
    flag = v.above_estimates(replace(BUYER, lots=(below, at)), T)
    assert "lot 10 adjugé 3\u202f000,00" in flag.text and "lot 9" not in flag.text
    assert v.above_estimates(replace(BUYER, lots=(at,)), None) is None


def test_a_registration_cleared_by_the_officer_is_flagged():
    assert v.cleared_registration(BUYER) is None
    flag = v.cleared_registration(replace(BUYER, clearances=("Jean DUPONT",)))
    assert flag.code == "cleared_registration" and "Jean DUPONT" in flag.text


def test_every_flag_in_a_fixed_order():
    facts = replace(BUYER, cash_in_sale_cents=900_00, remittances=_cash(ON, ON, ON),
                    payments=(v.PaymentFact("cheque", 1, ON, payer="Gérard MOREAU"),),
                    lots=(v.LotFact("1", 9_000_00, 1_000_00),), clearances=("X",))
    assert codes(facts) == ["cash_near_ceiling", "repeated_cash", "third_party", "above_estimates",
                            "cleared_registration"]


FLAG = [v.Flag("third_party", "…")]


def test_a_decision_needs_a_flag_a_reason_and_for_a_suspicion_its_date_and_reference():
    with pytest.raises(InvalidValue, match="Aucun signalement"):
        v.check_decision(v.DecisionForm("no_action", "Chèque du conjoint, vérifié."), [], ON)
    with pytest.raises(InvalidValue, match="Choisissez"):
        v.check_decision(v.DecisionForm("ignore", "Chèque du conjoint, vérifié."), FLAG, ON)
    with pytest.raises(InvalidValue) as short:
        v.check_decision(v.DecisionForm("no_action", "  vu   "), FLAG, ON)
    assert short.value.field == "note"
    suspicion = v.DecisionForm("suspicion_declared", "Tiers payeur sans lien", ON, "")
    with pytest.raises(InvalidValue) as no_reference:
        v.check_decision(suspicion, FLAG, ON)
    assert no_reference.value.field == "declaration_reference"
    with pytest.raises(InvalidValue, match="après aujourd'hui"):
        v.check_decision(replace(suspicion, declared_on=date(2026, 11, 22), declaration_reference="R"), FLAG, ON)
    with pytest.raises(InvalidValue, match="date"):
        v.check_decision(replace(suspicion, declared_on=None, declaration_reference="R"), FLAG, ON)
    done = v.check_decision(replace(suspicion, declaration_reference=" ERMES 1 "), FLAG, ON)
    assert done.declaration_reference == "ERMES 1" and done.declared_on == ON
    checks = v.check_decision(v.DecisionForm("enhanced_checks", "Justificatif  demandé", ON, "R"), FLAG, ON)
    assert checks.declared_on is None and checks.declaration_reference == "" and checks.note == "Justificatif demandé"


def test_a_decision_is_awaited_while_a_flag_it_did_not_see_stands():
    assert not v.pending([], None)
    assert v.pending(FLAG, None)
    assert not v.pending(FLAG, ["third_party"])
    assert v.pending(FLAG + [v.Flag("repeated_cash", "…")], ["third_party"])
