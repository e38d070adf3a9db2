"""The sale record derived from the log (CPCE R221-39, C. com. R444-47, CGI 873): every event kind."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from auction.domain.bidlog import chain
from auction.domain.sale_record import (RecordAct, RecordBuyer, RecordCase, RecordFacts, RecordLot, extract,
                                        sale_record)

from .room_fixtures import OFFICER, SETUP, Room

FACTS = RecordFacts(
    sale_id=1, sale_reference="V-2026-12", sale_title="Matériel de menuiserie", place="Hôtel des ventes, Lyon",
    starts_at=datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc), office="Étude Exemple", officer="Me Claire Durand",
    cases=(RecordCase(10, "SV-1", 300_00, (RecordAct("Procès-verbal de saisie-vente", date(2026, 9, 1)),)),
           RecordCase(20, "SV-2", 1_000_000_00, (RecordAct("Procès-verbal de saisie-vente", date(2026, 9, 20)),
                                                RecordAct("Acte de vérification", date(2026, 12, 1))))),
    lots=(RecordLot(1, "1", "Scie à format", 10), RecordLot(2, "2", "Établi", 10), RecordLot(3, "3", "Canapé", 20),
          RecordLot(4, "3 bis", "Fauteuil", 20),
          RecordLot(5, "4", "Lampe", 20, withdrawn_before=True, withdrawal_reason="Bien manquant à la vérification")),
    buyers={100 + n: RecordBuyer(100 + n, n, f"NOM{n}", f"Prénom{n}", f"{n} rue de la Paix, 69002 Lyon")
            for n in (1, 2, 3)},
    seller_fee_rate_incl_vat=SETUP.seller_fee_rate_incl_vat,
)


def held_sale() -> Room:
    """Two sessions, with every kind of event the record states."""
    r = Room()
    r.do("open_sale")
    r.do("announce", text="Les frais acheteur sont de 14,28 % TTC.")
    r.sell(1, (1, 100_00), (2, 2_800_50))                      # sold in the room
    r.do("reoffer_lot", lot_id=1, reason="Deux enchères simultanées")
    r.do("bid", paddle=3, amount_cents=2_900_00)
    for _ in range(3):
        r.do("call")
    r.do("hammer")                                            # sold again, to paddle 3
    r.do("pause", reason="Incident technique")
    r.do("resume")
    r.do("open_lot", lot_id=3)
    r.do("pass_lot")                                          # passed
    r.do("close_session", OFFICER)
    r.do("open_session")
    r.do("open_lot", lot_id=4)
    r.do("bid", paddle=1, amount_cents=10_00)
    r.do("withdraw_lot", OFFICER, reason="Revendication")      # withdrawn after bidding
    r.do("stop_sale", OFFICER, reason="Créances du dossier SV-1 couvertes")
    r.do("close_sale", OFFICER)
    return r


@pytest.fixture(scope="module")
def record():
    return sale_record(FACTS, held_sale().events)


def kinds(part):
    return [e.kind for e in part.entries]


def test_r444_47_the_lots_withdrawn_before_the_sale_come_first_with_their_reason(record):
    assert [(lot.label, lot.withdrawal_reason) for lot in record.withdrawn_before] == \
        [("4", "Bien manquant à la vérification")]


def test_r221_39_each_lot_as_offered_with_price_in_figures_and_words_and_the_buyer(record):
    first = record.sessions[0]
    assert kinds(first) == ["announcement", "sold", "stop_threshold", "reoffered", "sold", "stop_threshold",
                            "paused", "resumed", "passed"]
    annulled, sold = first.entries[1], first.entries[4]
    assert annulled.annulled and annulled.amount_cents == 2_800_50
    assert annulled.amount_words == "deux mille huit cents euros et cinquante centimes"
    assert (sold.lot.label, sold.amount_cents, sold.paddle, sold.source_label) == ("1", 2_900_00, 3, "en salle")
    assert sold.amount_words == "deux mille neuf cents euros"
    assert (sold.buyer.last_name, sold.buyer.first_names, sold.buyer.domicile) == \
        ("NOM3", "Prénom3", "3 rue de la Paix, 69002 Lyon")
    assert first.entries[3].text == "Deux enchères simultanées"
    assert first.entries[0].text == "Les frais acheteur sont de 14,28 % TTC."


def test_l221_4_the_stop_rule_is_stated_with_its_case(record):
    first = record.sessions[0]
    assert first.entries[2].case.reference == "SV-1"     # 2 800,50 € net covers SV-1's 300 €
    assert first.entries[5].case.reference == "SV-1"     # covered again after the re-offer
    stopped = record.sessions[1].entries[-1]
    assert (stopped.kind, stopped.text) == ("sale_stopped", "Créances du dossier SV-1 couvertes")


def test_pauses_and_resumptions_have_their_times(record):
    paused, resumed = record.sessions[0].entries[6:8]
    assert paused.text == "Incident technique" and paused.at < resumed.at


def test_a_lot_withdrawn_after_bidding_states_its_last_bid(record):
    withdrawn = record.sessions[1].entries[0]
    assert (withdrawn.kind, withdrawn.lot.label, withdrawn.amount_cents, withdrawn.paddle, withdrawn.text) == \
        ("withdrawn", "3 bis", 10_00, 1, "Revendication")
    assert withdrawn.amount_words == "dix euros"


def test_r221_39_each_session_has_its_opening_closing_and_total(record):
    first, second = record.sessions
    assert (first.number, second.number) == (1, 2)
    assert first.opened_at < first.closed_at < second.opened_at < second.closed_at
    assert first.total_cents == 2_900_00 and len(first.sold) == 1   # the annulled hammer does not count
    assert second.total_cents == 0
    assert record.total_cents == 2_900_00 and record.sold_count == 1
    assert record.closed_at == second.closed_at
    assert [lot.label for lot in record.not_offered] == ["2"]    # never offered (3 was, and passed)


def test_how_each_bid_came_room_phone_online_absentee():
    from auction.domain.absentee import AbsenteeOrder, respond
    from auction.domain.roles import Role
    from auction.domain.room import Actor, PaddleInfo
    paddles = {**SETUP.paddles, 501: PaddleInfo(501, 601, "online", "En ligne", "Paris")}
    r = Room(replace(SETUP, paddles=paddles, phone_paddles=frozenset({1})))
    r.do("open_sale")
    r.sell(1, (2, 100_00))
    r.do("open_lot", lot_id=2)
    r.do("bid", paddle=1, amount_cents=50_00, source="phone")
    for _ in range(3):
        r.do("call")
    r.do("hammer")
    r.do("open_lot", lot_id=3)
    r.do("bid", Actor(9, Role.BIDDER), paddle=501, amount_cents=10_00)
    for _ in range(3):
        r.do("call")
    r.do("hammer")
    r.do("open_lot", lot_id=4)
    [order_bid] = respond(r.state, r.setup, [AbsenteeOrder(7, 4, 3, 20_00, r.events[0].at)])
    event = chain(1, r.state.seq + 1, "bid", order_bid.payload(), r.events[-1].at, None, r.state.last_hash)
    from auction.domain.room import apply
    apply(r.state, event)
    r.events.append(event)
    for _ in range(3):
        r.do("call")
    r.do("hammer")
    facts = replace(FACTS, buyers={**FACTS.buyers, 601: RecordBuyer(601, 501, "LIGNE", "Ana", "Paris")})
    sold = sale_record(facts, r.events).sessions[0].sold
    assert [(e.lot.label, e.source_label, e.paddle) for e in sold] == [
        ("1", "en salle", 2), ("2", "par téléphone", 1), ("3", "en ligne", 501), ("3 bis", "sur ordre d'achat", 3)]
    assert sold[2].buyer.last_name == "LIGNE"
    record = sale_record(facts, r.events)
    assert record.sessions[0].closed_at is None and not record.sessions[0].closed


def test_the_stop_override_is_stated():
    r = Room()
    r.do("open_sale")
    r.sell(1, (1, 400_00))
    r.do("open_lot", OFFICER, lot_id=2, override_stop_rule=True, reason="Accord des créanciers")
    entries = sale_record(FACTS, r.events).sessions[0].entries
    assert [e.kind for e in entries] == ["sold", "stop_threshold", "stop_override"]
    assert entries[-1].case.reference == "SV-1" and entries[-1].text == "Accord des créanciers"


def test_a_closed_sessions_part_never_changes_as_the_log_grows():
    r = held_sale()
    closing = next(e.seq for e in r.events if e.kind == "session_closed")
    before = sale_record(FACTS, r.events[:closing]).sessions[0]
    after = sale_record(FACTS, r.events).sessions[0]
    assert before == after
    assert (after.closed_seq, after.closed_hash) == (closing, r.events[closing - 1].hash)


def test_the_record_follows_the_log_after_every_event():
    r = held_sale()
    for n in range(len(r.events) + 1):
        record = sale_record(FACTS, r.events[:n])
        assert record.head_seq == n


def test_extracts_for_one_lot_or_one_buyer(record):
    lot = extract(record, lot_id=1)
    assert [e.kind for s in lot.sessions for e in s.entries] == ["sold", "reoffered", "sold"]
    buyer = extract(record, registration_id=103)
    assert [(e.kind, e.lot.label) for s in buyer.sessions for e in s.entries] == [("sold", "1")]
    assert extract(record, lot_id=5).withdrawn_before[0].label == "4"


def test_an_unknown_buyer_leaves_the_buyer_empty_not_an_error():
    r = Room()
    r.do("open_sale")
    r.sell(3, (1, 10_00))
    facts = replace(FACTS, buyers={})
    assert sale_record(facts, r.events).sessions[0].entries[0].buyer is None


def test_an_event_out_of_sequence_is_refused():
    r = held_sale()
    forged = chain(1, 99, "announcement", {"text": "x", "lot_id": None}, r.events[0].at, 1, r.events[-1].hash)
    with pytest.raises(ValueError):
        sale_record(FACTS, [*r.events, forged])
