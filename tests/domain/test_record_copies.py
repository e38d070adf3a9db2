"""Certified copies and extracts of the sale record (C. com. A444-6): what they may cover, their
mention, their fee, and the fee reaching the case's costs statement (CPCE R251-11)."""
from datetime import date

import pytest

from auction.domain import distribution_log as dlog
from auction.domain import record_copies as copies
from auction.domain.errors import InvalidValue
from auction.domain.money import format_euros
from auction.domain.sale_record import sale_record
from auction.domain.tariff import DEFAULT_TARIFF
from tests.checkout_fixtures import Log

from .room_fixtures import OFFICER, Room
from .test_sale_record import FACTS, held_sale

TARIFF = DEFAULT_TARIFF[-1]


@pytest.fixture(scope="module")
def record():
    return sale_record(FACTS, held_sale().events)


def test_a444_6_a_copy_covers_the_closed_sessions_only():
    room = Room()
    room.do("open_sale")
    room.sell(1, (1, 100_00))
    with pytest.raises(InvalidValue, match="Aucune séance n'est close"):
        copies.closed_sessions(sale_record(FACTS, room.events))
    closing = room.do("close_session", OFFICER)
    room.do("open_session")
    room.sell(2, (2, 50_00))
    assert copies.closed_sessions(sale_record(FACTS, room.events)) == (1, closing.seq)


def test_a444_6_the_whole_record_and_its_two_sessions(record):
    assert copies.closed_sessions(record)[0] == 2
    assert copies.check_request(record, copies.CopyRequest("whole", case_id=10)) is record
    assert copies.copy_title(record, copies.CopyRequest("whole")) == "Procès-verbal de vente"


def test_a444_6_an_extract_for_one_lot_keeps_only_that_lot(record):
    request = copies.CopyRequest("lot", lot_id=1)
    part = copies.check_request(record, request)
    entries = [e for s in part.sessions for e in s.entries]
    assert {e.lot.id for e in entries} == {1} and [e.kind for e in entries] == ["sold", "reoffered", "sold"]
    assert copies.copy_title(record, request) == "Extrait du procès-verbal de vente — lot 1"
    withdrawn = copies.check_request(record, copies.CopyRequest("lot", lot_id=5))    # withdrawn before the sale
    assert [lot.id for lot in withdrawn.withdrawn_before] == [5]


def test_a444_6_an_extract_for_one_buyer_keeps_what_he_bought(record):
    request = copies.CopyRequest("buyer", registration_id=103)
    part = copies.check_request(record, request)
    sold = [e for s in part.sessions for e in s.entries]
    assert [(e.kind, e.lot.id, e.paddle) for e in sold] == [("sold", 1, 3)]
    assert copies.copy_title(record, request) == "Extrait du procès-verbal de vente — adjudicataire, panneau 3"


@pytest.mark.parametrize("request_, field, message", [
    (copies.CopyRequest("all"), "scope", "copie entière ou un extrait"),
    (copies.CopyRequest("lot", lot_id=999), "lot_id", "un lot de cette vente"),
    (copies.CopyRequest("lot", lot_id=2), "lot_id", "ne figure pas"),           # never offered
    (copies.CopyRequest("buyer", registration_id=999), "registration_id", "un adjudicataire"),
    (copies.CopyRequest("buyer", registration_id=101), "registration_id", "n'a rien acheté"),  # outbid, then lost
    (copies.CopyRequest("whole", case_id=30), "case_id", "pas de lot dans cette vente"),
])
def test_a_request_that_does_not_fit_the_sale_is_refused_in_french(record, request_, field, message):
    with pytest.raises(InvalidValue, match=message) as refused:
        copies.check_request(record, request_)
    assert refused.value.field == field


def test_a444_6_the_mention_states_the_pages_and_the_fee_at_68_cents_a_page():
    text = copies.certification(officer="Me Claire Durand", day=date(2026, 12, 2), pages=3, tariff=TARIFF)
    assert text.startswith("Copie certifiée conforme à l'original par Me Claire Durand, commissaire de justice, "
                           "le 02/12/2026, comprenant 3 pages.")
    assert f"3 × {format_euros(68)} = {format_euros(204)} (C. com. A444-6)" in text
    assert "1 page." in copies.certification(officer="", day=date(2026, 12, 2), pages=1, tariff=TARIFF)
    extract = copies.certification(officer="", day=date(2026, 12, 2), pages=1, tariff=TARIFF, scope="lot")
    assert extract.startswith("Extrait certifié conforme à l'original le 02/12/2026")


def test_a444_6_an_extract_says_what_it_contains(record):
    assert copies.extract_contents(record, copies.CopyRequest("whole")) == ""
    by_buyer = copies.extract_contents(record, copies.CopyRequest("buyer", registration_id=103))
    assert "panneau 3" in by_buyer and "dont les lots retirés avant la vente" in by_buyer
    assert "son retrait avant la vente" in copies.extract_contents(record, copies.CopyRequest("lot", lot_id=5))
    assert "retrait" not in copies.extract_contents(record, copies.CopyRequest("lot", lot_id=1))


def test_r251_11_a_copy_charged_to_a_case_joins_its_costs_statement():
    common = dict(title="Procès-verbal de vente", tariff=TARIFF, sessions_upto=2, head_seq=40,
                  pdf_sha256="0" * 64, pdf_path="records/x.pdf", on=date(2026, 12, 2))
    log = Log()
    log.add(copies.KIND, copies.payload(copies.CopyRequest("whole", case_id=7), pages=3, **common))
    log.add(copies.KIND, copies.payload(copies.CopyRequest("whole"), pages=2, **common))     # the requester pays
    log.add("cost_recorded", {"case_id": 7, "label": "Acte", "cents": 4_048, "reference": ""})
    cases = dlog.fold(log.events)
    assert list(cases) == [7]
    [copy_line, act] = cases[7].costs
    assert (copy_line.cents, copy_line.reference) == (204, "C. com. A444-6")
    assert copy_line.label == f"Copie certifiée conforme du procès-verbal de vente (3 pages × {format_euros(68)})"
    assert act.cents == 4_048
    issued = copies.fold(log.events)
    assert [(c.case_id, c.pages, c.fee_cents) for c in issued] == [(7, 3, 204), (None, 2, 136)]
    with pytest.raises(InvalidValue):
        copies.payload(copies.CopyRequest("whole"), pages=0, **common)
