"""The sale's journal (décret 2022-949 art. 62-1 to 62-6): every money event as balanced double entry,
and its FEC export (LPF A47 A-1, 18 columns)."""
import csv
import io
from datetime import date

import pytest

from auction.domain import fec
from auction.domain.journal import (BUYERS, CASH, CHEQUES, CLIENT_ACCOUNT, POSTINGS, PROCEEDS, UnbalancedEntry,
                                    VAT_FEES, build, posting)
from tests.checkout_fixtures import Log, credit_note_payload, line


def _full_log() -> Log:
    log = Log()
    log.invoice(1, 7, [line(1, 1_000_00, case_id=10), line(2, 500_00, case_id=20)], name="Jeanne MARTIN")
    log.invoice(2, 8, [line(3, 100_00, case_id=10)], name="Paul DURAND")
    log.add("credit_note_issued", credit_note_payload(3, 1, 1, [line(2, 500_00, case_id=20)]))
    cash = log.pay(7, "cash", 900_00, on=date(2026, 12, 12))
    cheque = log.pay(7, "cheque", 300_00, bank="LCL", cheque_number="12", on=date(2026, 12, 12))
    log.add("payment_cleared", {"payment_seq": cheque.seq, "cleared_on": "2026-12-15"})
    log.add("cash_banked", {"payment_seqs": [cash.seq], "slip_number": 1, "banked_on": "2026-12-14"})
    card = log.pay(8, "card", 100_00)
    log.add("payment_reversed", {"payment_seq": card.seq, "reason": "Mauvais panneau"})
    log.pay(8, "card", 114_28)
    log.add("refund_paid", {"paddle": 7, "registration_id": 107, "amount_cents": 57_20, "means": "transfer",
                            "reference": "VIR"})
    log.add("storage_fee_charged", {"paddle": 8, "registration_id": 108, "through": "2026-12-20",
                                    "charged_on": "2026-12-20", "lines": [],
                                    "totals": {"amount_cents": 10_00, "vat_cents": 2_00, "total_cents": 12_00}})
    return log


def test_every_entry_balances_and_accounts_say_who_is_owed_what():
    journal = build(_full_log().events)
    assert journal.balanced and journal.debit == journal.credit
    assert [e.number for e in journal.entries] == list(range(1, len(journal.entries) + 1))
    balances = journal.balances()
    assert balances[(PROCEEDS, "D10")] == -1_100_00          # hammer prices owed to case 10
    assert balances[(PROCEEDS, "D20")] == 0                  # its only lot credited
    assert balances[(BUYERS, "P7")] == 0                     # 1 142,80 invoiced, 1 200 paid, 57,20 refunded
    assert balances[(BUYERS, "P8")] == 12_00                 # storage still owed
    assert balances[(CASH, "")] == 0 and balances[(CHEQUES, "")] == 0
    assert balances[(CLIENT_ACCOUNT, "")] == 900_00 + 300_00 + 114_28 - 57_20
    assert balances[(VAT_FEES, "")] == -(23_80 + 2_38 + 2_00)
    # funds held = what is owed to others less what buyers still owe
    owed_to_others = -sum(cents for (account, _), cents in balances.items() if account != BUYERS and account[0] in "47")
    assert journal.funds_held_cents == owed_to_others - 12_00


def test_a_reversed_cheque_leaves_the_cheques_account():
    log = Log()
    log.invoice(1, 7, [line(1, 100_00)])
    cheque = log.pay(7, "cheque", 50_00, bank="LCL", cheque_number="1")
    log.add("payment_reversed", {"payment_seq": cheque.seq, "reason": "sans provision"})
    balances = build(log.events).balances()
    assert balances[(CHEQUES, "")] == 0 and balances[(BUYERS, "P7")] == 114_28


def test_an_invoice_whose_lines_do_not_add_up_is_reported():
    log = Log()
    bad = line(1, 100_00)
    bad["total_cents"] += 1
    log.invoice(1, 7, [bad])
    with pytest.raises(UnbalancedEntry, match="event 1"):
        build(log.events)


def test_later_stages_register_their_postings():
    assert {"invoice_issued", "payment_received", "cash_banked"} <= set(POSTINGS)
    assert {"payout_made", "deposit_with_cdc", "case_settled"} <= set(POSTINGS)    # the distribution's
    registered = POSTINGS.get("report_issued")

    @posting("report_issued", "OD")
    def _reported(ledger, event):
        return None
    try:
        log = Log()
        log.add("report_issued", {"case_id": 10})
        assert build(log.events).entries == ()
    finally:
        if registered is None:
            del POSTINGS["report_issued"]
        else:
            POSTINGS["report_issued"] = registered


def test_fec_has_the_18_columns_continuous_numbers_dates_and_comma_amounts():
    journal = build(_full_log().events)
    text = fec.write(journal)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    header, body = rows[0], rows[1:]
    assert header == ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
                      "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
                      "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]
    assert all(len(row) == 18 for row in body)
    numbers = [int(row[2]) for row in body]
    assert sorted(set(numbers)) == list(range(1, len(journal.entries) + 1)) and numbers == sorted(numbers)
    for row in body:
        assert row[0] in ("VE", "BQ") and row[1]
        assert len(row[3]) == 8 and row[3].isdigit() and row[9] == row[3] and row[15] == row[3]
        assert len(row[4]) == 6 and row[4].isdigit() and row[5]
        assert bool(row[6]) == bool(row[7])                     # an auxiliary account has its name
        assert row[8] and row[10]
        for amount in (row[11], row[12]):
            whole, cents = amount.split(",")
            assert whole.isdigit() and len(cents) == 2
        assert (row[11] == "0,00") != (row[12] == "0,00")        # one side per line
        assert row[13:15] == ["", ""] and row[16:] == ["", ""]
    cents = lambda text: int(text.replace(",", ""))              # noqa: E731
    assert sum(cents(r[11]) for r in body) == sum(cents(r[12]) for r in body) == journal.debit
    for number in set(numbers):                                  # each entry balances on its own
        lines = [r for r in body if int(r[2]) == number]
        assert sum(cents(r[11]) for r in lines) == sum(cents(r[12]) for r in lines)
    first = body[0]
    assert first[:5] == ["VE", "Ventes (bordereaux)", "1", "20261212", "411000"]
    assert first[6:9] == ["P7", "Jeanne MARTIN", "BA000001"] and first[11] == "1714,20"


def test_fec_amount_format():
    assert fec.amount(0) == "0,00" and fec.amount(5) == "0,05" and fec.amount(123456789) == "1234567,89"
