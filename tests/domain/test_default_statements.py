"""The defaulter's statement (décompte, CPCE R221-38): the shortfall and the costs once the lot is
sold again, what was paid kept against them, and the storage through the day of the resale."""
from datetime import date

import pytest

from auction.domain.default_statements import describe_balance, statement, statements_due, storage_owed
from auction.domain.defaults import NotInDefault, NotResold, Resale, StatementIssued, notice_status, procedures
from auction.domain.settlement_log import next_event

from .default_fixtures import AT, RATES, SALE, STORED, declared, log, notice_payload, owed


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


# --- storage on the statement: the checkout's rule, through the day the lot is sold again ----------

def test_storage_runs_from_the_end_of_the_free_days_to_the_resale_less_what_was_charged():
    from auction.domain.buyer_accounts import account_of
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
