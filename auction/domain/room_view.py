"""What each screen is shown of the room. The public view never carries a bidder's name."""
from __future__ import annotations

from typing import Any

from .bidlog import Event
from .room import RoomState, SaleSetup

RECENT_BIDS = 5     # the lot's last bids the public screens list


def _lot(setup: SaleSetup, lot_id: int | None) -> dict[str, Any] | None:
    if lot_id is None:
        return None
    lot = setup.lots[lot_id]
    # A lot without an opening bid ("mise à prix 0 €") is shown from its first bid, the table's first step.
    return {"id": lot.id, "label": lot.label, "title": lot.title, "photo": lot.photo,
            "opening_bid_cents": lot.opening_bid_cents,
            "first_bid_cents": setup.increments.first_bid(lot.opening_bid_cents)}


def public_view(state: RoomState, setup: SaleSetup) -> dict[str, Any]:
    current = state.current_bid
    last = state.last_hammer
    return {
        "status": state.status,
        "session": state.session,
        "announcement": None if state.last_announcement is None else {
            "seq": state.last_announcement.seq, "text": state.last_announcement.text,
            "at": state.last_announcement.at.isoformat(), "lot_id": state.last_announcement.lot_id},
        "lot": _lot(setup, state.lot_id),
        "current_bid": None if current is None else {"seq": current.seq, "amount_cents": current.amount_cents,
                                                     "paddle": current.paddle, "source": current.source},
        "next_minimum_cents": state.next_minimum(setup),
        "calls": state.calls,
        "bid_count": len(state.bids),
        # The lot's last bids, newest first, with their origin (room, phone, online, absentee): no name.
        "recent_bids": [{"amount_cents": b.amount_cents, "paddle": b.paddle, "source": b.source}
                        for b in reversed(state.bids[-RECENT_BIDS:])],
        "last_hammer": None if last is None else {"lot_id": last.lot_id, "label": setup.lots[last.lot_id].label,
                                                  "amount_cents": last.amount_cents, "paddle": last.paddle},
        "lots_sold": sum(1 for r in state.results.values() if r.sold),
        "lots_total": sum(1 for lot in setup.lots.values() if not lot.withdrawn),
        "conversions": _conversions(setup, current.amount_cents if current else
                                    (setup.lots[state.lot_id].opening_bid_cents if state.lot_id else None)),
    }


def _conversions(setup: SaleSetup, cents: int | None) -> list[dict[str, Any]]:
    """The shown amount in the sale's display currencies (indicative, whole units)."""
    if cents is None:
        return []
    return [{"code": c.code, "amount": c.convert(cents)} for c in setup.currencies]


def staff_view(state: RoomState, setup: SaleSetup) -> dict[str, Any]:
    view = public_view(state, setup)
    current = state.current_bid
    if current is not None:
        paddle = setup.paddles.get(current.paddle)
        view["leader"] = None if paddle is None else {"paddle": paddle.number, "name": paddle.name,
                                                      "address": paddle.address, "channel": paddle.channel}
    else:
        view["leader"] = None
    view["bids"] = [{"seq": b.seq, "paddle": b.paddle, "amount_cents": b.amount_cents, "source": b.source}
                    for b in state.bids]
    hammer = state.hammer_total_by_case(setup)
    net = state.net_proceeds_by_case(setup)
    view["cases"] = [
        {"id": case.id, "reference": case.reference, "claims_cents": case.claims_cents,
         "claims_note": case.claims_note,
         "hammer_total_cents": hammer.get(case.id, 0), "net_proceeds_cents": net.get(case.id, 0),
         "covered": state.case_covered(setup, case.id)}
        for case in setup.cases.values()
    ]
    view["in_default"] = in_default_view(state, setup)
    view["increments"] = setup.increments.to_json()   # the tablet asks to confirm a free amount off this grid
    return view


def in_default_view(state: RoomState, setup: SaleSetup) -> list[dict[str, Any]]:
    """The lots in default that may be put up again now (réitération des enchères): still adjudged to
    the defaulting paddle, not yet put up again in this sale."""
    found = []
    for lot_id, paddle in setup.defaulted.items():
        result = state.results.get(lot_id)
        if lot_id in state.put_up_again or result is None or not result.sold or result.paddle != paddle:
            continue
        lot = setup.lots[lot_id]
        found.append({"lot_id": lot_id, "label": lot.label, "title": lot.title, "paddle": paddle,
                      "first_hammer_cents": result.amount_cents})
    return found


def results_view(state: RoomState) -> dict[str, Any]:
    """Each concluded lot's outcome, for snapshots (events carry the changes one by one)."""
    return {str(lot_id): {"sold": r.sold, "amount_cents": r.amount_cents, "paddle": r.paddle,
                          "withdrawn": r.withdrawn}
            for lot_id, r in state.results.items()}


def event_view(event: Event, *, staff: bool) -> dict[str, Any]:
    payload = event.payload if staff else {k: v for k, v in event.payload.items()
                                           if k not in ("registration_id", "reason")}
    return {"seq": event.seq, "kind": event.kind, "at": event.at.isoformat(), "payload": payload}
