"""The distribution plan (R251-2 to R251-5; C. civ. 2331, 2332-1, 2285; L221-5, R221-41)."""
import random
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from auction.domain.distribution import (
    AmountLine, CaseFunds, Claim, RankKind, draft_plan, draft_plans, is_late,
)
from auction.domain.errors import InvalidValue

VERIFIED = date(2026, 11, 10)
EARLY = date(2026, 10, 1)


def claim(claim_id, cents, kind=RankKind.UNSECURED, *, creditor_id=None, order=1, came=EARLY,
          conservatory=False, interest=0, costs=0):
    return Claim(claim_id, creditor_id or claim_id, f"Créancier {claim_id}", cents, interest, costs, kind,
                 order, came, conservatory)


def funds(proceeds, claims, *, fees=0, costs=0, verification_on=VERIFIED, case_id=1):
    return CaseFunds(case_id, (AmountLine("Adjudications", proceeds),), fees,
                     (AmountLine("Frais de saisie et de vente", costs),) if costs else (), tuple(claims),
                     verification_on)


def shares(plan):
    return {s.claim.claim_id: s.share_cents for s in plan.shares}


def test_c_civ_2331_hand_worked_plan_ranks_then_pro_rata():
    # 10 000 € of proceeds; seller's fees 595.20 € (A444-3 on lots of 6 000 and 4 000 €); costs 1 200 €:
    # 8 204.80 € distributed. The Trésor (privileged) 3 000 €, the bank (pledge) 2 000 €, then two
    # unsecured creditors of 4 000 € and 2 000 € share 3 204.80 €: 2 136.5333 and 1 068.2667 →
    # 2 136.53 and 1 068.27 (the cent left to the larger remainder). Nothing for the debtor.
    plan = draft_plan(CaseFunds(
        1, (AmountLine("Adjudications", 600_000), AmountLine("Revente sur réitération", 400_000)), 59_520,
        (AmountLine("Acte de saisie", 20_000), AmountLine("Publicité", 100_000)),
        (claim(1, 300_000, RankKind.PRIVILEGED), claim(2, 200_000, RankKind.SECURED),
         claim(3, 380_000, interest=15_000, costs=5_000), claim(4, 200_000)), VERIFIED))
    assert (plan.proceeds_cents, plan.seller_fees_cents, plan.costs_cents) == (1_000_000, 59_520, 120_000)
    assert plan.distributable_cents == 820_480
    assert shares(plan) == {1: 300_000, 2: 200_000, 3: 213_653, 4: 106_827}
    assert [s.rank for s in plan.shares] == [1, 2, 3, 3]
    assert plan.debtor_cents == 0
    assert [s.remaining_cents for s in plan.shares] == [0, 0, 186_347, 93_173]
    assert [r.label for r in plan.ranks] == [
        "Créance privilégiée (rang 1)", "Créance garantie (gage) (rang 1)", "Créance chirographaire"]
    assert not plan.single_creditor and not plan.every_claim_paid


def test_c_civ_2285_the_debtor_gets_the_surplus_once_every_claim_is_paid():
    plan = draft_plan(funds(500_000, [claim(1, 100_000), claim(2, 150_000)], costs=50_000))
    assert shares(plan) == {1: 100_000, 2: 150_000}
    assert plan.debtor_cents == 200_000
    assert plan.every_claim_paid


def test_l221_5_r221_41_late_creditors_share_only_what_the_timely_ones_leave():
    claims = [claim(1, 300_000), claim(2, 100_000, came=date(2026, 11, 12)),
              claim(3, 50_000, came=VERIFIED)]          # the day of the verification act counts as before it
    plan = draft_plan(funds(380_000, claims))
    assert shares(plan) == {1: 300_000, 3: 50_000, 2: 30_000}
    late = next(s for s in plan.shares if s.claim.claim_id == 2)
    assert late.late and late.rank == 2 and plan.ranks[1].label == "Créance chirographaire — créanciers tardifs"
    # not enough for the timely ones: they share pro rata (6:1) and the late one gets nothing
    assert shares(draft_plan(funds(280_000, claims))) == {1: 240_000, 3: 40_000, 2: 0}
    # a late privileged creditor still comes after every timely unsecured one
    plan = draft_plan(funds(450_000, [claim(1, 300_000), claim(2, 500_000, RankKind.PRIVILEGED, came=date(2026, 12, 1))]))
    assert shares(plan) == {1: 300_000, 2: 150_000}


def test_privileged_claims_rank_by_their_legal_order_and_share_within_one():
    plan = draft_plan(funds(400_000, [
        claim(1, 100_000, RankKind.PRIVILEGED, order=2), claim(2, 300_000, RankKind.PRIVILEGED, order=1),
        claim(3, 300_000, RankKind.PRIVILEGED, order=1), claim(4, 50_000, RankKind.COSTS_OF_JUSTICE)]))
    # costs of justice first (50 000), then order 1 shares 350 000 half and half, order 2 gets nothing
    assert shares(plan) == {4: 50_000, 2: 175_000, 3: 175_000, 1: 0}
    assert [(r.rank, r.kind, r.order) for r in plan.ranks] == [
        (1, RankKind.COSTS_OF_JUSTICE, 1), (2, RankKind.PRIVILEGED, 1), (3, RankKind.PRIVILEGED, 2)]


def test_costs_beyond_the_proceeds_are_uncovered_and_nothing_is_distributed():
    plan = draft_plan(funds(10_000, [claim(1, 5_000)], fees=2_000, costs=12_000))
    assert (plan.seller_fees_cents, plan.costs_cents, plan.uncovered_cents) == (2_000, 8_000, 4_000)
    assert plan.distributable_cents == 0 and shares(plan) == {1: 0} and plan.debtor_cents == 0


def test_r251_1_a_single_creditor_case_is_flagged():
    plan = draft_plan(funds(100_000, [claim(1, 30_000), claim(2, 20_000, creditor_id=1)]))
    assert plan.single_creditor
    assert not draft_plan(funds(100_000, [claim(1, 30_000), claim(2, 20_000)])).single_creditor


def test_a_conservatory_creditors_share_is_deposited():
    plan = draft_plan(funds(100_000, [claim(1, 30_000, conservatory=True), claim(2, 20_000)]))
    assert [s.deposited for s in plan.shares] == [True, False]
    assert plan.deposited_cents == 30_000


def test_ties_are_broken_by_claim_number_whatever_the_order_given():
    claims = [claim(3, 100), claim(1, 100), claim(2, 100)]
    assert shares(draft_plan(funds(100, claims))) == {1: 34, 2: 33, 3: 33}
    assert shares(draft_plan(funds(100, list(reversed(claims))))) == {1: 34, 2: 33, 3: 33}


@pytest.mark.parametrize("bad, field", [
    (funds(-1, []), "cents"),
    (funds(100, [], fees=-1), "seller_fees_cents"),
    (funds(100, [claim(1, 10), claim(1, 20)]), "claim_id"),
    (funds(100, [claim(1, -10)]), "principal_cents"),
    (funds(100, [claim(1, 10, RankKind.PRIVILEGED, order=0)]), "order"),
])
def test_bad_figures_are_refused_in_french(bad, field):
    with pytest.raises(InvalidValue) as caught:
        draft_plan(bad)
    assert caught.value.field == field


def test_is_late_without_a_verification_act_or_a_date():
    assert not is_late(claim(1, 1, came=date(2030, 1, 1)), None)
    assert not is_late(claim(1, 1, came=None), VERIFIED)


def test_plans_come_in_case_order():
    plans = draft_plans([funds(1, [], case_id=2), funds(1, [], case_id=1)])
    assert [p.case_id for p in plans] == [1, 2]


claim_strategy = st.builds(
    lambda cid, cents, kind, order, late, cons: claim(
        cid, cents, kind, order=order, came=date(2026, 12, 1) if late else EARLY, conservatory=cons),
    st.integers(1, 40), st.integers(0, 5 * 10**7), st.sampled_from(list(RankKind)), st.integers(1, 3),
    st.booleans(), st.booleans())
funds_strategy = st.builds(
    lambda proceeds, fees, costs, claims: funds(proceeds, claims, fees=fees, costs=costs),
    st.integers(0, 10**8), st.integers(0, 10**6), st.integers(0, 10**6),
    st.lists(claim_strategy, max_size=12, unique_by=lambda c: c.claim_id))


@settings(max_examples=300)
@given(funds_strategy)
def test_property_every_cent_is_accounted_for_exactly(case):
    plan = draft_plan(case)
    assert plan.shares_cents + plan.debtor_cents == plan.distributable_cents
    assert plan.seller_fees_cents + plan.costs_cents + plan.distributable_cents == plan.proceeds_cents
    assert all(0 <= s.share_cents <= s.claim_cents for s in plan.shares)


@settings(max_examples=300)
@given(funds_strategy)
def test_property_ranks_are_respected_and_the_debtor_comes_last(case):
    plan = draft_plan(case)
    short = [r.rank for r in plan.ranks if not r.paid_in_full]
    if short:
        first_short = min(short)
        assert all(s.share_cents == 0 for s in plan.shares if s.rank > first_short)
        assert plan.debtor_cents == 0
    if plan.debtor_cents:
        assert plan.every_claim_paid
    timely_ranks = [r.rank for r in plan.ranks if not r.late]
    late_ranks = [r.rank for r in plan.ranks if r.late]
    assert not timely_ranks or not late_ranks or max(timely_ranks) < min(late_ranks)


@settings(max_examples=300)
@given(funds_strategy)
def test_property_within_a_rank_shares_are_pro_rata_to_the_cent(case):
    plan = draft_plan(case)
    for rank in plan.ranks:
        members = [s for s in plan.shares if s.rank == rank.rank]
        for s in members:
            exact = Fraction(rank.paid_cents * s.claim_cents, rank.claimed_cents) if rank.claimed_cents else 0
            assert abs(s.share_cents - exact) < 1


@settings(max_examples=200)
@given(funds_strategy, st.randoms(use_true_random=False))
def test_property_the_plan_does_not_depend_on_the_order_of_the_claims(case, rnd: random.Random):
    claims = list(case.claims)
    rnd.shuffle(claims)
    shuffled = CaseFunds(case.case_id, case.proceeds, case.seller_fees_cents, case.costs, tuple(claims),
                         case.verification_on)
    assert draft_plan(shuffled) == draft_plan(case)
