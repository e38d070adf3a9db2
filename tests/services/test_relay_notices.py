"""The notifications between server processes: an event as itself, or as its number when it is too big
to notify or does not hash as it claims; anything unreadable is ignored."""
from datetime import datetime, timezone

import orjson

from auction.domain.bidlog import GENESIS_HASH, chain
from auction.services.relay_notices import MAX_PAYLOAD, decode, encode_event

AT = datetime(2026, 12, 4, 14, 30, tzinfo=timezone.utc)


def lot_opened(payload=None):
    opened = chain(1, 1, "sale_opened", {}, AT, 3, GENESIS_HASH)
    return chain(1, 2, "lot_opened", payload or {"lot_id": 7}, AT, 3, opened.hash)


def test_an_event_too_big_to_notify_is_sent_as_its_number():
    event = lot_opened()
    big = chain(event.sale_id, event.seq, event.kind, {**event.payload, "note": "é" * MAX_PAYLOAD}, event.at,
                event.user_id, event.prev_hash)
    assert orjson.loads(encode_event(big, "c" * 32)) == {"sale": event.sale_id, "seq": event.seq}
    notice = decode(encode_event(big, "c" * 32))
    assert (notice.sale_id, notice.seq, notice.event) == (event.sale_id, event.seq, None)


def test_notifications_carry_the_event_only_when_it_hashes_as_stored():
    event = lot_opened()
    notice = decode(encode_event(event, "cmd-1"))
    assert notice.event == event and notice.command_id == "cmd-1"
    assert notice.event.computed_hash() == notice.event.hash
    tampered = orjson.loads(encode_event(event, "cmd-1"))
    tampered["payload"]["lot_id"] += 1
    notice = decode(orjson.dumps(tampered).decode())
    assert notice.event is None and notice.seq == tampered["seq"]    # the receiver reads the log
    for garbage in ("", "{", "[]", '{"sale": "1", "seq": 2}', '{"sale": 1, "seq": 0}', '{"sale": 1}'):
        assert decode(garbage) is None
