"""The bid log (and the settlement log, which uses the same chain): an append-only, sequence-numbered, hash-chained list of the events of a live sale.

Each event's hash is the SHA-256 of a canonical encoding of the event that includes the previous
event's hash, so changing, removing or reordering any event breaks every link after it.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

GENESIS_HASH = "0" * 64

EVENT_KINDS = (
    "sale_opened", "lot_opened", "bid", "bid_retracted", "call", "hammer", "lot_passed",
    "lot_reoffered", "paused", "resumed", "sale_stopped", "sale_closed",
    "announcement", "lot_withdrawn", "session_closed", "session_opened",
    "lot_put_up_again_in_room",
)


@dataclass(frozen=True)
class Event:
    sale_id: int
    seq: int
    kind: str
    payload: dict[str, Any]
    at: datetime
    user_id: int | None
    prev_hash: str
    hash: str = field(default="")

    def canonical(self) -> bytes:
        return canonical_encoding(self.sale_id, self.seq, self.kind, self.payload, self.at, self.user_id,
                                  self.prev_hash)

    def computed_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def canonical_encoding(sale_id: int, seq: int, kind: str, payload: dict[str, Any], at: datetime,
                       user_id: int | None, prev_hash: str) -> bytes:
    """Sorted keys, no whitespace, UTF-8, times in UTC to the microsecond."""
    if at.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    document = {
        "sale_id": sale_id, "seq": seq, "kind": kind, "payload": payload,
        "at": at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": user_id, "prev_hash": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain(sale_id: int, seq: int, kind: str, payload: dict[str, Any], at: datetime, user_id: int | None,
          prev_hash: str, *, kinds: tuple[str, ...] = EVENT_KINDS) -> Event:
    """Make the next event, hashed onto `prev_hash`. `kinds` are the kinds its log admits (the bid
    log's by default; the settlement log passes its own)."""
    if kind not in kinds:
        raise ValueError(f"unknown event kind {kind!r}")
    draft = Event(sale_id, seq, kind, payload, at, user_id, prev_hash)
    return Event(sale_id, seq, kind, payload, at, user_id, prev_hash, draft.computed_hash())


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def verify_chain(events: Iterable[Event]) -> BrokenLink | None:
    """The first broken link of a sale's log, or None when the whole chain holds."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in events:
        if event.seq != expected_seq:
            return BrokenLink(expected_seq, f"sequence gap: expected {expected_seq}, found {event.seq}")
        if event.prev_hash != prev_hash:
            return BrokenLink(event.seq, "previous-hash mismatch (an earlier event was changed or removed)")
        if event.computed_hash() != event.hash:
            return BrokenLink(event.seq, "hash mismatch (this event was changed)")
        expected_seq, prev_hash = event.seq + 1, event.hash
    return None
