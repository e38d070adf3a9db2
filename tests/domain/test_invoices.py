"""Buyers' invoices and credit notes: lines, fees (A444-3), VAT, numbering, folding the settlement log."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.invoice_buyers import Buyer
from auction.domain.invoices import (INTERMEDIARY_MENTION, InvoiceError, SELLER_VAT_MENTION, CreditNoteReasonRequired,
                                     LineAlreadyCredited, LotNotOnInvoice, NoLineChosen, NothingToInvoice, SoldLot,
                                     UnknownInvoice, credit_note_payload, due_date, find_invoice, invoice_due_date,
                                     invoice_line, invoice_payload, invoiced_lot_ids, invoices_of, seller_vat_rate,
                                     sold_lots, stale_lines, to_invoice, totals, vat_breakdown, vat_mention)
from auction.domain.deadlines import paris_day
from auction.domain.settlement_log import next_event
from auction.domain.tariff import tariff_on

from .room_fixtures import SETUP, Room

TARIFF = tariff_on(date(2025, 6, 1))     # 11.90 % excl. VAT, VAT 20 %
AT = datetime(2026, 12, 12, 18, 0, tzinfo=timezone.utc)
SALE_DAY = date(2026, 12, 12)
PERSON = Buyer("Jeanne MARTIN", "3 rue de la Paix, 69002 Lyon")


def lot(lot_id, hammer, paddle=1, case_id=10, label=None):
    return SoldLot(lot_id, label or str(lot_id), f"Lot {lot_id}", case_id, hammer, paddle, 100 + paddle)


def issue(events, lots, number, buyer=PERSON, rates=None):
    payload = invoice_payload(number, lots, buyer, TARIFF, rates or {}, SALE_DAY, SALE_DAY, {})
    events.append(next_event(events, 1, "invoice_issued", payload, AT, 1))
    return events[-1]


def credit(events, invoice_number, lot_ids, number, reason="Erreur d'adjudicataire"):
    invoice = find_invoice(invoices_of(events), invoice_number)
    payload = credit_note_payload(number, invoice, lot_ids, reason, SALE_DAY)
    events.append(next_event(events, 1, "credit_note_issued", payload, AT, 1))
    return events[-1]


def test_a444_3_buyer_fees_and_their_vat_per_lot():
    line = invoice_line(lot(1, 1234_56), TARIFF, None)
    assert line.fees_cents == 146_91            # 1 234,56 × 11,90 % = 146,9126
    assert line.fees_vat_cents == 29_38         # 146,91 × 20 % = 29,382
    assert line.hammer_vat_cents == 0
    assert line.total_cents == 1234_56 + 146_91 + 29_38


def test_each_line_is_rounded_then_summed():
    # 0,05 € lots: fees 0,595 c → 1 c each; on the total 0,15 € would give 1,785 c → 2 c.
    lines = [invoice_line(lot(i, 5), TARIFF, None) for i in (1, 2, 3)]
    assert [line.fees_cents for line in lines] == [1, 1, 1]
    assert totals(lines)["fees_cents"] == 3
    assert totals(lines)["total_cents"] == sum(line.total_cents for line in lines)


def test_hammer_vat_only_for_a_taxable_seller_who_says_so():
    plain = invoice_line(lot(1, 1000_00), TARIFF, None)
    taxed = invoice_line(lot(1, 1000_00), TARIFF, Decimal("0.20"))
    assert plain.hammer_vat_cents == 0
    assert taxed.hammer_vat_cents == 200_00
    assert taxed.total_cents == plain.total_cents + 200_00
    assert vat_mention([plain]) == INTERMEDIARY_MENTION
    assert vat_mention([taxed]) == SELLER_VAT_MENTION
    assert INTERMEDIARY_MENTION in vat_mention([plain, taxed])


def test_seller_vat_rate_is_set_only_with_the_flag():
    assert seller_vat_rate(False, "20") is None
    assert seller_vat_rate(True, "20") == Decimal("0.2000")
    assert seller_vat_rate(True, "5,5 %") == Decimal("0.0550")
    for bad in ("", "abc", "0", "50", "-3", "NaN"):
        with pytest.raises(InvalidValue) as error:
            seller_vat_rate(True, bad)
        assert error.value.field == "seller_vat_rate"


def test_invoice_payload_has_the_contract_shape():
    payload = invoice_payload(7, [lot(1, 100_00), lot(2, 250_00)], PERSON, TARIFF, {}, SALE_DAY, date(2026, 12, 20),
                              {"sale": {"reference": "V-1"}})
    assert payload["number"] == 7 and payload["paddle"] == 1 and payload["registration_id"] == 101
    assert payload["issued_on"] == "2026-12-12" and payload["due_on"] == "2026-12-20"
    assert payload["buyer"] == {"name": "Jeanne MARTIN", "address": "3 rue de la Paix, 69002 Lyon",
                                "is_company": False, "siren": "", "vat_number": "", "street": "", "postcode": "",
                                "city": "", "country": "FR"}
    assert set(payload["lines"][0]) >= {"lot_id", "label", "title", "case_id", "hammer_cents", "hammer_vat_cents",
                                        "fees_cents", "fees_vat_cents", "total_cents"}
    assert payload["totals"] == {"hammer_cents": 350_00, "hammer_vat_cents": 0, "fees_cents": 11_90 + 29_75,
                                 "fees_vat_cents": 2_38 + 5_95, "total_cents": 350_00 + 41_65 + 8_33}
    assert payload["sale"] == {"reference": "V-1"}
    assert payload["tariff_reference"] == TARIFF.reference


def test_an_invoice_is_for_one_buyer_and_some_lots():
    with pytest.raises(NothingToInvoice):
        invoice_payload(1, [], PERSON, TARIFF, {}, SALE_DAY, SALE_DAY, {})
    with pytest.raises(InvoiceError, match="qu.un adjudicataire"):
        invoice_payload(1, [lot(1, 100_00, paddle=1), lot(2, 100_00, paddle=2)], PERSON, TARIFF, {}, SALE_DAY,
                        SALE_DAY, {})


def test_due_date():
    assert due_date(SALE_DAY, 0) == SALE_DAY            # R221-38: payable at once
    assert due_date(SALE_DAY, 8) == date(2026, 12, 20)


def test_sold_lots_come_from_the_bid_log_with_the_registration():
    room = Room()
    room.do("open_sale")
    room.sell(1, (1, 100_00))
    room.do("open_lot", lot_id=2)
    room.do("pass_lot")
    room.sell(3, (2, 10_00), (3, 20_00))
    sold = sold_lots(1, room.events, SETUP.lots)
    assert [(s.lot_id, s.paddle, s.hammer_cents, s.registration_id) for s in sold] == [(1, 1, 100_00, 101),
                                                                                      (3, 3, 20_00, 103)]
    assert sold[1].label == "3" and sold[1].case_id == 20


def test_r221_38_a_lot_reoffered_at_the_hammer_is_sold_again_to_the_new_buyer():
    room = Room()
    room.do("open_sale")
    room.sell(1, (1, 100_00))
    room.do("reoffer_lot", lot_id=1, reason="Contestation dans la salle")
    for paddle, amount in ((2, 110_00),):
        room.do("bid", paddle=paddle, amount_cents=amount)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    assert [(s.paddle, s.hammer_cents) for s in sold_lots(1, room.events, SETUP.lots)] == [(2, 110_00)]


def test_lots_are_invoiced_once_and_new_lots_get_a_new_invoice():
    sold = [lot(1, 100_00), lot(2, 50_00), lot(3, 80_00, paddle=2)]
    events = []
    assert {p: [s.lot_id for s in lots] for p, lots in to_invoice(sold, invoices_of(events)).items()} == {1: [1, 2],
                                                                                                       2: [3]}
    issue(events, sold[:2], 1)
    assert to_invoice(sold, invoices_of(events), paddle=1) == {}
    assert list(to_invoice(sold, invoices_of(events))) == [2]
    later = [*sold, lot(4, 30_00)]                  # the buyer won another lot after the first checkout
    assert [s.lot_id for s in to_invoice(later, invoices_of(events), paddle=1)[1]] == [4]
    assert invoiced_lot_ids(invoices_of(events)) == {1, 2}


def test_a_credit_note_cancels_lines_and_lowers_the_amount_due():
    events = []
    issue(events, [lot(1, 100_00), lot(2, 50_00)], 1)
    invoice = find_invoice(invoices_of(events), 1)
    assert invoice.amount_due_cents == invoice.totals["total_cents"] == 150_00 + 17_85 + 3_57
    note = credit(events, 1, [2], 2)
    assert note.payload["invoice_number"] == 1 and note.payload["invoice_seq"] == 1
    assert note.payload["totals"]["total_cents"] == 50_00 + 5_95 + 1_19
    invoice = find_invoice(invoices_of(events), 1)
    assert invoice.amount_due_cents == 100_00 + 11_90 + 2_38
    assert [line.lot_id for line in invoice.live_lines] == [1]
    assert invoice.credit_notes[0].label == "2026-000002"
    # The credited lot may be invoiced again (to the right buyer); the other one may not.
    assert [s.lot_id for s in to_invoice([lot(1, 100_00), lot(2, 50_00)], invoices_of(events))[1]] == [2]
    credit(events, 1, [1], 3)
    assert find_invoice(invoices_of(events), 1).amount_due_cents == 0
    assert find_invoice(invoices_of(events), 1).cancelled


def test_credit_note_refusals_in_french():
    events = []
    issue(events, [lot(1, 100_00), lot(2, 50_00)], 1)
    invoice = find_invoice(invoices_of(events), 1)
    with pytest.raises(CreditNoteReasonRequired, match="motif"):
        credit_note_payload(2, invoice, [1], "   ", SALE_DAY)
    with pytest.raises(InvalidValue, match="500 caractères"):
        credit_note_payload(2, invoice, [1], "x" * 501, SALE_DAY)
    with pytest.raises(NoLineChosen):
        credit_note_payload(2, invoice, [], "Erreur", SALE_DAY)
    with pytest.raises(LotNotOnInvoice, match="2026-000001"):
        credit_note_payload(2, invoice, [9], "Erreur", SALE_DAY)
    credit(events, 1, [1], 2)
    with pytest.raises(LineAlreadyCredited, match="lot 1"):
        credit_note_payload(3, find_invoice(invoices_of(events), 1), [1, 2], "Erreur", SALE_DAY)
    with pytest.raises(UnknownInvoice, match="n° 9"):
        find_invoice(invoices_of(events), 9)


def test_stale_lines_call_for_a_credit_note():
    events = []
    issue(events, [lot(1, 100_00)], 1)
    invoices = invoices_of(events)
    assert stale_lines(invoices, [lot(1, 100_00)]) == []
    assert [line.lot_id for _, line in stale_lines(invoices, [lot(1, 110_00, paddle=2)])] == [1]
    assert [line.lot_id for _, line in stale_lines(invoices, [])] == [1]


def test_payload_round_trip_keeps_the_hammer_vat_rate():
    events = []
    issue(events, [lot(1, 100_00, case_id=10), lot(2, 100_00, case_id=20)], 1, rates={20: Decimal("0.055")})
    invoice = invoices_of(events)[0]
    assert [line.hammer_vat_rate for line in invoice.lines] == [None, Decimal("0.055")]
    assert [line.hammer_vat_cents for line in invoice.lines] == [0, 5_50]


def test_vat_breakdown_groups_by_rate_and_sums_rounded_lines():
    lines = [invoice_line(lot(1, 100_00), TARIFF, None), invoice_line(lot(2, 200_00), TARIFF, Decimal("0.20")),
             invoice_line(lot(3, 300_00), TARIFF, Decimal("0.055"))]
    groups = {g["rate"]: (g["base_cents"], g["vat_cents"]) for g in vat_breakdown(lines, TARIFF.vat_rate)}
    assert groups[None] == (100_00, 0)
    assert groups[Decimal("0.055")] == (300_00, 16_50)
    fees = sum(line.fees_cents for line in lines)
    fees_vat = sum(line.fees_vat_cents for line in lines)
    assert groups[Decimal("0.20")] == (fees + 200_00, fees_vat + 40_00)
    assert sum(b for b, _ in groups.values()) + sum(v for _, v in groups.values()) == totals(lines)["total_cents"]


def test_an_invoice_is_due_from_the_day_its_lots_were_sold():
    def lot(lot_id, sold_on):
        return SoldLot(lot_id, str(lot_id), f"Lot {lot_id}", 10, 100_00, 7, 107, sold_on)
    session_two = date(2026, 12, 19)
    # Lots of the second session, invoiced that evening: due two days later, not on the day of issue.
    assert invoice_due_date([lot(1, session_two)], SALE_DAY, 2, session_two) == date(2026, 12, 21)
    # Lots of both sessions on one invoice: counted from the last one's day.
    assert invoice_due_date([lot(1, SALE_DAY), lot(2, session_two)], SALE_DAY, 2, session_two) == date(2026, 12, 21)
    assert invoice_due_date([lot(1, SALE_DAY)], SALE_DAY, 2, SALE_DAY) == date(2026, 12, 14)
    # Never before the sale's first day (a hammer day unknown counts as it), nor before the invoice.
    assert invoice_due_date([lot(1, None)], SALE_DAY, 2, SALE_DAY) == date(2026, 12, 14)
    assert invoice_due_date([lot(1, SALE_DAY)], SALE_DAY, 2, date(2026, 12, 30)) == date(2026, 12, 30)


def test_sold_lots_carry_their_hammer_day_in_paris():
    room = Room()
    room.do("open_sale")
    hammer = room.sell(1, (1, 100_00))
    [sold] = sold_lots(1, room.events, SETUP.lots)
    assert sold.sold_on == paris_day(hammer.at)
