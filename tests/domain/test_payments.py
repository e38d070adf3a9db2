"""What a buyer owes and paid (CPCE R221-38, CMF D112-3), derived from the settlement log."""
from datetime import date

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.money import parse_euros
from auction.domain.payments import (Buyer, CashAboveCeiling, OverpaymentNotConfirmed, PaymentForm, PaymentRefused,
                                     StaleBalance, account_of, allocate, check_clearing, check_payment, check_refund,
                                     check_reversal, find_payment, paid_lots)
from tests.checkout_fixtures import SALE_DAY, Log, credit_note_payload, line

RESIDENT = Buyer(paddle=7, registration_id=107, tax_residence="france", buyer_type="person")
ABROAD = Buyer(paddle=7, registration_id=107, tax_residence="abroad", buyer_type="person")
ABROAD_COMPANY = Buyer(paddle=7, registration_id=107, tax_residence="abroad", buyer_type="company")


def _log(*hammers: int) -> Log:
    log = Log()
    log.invoice(1, 7, [line(i + 1, cents) for i, cents in enumerate(hammers)])
    return log


def test_owed_is_invoices_less_credit_notes():
    log = _log(1_000_00, 500_00)
    account = account_of(log.events, 7)
    assert account.owed_cents == 1_142_80 + 571_40
    log.add("credit_note_issued", credit_note_payload(2, 1, 1, [line(2, 500_00)]))
    account = account_of(log.events, 7)
    assert account.owed_cents == 1_142_80
    assert account.invoices[0].lines[1].due_cents == 0


def test_cash_card_and_deposit_clear_at_once_cheque_and_transfer_wait():
    log = _log(1_000_00)
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


def test_partial_payments_then_an_overpayment_is_a_refund_due_until_paid():
    log = _log(100_00)                       # 114,28 €
    log.pay(7, "card", 100_00)
    log.pay(7, "card", 20_00)
    account = account_of(log.events, 7)
    assert account.balance_cents == -5_72 and account.refund_due_cents == 5_72
    assert check_refund(account, 5_72, "transfer", "VIR-1")["amount_cents"] == 5_72
    with pytest.raises(PaymentRefused, match="5,72"):
        check_refund(account, 6_00, "transfer", "VIR-1")
    log.add("refund_paid", {"paddle": 7, "registration_id": 107, "amount_cents": 5_72, "means": "transfer",
                            "reference": "VIR-1"})
    account = account_of(log.events, 7)
    assert account.balance_cents == 0 and account.refund_due_cents == 0 and account.settled


def test_a_reversal_undoes_a_payment_without_editing_it():
    log = _log(100_00)
    paid = log.pay(7, "card", 114_28)
    payload = check_reversal(find_payment(log.events, paid.seq), "Mauvais panneau")
    log.add("payment_reversed", payload)
    account = account_of(log.events, 7)
    assert account.balance_cents == 114_28
    assert account.payments[0].reversed and account.payments[0].amount_cents == 114_28
    with pytest.raises(PaymentRefused, match="déjà annulé"):
        check_reversal(account.payments[0], "encore")
    other = _log(100_00)
    with pytest.raises(InvalidValue, match="motif"):
        check_reversal(find_payment(other.events, other.pay(7, "card", 1_00).seq), " ")


def test_clearing_only_once_and_not_before_receipt():
    log = _log(100_00)
    cheque = log.pay(7, "cheque", 50_00, on=date(2026, 12, 14), bank="LCL", cheque_number="99")
    payment = find_payment(log.events, cheque.seq)
    with pytest.raises(InvalidValue):
        check_clearing(payment, date(2026, 12, 13))
    assert check_clearing(payment, date(2026, 12, 15)) == {"payment_seq": cheque.seq, "cleared_on": "2026-12-15"}
    with pytest.raises(PaymentRefused, match="déjà encaissé"):
        check_clearing(find_payment(log.events, log.pay(7, "cash", 1_00).seq), SALE_DAY)


# --- cash ceilings, CMF D112-3 -------------------------------------------------------------------

def test_d112_3_resident_ceiling_is_1000_on_the_whole_purchase():
    log = _log(2_000_00)
    account = account_of(log.events, 7)
    check_payment(account, RESIDENT, PaymentForm("cash", 1_000_00), SALE_DAY)
    log.pay(7, "cash", 600_00)
    with pytest.raises(CashAboveCeiling) as refused:
        check_payment(account_of(log.events, 7), RESIDENT, PaymentForm("cash", 500_00), SALE_DAY)
    assert "1\u202f000\u00a0€" in refused.value.message and "domicile fiscal en France" in refused.value.message
    assert "Reste possible en espèces : 400,00" in refused.value.message


def test_d112_3_the_cash_deposit_counts():
    log = _log(2_000_00)
    buyer = Buyer(7, 107, "france", "person", deposit_cents=800_00, deposit_method="cash")
    with pytest.raises(CashAboveCeiling, match="dépôt en espèces compris"):
        check_payment(account_of(log.events, 7), buyer, PaymentForm("cash", 300_00), SALE_DAY)
    check_payment(account_of(log.events, 7), buyer, PaymentForm("cash", 200_00), SALE_DAY)


def test_d112_3_private_buyer_abroad_15000_but_a_business_1000():
    log = _log(20_000_00)
    account = account_of(log.events, 7)
    check_payment(account, ABROAD, PaymentForm("cash", 15_000_00), SALE_DAY)
    with pytest.raises(CashAboveCeiling, match="15\u202f000"):
        check_payment(account, ABROAD, PaymentForm("cash", 15_000_01), SALE_DAY)
    with pytest.raises(CashAboveCeiling, match="entreprise"):
        check_payment(account, ABROAD_COMPANY, PaymentForm("cash", 1_000_01), SALE_DAY)


def test_a_reversed_cash_payment_no_longer_counts():
    log = _log(2_000_00)
    cash = log.pay(7, "cash", 1_000_00)
    log.add("payment_reversed", {"payment_seq": cash.seq, "reason": "erreur"})
    check_payment(account_of(log.events, 7), RESIDENT, PaymentForm("cash", 1_000_00), SALE_DAY)


# --- checks of a new payment ---------------------------------------------------------------------

def test_a_payment_above_the_balance_asks_for_confirmation():
    log = _log(100_00)
    account = account_of(log.events, 7)
    with pytest.raises(OverpaymentNotConfirmed) as asked:
        check_payment(account, RESIDENT, PaymentForm("card", 120_00, reference="T1"), SALE_DAY)
    assert asked.value.refund_cents == 5_72 and "rembourser" in asked.value.message
    payload = check_payment(account, RESIDENT, PaymentForm("card", 120_00, reference="T1"), SALE_DAY,
                            confirm_refund=True)
    assert payload == {"paddle": 7, "registration_id": 107, "means": "card", "amount_cents": 120_00,
                       "received_on": "2026-12-12", "reference": "T1"}


def test_the_balance_the_screen_showed_must_still_be_the_balance():
    log = _log(100_00)
    shown = account_of(log.events, 7).outstanding_cents
    log.pay(7, "card", 50_00)
    with pytest.raises(StaleBalance, match="autre paiement"):
        check_payment(account_of(log.events, 7), RESIDENT, PaymentForm("card", 50_00, reference="T"), SALE_DAY,
                      shown_balance_cents=shown)


@pytest.mark.parametrize("form, message", [
    (PaymentForm("cheque", 10_00, bank="LCL"), "numéro du chèque"),
    (PaymentForm("card", 10_00), "ticket du terminal"),
    (PaymentForm("transfer", 10_00), "virement"),
    (PaymentForm("bitcoin", 10_00), "moyen de paiement"),
    (PaymentForm("cash", 0), "supérieur à zéro"),
    (PaymentForm("deposit", 10_00), "Aucun dépôt"),
])
def test_incomplete_payments_are_refused_in_french(form, message):
    with pytest.raises((InvalidValue, PaymentRefused), match=message):
        check_payment(account_of(_log(100_00).events, 7), RESIDENT, form, SALE_DAY)


def test_no_payment_before_an_invoice():
    with pytest.raises(PaymentRefused, match="bordereau"):
        check_payment(account_of(Log().events, 7), RESIDENT, PaymentForm("cash", 10_00), SALE_DAY)


def test_the_deposit_applied_at_most_once():
    log = _log(1_000_00)
    buyer = Buyer(7, 107, "france", "person", deposit_cents=300_00, deposit_method="transfer")
    check_payment(account_of(log.events, 7), buyer, PaymentForm("deposit", 300_00), SALE_DAY)
    log.pay(7, "deposit", 200_00)
    with pytest.raises(PaymentRefused, match="100,00"):
        check_payment(account_of(log.events, 7), buyer, PaymentForm("deposit", 200_00), SALE_DAY)


def test_amounts_are_typed_the_french_way():
    assert parse_euros("1 234,56") == 1_234_56
    with pytest.raises(InvalidValue, match="illisible"):
        parse_euros("12,34,5")


# --- allocation to lots ---------------------------------------------------------------------------

def test_cleared_payments_cover_lots_in_lot_order():
    log = _log(100_00, 200_00, 50_00)        # 114,28 + 228,56 + 57,14
    log.pay(7, "card", 114_28 + 100_00)
    cheque = log.pay(7, "cheque", 500_00, bank="LCL", cheque_number="1")
    account = account_of(log.events, 7)
    assert allocate(account) == {1: 114_28, 2: 100_00, 3: 0}
    assert paid_lots(account) == {1}
    log.add("payment_cleared", {"payment_seq": cheque.seq, "cleared_on": "2026-12-14"})
    assert paid_lots(account_of(log.events, 7)) == {1, 2, 3}


def test_a_fully_credited_lot_is_not_counted_as_paid():
    log = _log(100_00, 200_00)
    log.add("credit_note_issued", credit_note_payload(2, 1, 1, [line(1, 100_00)]))
    log.pay(7, "card", 228_56)
    assert paid_lots(account_of(log.events, 7)) == {2}
