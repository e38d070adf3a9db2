"""More properties of the plan (R251-2 to R251-5; C. civ. 2331, 2332-1, 2285; L221-5), of what the
log and the CLI make of it, and of the delays (CPC 641, 642), on random cases (Hypothesis). The
plan's own core properties are in test_distribution.py."""
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from auction.domain import distribution_log as dlog
from auction.domain.deadlines import contest_period_ends, distribution_due, is_working_day, payment_due
from auction.domain.distribution import KIND_ORDER, ORDERED_KINDS, draft_plan

from .test_distribution import funds_strategy


def legal_key(share):
    """Where the law puts a claim: timely before late (L221-5), then costs of justice, privileged,
    secured, unsecured (C. civ. 2331, 2332-1), then the legal order within privileged and secured."""
    claim = share.claim
    return share.late, KIND_ORDER[claim.kind], claim.order if claim.kind in ORDERED_KINDS else 0


@settings(max_examples=300, deadline=None)
@given(funds_strategy)
def test_property_ranks_follow_the_legal_order_and_are_numbered_from_1(case):
    plan = draft_plan(case)
    assert [r.rank for r in plan.ranks] == list(range(1, len(plan.ranks) + 1))
    for a in plan.shares:
        for b in plan.shares:
            assert (a.rank < b.rank) == (legal_key(a) < legal_key(b))
            assert (a.rank == b.rank) == (legal_key(a) == legal_key(b))


@settings(max_examples=300, deadline=None)
@given(funds_strategy)
def test_property_a_rank_is_paid_only_once_every_earlier_rank_is_paid_in_full(case):
    plan = draft_plan(case)
    for rank in plan.ranks:
        if rank.paid_cents:
            assert all(earlier.paid_in_full for earlier in plan.ranks if earlier.rank < rank.rank)
        assert rank.paid_cents == sum(s.share_cents for s in plan.shares if s.rank == rank.rank)
        assert 0 <= rank.paid_cents <= rank.claimed_cents


@settings(max_examples=300, deadline=None)
@given(funds_strategy)
def test_property_the_debtor_gets_the_surplus_only_and_all_of_it(case):
    plan = draft_plan(case)
    claimed = sum(s.claim_cents for s in plan.shares)
    if plan.distributable_cents >= claimed:
        # every admitted claim (late ones too) paid in full, the rest to the debtor
        assert all(s.share_cents == s.claim_cents for s in plan.shares)
        assert plan.debtor_cents == plan.distributable_cents - claimed
    else:
        # not enough: every cent goes to the creditors, nothing to the debtor
        assert plan.debtor_cents == 0
        assert plan.shares_cents == plan.distributable_cents
    assert plan.debtor_cents >= 0


@settings(max_examples=300, deadline=None)
@given(funds_strategy)
def test_property_fees_and_costs_are_taken_first_and_never_beyond_the_proceeds(case):
    plan = draft_plan(case)
    owed = case.seller_fees_cents + sum(line.cents for line in case.costs)
    assert plan.seller_fees_cents + plan.costs_cents + plan.uncovered_cents == owed
    assert plan.distributable_cents >= 0 and plan.uncovered_cents >= 0
    if plan.uncovered_cents:
        assert plan.distributable_cents == 0


@settings(max_examples=200, deadline=None)
@given(funds_strategy)
def test_property_the_frozen_plan_and_the_cli_summary_add_up(case):
    """`criee distribution --json`: distributable = the shares + the debtor's; a claim is principal +
    interest + costs; the payouts due (log) are exactly what is distributed."""
    plan = draft_plan(case)
    payload = dlog.plan_payload(plan, drafted_on=date(2026, 12, 1), interest_to=date(2026, 12, 1),
                                seller_fees_vat_cents=0, verification_on=case.verification_on)
    summary = dlog.summary(case.case_id, payload, "draft")
    assert sum(c["share_cents"] for c in summary["creditors"]) + summary["debtor_cents"] \
        == summary["distributable_cents"] == plan.distributable_cents
    assert sum(c["claim_cents"] for c in summary["creditors"]) == sum(
        c.principal_cents + c.interest_cents + c.costs_cents for c in case.claims)
    assert all(isinstance(c["rank"], int) and c["rank"] >= 1 for c in summary["creditors"])
    assert all(c["share_cents"] <= c["claim_cents"] for c in summary["creditors"])
    log = dlog.CaseLog(case.case_id, plan=payload)
    assert sum(log.due_cents().values()) == plan.distributable_cents
    assert log.outstanding_cents() == log.due_cents()


days = st.dates(date(2025, 1, 1), date(2030, 12, 31))


@settings(deadline=None)
@given(days)
def test_property_a_contest_period_ends_on_a_working_day_15_days_on_or_just_after(received):
    end = contest_period_ends(received)
    assert is_working_day(end)
    assert received + timedelta(days=15) <= end <= received + timedelta(days=18)   # at most 3 days off in a row
    assert all(not is_working_day(day) for day in
               (received + timedelta(days=15 + i) for i in range((end - received).days - 15)))


@settings(deadline=None)
@given(days)
def test_property_the_month_and_the_8_days_end_on_working_days(day):
    for end in (distribution_due(day), payment_due(day)):
        assert is_working_day(end) and end > day
    assert payment_due(day) >= day + timedelta(days=8)
