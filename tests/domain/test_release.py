"""A lot's state after the hammer, derived from the logs: adjugé → payé → délivré; storage fees."""
from datetime import date

import pytest

from auction.domain.buyer_accounts import account_of
from auction.domain.release import (LOT_STATES, ReleaseRefused, SoldLot, StorageTerms, check_collection,
                                    check_release, lot_statuses, releases, storage_due, storage_payload)
from tests.checkout_fixtures import SALE_DAY, Log, credit_note_payload, line

SOLD = [SoldLot(1, "1", "Scie", 7, 100_00, position=1), SoldLot(2, "2", "Établi", 7, 200_00, position=2),
        SoldLot(3, "3", "Lampe", 8, 50_00, position=3)]
DEFAULT_DUE = date(2026, 12, 20)


def _log() -> Log:
    log = Log()
    log.invoice(1, 7, [line(1, 100_00), line(2, 200_00)])
    return log


def _states(log, today=SALE_DAY):
    return {lot_id: status.state for lot_id, status in lot_statuses(SOLD, log.events, today, DEFAULT_DUE).items()}


def test_states_follow_cleared_payments_and_the_pickup():
    log = _log()
    assert _states(log) == {1: "adjuge", 2: "adjuge", 3: "adjuge"}
    log.pay(7, "card", 114_28)
    assert _states(log) == {1: "paye", 2: "adjuge", 3: "adjuge"}
    cheque = log.pay(7, "cheque", 228_56, bank="LCL", cheque_number="1")
    assert _states(log)[2] == "adjuge"            # a cheque counts once cashed
    log.add("payment_cleared", {"payment_seq": cheque.seq, "cleared_on": "2026-12-14"})
    statuses = lot_statuses(SOLD, log.events, SALE_DAY, DEFAULT_DUE)
    payload = check_release(statuses, 7, [2, 1], [], SALE_DAY)
    assert payload == {"paddle": 7, "lot_ids": [1, 2], "issued_on": "2026-12-12"}
    release = log.add("release_issued", {**payload, "number": 1})
    assert _states(log)[1] == "paye"
    collected = check_collection(releases(log.events)[release.seq], "Jeanne Martin (CNI vue)", date(2026, 12, 15))
    log.add("goods_collected", collected)
    assert _states(log) == {1: "delivre", 2: "delivre", 3: "adjuge"}
    assert LOT_STATES["delivre"] == "Délivré"


def test_release_refused_before_clearing_and_for_another_buyer():
    log = _log()
    log.pay(7, "cheque", 342_84, bank="LCL", cheque_number="1")
    statuses = lot_statuses(SOLD, log.events, SALE_DAY, DEFAULT_DUE)
    with pytest.raises(ReleaseRefused, match="encaissés"):
        check_release(statuses, 7, [1], [], SALE_DAY)
    with pytest.raises(ReleaseRefused, match="pas été adjugé à cet acheteur"):
        check_release(statuses, 7, [3], [], SALE_DAY)


def test_a_release_is_issued_once_and_collected_once():
    log = _log()
    log.pay(7, "card", 342_84)
    release = log.add("release_issued", {"paddle": 7, "lot_ids": [1], "number": 1, "issued_on": "2026-12-12"})
    with pytest.raises(ReleaseRefused, match="déjà émis"):
        check_release(lot_statuses(SOLD, log.events, SALE_DAY, DEFAULT_DUE), 7, [1], [], SALE_DAY)
    log.add("goods_collected", {"release_seq": release.seq, "collected_by": "J. Martin", "collected_on": "2026-12-12"})
    with pytest.raises(ReleaseRefused, match="déjà été retirés"):
        check_collection(releases(log.events)[release.seq], "X", SALE_DAY)


def test_unpaid_past_the_deadline_is_overdue():
    log = _log()
    statuses = lot_statuses(SOLD, log.events, date(2026, 12, 21), DEFAULT_DUE)
    assert statuses[1].overdue and statuses[3].overdue
    assert statuses[1].label == "Adjugé — en retard de paiement"
    assert not lot_statuses(SOLD, log.events, date(2026, 12, 20), DEFAULT_DUE)[1].overdue


def test_a_credited_lot_is_cancelled_not_overdue():
    log = _log()
    log.add("credit_note_issued", credit_note_payload(2, 1, 1, [line(2, 200_00)]))
    statuses = lot_statuses(SOLD, log.events, date(2027, 1, 31), DEFAULT_DUE)
    assert statuses[2].state == "annule" and not statuses[2].overdue


def test_storage_fees_after_the_free_days_then_due_before_release():
    terms = StorageTerms(free_days=3, fee_cents=5_00)
    log = _log()
    account = account_of(log.events, 7)
    assert storage_due(terms, SALE_DAY, account, [1, 2], set(), date(2026, 12, 15)) == []
    lines = storage_due(terms, SALE_DAY, account, [1, 2], {2}, date(2026, 12, 17))
    assert lines == [{"lot_id": 1, "days": 2, "from": "2026-12-16", "through": "2026-12-17", "amount_cents": 10_00,
                      "vat_cents": 2_00, "total_cents": 12_00}]
    log.pay(7, "card", 342_84)
    statuses = lot_statuses(SOLD, log.events, date(2026, 12, 17), DEFAULT_DUE)
    with pytest.raises(ReleaseRefused, match="magasinage"):
        check_release(statuses, 7, [1], lines, date(2026, 12, 17))
    log.add("storage_fee_charged", storage_payload(account, lines, date(2026, 12, 17)))
    account = account_of(log.events, 7)
    assert account.owed_cents == 342_84 + 12_00 and account.balance_cents == 12_00
    # lot 1's share now includes its storage: the payment covers it first, lot 2 is short of 12 €
    assert _states(log, date(2026, 12, 17)) == {1: "paye", 2: "adjuge", 3: "adjuge"}
    # charged through the 17th: the next day starts from the 18th
    assert storage_due(terms, SALE_DAY, account, [1], set(), date(2026, 12, 18))[0]["days"] == 1
    assert storage_due(StorageTerms(), SALE_DAY, account, [1], set(), date(2027, 1, 1)) == []


def test_a_cheque_covering_the_balance_holds_off_overdue_until_rejected():
    log = _log()
    day_after = date(2026, 12, 21)
    log.pay(7, "cheque", 342_83, bank="LCL", cheque_number="1")      # one cent short: still overdue
    assert lot_statuses(SOLD, log.events, day_after, DEFAULT_DUE)[1].overdue
    cheque = log.pay(7, "cheque", 1, bank="LCL", cheque_number="2")
    statuses = lot_statuses(SOLD, log.events, day_after, DEFAULT_DUE)
    assert not statuses[1].overdue and not statuses[2].overdue
    assert statuses[1].state == "adjuge" and statuses[1].awaiting_clearing        # not paid before clearing
    assert statuses[1].label == "Adjugé — chèque en attente d'encaissement"
    assert statuses[3].overdue                                                      # another buyer's lot
    with pytest.raises(ReleaseRefused, match="encaissés"):
        check_release(statuses, 7, [1], [], day_after)
    log.add("payment_reversed", {"payment_seq": cheque.seq, "reason": "Chèque rejeté (provision insuffisante)"})
    statuses = lot_statuses(SOLD, log.events, day_after, DEFAULT_DUE)
    assert statuses[1].overdue and not statuses[1].awaiting_clearing
    assert statuses[1].label == "Adjugé — en retard de paiement"


def test_the_deadline_runs_from_the_day_each_lot_was_sold():
    second_day = SoldLot(4, "4", "Tour", 9, 80_00, position=4, sold_on=date(2026, 12, 19))
    first_day = SoldLot(5, "5", "Étau", 9, 20_00, position=5, sold_on=date(2026, 12, 12))
    sold_first = date(2026, 12, 14)                       # the sale's deadline: first day + 2

    def overdue(today):
        statuses = lot_statuses([second_day, first_day], [], today, sold_first, payment_days=2)
        return statuses[4].overdue, statuses[4].facts.due_on, statuses[5].overdue

    assert overdue(date(2026, 12, 20)) == (False, date(2026, 12, 21), True)
    assert overdue(date(2026, 12, 21)) == (False, date(2026, 12, 21), True)     # the last day is not late
    assert overdue(date(2026, 12, 22)) == (True, date(2026, 12, 21), True)
