"""What cleared money covers, lot by lot (auction.domain.lot_allocation)."""
from auction.domain.buyer_accounts import account_of
from auction.domain.lot_allocation import allocate, paid_lots
from tests.checkout_fixtures import credit_note_payload, line

from .test_buyer_accounts import buyer_log


def test_cleared_payments_cover_lots_in_lot_order():
    log = buyer_log(100_00, 200_00, 50_00)        # 114,28 + 228,56 + 57,14
    log.pay(7, "card", 114_28 + 100_00)
    cheque = log.pay(7, "cheque", 500_00, bank="LCL", cheque_number="1")
    account = account_of(log.events, 7)
    assert allocate(account) == {1: 114_28, 2: 100_00, 3: 0}
    assert paid_lots(account) == {1}
    log.add("payment_cleared", {"payment_seq": cheque.seq, "cleared_on": "2026-12-14"})
    assert paid_lots(account_of(log.events, 7)) == {1, 2, 3}


def test_a_fully_credited_lot_is_not_counted_as_paid():
    log = buyer_log(100_00, 200_00)
    log.add("credit_note_issued", credit_note_payload(2, 1, 1, [line(1, 100_00)]))
    log.pay(7, "card", 228_56)
    assert paid_lots(account_of(log.events, 7)) == {2}
