"""The claims register's rules: the steps in order, who takes which, and the deadlines from the office's
dated delays (none made up when nothing is configured)."""
from datetime import date

import pytest

from auction.domain.contests import (ContestDelay, PendingStep, Step, StepRefused, StepTaken, Subject, Unit,
                                     check_received_on, check_step, current_step, delay_in_force, next_deadline,
                                     pending_steps, validate_delay)
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role

RECEIVED = StepTaken(Step.RECEIVED, date(2026, 11, 23))
TODAY = date(2026, 12, 3)


def delay(step=Step.ANSWERED, amount=15, unit=Unit.DAYS, counted_from=Step.RECEIVED, effective_from=date(2026, 1, 1),
          subject=Subject.LOTS):
    return ContestDelay(subject, step, counted_from, amount, unit, effective_from, "Règle de l'étude")


def test_the_status_is_the_furthest_step():
    taken = [RECEIVED, StepTaken(Step.EVIDENCE_SENT, date(2026, 11, 25))]
    assert current_step(taken).step is Step.EVIDENCE_SENT


def test_a_clerk_records_the_evidence_sent_but_only_the_officer_answers_refers_and_closes():
    check_step([RECEIVED], Step.EVIDENCE_SENT, date(2026, 11, 24), TODAY, Role.CLERK)
    for step in (Step.ANSWERED, Step.REFERRED, Step.CLOSED):
        with pytest.raises(StepRefused, match="décision du commissaire de justice"):
            check_step([RECEIVED], step, date(2026, 11, 24), TODAY, Role.CLERK)
        check_step([RECEIVED], step, date(2026, 11, 24), TODAY, Role.OFFICER)


def test_steps_go_forward_only_and_may_skip_one():
    answered = [RECEIVED, StepTaken(Step.ANSWERED, date(2026, 11, 30))]
    check_step(answered, Step.CLOSED, date(2026, 12, 1), TODAY, Role.OFFICER)          # no referral: closed
    for step in (Step.EVIDENCE_SENT, Step.ANSWERED):
        with pytest.raises(StepRefused, match="déjà à l'étape « Réponse faite »"):
            check_step(answered, step, date(2026, 12, 1), TODAY, Role.OFFICER)
    with pytest.raises(StepRefused, match="réception est enregistrée avec la contestation"):
        check_step([RECEIVED], Step.RECEIVED, date(2026, 12, 1), TODAY, Role.OFFICER)


def test_a_closed_contest_takes_no_step():
    closed = [RECEIVED, StepTaken(Step.CLOSED, date(2026, 11, 30))]
    with pytest.raises(StepRefused, match="close"):
        check_step(closed, Step.REFERRED, date(2026, 12, 1), TODAY, Role.OFFICER)


def test_a_step_is_not_dated_in_the_future_nor_before_the_step_before_it():
    with pytest.raises(InvalidValue, match="futur") as exc:
        check_step([RECEIVED], Step.EVIDENCE_SENT, date(2026, 12, 4), TODAY, Role.CLERK)
    assert exc.value.field == "taken_on"
    with pytest.raises(InvalidValue, match="précéder celle de l'étape « Reçue » \\(23/11/2026\\)"):
        check_step([RECEIVED], Step.EVIDENCE_SENT, date(2026, 11, 22), TODAY, Role.CLERK)


def test_reception_is_not_in_the_future_nor_before_the_sale_for_its_lots():
    sale_day = date(2026, 11, 20)
    check_received_on(date(2026, 11, 19), TODAY, sale_day, Subject.SALE)    # the sale itself, contested before
    with pytest.raises(InvalidValue, match="précéder la vente"):
        check_received_on(date(2026, 11, 19), TODAY, sale_day, Subject.LOTS)
    with pytest.raises(InvalidValue, match="futur"):
        check_received_on(date(2026, 12, 4), TODAY, sale_day, Subject.DISTRIBUTION)


def test_without_a_configured_delay_no_date_is_made_up():
    pending = pending_steps(Subject.LOTS, [RECEIVED], [])
    assert [p.step for p in pending] == [Step.EVIDENCE_SENT, Step.ANSWERED, Step.REFERRED, Step.CLOSED]
    assert all(p.due is None and p.describe() == "délai non configuré" for p in pending)
    assert next_deadline(pending) is None


def test_a_delay_in_days_runs_from_its_step_and_ends_on_a_working_day():
    # 23/11/2026 + 15 days = Tuesday 8/12/2026; + 12 days = Saturday 5/12 -> Monday 7/12 (CPC 642)
    pending = pending_steps(Subject.LOTS, [RECEIVED], [delay(), delay(Step.EVIDENCE_SENT, 12)])
    by_step = {p.step: p for p in pending}
    assert by_step[Step.ANSWERED].due == date(2026, 12, 8)
    assert by_step[Step.EVIDENCE_SENT].due == date(2026, 12, 7)
    assert by_step[Step.CLOSED].delay is None
    assert next_deadline(pending).step is Step.EVIDENCE_SENT
    assert by_step[Step.ANSWERED].overdue(date(2026, 12, 9)) and not by_step[Step.ANSWERED].overdue(date(2026, 12, 8))


def test_a_delay_in_months_and_one_from_a_later_step():
    delays = [delay(Step.REFERRED, 2, Unit.MONTHS, counted_from=Step.ANSWERED)]
    waiting = {p.step: p for p in pending_steps(Subject.LOTS, [RECEIVED], delays)}
    assert waiting[Step.REFERRED].due is None
    assert waiting[Step.REFERRED].describe() == "2 mois à compter de l'étape « Réponse faite », étape pas encore atteinte"
    answered = [RECEIVED, StepTaken(Step.ANSWERED, date(2026, 11, 30))]
    running = {p.step: p for p in pending_steps(Subject.LOTS, answered, delays)}
    assert running[Step.REFERRED].due == date(2027, 2, 1)        # 30/01/2027 is a Saturday
    assert set(running) == {Step.REFERRED, Step.CLOSED}            # steps passed are no longer ahead


def test_a_delay_from_a_skipped_step_never_ran():
    delays = [delay(Step.ANSWERED, 10, counted_from=Step.EVIDENCE_SENT)]
    taken = [RECEIVED, StepTaken(Step.REFERRED, date(2026, 11, 30))]
    assert pending_steps(Subject.LOTS, taken, delays) == [PendingStep(Step.CLOSED, None, None)]
    taken = [RECEIVED]
    (ahead,) = [p for p in pending_steps(Subject.LOTS, taken, delays) if p.step is Step.ANSWERED]
    assert not ahead.start_skipped
    skipped = [RECEIVED, StepTaken(Step.EVIDENCE_SENT, date(2026, 11, 24))]
    assert [p.due for p in pending_steps(Subject.LOTS, skipped, delays) if p.step is Step.ANSWERED] == [date(2026, 12, 4)]


def test_the_delay_in_force_on_the_reception_day_applies_throughout():
    old, new = delay(amount=15, effective_from=date(2026, 1, 1)), delay(amount=30, effective_from=date(2026, 12, 1))
    assert delay_in_force([old, new], Subject.LOTS, Step.ANSWERED, date(2026, 11, 23)) is old
    assert delay_in_force([old, new], Subject.LOTS, Step.ANSWERED, date(2026, 12, 1)) is new
    assert delay_in_force([old, new], Subject.SALE, Step.ANSWERED, date(2026, 12, 1)) is None
    assert delay_in_force([new], Subject.LOTS, Step.ANSWERED, date(2026, 11, 23)) is None
    (answer,) = [p for p in pending_steps(Subject.LOTS, [RECEIVED], [old, new]) if p.step is Step.ANSWERED]
    assert answer.delay is old and answer.due == date(2026, 12, 8)


def test_each_procedure_has_its_own_delays():
    pending = pending_steps(Subject.DISTRIBUTION, [RECEIVED], [delay(subject=Subject.LOTS)])
    assert all(p.delay is None for p in pending)


def test_a_closed_contest_has_nothing_ahead():
    closed = [RECEIVED, StepTaken(Step.CLOSED, date(2026, 11, 30))]
    assert pending_steps(Subject.LOTS, closed, [delay()]) == []


@pytest.mark.parametrize("bad, field, message", [
    (dict(step=Step.RECEIVED), "step", "réception"),
    (dict(step=Step.ANSWERED, counted_from=Step.ANSWERED), "counted_from", "étape antérieure"),
    (dict(step=Step.EVIDENCE_SENT, counted_from=Step.ANSWERED), "counted_from", "étape antérieure"),
    (dict(amount=0), "amount", "1 à 366 jours"),
    (dict(amount=25, unit=Unit.MONTHS), "amount", "1 à 24 mois"),
])
def test_a_delay_is_checked(bad, field, message):
    with pytest.raises(InvalidValue, match=message) as exc:
        validate_delay(delay(**bad))
    assert exc.value.field == field


def test_a_delay_says_where_it_comes_from():
    with pytest.raises(InvalidValue) as exc:
        validate_delay(ContestDelay(Subject.LOTS, Step.ANSWERED, Step.RECEIVED, 15, Unit.DAYS, date(2026, 1, 1), " "))
    assert exc.value.field == "reference"
    assert delay(amount=1).describe() == "1 jour à compter de l'étape « Reçue »"


def test_a_delay_whose_step_was_passed_over_says_it_never_ran():
    delays = [delay(Step.CLOSED, 1, Unit.MONTHS, counted_from=Step.EVIDENCE_SENT)]
    taken = [RECEIVED, StepTaken(Step.ANSWERED, date(2026, 11, 30))]      # answered without evidence sent
    (closing,) = [p for p in pending_steps(Subject.LOTS, taken, delays) if p.step is Step.CLOSED]
    assert closing.start_skipped and closing.due is None
    assert closing.describe() == "1 mois à compter de l'étape « Pièces transmises », étape passée : le délai n'a pas couru"
