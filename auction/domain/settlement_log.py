"""The settlement log: what happens to the money and the goods of a sale after the hammer.

A second append-only, sequence-numbered, hash-chained log per sale, beside the bid log
(`auction/domain/bidlog.py`, whose `Event`, canonical encoding and chain it shares). The bid log says
what happened in the room; this one says what happened afterwards: invoices and credit notes,
payments and their clearing, refunds, cash banked, releases of the goods, formal notices and
defaults, resales, the distribution of the proceeds and its letters, contests, payouts and deposits.

Everything else after the hammer (a lot's state, an invoice's balance, the journal, the deadlines)
is derived from the two logs by pure functions; nothing is stored twice.

Every payload holds amounts as integer cents and dates as ISO strings (never floats or Decimals).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .bidlog import GENESIS_HASH, Event, chain

# Grouped by the step of stage 5 that appends them; a kind is never renamed once events use it.
SETTLEMENT_KINDS: tuple[str, ...] = (
    # sale record (R221-39, R444-47, A444-6)
    "record_copy_issued",
    # checkout: invoices (bordereaux), payments, cash, release of the goods
    "invoice_issued", "credit_note_issued",
    "payment_received", "payment_cleared", "payment_reversed", "refund_paid",
    "cash_banked", "release_issued", "goods_collected", "storage_fee_charged",
    # resale on default (réitération des enchères, R221-38)
    "formal_notice_sent", "default_declared", "lot_put_up_again", "default_statement_issued",
    # distribution of the proceeds (L221-6, R251-1 to R251-11)
    "cost_recorded", "plan_drafted", "letter_sent", "letter_received", "contest_recorded",
    "conciliation_convened", "conciliation_agreed", "disagreement_recorded", "delay_extended",
    "plan_final", "payout_made", "deposit_with_cdc", "conversion_recorded", "report_issued", "case_settled",
    "sale_settled",
)


def chain_settlement(sale_id: int, seq: int, kind: str, payload: dict[str, Any], at: datetime,
                     user_id: int | None, prev_hash: str) -> Event:
    """The next event of a sale's settlement log, hashed onto `prev_hash`."""
    return chain(sale_id, seq, kind, payload, at, user_id, prev_hash, kinds=SETTLEMENT_KINDS)


def next_event(events: list[Event], sale_id: int, kind: str, payload: dict[str, Any], at: datetime,
               user_id: int | None) -> Event:
    """The event that follows `events` (the whole log so far, in order)."""
    last = events[-1] if events else None
    return chain_settlement(sale_id, (last.seq if last else 0) + 1, kind, payload, at, user_id,
                            last.hash if last else GENESIS_HASH)


def of_kind(events: Iterable[Event], *kinds: str) -> list[Event]:
    return [event for event in events if event.kind in kinds]


__all__ = ["SETTLEMENT_KINDS", "Event", "chain_settlement", "next_event", "of_kind"]
