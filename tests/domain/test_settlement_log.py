from datetime import datetime, timedelta, timezone

import pytest

from auction.domain.bidlog import GENESIS_HASH, verify_chain
from auction.domain.settlement_log import SETTLEMENT_KINDS, chain_settlement, next_event, of_kind

AT = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def test_events_chain_from_genesis_and_verify():
    events = []
    for i, kind in enumerate(("invoice_issued", "payment_received", "payment_cleared")):
        events.append(next_event(events, 2, kind, {"amount_cents": 100 * (i + 1)}, AT + timedelta(minutes=i), 1))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert verify_chain(events) is None
    assert [e.kind for e in of_kind(events, "payment_received", "payment_cleared")] == ["payment_received",
                                                                                          "payment_cleared"]


def test_a_changed_payload_breaks_the_chain():
    events = []
    for kind in ("invoice_issued", "payment_received"):
        events.append(next_event(events, 2, kind, {"amount_cents": 100}, AT, None))
    forged = events[0].__class__(**{**events[0].__dict__, "payload": {"amount_cents": 1}})
    broken = verify_chain([forged, events[1]])
    assert broken is not None and broken.seq == 1


def test_room_kinds_are_not_settlement_kinds():
    assert "bid" not in SETTLEMENT_KINDS
    with pytest.raises(ValueError, match="unknown event kind"):
        chain_settlement(2, 1, "bid", {}, AT, None, GENESIS_HASH)
