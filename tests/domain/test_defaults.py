"""Resale on default (réitération des enchères, CPCE R221-38): notice, default act, what is owed."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from auction.domain.defaults import (
    DefaultedLot, NoticeEnded, NoticeRunning, NothingUnpaid, NotInDefault, NotResold, ProcedureOpen, Rates,
    Resale, StatementIssued, counts_in_proceeds, declare_default, describe_balance, formal_notice,
    lots_in_default, notice_deadline, notice_status, procedures, put_up_again, statement,
    statements_due, storage_owed)
from auction.domain.errors import InvalidValue
from auction.domain.settlement_log import next_event

AT = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
SALE = 2
# Hammer 1 000 €: buyer's fees 11.90 % = 119 €, VAT 23,80 € → 1 142,80 € owed.
LOT = DefaultedLot(7, "12", "Commode Louis XV", 3, 100_000, 114_280)
RATES = {SALE: Rates(Decimal("0.0496"), Decimal("0.20")), 5: Rates(Decimal("0.0496"), Decimal("0.20"))}


def log(*entries):
    events = []
    for kind, payload in entries:
        events.append(next_event(events, SALE, kind, payload, AT, 1))
    return events


def notice_payload(unpaid=114_280, sent_on=date(2026, 12, 2), days=8, cost=1_250, lots=(LOT,)):
    return formal_notice([], 14, 41, lots, unpaid, sent_on, "registered_letter", days, cost,
                         today=sent_on)


def declared(unpaid=114_280, cost=1_250):
    events = log(("formal_notice_sent", notice_payload(unpaid, cost=cost)))
    act = declare_default(procedures(events)[0], unpaid, date(2026, 12, 11))
    events.append(next_event(events, SALE, "default_declared", act, AT, 1))
    return events


def owed(events, new_hammer, sale_id=SALE, storage=()):
    procedure = procedures(events)[0]
    return statement(procedure, {LOT.lot_id: Resale(LOT.lot_id, sale_id, LOT.lot_id, new_hammer, 3)}, RATES,
                     date(2026, 12, 20), storage, number=1)


STORED = [{"lot_id": 7, "days": 10, "from": "2026-12-10", "through": "2026-12-19", "amount_cents": 2_500,
           "vat_cents": 500, "total_cents": 3_000}]


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


# --- what the defaulter owes once the lot is sold again ------------------------------------------

def test_lower_resale_the_defaulter_owes_the_shortfall_and_the_costs():
    payload = owed(declared(), 80_000, storage=STORED)
    line = payload["lines"][0]
    assert line["shortfall_cents"] == 20_000 and line["surplus_cents"] == 0
    # the new sale's seller's fees on the lot: 4.96 % of 800 € = 39,68 €, VAT 7,94 €
    assert (line["seller_fees_cents"], line["seller_fees_vat_cents"]) == (3_968, 794)
    totals = payload["totals"]
    assert totals["costs_cents"] == 1_250 + 3_968 + 794 + 3_000
    assert totals["owed_cents"] == 20_000 + totals["costs_cents"]
    assert totals["balance_cents"] == totals["owed_cents"]           # nothing was paid before


def test_equal_resale_only_the_costs():
    totals = owed(declared(), 100_000)["totals"]
    assert totals["shortfall_cents"] == 0 and totals["surplus_cents"] == 0
    assert totals["owed_cents"] == 1_250 + 4_960 + 992


def test_higher_resale_only_the_costs_and_the_surplus_goes_to_the_case():
    payload = owed(declared(), 130_000)
    assert payload["totals"]["shortfall_cents"] == 0 and payload["totals"]["surplus_cents"] == 30_000
    assert payload["totals"]["owed_cents"] == 1_250 + 6_448 + 1_290
    assert [(line["case_id"], line["shortfall_cents"]) for line in payload["lines"]] == [(3, 0)]


def test_what_was_paid_before_the_default_is_kept_against_what_is_owed():
    events = declared(unpaid=64_280)        # 500 € paid before the default
    payload = owed(events, 80_000)
    totals = payload["totals"]
    assert totals["paid_cents"] == 50_000
    assert totals["balance_cents"] == totals["owed_cents"] - 50_000 == 20_000 + 1_250 + 3_968 + 794 - 50_000
    assert totals["balance_cents"] < 0     # a refund is due to the defaulter
    assert "rembourser" in describe_balance(totals["balance_cents"])


def test_partial_payment_smaller_than_what_is_owed_leaves_a_balance():
    events = declared(unpaid=104_280)       # 100 € paid
    totals = owed(events, 60_000)["totals"]
    assert totals["balance_cents"] == 40_000 + 1_250 + 2_976 + 595 - 10_000
    assert "Reste dû" in describe_balance(totals["balance_cents"])


def test_the_statement_waits_for_the_new_adjudication_and_is_issued_once():
    events = declared()
    with pytest.raises(NotResold):
        statement(procedures(events)[0], {7: Resale(7, SALE, 7)}, RATES, date(2026, 12, 20), number=1)
    payload = owed(events, 80_000)
    events.append(next_event(events, SALE, "default_statement_issued", payload, AT, 1))
    with pytest.raises(StatementIssued):
        owed(events, 80_000)
    assert statements_due(events) == {14: payload["totals"]["owed_cents"]}
    assert [(line["case_id"], line["shortfall_cents"]) for line in payload["lines"]] == [(3, 20_000)]
    assert notice_status(procedures(events)[0], 0, date(2026, 12, 20)) == "stated"


def test_no_statement_without_a_default():
    found = procedures(log(("formal_notice_sent", notice_payload())))
    with pytest.raises(NotInDefault):
        statement(found[0], {}, RATES, date(2026, 12, 20), number=1)


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
    from auction.domain.payments import account_of
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
    from auction.domain.defaults import recovered_by_case
    from auction.domain.payments import account_of
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


# --- storage on the statement: the checkout's rule, through the day the lot is sold again ----------

def test_storage_runs_from_the_end_of_the_free_days_to_the_resale_less_what_was_charged():
    from auction.domain.payments import account_of
    from auction.domain.release import StorageTerms
    terms = StorageTerms(free_days=3, fee_cents=200)            # 3 free days, then 2 € HT a day and lot
    sale_day = date(2026, 12, 2)
    events = declared()
    act = procedures(events)[0].act
    resold = {7: Resale(7, 5, 70, 80_000, 3, sold_on=date(2026, 12, 19))}
    lines = storage_owed(terms, sale_day, account_of(events, 14), act, resold)
    # from 6 December (the day after the free days) through 19 December: 14 days × 2 € = 28 €, VAT 5,60 €
    assert [(line["from"], line["through"], line["days"], line["amount_cents"], line["vat_cents"])
            for line in lines] == [("2026-12-06", "2026-12-19", 14, 2_800, 560)]
    # storage already charged to the buyer's account through 10 December is not charged twice
    events.append(next_event(events, SALE, "storage_fee_charged", {
        "paddle": 14, "registration_id": 41, "through": "2026-12-10", "charged_on": "2026-12-10",
        "lines": [{"lot_id": 7, "days": 5, "from": "2026-12-06", "through": "2026-12-10", "amount_cents": 1_000,
                   "vat_cents": 200, "total_cents": 1_200}],
        "totals": {"amount_cents": 1_000, "vat_cents": 200, "total_cents": 1_200}}, AT, 1))
    lines = storage_owed(terms, sale_day, account_of(events, 14), act, resold)
    assert [(line["from"], line["days"], line["total_cents"]) for line in lines] == [("2026-12-11", 9, 2_160)]
    payload = statement(procedures(events)[0], resold, RATES, date(2026, 12, 20), lines, number=1)
    assert {c["kind"]: c["amount_cents"] for c in payload["costs"]}["storage"] == 2_160
    assert payload["storage"] == lines
    # a lot resold before its free days ran out, or a sale without storage fees, costs no storage
    early = {7: Resale(7, 5, 70, 80_000, 3, sold_on=date(2026, 12, 5))}
    assert storage_owed(terms, sale_day, account_of(events, 14), act, early) == []
    assert storage_owed(StorageTerms(), sale_day, account_of(events, 14), act, resold) == []


def test_the_statement_storage_is_split_into_fees_and_vat_in_the_journal():
    from auction.domain.journal import STORAGE, VAT_FEES, build
    events = declared()
    payload = owed(events, 80_000, storage=STORED)
    events.append(next_event(events, SALE, "default_statement_issued", payload, AT, 1))
    entry = next(e for e in build(events).entries if e.piece.startswith("DF"))
    credits = {line.account: line.credit for line in entry.lines if line.credit}
    assert credits[STORAGE] == 2_500 and credits[VAT_FEES] == 500
    assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)
