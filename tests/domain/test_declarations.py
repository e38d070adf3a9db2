"""The declarations' schedule: each quarter's due date from the office's dated delay, its state, and
the checks before one is marked sent."""
from datetime import date

import pytest

from auction.domain import declarations as dec
from auction.domain.errors import InvalidValue

TERMS = dec.Terms(date(2026, 1, 1), 30, "Règlement de la chambre")
SENT = dec.Sent(2026, 2, date(2026, 7, 10), "portal", "", "a" * 64, "b" * 64)


def test_the_schedule_runs_from_the_first_quarter_to_the_current_one_latest_first():
    lines = dec.schedule(date(2025, 11, 20), date(2026, 8, 5), [TERMS], [SENT])
    assert [(q.year, q.quarter) for q in lines] == [(2026, 3), (2026, 2), (2026, 1), (2025, 4)]
    current, sent, q1, old = lines
    assert current.state(date(2026, 8, 5)) == "running" and current.due_on == date(2026, 10, 30)
    assert sent.sent == SENT and sent.state(date(2026, 8, 5)) == "sent"
    assert q1.end == date(2026, 3, 31) and q1.due_on == date(2026, 4, 30)
    assert q1.state(date(2026, 4, 30)) == "to_send" and q1.state(date(2026, 5, 1)) == "overdue"
    assert old.terms is None and old.due_on is None and old.state(date(2026, 8, 5)) == "to_send"


def test_the_delay_in_force_on_the_quarters_last_day_counts():
    later = dec.Terms(date(2026, 4, 1), 15, "Nouveau règlement")
    [line] = dec.schedule(date(2026, 3, 31), date(2026, 3, 31), [TERMS, later], [])
    assert line.due_on == date(2026, 4, 30)
    [line] = dec.schedule(date(2026, 6, 30), date(2026, 6, 30), [TERMS, later], [])
    assert line.due_on == date(2026, 7, 15)


def test_terms_need_a_source_and_a_delay_in_range():
    with pytest.raises(InvalidValue):
        dec.Terms(date(2026, 1, 1), 367, "x")
    with pytest.raises(InvalidValue) as no_source:
        dec.Terms(date(2026, 1, 1), 30, " ")
    assert no_source.value.field == "reference"


def test_a_declaration_is_sent_once_after_its_quarter_and_not_in_the_future():
    today = date(2026, 7, 10)
    assert dec.check_sending(2026, 2, today, "email", " AR  12 ", today, None) == ("email", "AR 12")
    with pytest.raises(InvalidValue, match="déjà envoyée"):
        dec.check_sending(2026, 2, today, "email", "", today, SENT)
    with pytest.raises(InvalidValue, match="pas terminé"):
        dec.check_sending(2026, 3, today, "email", "", today, None)
    with pytest.raises(InvalidValue, match="suit la fin"):
        dec.check_sending(2026, 2, date(2026, 6, 30), "email", "", today, None)
    with pytest.raises(InvalidValue, match="après aujourd'hui"):
        dec.check_sending(2026, 2, date(2026, 7, 11), "email", "", today, None)
    with pytest.raises(InvalidValue, match="moyen"):
        dec.check_sending(2026, 2, today, "pigeon", "", today, None)
