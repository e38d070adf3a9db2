"""The live room's state (auction.domain.room has the rules a command must pass): what the room knows
before the first event, the state derived from the bid log, and the fold of an event into it.

`apply()` folds an event into the state; `replay()` rebuilds the state from the log. Live and
replay go through the same `apply()`, so the room after a restart is the room before it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .bidlog import GENESIS_HASH, Event
from .currencies import DisplayCurrency
from .defaults import counts_in_proceeds
from .increments import DEFAULT_INCREMENTS, IncrementTable
from .money import apply_rate
from .roles import Role
from .seller_fees import SoldLot, seller_fees
from .tariff import Tariff


# --- what the room knows before the first event --------------------------------------------------

@dataclass(frozen=True)
class LotInfo:
    id: int
    label: str
    title: str
    case_id: int
    opening_bid_cents: int
    withdrawn: bool = False
    photo: str | None = None


@dataclass(frozen=True)
class PaddleInfo:
    number: int
    registration_id: int
    channel: str
    name: str = ""       # staff only: shown to confirm the buyer at the hammer
    address: str = ""
    user_id: int | None = None   # the bidder's account, if any (an online bidder bids from it)
    blocked: bool = False        # blocked after a default: may not bid


@dataclass(frozen=True)
class CaseInfo:
    id: int
    reference: str
    # CPCE L221-4: principal, interest to the sale's day and costs of the seizing and opposing creditors
    # who came forward by the verification act (L221-5; auction/services/stop_rule.py).
    claims_cents: int
    claims_note: str = ""   # why the threshold may be short of the claims (a legal rate not entered yet)


@dataclass(frozen=True)
class SaleSetup:
    sale_id: int
    lots: dict[int, LotInfo]           # in catalogue order
    paddles: dict[int, PaddleInfo]     # verified paddles of this sale
    cases: dict[int, CaseInfo]
    phone_paddles: frozenset[int] = frozenset()   # verified paddles that asked to bid by phone
    increments: IncrementTable = DEFAULT_INCREMENTS
    seller_fee_rate_incl_vat: Decimal = Decimal(0)   # without a tariff (not confirmed): per lot, no minimum
    currencies: tuple[DisplayCurrency, ...] = ()
    # Lots of this sale whose default of payment is declared (settlement log) -> the defaulting paddle:
    # they may be put up again (réitération des enchères, R221-38) and leave the proceeds until resold.
    defaulted: dict[int, int] = field(default_factory=dict)
    tariff: Tariff | None = None          # the rates in force on the sale's day; None until confirmed


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role


# --- the state -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bid:
    seq: int
    paddle: int
    amount_cents: int
    source: str
    at: datetime | None = None   # when it was made: of two equal bids the earlier wins


@dataclass(frozen=True)
class LotResult:
    lot_id: int
    sold: bool
    seq: int
    amount_cents: int | None = None   # the hammer price; for a lot withdrawn after bidding, its last bid
    paddle: int | None = None
    withdrawn: bool = False           # withdrawn while on the block (withdraw_lot): ends unsold


@dataclass(frozen=True)
class Announcement:
    seq: int
    text: str
    at: datetime
    lot_id: int | None = None


@dataclass
class RoomState:
    sale_id: int
    seq: int = 0
    last_hash: str = GENESIS_HASH
    status: str = "ready"                      # ready, open, paused, stopped, adjourned, closed
    session: int = 0                           # the number of the session open or last closed
    stopped: bool = False                      # the stop rule ended the sale (L221-4): no session reopens
    lot_id: int | None = None                  # the lot on the block, if any
    bids: list[Bid] = field(default_factory=list)
    calls: int = 0
    results: dict[int, LotResult] = field(default_factory=dict)
    last_hammer: LotResult | None = None
    last_announcement: Announcement | None = None
    put_up_again: frozenset[int] = frozenset()  # lots in default put up again in this sale

    @property
    def current_bid(self) -> Bid | None:
        return self.bids[-1] if self.bids else None

    def next_minimum(self, setup: SaleSetup) -> int | None:
        if self.lot_id is None:
            return None
        current = self.current_bid
        return setup.increments.next_minimum(current.amount_cents if current else None,
                                              setup.lots[self.lot_id].opening_bid_cents)

    def sold_in_proceeds(self, setup: SaleSetup) -> list[SoldLot]:
        """The lots sold whose price goes to the proceeds (a lot in default leaves them until resold)."""
        return [SoldLot(setup.lots[r.lot_id].case_id, r.lot_id, r.amount_cents) for r in self.results.values()
                if r.sold and counts_in_proceeds(r.lot_id, setup.defaulted, self.put_up_again)]

    def hammer_total_by_case(self, setup: SaleSetup) -> dict[int, int]:
        totals = {case_id: 0 for case_id in setup.cases}
        for lot in self.sold_in_proceeds(setup):
            totals[lot.case_id] = totals.get(lot.case_id, 0) + lot.hammer_cents
        return totals

    def net_proceeds_by_case(self, setup: SaleSetup) -> dict[int, int]:
        """CPCE L221-4: each lot's hammer price less that lot's seller's fees incl. VAT, each rounded to
        the cent, summed per case, with the sale's minimum seller's fees shared among the sellers: the
        fees the distribution charges (auction/domain/seller_fees.py). Never below 0."""
        sold = self.sold_in_proceeds(setup)
        if setup.tariff is not None:
            fees = {case_id: f.total_cents for case_id, f in seller_fees(sold, setup.tariff).items()}
        else:
            fees = {}
            for lot in sold:
                fees[lot.case_id] = fees.get(lot.case_id, 0) + apply_rate(lot.hammer_cents,
                                                                          setup.seller_fee_rate_incl_vat)
        return {case_id: max(0, total - fees.get(case_id, 0))
                for case_id, total in self.hammer_total_by_case(setup).items()}

    def case_covered(self, setup: SaleSetup, case_id: int) -> bool:
        """CPCE L221-4: the proceeds cover the creditors' claims, so the sale of this case stops."""
        case = setup.cases.get(case_id)
        return case is not None and self.net_proceeds_by_case(setup).get(case_id, 0) >= case.claims_cents


# --- folding events into the state ---------------------------------------------------------------

def apply(state: RoomState, event: Event) -> RoomState:
    """Fold one event into the state (in place) and return it."""
    if event.seq != state.seq + 1 or event.prev_hash != state.last_hash:
        raise ValueError(f"event {event.seq} does not follow {state.seq}")
    kind, p = event.kind, event.payload
    if kind == "sale_opened":
        state.status, state.session = "open", 1
    elif kind == "lot_opened":
        state.lot_id, state.bids, state.calls = p["lot_id"], [], 0
        if p["lot_id"] in state.results:    # an unsold lot offered again: it is back on the block
            state.results = {k: v for k, v in state.results.items() if k != p["lot_id"]}
    elif kind == "bid":
        state.bids = [*state.bids, Bid(event.seq, p["paddle"], p["amount_cents"], p["source"], event.at)]
        state.calls = 0
    elif kind == "bid_retracted":
        state.bids = [b for b in state.bids if b.seq != p["bid_seq"]]
        state.calls = 0
    elif kind == "call":
        state.calls = p["number"]
    elif kind == "hammer":
        result = LotResult(p["lot_id"], True, event.seq, p["amount_cents"], p["paddle"])
        state.results = {**state.results, p["lot_id"]: result}
        state.last_hammer = result
        state.lot_id, state.bids, state.calls = None, [], 0
    elif kind == "lot_passed":
        state.results = {**state.results, p["lot_id"]: LotResult(p["lot_id"], False, event.seq)}
        state.lot_id, state.bids, state.calls = None, [], 0
    elif kind == "lot_reoffered":
        state.results = {k: v for k, v in state.results.items() if k != p["lot_id"]}
        state.last_hammer = None
        state.lot_id, state.bids, state.calls = p["lot_id"], [], 0
    elif kind == "lot_put_up_again_in_room":
        state.results = {k: v for k, v in state.results.items() if k != p["lot_id"]}
        if state.last_hammer is not None and state.last_hammer.lot_id == p["lot_id"]:
            state.last_hammer = None
        state.put_up_again = state.put_up_again | {p["lot_id"]}
        state.lot_id, state.bids, state.calls = p["lot_id"], [], 0
    elif kind == "paused":
        state.status = "paused"
    elif kind == "resumed":
        state.status = "open"
    elif kind == "sale_stopped":
        state.status, state.stopped = "stopped", True
    elif kind == "sale_closed":
        state.status = "closed"
    elif kind == "session_closed":
        state.status = "adjourned"
        state.last_hammer = None       # no re-offer across sessions: a closed session's part is final
    elif kind == "session_opened":
        state.status, state.session = "open", p["session"]
    elif kind == "announcement":
        state.last_announcement = Announcement(event.seq, p["text"], event.at, p.get("lot_id"))
    elif kind == "lot_withdrawn":
        last = p.get("last_bid") or {}
        state.results = {**state.results, p["lot_id"]: LotResult(
            p["lot_id"], False, event.seq, last.get("amount_cents"), last.get("paddle"), withdrawn=True)}
        state.lot_id, state.bids, state.calls = None, [], 0
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    state.seq, state.last_hash = event.seq, event.hash
    return state


def replay(sale_id: int, events: Iterable[Event]) -> RoomState:
    state = RoomState(sale_id)
    for event in events:
        apply(state, event)
    return state
