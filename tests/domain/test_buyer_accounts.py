"""What a buyer owes and paid (CPCE R221-38), folded from the settlement log (auction.domain.buyer_accounts)."""
from datetime import date

from auction.domain.buyer_accounts import account_of
from tests.checkout_fixtures import Log, credit_note_payload, line


def buyer_log(*hammers: int) -> Log:
    """A settlement log with one invoice to paddle 7, a line per hammer price (lots 1, 2…)."""
    log = Log()
    log.invoice(1, 7, [line(i + 1, cents) for i, cents in enumerate(hammers)])
    return log


def test_owed_is_invoices_less_credit_notes():
    log = buyer_log(1_000_00, 500_00)
    account = account_of(log.events, 7)
    assert account.owed_cents == 1_142_80 + 571_40
    log.add("credit_note_issued", credit_note_payload(2, 1, 1, [line(2, 500_00)]))
    account = account_of(log.events, 7)
    assert account.owed_cents == 1_142_80
    assert account.invoices[0].lines[1].due_cents == 0


def test_cash_card_and_deposit_clear_at_once_cheque_and_transfer_wait():
    log = buyer_log(1_000_00)
    log.pay(7, "cash", 100_00)
    log.pay(7, "card", 200_00)
    cheque = log.pay(7, "cheque", 300_00, bank="Banque Populaire", cheque_number="1234567")
    transfer = log.pay(7, "transfer", 400_00)
    account = account_of(log.events, 7)
    assert account.cleared_cents == 300_00
    assert account.pending_cents == 700_00
    assert account.balance_cents == 1_142_80 - 300_00
    assert account.outstanding_cents == 1_142_80 - 1_000_00
    log.add("payment_cleared", {"payment_seq": cheque.seq, "cleared_on": "2026-12-15"})
    log.add("payment_cleared", {"payment_seq": transfer.seq, "cleared_on": "2026-12-16"})
    account = account_of(log.events, 7)
    assert account.cleared_cents == 1_000_00 and account.pending_cents == 0
    assert account.payment(cheque.seq).cleared_on == date(2026, 12, 15)
