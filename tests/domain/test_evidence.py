"""The evidence file of a lot or a session, assembled from the bid log, and its verification: any
change to a byte of its chain or of its readable entries is found and names the event."""
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from auction.domain.evidence import (LotRef, NothingToShow, Refusal, RefusalsLost, Seal, StaffRef, assemble,
                                     document, paris_text, utc_text)
from auction.domain.evidence_verify import verify_document
from auction.domain.roles import Role
from auction.domain.screens import ScreenEvent
from auction.domain.room import Actor, PaddleInfo

from .room_fixtures import OFFICER, SETUP, T0, Room

ONLINE = Actor(9, Role.BIDDER)
LOTS = {lot.id: LotRef(lot.id, lot.label, lot.title) for lot in SETUP.lots.values()}
STAFF = {1: StaffRef(1, "Maître Martin", "Commissaire de justice"), 2: StaffRef(2, "Julie Clerc", "Clerc")}
NOW = datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)


def held_room() -> Room:
    """Lot 1 sold after an online bid and its re-offer; lot 3 passed; lot 2 in session 2."""
    paddles = {**SETUP.paddles, 501: PaddleInfo(501, 601, "online", "Camille Roux", "1 rue X", 9)}
    room = Room(replace(SETUP, paddles=paddles))
    room.do("open_sale")
    room.do("announce", text="Les frais acheteur s'ajoutent aux enchères.")
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    room.do("bid", ONLINE, paddle=501, amount_cents=150_00, expected_bid_seq=4)
    room.do("pause", reason="Incident de micro")
    room.do("resume")
    room.do("bid", paddle=2, amount_cents=200_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    room.do("reoffer_lot", OFFICER, lot_id=1, reason="Le panneau 3 enchérissait au coup de marteau")
    room.do("bid", paddle=3, amount_cents=250_00)
    for _ in range(3):
        room.do("call")
    room.do("hammer")
    room.do("open_lot", lot_id=3)
    room.do("pass_lot")
    room.do("close_session", OFFICER)
    room.do("open_session")
    room.sell(2, (1, 50_00))
    room.do("close_sale", OFFICER)
    return room


def seals(room: Room) -> list[Seal]:
    heads = [e for e in room.events if e.kind == "session_closed" or (e.kind == "sale_closed" and e.payload)]
    return [Seal(n, e.seq, e.hash, e.at + timedelta(minutes=5)) for n, e in enumerate(heads, 1)]


def lot_file(room: Room, lot_id: int = 1, **extra):
    return assemble(sale_id=1, sale_reference="VJ-1", sale_title="Vente test", events=room.events, scope="lot",
                    lot_id=lot_id, lots=LOTS, staff=STAFF, seals=seals(room), produced_at=NOW,
                    produced_by="Maître Martin", **extra)


def test_a_lots_file_has_its_events_in_order_with_each_bids_cover_and_who_entered_it():
    room = held_room()
    refusal = Refusal(7, T0 + timedelta(seconds=4, milliseconds=250), "outbid", "Surenchéri : …", lot_id=1,
                      paddle=501, amount_cents=150_00, expected_bid_seq=3, log_seq=4)
    other = Refusal(8, T0, "lot_not_open", "Trop tard", lot_id=3, paddle=501, log_seq=20)
    file = lot_file(room, refusals=[other, refusal])
    kinds = [e.kind for e in file.entries]
    assert kinds == ["lot_opened", "bid", "bid", "paused", "resumed", "bid", "call", "call", "call", "hammer",
                     "lot_reoffered", "bid", "call", "call", "call", "hammer"]
    assert [e.seq for e in file.entries] == sorted(e.seq for e in file.entries)
    opened, first, online, _, _, third = file.entries[:6]
    assert opened.entered_by == first.entered_by == "Julie Clerc (Clerc)"
    assert online.source == "online" and online.paddle == 501 and online.covers_seq == 4
    assert online.entered_by == "l'enchérisseur, depuis son écran"
    assert "couvre l'enchère n° 4 (100,00\u00a0€, panneau 1)" in online.description
    assert third.covers_seq == online.seq and "panneau 501" in third.description
    reoffer = file.entries[10]
    assert reoffer.entered_by == "Maître Martin (Commissaire de justice)"
    assert "Le panneau 3 enchérissait" in reoffer.description
    assert file.entries[11].covers_seq is None      # after the re-offer, a first bid again
    assert file.refusals == (refusal,)              # the other lot's refusal is not this lot's
    # The segment runs from the lot's opening to the head of session 1, which is sealed.
    assert file.chain[0].seq == 3 and file.head.kind == "session_closed" and file.head_sealed is not None
    assert [e.seq for e in file.chain] == list(range(3, file.head.seq + 1))
    assert set(file.staff) == {1, 2}


def test_times_to_the_millisecond_in_paris_and_utc():
    moment = datetime(2026, 12, 12, 13, 5, 7, 123_456, tzinfo=timezone.utc)
    assert utc_text(moment) == "2026-12-12T13:05:07.123Z"
    assert paris_text(moment) == "12/12/2026 14:05:07,123 (UTC+01:00)"
    assert paris_text(moment.replace(month=7)) == "12/07/2026 15:05:07,123 (UTC+02:00)"


def test_a_session_file_runs_from_its_opening_to_its_closing():
    room = held_room()
    file = assemble(sale_id=1, sale_reference="VJ-1", sale_title="Vente test", events=room.events,
                    scope="session", session=2, lots=LOTS, staff=STAFF, seals=seals(room), produced_at=NOW,
                    produced_by="Maître Martin")
    assert file.entries[0].kind == "session_opened" and file.entries[-1].kind == "sale_closed"
    assert {e.session for e in file.entries} == {2}
    assert file.head_sealed.session == 2
    assert verify_document(document(file)).ok


def test_a_lot_never_offered_has_no_file():
    with pytest.raises(NothingToShow):
        lot_file(held_room(), lot_id=4)


def test_a_lot_of_a_session_still_open_ends_at_the_logs_head_unsealed():
    room = Room()
    room.do("open_sale")
    room.sell(1, (1, 100_00))
    room.do("open_lot", lot_id=2)
    file = lot_file(room)
    assert file.head.seq == room.events[-1].seq and file.head_sealed is None
    verdict = verify_document(document(file))
    assert verdict.ok and not verdict.sealed


def test_the_json_verifies_and_round_trips_through_text():
    room = held_room()
    text = json.dumps(document(lot_file(room)), ensure_ascii=False, indent=1)
    verdict = verify_document(json.loads(text))
    assert verdict.ok, verdict.problems
    assert verdict.sealed and verdict.head_seq == 21


def _altered(text: str, position: int) -> str:
    digit = text[position]
    return text[:position] + ("7" if digit != "7" else "3") + text[position + 1:]


def test_one_byte_altered_in_an_events_canonical_encoding_names_that_event():
    room = held_room()
    payload = document(lot_file(room))
    text = json.dumps(payload, ensure_ascii=False)
    online_bid = next(e for e in payload["chain"]["events"] if '"source":"online"' in e["canonical"])
    # The amount inside the online bid's canonical encoding: 15000 becomes 75000 (or 35000).
    start = text.index(json.dumps(online_bid["canonical"], ensure_ascii=False)[1:-1])
    position = start + online_bid["canonical"].index('"amount_cents":') + len('"amount_cents":')
    verdict = verify_document(json.loads(_altered(text, position)))
    assert not verdict.ok
    assert verdict.first.seq == online_bid["seq"] and "modifié" in verdict.first.reason


@pytest.mark.parametrize("field", ["hash", "prev_hash"])
def test_one_byte_altered_in_a_hash_names_that_event(field):
    payload = document(lot_file(held_room()))
    target = payload["chain"]["events"][4]
    text = json.dumps(payload)
    position = text.index(f'"{field}": "{target[field]}"') + len(f'"{field}": "') + 10
    verdict = verify_document(json.loads(text[:position] + ("a" if text[position] != "a" else "b")
                                          + text[position + 1:]))
    assert verdict.first.seq == target["seq"]


def test_every_digit_of_the_readable_entries_is_checked_against_the_chain():
    payload = document(lot_file(held_room()))
    for index, entry in enumerate(payload["events"]):
        for key in ("amount_cents", "paddle", "covers_seq"):
            if entry[key] is None:
                continue
            changed = json.loads(json.dumps(payload))
            changed["events"][index][key] = entry[key] + 1
            verdict = verify_document(changed)
            assert verdict.first.seq == entry["seq"] and key in verdict.first.reason
    changed = json.loads(json.dumps(payload))
    changed["events"][1]["at_utc"] = changed["events"][1]["at_utc"].replace(".000Z", ".001Z")
    assert verify_document(changed).first.seq == payload["events"][1]["seq"]


def test_an_event_removed_from_the_segment_names_the_gap():
    payload = document(lot_file(held_room()))
    removed = payload["chain"]["events"].pop(3)
    verdict = verify_document(payload)
    assert verdict.first.seq == removed["seq"]          # its readable entry is no longer in the chain
    assert any(p.seq == removed["seq"] + 1 and "saute" in p.reason for p in verdict.problems)


def test_a_seal_that_does_not_match_is_named():
    payload = document(lot_file(held_room()))
    payload["sealed_heads"][0]["head_hash"] = "0" * 64
    verdict = verify_document(payload)
    assert verdict.first.seq == payload["sealed_heads"][0]["head_seq"] and "sceau" in verdict.first.reason


def test_not_an_evidence_file():
    assert verify_document({"format": "autre"}).first.seq is None
    assert not verify_document([1, 2]).ok


def screen(n: int, at: datetime, kind: str, role: str, **named) -> ScreenEvent:
    return ScreenEvent(n, at, kind, role, "srv", 10, n if kind == "connect" else named.pop("of"), **named)


def test_the_screens_of_a_lot_from_its_opening_to_its_last_hammer_outside_the_chain():
    room = held_room()
    opened = next(e for e in room.events if e.kind == "lot_opened")
    hammers = [e for e in room.events if e.kind == "hammer" and e.payload["lot_id"] == 1]
    rows = [screen(1, opened.at - timedelta(minutes=1), "connect", "clerk_tablet", user_id=2),
            screen(2, opened.at - timedelta(minutes=1), "connect", "viewer"),
            screen(3, hammers[0].at, "connect", "viewer"),
            screen(4, hammers[-1].at + timedelta(seconds=1), "connect", "officer_tablet", user_id=1),
            screen(5, hammers[-1].at + timedelta(seconds=2), "disconnect", "clerk_tablet", user_id=2, of=1)]
    file = lot_file(room, screen_events=rows)
    assert file.screens.start == opened.at and file.screens.end == hammers[-1].at
    assert file.screens.end_label == "à l'adjudication" and file.screens.start_label == "à la mise en vente"
    assert [(v.role, v.user_id) for v in file.screens.named] == [("clerk_tablet", 2)]   # the officer's: after
    assert (file.screens.viewers_at_start, file.screens.viewers_at_end, file.screens.viewers_peak) == (1, 2, 2)
    assert file.staff[2].name == "Julie Clerc"
    data = document(file)
    assert data["screens"]["named"][0]["role"] == "clerk_tablet" and data["screens"]["in_chain"] is False
    assert verify_document(data).ok                       # the companion record changes nothing in the chain


def test_a_lot_still_on_the_block_counts_its_screens_until_the_file_is_made():
    room = Room()
    room.do("open_sale")
    room.do("open_lot", lot_id=1)
    later = [screen(1, NOW - timedelta(minutes=1), "connect", "display")]
    file = lot_file(room, screen_events=later)
    assert file.screens.end == NOW and file.screens.end_label == "à l'heure du dossier"
    assert [v.role for v in file.screens.named] == ["display"] and set(file.staff) == {2}   # who opened the lot
    session = assemble(sale_id=1, sale_reference="VJ-1", sale_title="Vente test", events=held_room().events,
                       scope="session", session=2, lots=LOTS, staff=STAFF, produced_at=NOW, produced_by="")
    assert session.screens.end_label == "à la clôture de la vente" and session.screens.named == ()


def test_the_refusals_a_server_could_not_record_are_counted_in_the_file_while_its_chain_ran():
    room = held_room()
    opened = next(e for e in room.events if e.kind == "lot_opened")
    closed = next(e for e in room.events if e.kind == "session_closed")
    during = RefusalsLost("srv", 10, 7, opened.at + timedelta(seconds=1), opened.at + timedelta(seconds=3))
    after_close = RefusalsLost("srv", 10, 2, closed.at + timedelta(milliseconds=200),
                               closed.at + timedelta(milliseconds=500))     # before session 2 opened
    before = RefusalsLost("srv", 10, 4, opened.at - timedelta(minutes=5), opened.at - timedelta(minutes=4))
    # Their lot is unknown: lot 1's file, whose chain runs to the close of session 1, shows those of its time.
    file = lot_file(room, refusals_lost=[before, during, after_close])
    assert file.refusals_lost == (during,) and file.refusals_lost_count == 7
    data = document(file)
    assert data["refusals_lost"] == [{"server": "srv/10", "count": 7, "from_utc": utc_text(during.since),
                                      "to_utc": utc_text(during.until)}]
    assert verify_document(data).ok
    # A gap that straddles the lot's opening is the lot's too; none lost: the file says an empty list.
    straddling = RefusalsLost("srv", 10, 1, opened.at - timedelta(seconds=1), opened.at + timedelta(seconds=1))
    assert lot_file(room, refusals_lost=[straddling]).refusals_lost == (straddling,)
    assert document(lot_file(room))["refusals_lost"] == []
    # Session 2's file runs to the close of the sale: the gap after session 1's close is not its own either.
    two = assemble(sale_id=1, sale_reference="VJ-1", sale_title="Vente test", events=room.events, scope="session",
                   session=2, lots=LOTS, staff=STAFF, produced_at=NOW, produced_by="",
                   refusals_lost=[during, after_close])
    assert two.refusals_lost == ()
