"""A sale's distributions folded from its settlement log, and the JSON summary's shape."""
from datetime import date

import pytest

from auction.domain import distribution_log as dlog
from auction.domain import journal
from auction.domain.distribution import AmountLine, CaseFunds, Claim, RankKind, draft_plan
from auction.domain.distribution_procedure import DEBTOR, Status, StepRefused
from tests.checkout_fixtures import Log

SALE_DAY = date(2026, 10, 15)


def plan_payload():
    plan = draft_plan(CaseFunds(7, (AmountLine("Lot 1", 100_000),), 5_952, (AmountLine("Acte", 4_048),), (
        Claim(1, 31, "Banque", 60_000, 0, 0, RankKind.UNSECURED), Claim(2, 32, "Bailleur", 40_000, 0, 0,
                                                                      RankKind.UNSECURED, conservatory=True))))
    return dlog.plan_payload(plan, drafted_on=date(2026, 10, 20), interest_to=date(2026, 10, 20),
                             seller_fees_vat_cents=992, verification_on=None)


def test_the_fold_gives_costs_plan_steps_and_what_is_outstanding():
    log = Log()
    log.add("cost_recorded", {"case_id": 7, "label": "Acte", "cents": 4_048, "reference": ""})
    log.add("plan_drafted", plan_payload())
    log.add("letter_sent", {"case_id": 7, "sent_on": "2026-10-21", "recipients": [DEBTOR, "creditor:31", "creditor:32"]})
    for recipient in (DEBTOR, "creditor:31", "creditor:32"):
        log.add("letter_received", {"case_id": 7, "recipient": recipient, "received_on": "2026-10-23"})
    case = dlog.fold(log.events)[7]
    assert [c.cents for c in case.costs] == [4_048]
    # 90 000 to share 60:40 → 54 000 and 36 000; nothing for the debtor
    assert case.outstanding_cents() == {"creditor:31": 54_000, "creditor:32": 36_000}
    state = dlog.state_of(case, sale_day=SALE_DAY, single_creditor=False, today=date(2026, 11, 30))
    assert state.status is Status.FINAL

    log.add("deposit_with_cdc", {"case_id": 7, "on": "2026-11-30", "reason": dlog.DEPOSIT_CONSERVATORY,
                                 "shares": {"creditor:32": 36_000}, "amount_cents": 36_000})
    log.add("payout_made", {"case_id": 7, "recipient": "creditor:31", "name": "Banque", "amount_cents": 54_000,
                            "means": "cheque", "reference": "12", "paid_on": "2026-11-30"})
    case = dlog.fold(log.events)[7]
    assert case.outstanding_cents() == {}
    assert dlog.state_of(case, sale_day=SALE_DAY, single_creditor=False, today=date(2026, 12, 1)).status is Status.PAID

    log.add("case_settled", {"case_id": 7, "on": "2026-11-30", "seller_fees_cents": 4_960,
                             "seller_fees_vat_cents": 992, "costs_cents": 4_048})
    ledger = journal.build(log.events)
    assert ledger.balanced
    assert ledger.balances()[(journal.PROCEEDS, "D7")] == 100_000    # debited here; the invoices credit it


def test_a_step_after_the_plan_starts_from_a_drafted_plan():
    log = Log()
    log.add("cost_recorded", {"case_id": 7, "label": "Acte", "cents": 4_048, "reference": ""})
    for case_id in (7, 8):      # 7 has a cost but no plan yet, 8 no event at all
        with pytest.raises(StepRefused) as refused:
            dlog.planned_case(log.events, case_id)
        assert refused.value.message == dlog.NO_PLAN
    log.add("plan_drafted", plan_payload())
    case = dlog.planned_case(log.events, 7)
    assert case.plan == plan_payload() and [c.cents for c in case.costs] == [4_048]


def test_a_payout_before_the_plan_is_final_is_refused_on_replay():
    log = Log()
    log.add("plan_drafted", plan_payload())
    log.add("payout_made", {"case_id": 7, "recipient": "creditor:31", "name": "Banque", "amount_cents": 54_000,
                            "means": "cheque", "reference": "12", "paid_on": "2026-10-21"})
    log.add("deposit_with_cdc", {"case_id": 7, "on": "2026-10-21", "reason": dlog.DEPOSIT_CONSERVATORY,
                                 "shares": {"creditor:32": 36_000}, "amount_cents": 36_000})
    with pytest.raises(StepRefused, match="définitif"):
        dlog.state_of(dlog.fold(log.events)[7], sale_day=SALE_DAY, single_creditor=False, today=date(2026, 10, 22))


def test_the_summary_has_the_issues_shape():
    found = dlog.summary(7, plan_payload(), "draft")
    assert set(found) == {"case_id", "proceeds_cents", "seller_fees_cents", "costs_cents", "distributable_cents",
                          "debtor_cents", "status", "creditors"}
    assert found["distributable_cents"] == sum(c["share_cents"] for c in found["creditors"]) + found["debtor_cents"]
    assert [(c["creditor_id"], c["rank"], c["claim_cents"], c["share_cents"]) for c in found["creditors"]] == [
        (31, 1, 60_000, 54_000), (32, 1, 40_000, 36_000)]


def test_a444_7_a_deposit_bears_its_fee_pro_rata_to_the_shares_deposited():
    # 6.85 € + 20 % VAT = 8.22 € on 54 000 and 36 000: 4.932 and 3.288 → 4.93 and 3.29
    payload = dlog.deposit_payload(7, date(2026, 11, 30), dlog.DEPOSIT_DISAGREEMENT,
                                   {"creditor:31": 54_000, "creditor:32": 36_000}, fee_cents=685, fee_vat_cents=137,
                                   reference="CDC-1")
    assert payload["fees_borne"] == {"creditor:31": 493, "creditor:32": 329}
    assert payload["amount_cents"] == 90_000 - 822 and payload["shares"] == {"creditor:31": 54_000, "creditor:32": 36_000}
    log = Log()
    log.add("plan_drafted", plan_payload())
    log.add("deposit_with_cdc", payload)
    ledger = journal.build(log.events)
    assert ledger.balanced
    balances = ledger.balances()
    assert balances[(journal.PROCEEDS, "D7")] == 90_000                 # both shares settled
    assert balances[(journal.CLIENT_ACCOUNT, "")] == -(90_000 - 822)   # the CDC got the rest
    assert balances[("706300", "")] == -685 and balances[(journal.VAT_FEES, "")] == -137
    assert dlog.fold(log.events)[7].outstanding_cents() == {}
    # never more than what is deposited; nothing deposited, no fee
    tiny = dlog.deposit_payload(7, date(2026, 11, 30), dlog.DEPOSIT_CONSERVATORY, {"creditor:32": 500},
                                fee_cents=685, fee_vat_cents=137)
    assert (tiny["fee_cents"], tiny["fee_vat_cents"], tiny["amount_cents"]) == (500, 0, 0)
    empty = dlog.deposit_payload(7, date(2026, 11, 30), dlog.DEPOSIT_DISAGREEMENT, {}, fee_cents=685, fee_vat_cents=137)
    assert (empty["fee_cents"], empty["amount_cents"], empty["fees_borne"]) == (0, 0, {})
