"""Absentee orders (ordres d'achat): the bids the room makes for bidders who left a maximum.

The rule, as the large French platforms run their order books (../shared/domain/judicial-sale.md,
"Absentee orders"):

- An order bids when its lot opens (or is re-offered) and whenever a competing bid arrives. It bids
  the lowest amount that leads: the opening bid when nobody has bid, otherwise one step above the
  competing bid (the sale's increment table), capped at its maximum — never above it. When the cap
  falls between two steps the order bids its maximum: the office accepts an order's maximum as a
  bid, as an auctioneer executing the book does.
- Two orders on one lot compete like proxy bids, without bidding step by step against each other:
  the lower one tops out (bids its maximum), then the higher one leads one step above it, capped at
  its own maximum. Of two equal maximums the one received first wins (microsecond receipt time).
- Of two equal bids the earlier wins. An order received before a competing bid of exactly its
  maximum therefore takes the lead at that same amount: the log shows the competing bid, then the
  order's bid of the same amount marked `tie`. It is the only case where a bid does not raise the
  amount, and only an order received before the bid it ties can make it. An order received after
  that bid (during the sale) cannot.

`respond()` is pure: it takes the room state and the order book and returns the bids to append, in
order. The service appends them in the same transaction as the event that triggered them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .room import Bid, RoomState, SaleSetup

# Events after which the order book of the lot on the block is consulted.
TRIGGERS = ("lot_opened", "lot_reoffered", "lot_put_up_again_in_room", "bid")


@dataclass(frozen=True)
class AbsenteeOrder:
    id: int
    lot_id: int
    paddle: int
    max_cents: int
    received_at: datetime   # timezone-aware, to the microsecond


@dataclass(frozen=True)
class OrderBid:
    """A bid the room makes for an order. `tie`: equal to the bid it answers, which it precedes."""

    order: AbsenteeOrder
    amount_cents: int
    tie: bool = False

    def payload(self) -> dict:
        payload = {"lot_id": self.order.lot_id, "paddle": self.order.paddle, "amount_cents": self.amount_cents,
                   "source": "absentee", "order_id": self.order.id}
        if self.tie:
            payload["tie"] = True
        return payload


def rank(order: AbsenteeOrder) -> tuple:
    """Best first: the higher maximum, then the earlier receipt."""
    return (-order.max_cents, order.received_at, order.id)


def _priority(order: AbsenteeOrder) -> tuple:
    return (order.received_at, 0, order.id)


@dataclass(frozen=True)
class _Standing:
    """The bid to beat while the rule runs: amount, paddle and when it was made (its priority)."""

    amount_cents: int
    paddle: int
    priority: tuple | None    # None: a bid of unknown time, which no order precedes


def _standing(bid: Bid | None, book: dict[int, AbsenteeOrder]) -> _Standing | None:
    if bid is None:
        return None
    order = book.get(bid.paddle)
    if bid.source == "absentee" and order is not None:
        return _Standing(bid.amount_cents, bid.paddle, _priority(order))
    return _Standing(bid.amount_cents, bid.paddle, (bid.at, 1, bid.seq) if bid.at is not None else None)


def _precedes(order: AbsenteeOrder, standing: _Standing) -> bool:
    return standing.priority is not None and _priority(order) < standing.priority


def answer(order: AbsenteeOrder, standing: _Standing | None, setup: SaleSetup, opening_cents: int) -> tuple[int, bool] | None:
    """The lowest amount by which `order` leads against `standing`, and whether it is a tie; None if it cannot."""
    if standing is None:
        first = setup.increments.first_bid(opening_cents)    # never 0 (C. civ. 1591)
        return (first, False) if order.max_cents >= first else None
    amount = min(setup.increments.next_minimum(standing.amount_cents, opening_cents), order.max_cents)
    if amount > standing.amount_cents:
        return amount, False
    if amount == standing.amount_cents == order.max_cents and _precedes(order, standing):
        return amount, True
    return None


def _top_out(order: AbsenteeOrder, standing: _Standing | None) -> tuple[int, bool]:
    """An order bidding its maximum (it can lead there: checked by the caller)."""
    tie = standing is not None and order.max_cents == standing.amount_cents
    return order.max_cents, tie


def respond(state: RoomState, setup: SaleSetup, orders: Iterable[AbsenteeOrder]) -> list[OrderBid]:
    """The bids the orders of the lot on the block make now, in the order they are appended."""
    if state.status != "open" or state.lot_id is None:
        return []
    lot = setup.lots[state.lot_id]
    ranked = sorted((o for o in orders if o.lot_id == lot.id and o.paddle in setup.paddles and o.max_cents > 0),
                    key=rank)
    book: dict[int, AbsenteeOrder] = {}
    for order in ranked:                      # one order per paddle and lot (the best, should there be two)
        book.setdefault(order.paddle, order)
    ranked = [o for o in ranked if book[o.paddle] is o]
    if not ranked:
        return []

    standing = _standing(state.current_bid, book)
    made: list[OrderBid] = []
    for _ in range(2 * len(ranked) + 2):      # each round raises the amount or ties with precedence
        leader = standing.paddle if standing else None
        challengers = [o for o in ranked if o.paddle != leader
                       and answer(o, standing, setup, lot.opening_bid_cents) is not None]
        if not challengers:
            break
        top = challengers[0]
        own = book.get(leader) if leader is not None else None
        leader_order = own if own is not None and own.max_cents > standing.amount_cents else None
        rivals = [o for o in (leader_order, *challengers[1:]) if o is not None]
        rival = min(rivals, key=rank) if rivals else None

        if rival is None:
            # Alone against the standing bid: the lowest amount that leads.
            bidder = top
            amount, tie = answer(top, standing, setup, lot.opening_bid_cents)
        elif rank(rival) < rank(top):
            # The leader's own order beats every challenger: the best challenger tops out, the
            # leader's order answers in the next round.
            bidder = top
            amount, tie = _top_out(top, standing)
        elif rival is leader_order:
            # The challenger beats the leader's order: it bids what beats that order's maximum.
            bidder = top
            amount = min(setup.increments.next_minimum(rival.max_cents, lot.opening_bid_cents), top.max_cents)
            amount = max(amount, rival.max_cents)
            tie = False
        else:
            # Two challengers: the lower one tops out first; the better one answers next round.
            bidder = rival
            amount, tie = _top_out(rival, standing)

        bid = OrderBid(bidder, amount, tie)
        made.append(bid)
        standing = _Standing(amount, bidder.paddle, _priority(bidder))
    return made
