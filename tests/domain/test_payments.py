"""What the rules accept of a buyer's payments (CMF D112-3's cash ceilings among them)."""
from datetime import date

import pytest

from auction.domain.buyer_accounts import account_of, find_payment
from auction.domain.errors import InvalidValue
from auction.domain.payments import (Buyer, CashAboveCeiling, OverpaymentNotConfirmed, PaymentForm, PaymentRefused,
                                     StaleBalance, check_clearing, check_payment, check_refund, check_reversal)
from tests.checkout_fixtures import SALE_DAY, Log

from .test_buyer_accounts import buyer_log

RESIDENT = Buyer(paddle=7, registration_id=107, tax_residence="france", buyer_type="person")
ABROAD = Buyer(paddle=7, registration_id=107, tax_residence="abroad", buyer_type="person")
ABROAD_COMPANY = Buyer(paddle=7, registration_id=107, tax_residence="abroad", buyer_type="company")


def test_partial_payments_then_an_overpayment_is_a_refund_due_until_paid():
    log = buyer_log(100_00)                       # 114,28 €
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
    log = buyer_log(100_00)
    paid = log.pay(7, "card", 114_28)
    payload = check_reversal(find_payment(log.events, paid.seq), "Mauvais panneau")
    log.add("payment_reversed", payload)
    account = account_of(log.events, 7)
    assert account.balance_cents == 114_28
    assert account.payments[0].reversed and account.payments[0].amount_cents == 114_28
    with pytest.raises(PaymentRefused, match="déjà annulé"):
        check_reversal(account.payments[0], "encore")
    other = buyer_log(100_00)
    with pytest.raises(InvalidValue, match="motif"):
        check_reversal(find_payment(other.events, other.pay(7, "card", 1_00).seq), " ")


def test_clearing_only_once_and_not_before_receipt():
    log = buyer_log(100_00)
    cheque = log.pay(7, "cheque", 50_00, on=date(2026, 12, 14), bank="LCL", cheque_number="99")
    payment = find_payment(log.events, cheque.seq)
    with pytest.raises(InvalidValue):
        check_clearing(payment, date(2026, 12, 13))
    assert check_clearing(payment, date(2026, 12, 15)) == {"payment_seq": cheque.seq, "cleared_on": "2026-12-15"}
    with pytest.raises(PaymentRefused, match="déjà encaissé"):
        check_clearing(find_payment(log.events, log.pay(7, "cash", 1_00).seq), SALE_DAY)


# --- cash ceilings, CMF D112-3 -------------------------------------------------------------------

def test_d112_3_resident_ceiling_is_1000_on_the_whole_purchase():
    log = buyer_log(2_000_00)
    account = account_of(log.events, 7)
    check_payment(account, RESIDENT, PaymentForm("cash", 1_000_00), SALE_DAY)
    log.pay(7, "cash", 600_00)
    with pytest.raises(CashAboveCeiling) as refused:
        check_payment(account_of(log.events, 7), RESIDENT, PaymentForm("cash", 500_00), SALE_DAY)
    assert "1\u202f000\u00a0€" in refused.value.message and "domicile fiscal en France" in refused.value.message
    assert "Reste possible en espèces : 400,00" in refused.value.message


def test_d112_3_the_cash_deposit_counts():
    log = buyer_log(2_000_00)
    buyer = Buyer(7, 107, "france", "person", deposit_cents=800_00, deposit_method="cash")
    with pytest.raises(CashAboveCeiling, match="dépôt en espèces compris"):
        check_payment(account_of(log.events, 7), buyer, PaymentForm("cash", 300_00), SALE_DAY)
    check_payment(account_of(log.events, 7), buyer, PaymentForm("cash", 200_00), SALE_DAY)


def test_d112_3_private_buyer_abroad_15000_but_a_business_1000():
    log = buyer_log(20_000_00)
    account = account_of(log.events, 7)
    check_payment(account, ABROAD, PaymentForm("cash", 15_000_00), SALE_DAY)
    with pytest.raises(CashAboveCeiling, match="15\u202f000"):
        check_payment(account, ABROAD, PaymentForm("cash", 15_000_01), SALE_DAY)
    with pytest.raises(CashAboveCeiling, match="entreprise"):
        check_payment(account, ABROAD_COMPANY, PaymentForm("cash", 1_000_01), SALE_DAY)


def test_a_reversed_cash_payment_no_longer_counts():
    log = buyer_log(2_000_00)
    cash = log.pay(7, "cash", 1_000_00)
    log.add("payment_reversed", {"payment_seq": cash.seq, "reason": "erreur"})
    check_payment(account_of(log.events, 7), RESIDENT, PaymentForm("cash", 1_000_00), SALE_DAY)


# --- checks of a new payment ---------------------------------------------------------------------

def test_a_payment_above_the_balance_asks_for_confirmation():
    log = buyer_log(100_00)
    account = account_of(log.events, 7)
    with pytest.raises(OverpaymentNotConfirmed) as asked:
        check_payment(account, RESIDENT, PaymentForm("card", 120_00, reference="T1"), SALE_DAY)
    assert asked.value.refund_cents == 5_72 and "rembourser" in asked.value.message
    payload = check_payment(account, RESIDENT, PaymentForm("card", 120_00, reference="T1"), SALE_DAY,
                            confirm_refund=True)
    assert payload == {"paddle": 7, "registration_id": 107, "means": "card", "amount_cents": 120_00,
                       "received_on": "2026-12-12", "reference": "T1"}


def test_the_balance_the_screen_showed_must_still_be_the_balance():
    log = buyer_log(100_00)
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
        check_payment(account_of(buyer_log(100_00).events, 7), RESIDENT, form, SALE_DAY)


def test_no_payment_before_an_invoice():
    with pytest.raises(PaymentRefused, match="bordereau"):
        check_payment(account_of(Log().events, 7), RESIDENT, PaymentForm("cash", 10_00), SALE_DAY)


def test_the_deposit_applied_at_most_once():
    log = buyer_log(1_000_00)
    buyer = Buyer(7, 107, "france", "person", deposit_cents=300_00, deposit_method="transfer")
    check_payment(account_of(log.events, 7), buyer, PaymentForm("deposit", 300_00), SALE_DAY)
    log.pay(7, "deposit", 200_00)
    with pytest.raises(PaymentRefused, match="100,00"):
        check_payment(account_of(log.events, 7), buyer, PaymentForm("deposit", 200_00), SALE_DAY)
