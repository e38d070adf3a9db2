"""The distribution's procedure as a pure function of its events (R251-1 to R251-10)."""
from datetime import date

import pytest

from auction.domain.distribution_procedure import (
    DEBTOR, ConciliationAgreed, ConciliationConvened, ContestFiled, DelaysExtended, DepositedWithCdc,
    DisagreementRecorded, LetterReceived, Paid, PlanSent, Status, StepRefused, procedure_state,
)

SALE = date(2026, 10, 15)
RECIPIENTS = (DEBTOR, "creditor:1", "creditor:2")
SENT = PlanSent(date(2026, 11, 2), RECIPIENTS)


def replay(*events, today=date(2026, 12, 31), single=False):
    return procedure_state(sale_day=SALE, single_creditor=single, events=list(events), today=today)


def received(*days):
    return [LetterReceived(r, d) for r, d in zip(RECIPIENTS, days)]


def test_r251_2_the_plan_is_due_within_one_month_of_the_sale():
    state = replay(today=date(2026, 10, 20))
    assert state.status is Status.DRAFT
    assert state.plan_due == date(2026, 11, 16)   # 15 November 2026 is a Sunday
    [deadline] = state.deadlines()
    assert deadline.kind == "plan" and not deadline.overdue(date(2026, 11, 16)) and deadline.overdue(date(2026, 11, 17))


def test_r251_1_a_single_creditor_is_paid_within_the_month_without_a_plan():
    state = replay(today=date(2026, 10, 20), single=True)
    assert state.status is Status.FINAL and state.pay_by == date(2026, 11, 16)
    assert [d.kind for d in state.deadlines()] == ["payment"]
    assert replay(Paid(date(2026, 11, 1)), single=True).status is Status.PAID
    with pytest.raises(StepRefused, match="R251-1"):
        replay(SENT, single=True)


def test_r251_3_each_recipients_15_days_run_from_its_own_receipt():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 16))]
    state = replay(*events, today=date(2026, 11, 20))
    assert state.status is Status.SENT
    assert state.contest_ends(DEBTOR) == date(2026, 11, 19)
    assert state.contest_ends("creditor:1") == date(2026, 11, 20)
    assert state.contest_ends("creditor:2") == date(2026, 12, 1)
    assert [(d.recipient, d.due) for d in state.deadlines()] == [
        (DEBTOR, date(2026, 11, 19)), ("creditor:1", date(2026, 11, 20)), ("creditor:2", date(2026, 12, 1))]


def test_a_plan_is_not_final_while_a_letter_has_no_receipt():
    state = replay(SENT, *received(date(2026, 11, 4), date(2026, 11, 5)), today=date(2027, 3, 1))
    assert state.status is Status.SENT and state.awaiting_receipt == ("creditor:2",)


def test_r251_10_no_contest_the_plan_is_final_and_paid_within_8_days():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6))]
    # the last period ends on Saturday 21 November → Monday 23 (CPC 642)
    assert replay(*events, today=date(2026, 11, 23)).status is Status.SENT
    state = replay(*events, today=date(2026, 11, 24))
    assert state.status is Status.FINAL and state.summary_status is Status.FINAL
    assert state.final_from == date(2026, 11, 24)
    assert state.pay_by == date(2026, 12, 1)
    assert [d.kind for d in state.deadlines()] == ["payment"]
    assert replay(*events, Paid(date(2026, 11, 30))).status is Status.PAID
    with pytest.raises(StepRefused, match="déjà payée"):
        replay(*events, Paid(date(2026, 11, 30)), Paid(date(2026, 12, 1)))


def test_a_plan_cannot_be_paid_before_it_is_final():
    with pytest.raises(StepRefused, match="définitif"):
        replay(SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)), Paid(date(2026, 11, 10)))


def test_r251_6_a_contest_then_conciliation_within_a_month_and_agreement():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)),
              ContestFiled("creditor:2", date(2026, 11, 12))]
    state = replay(*events, today=date(2026, 12, 31))
    assert state.status is Status.CONTESTED        # a contest stops finality
    assert state.conciliation_by == date(2026, 12, 14)   # 12 December 2026 is a Saturday
    assert [d.kind for d in state.deadlines()] == ["conciliation"]
    with pytest.raises(StepRefused, match="14/12/2026"):
        replay(*events, ConciliationConvened(date(2026, 11, 20), date(2026, 12, 15)))
    convened = [*events, ConciliationConvened(date(2026, 11, 20), date(2026, 12, 10))]
    assert replay(*convened).status is Status.CONCILIATION
    assert replay(*convened).summary_status is Status.CONTESTED
    # the deadlines board: the meeting's day, overdue once it has passed without an outcome recorded
    [meeting] = replay(*convened).deadlines()
    assert (meeting.kind, meeting.due) == ("conciliation", date(2026, 12, 10)) and meeting.overdue(date(2026, 12, 11))
    agreed = replay(*convened, ConciliationAgreed(date(2026, 12, 10)))
    assert agreed.status is Status.AGREED and agreed.summary_status is Status.FINAL
    assert replay(*convened, ConciliationAgreed(date(2026, 12, 10)), Paid(date(2026, 12, 14))).status is Status.PAID


def test_r251_8_disagreement_then_deposit_with_the_caisse_des_depots():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)),
              ContestFiled(DEBTOR, date(2026, 11, 12)), ConciliationConvened(date(2026, 11, 20), date(2026, 12, 10)),
              DisagreementRecorded(date(2026, 12, 10))]
    state = replay(*events)
    assert state.status is Status.DISAGREEMENT
    assert [(d.kind, d.due) for d in state.deadlines()] == [("deposit", date(2026, 12, 10))]
    deposited = replay(*events, DepositedWithCdc(date(2026, 12, 10)))
    assert deposited.status is Status.DEPOSITED and deposited.deadlines() == []
    with pytest.raises(StepRefused):
        replay(*events, DepositedWithCdc(date(2026, 12, 10)), Paid(date(2026, 12, 11)))


def test_a_contest_after_the_recipients_period_is_refused():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 20))]
    with pytest.raises(StepRefused, match="19/11/2026"):
        replay(*events, ContestFiled(DEBTOR, date(2026, 11, 20)))
    # the creditor who received its letter later is still in time
    assert replay(*events, ContestFiled("creditor:2", date(2026, 11, 25))).status is Status.CONTESTED


def test_r251_9_delays_extended_by_agreement_of_all():
    events = [SENT, *received(date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6))]
    with pytest.raises(StepRefused, match="R251-9"):
        replay(*events, DelaysExtended(date(2026, 11, 10), date(2026, 12, 15), (DEBTOR, "creditor:1")))
    extended = [*events, DelaysExtended(date(2026, 11, 10), date(2026, 12, 15), RECIPIENTS)]
    state = replay(*extended, today=date(2026, 12, 1))
    assert state.status is Status.SENT and state.contest_ends(DEBTOR) == date(2026, 12, 15)
    assert state.extended_by == RECIPIENTS
    assert replay(*extended, ContestFiled(DEBTOR, date(2026, 12, 14))).status is Status.CONTESTED


@pytest.mark.parametrize("events, message", [
    ([PlanSent(date(2026, 11, 2), ("creditor:1", "creditor:2"))], "débiteur"),
    ([PlanSent(date(2026, 10, 1), RECIPIENTS)], "avant la vente"),
    ([SENT, SENT], "déjà été notifié"),
    ([LetterReceived(DEBTOR, date(2026, 11, 4))], "Aucune lettre"),
    ([SENT, LetterReceived("creditor:9", date(2026, 11, 4))], "Aucune lettre"),
    ([SENT, LetterReceived(DEBTOR, date(2026, 11, 1))], "avant son envoi"),
    ([SENT, LetterReceived(DEBTOR, date(2026, 11, 4)), LetterReceived(DEBTOR, date(2026, 11, 5))], "déjà enregistrée"),
    ([ContestFiled(DEBTOR, date(2026, 11, 4))], "à ce stade"),
    ([SENT, ContestFiled("creditor:9", date(2026, 11, 4))], "notifiés"),
    ([SENT, ConciliationConvened(date(2026, 11, 4), date(2026, 11, 20))], "suppose une contestation"),
    ([SENT, ConciliationAgreed(date(2026, 11, 4))], "Aucune réunion"),
    ([SENT, DepositedWithCdc(date(2026, 11, 4))], "désaccord"),
])
def test_steps_out_of_order_are_refused_in_french(events, message):
    with pytest.raises(StepRefused, match=message):
        replay(*events)
