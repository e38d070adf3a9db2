from dataclasses import replace
from datetime import datetime, timezone

from auction.domain.bidlog import GENESIS_HASH, canonical_encoding, chain, verify_chain

from .room_fixtures import Room

AT = datetime(2026, 12, 12, 13, 0, 0, 123456, tzinfo=timezone.utc)


def log():
    r = Room()
    r.do("open_sale")
    r.sell(1, (1, 100_00), (2, 110_00))
    return r.events


def test_canonical_encoding_is_stable():
    a = canonical_encoding(1, 1, "bid", {"b": 1, "a": "é"}, AT, 3, GENESIS_HASH)
    b = canonical_encoding(1, 1, "bid", {"a": "é", "b": 1}, AT, 3, GENESIS_HASH)
    assert a == b
    assert b'"at":"2026-12-12T13:00:00.123456Z"' in a and "é".encode() in a and b" " not in a


def test_each_event_hashes_onto_the_previous():
    events = log()
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash
    assert verify_chain(events) is None


def test_a_changed_amount_is_found():
    events = log()
    events[2] = replace(events[2], payload={**events[2].payload, "amount_cents": 1})
    broken = verify_chain(events)
    assert broken.seq == 3 and "changed" in broken.reason


def test_a_removed_event_is_found():
    events = log()
    del events[3]
    assert verify_chain(events).seq == 4


def test_a_rehashed_forgery_breaks_the_next_link():
    events = log()
    forged = events[2]
    forged = chain(forged.sale_id, forged.seq, forged.kind, {**forged.payload, "paddle": 3}, forged.at,
                   forged.user_id, forged.prev_hash)
    events[2] = forged
    broken = verify_chain(events)
    assert broken.seq == 4 and "previous-hash" in broken.reason


def test_reordered_events_are_found():
    events = log()
    events[1], events[2] = events[2], events[1]
    assert verify_chain(events).seq == 2
