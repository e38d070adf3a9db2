"""Resale on default (réitération des enchères, CPCE R221-38): the notice, the default act, putting the
lot up again; what the defaulter then owes is tests/domain/test_default_statements.py."""
from datetime import date

import pytest

from auction.domain.defaults import (
    NoticeEnded, NoticeRunning, NothingUnpaid, NotInDefault, ProcedureOpen, counts_in_proceeds, declare_default,
    formal_notice, lots_in_default, notice_deadline, notice_status, procedures, put_up_again)
from auction.domain.errors import InvalidValue
from auction.domain.settlement_log import next_event

from .default_fixtures import AT, LOT, SALE, declared, log, notice_payload, owed


# --- the formal notice ---------------------------------------------------------------------------

def test_the_notice_gives_eight_days_by_default_and_moves_off_a_weekend():
    assert notice_deadline(date(2026, 12, 2)) == date(2026, 12, 10)          # a Thursday
    assert notice_deadline(date(2026, 12, 4)) == date(2026, 12, 14)          # 12 Dec is a Saturday
    payload = notice_payload()
    assert payload["deadline_on"] == "2026-12-10" and payload["days"] == 8
    assert payload["lots"][0]["total_cents"] == 114_280 and payload["amount_cents"] == 114_280


def test_the_office_chooses_another_delay():
    assert notice_payload(days=15)["deadline_on"] == "2026-12-17"
    with pytest.raises(InvalidValue):
        notice_payload(days=0)


def test_no_notice_when_nothing_is_unpaid_or_for_an_unknown_means():
    with pytest.raises(NothingUnpaid):
        notice_payload(unpaid=0)
    with pytest.raises(NothingUnpaid):
        notice_payload(lots=())
    with pytest.raises(InvalidValue):
        formal_notice([], 14, 41, (LOT,), 100, date(2026, 12, 2), "pigeon", today=date(2026, 12, 2))


def test_one_notice_at_a_time_for_the_same_lots():
    found = procedures(log(("formal_notice_sent", notice_payload())))
    with pytest.raises(ProcedureOpen):
        formal_notice(found, 14, 41, (LOT,), 114_280, date(2026, 12, 3), "email", today=date(2026, 12, 3))


# --- when the default may be declared ------------------------------------------------------------

def test_the_default_waits_for_the_deadline_to_pass():
    found = procedures(log(("formal_notice_sent", notice_payload())))
    with pytest.raises(NoticeRunning):
        declare_default(found[0], 114_280, date(2026, 12, 10))     # the last day to pay
    assert notice_status(found[0], 114_280, date(2026, 12, 10)) == "running"
    assert notice_status(found[0], 114_280, date(2026, 12, 11)) == "overdue"


def test_a_payment_during_the_notice_period_ends_the_procedure():
    found = procedures(log(("formal_notice_sent", notice_payload())))
    assert notice_status(found[0], 0, date(2026, 12, 11)) == "paid"
    with pytest.raises(NoticeEnded):
        declare_default(found[0], 0, date(2026, 12, 11))
    # ... and a new notice may then be sent if something falls due again
    formal_notice(found, 14, 41, (LOT,), 5_000, date(2026, 12, 12), "email", today=date(2026, 12, 12))


def test_the_default_act_records_the_date_the_lots_and_the_amount_unpaid():
    found = procedures(log(("formal_notice_sent", notice_payload(unpaid=64_280))))
    act = declare_default(found[0], 64_280, date(2026, 12, 11))   # 500 € paid meanwhile, not enough
    assert act["declared_on"] == "2026-12-11" and act["unpaid_cents"] == 64_280 and act["paid_cents"] == 50_000
    assert [lot["lot_id"] for lot in act["lots"]] == [7]


def test_a_default_is_declared_once():
    events = declared()
    with pytest.raises(ProcedureOpen):
        declare_default(procedures(events)[0], 114_280, date(2026, 12, 12))
    assert set(lots_in_default(procedures(events))) == {7}


# --- putting the lot up again --------------------------------------------------------------------

def test_a_lot_in_default_joins_a_later_sale_once():
    events = declared()
    default_seq = procedures(events)[0].act.seq
    payload = put_up_again(procedures(events), 7, default_seq, 5, 90, date(2026, 12, 15))
    events.append(next_event(events, SALE, "lot_put_up_again", payload, AT, 1))
    assert procedures(events)[0].placements[7].new_lot_id == 90
    with pytest.raises(ProcedureOpen):
        put_up_again(procedures(events), 7, default_seq, 6, 91, date(2026, 12, 15))
    with pytest.raises(NotInDefault):
        put_up_again(procedures(events), 8, default_seq, 6, 91, date(2026, 12, 15))
    resold_later = owed(events, 90_000, sale_id=5)
    assert resold_later["lines"][0]["sale_id"] == 5 and resold_later["totals"]["shortfall_cents"] == 10_000


def test_a_lot_in_default_counts_in_the_proceeds_only_once_sold_again():
    defaulted = lots_in_default(procedures(declared()))
    assert not counts_in_proceeds(7, defaulted, resold_here=())
    assert counts_in_proceeds(7, defaulted, resold_here={7})
    assert counts_in_proceeds(8, defaulted, resold_here=())


def test_an_overdue_notice_may_be_replaced_by_a_new_one():
    events = log(("formal_notice_sent", notice_payload()))
    later = formal_notice(procedures(events), 14, 41, (LOT,), 114_280, date(2026, 12, 14), "served",
                          today=date(2026, 12, 14))
    events.append(next_event(events, SALE, "formal_notice_sent", later, AT, 1))
    first, second = procedures(events)
    assert first.superseded and not second.superseded
    with pytest.raises(NoticeEnded):
        declare_default(first, 114_280, date(2026, 12, 30))
    assert declare_default(second, 114_280, date(2026, 12, 30))["notice_seq"] == second.notice.seq


# --- the checkout's accounts, lot states and journal ---------------------------------------------

def invoiced_then_defaulted(paid=0):
    """A buyer invoiced 1 142,80 € for lot 7, `paid` cash, noticed, in default, the invoice credited."""
    from auction.domain.invoices import invoices_of, credit_note_payload
    line = {"lot_id": 7, "label": "12", "title": "Commode Louis XV", "case_id": 3, "hammer_cents": 100_000,
            "hammer_vat_cents": 0, "fees_cents": 11_900, "fees_vat_cents": 2_380, "total_cents": 114_280}
    totals = {k: line[k] for k in ("hammer_cents", "hammer_vat_cents", "fees_cents", "fees_vat_cents", "total_cents")}
    events = log(("invoice_issued", {"number": 1, "paddle": 14, "registration_id": 41, "issued_on": "2026-12-01",
                                     "due_on": "2026-12-01", "buyer": {"name": "Paul MARTIN", "address": "Lyon",
                                     "is_company": False, "siren": "", "vat_number": ""},
                                     "tariff_reference": "A444-3", "lines": [line], "totals": totals}))
    if paid:
        events.append(next_event(events, SALE, "payment_received", {
            "paddle": 14, "registration_id": 41, "means": "cash", "amount_cents": paid,
            "received_on": "2026-12-01", "reference": ""}, AT, 1))
    events.append(next_event(events, SALE, "formal_notice_sent", notice_payload(114_280 - paid), AT, 1))
    act = declare_default(procedures(events)[0], 114_280 - paid, date(2026, 12, 11))
    events.append(next_event(events, SALE, "default_declared", act, AT, 1))
    note = credit_note_payload(2, invoices_of(events)[0], [7], "Défaut de paiement", date(2026, 12, 11))
    events.append(next_event(events, SALE, "credit_note_issued", note, AT, 1))
    return events


def test_the_statement_is_a_receivable_of_the_buyer_account_and_balances_in_the_journal():
    from auction.domain import journal
    from auction.domain.buyer_accounts import account_of
    events = invoiced_then_defaulted(paid=50_000)
    assert account_of(events, 14).balance_cents == -50_000      # kept against what will be owed
    payload = owed(events, 80_000)
    events.append(next_event(events, SALE, "default_statement_issued", payload, AT, 1))
    assert account_of(events, 14).balance_cents == payload["totals"]["balance_cents"]
    ledger = journal.build(events)
    assert ledger.balanced
    entry = next(e for e in ledger.entries if e.kind == "default_statement_issued")
    assert entry.debit == payload["totals"]["owed_cents"]


def test_lot_states_en_defaut_then_follow_the_new_buyer():
    from auction.domain.release import SoldLot, lot_statuses
    events = invoiced_then_defaulted()
    first = SoldLot(7, "12", "Commode Louis XV", 14, 100_000)
    assert lot_statuses([first], events, date(2026, 12, 12), date(2026, 12, 1))[7].state == "en_defaut"
    noticed = events[:2]
    status = lot_statuses([first], noticed, date(2026, 12, 12), date(2026, 12, 1))[7]
    assert status.state == "mis_en_demeure" and status.overdue
    resold_here = SoldLot(7, "12", "Commode Louis XV", 3, 80_000)    # sold again in the same sale
    assert lot_statuses([resold_here], events, date(2026, 12, 12), date(2026, 12, 1))[7].state == "adjuge"
    placed = put_up_again(procedures(events), 7, procedures(events)[0].act.seq, 5, 90, date(2026, 12, 15))
    events.append(next_event(events, SALE, "lot_put_up_again", placed, AT, 1))
    assert lot_statuses([first], events, date(2026, 12, 16), date(2026, 12, 1))[7].state == "remis_en_vente"
    events.append(next_event(events, SALE, "default_statement_issued", owed(events, 90_000, sale_id=5), AT, 1))
    assert lot_statuses([first], events, date(2026, 12, 30), date(2026, 12, 1))[7].state == "revendu"


def test_no_refund_while_the_default_awaits_its_statement_then_the_recovery_goes_to_the_case():
    from auction.domain.buyer_accounts import account_of
    from auction.domain.defaults import recovered_by_case
    events = invoiced_then_defaulted(paid=50_000)
    account = account_of(events, 14)
    assert account.balance_cents == -50_000 and account.refund_due_cents == 0   # kept, not refunded
    payload = owed(events, 80_000)          # owed 20 000 + costs, less 50 000 paid: a refund is due
    events.append(next_event(events, SALE, "default_statement_issued", payload, AT, 1))
    account = account_of(events, 14)
    assert account.refund_due_cents == -payload["totals"]["balance_cents"] > 0
    assert recovered_by_case(events) == {3: [("Lot 12 — dû par le défaillant (réitération des enchères)",
                                              20_000 + 3_968 + 794)]}


def test_the_recovery_counts_only_once_the_statement_is_paid():
    from auction.domain.defaults import recovered_by_case
    events = invoiced_then_defaulted()
    events.append(next_event(events, SALE, "default_statement_issued", owed(events, 80_000), AT, 1))
    assert recovered_by_case(events) == {}
