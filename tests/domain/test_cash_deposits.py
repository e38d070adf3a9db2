"""Cash deposit slips, and cash banked by the first working day after receipt (décret 2022-949 art. 62)."""
from datetime import date

import pytest

from auction.domain.cash_deposits import SlipRefused, banking_warnings, check_slip, slips, unbanked
from auction.domain.errors import InvalidValue
from tests.checkout_fixtures import Log, line

FRIDAY = date(2026, 12, 11)


def _log() -> Log:
    log = Log()
    log.invoice(1, 7, [line(1, 2_000_00)])
    return log


def test_a_slip_takes_unbanked_cash_once():
    log = _log()
    a = log.pay(7, "cash", 300_00, on=FRIDAY)
    b = log.pay(7, "cash", 200_00, on=FRIDAY)
    log.pay(7, "card", 100_00, on=FRIDAY)
    reversed_cash = log.pay(7, "cash", 50_00, on=FRIDAY)
    log.add("payment_reversed", {"payment_seq": reversed_cash.seq, "reason": "erreur"})
    assert [p.seq for p in unbanked(log.events)] == [a.seq, b.seq]
    payload = check_slip(log.events, [b.seq, a.seq], date(2026, 12, 14))
    assert payload == {"payment_seqs": [a.seq, b.seq], "banked_on": "2026-12-14"}
    log.add("cash_banked", {**payload, "slip_number": 1})
    assert unbanked(log.events) == []
    assert slips(log.events)[0].total_cents == 500_00
    with pytest.raises(SlipRefused):
        check_slip(log.events, [a.seq], date(2026, 12, 14))
    with pytest.raises(SlipRefused):
        check_slip(log.events, [reversed_cash.seq], date(2026, 12, 14))
    with pytest.raises(InvalidValue):
        check_slip(log.events, [], date(2026, 12, 14))


def test_cash_of_friday_is_due_monday_and_late_on_tuesday():
    log = _log()
    log.pay(7, "cash", 300_00, on=FRIDAY)
    assert banking_warnings(log.events, date(2026, 12, 13)) == []
    due = banking_warnings(log.events, date(2026, 12, 14))
    assert due[0].due_on == date(2026, 12, 14) and not due[0].late(date(2026, 12, 14))
    assert banking_warnings(log.events, date(2026, 12, 15))[0].late(date(2026, 12, 15))


def test_holidays_count_christmas_eve_cash_is_due_on_the_28th():
    log = _log()
    log.pay(7, "cash", 300_00, on=date(2026, 12, 24))      # Friday 25 is Christmas, then the weekend
    assert banking_warnings(log.events, date(2026, 12, 27)) == []
    assert banking_warnings(log.events, date(2026, 12, 28))[0].due_on == date(2026, 12, 28)


def test_a_slip_cannot_precede_the_cash():
    log = _log()
    a = log.pay(7, "cash", 300_00, on=FRIDAY)
    with pytest.raises(InvalidValue):
        check_slip(log.events, [a.seq], date(2026, 12, 10))
