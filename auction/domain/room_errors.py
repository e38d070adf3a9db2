"""The room's named errors: each is sent, in French, to the client that made the command; `code` is
for programs (docs/protocol.md lists them)."""
from __future__ import annotations

from typing import Any

from .errors import DomainError


class RoomError(DomainError):
    code = "room_error"

    def __init__(self, message: str):
        super().__init__(message)


class CommandIdReused(RoomError):
    """A command_id already answered is sent again with another command or other arguments."""

    code = "command_id_reused"


class RateLimited(RoomError):
    """An online bid past its paddle's or its address's rate limit (auction.web.ratelimit.BidLimits)."""

    code = "rate_limited"


class SaleNotOpen(RoomError):
    code = "sale_not_open"


class SaleAlreadyOpen(RoomError):
    code = "sale_already_open"


class SalePaused(RoomError):
    code = "sale_paused"


class SaleEnded(RoomError):
    code = "sale_ended"


class UnknownLot(RoomError):
    code = "unknown_lot"


class LotWithdrawn(RoomError):
    code = "lot_withdrawn"


class LotStillOpen(RoomError):
    code = "lot_still_open"


class LotAlreadySold(RoomError):
    code = "lot_already_sold"


class LotNotOpen(RoomError):
    code = "lot_not_open"


class PaddleNotValid(RoomError):
    code = "paddle_not_valid"


class AlreadyLeading(RoomError):
    code = "already_leading"


class BidTooLow(RoomError):
    code = "bid_too_low"


class NoBid(RoomError):
    code = "no_bid"


class CallsComplete(RoomError):
    code = "calls_complete"


class HammerNeedsCalls(RoomError):
    code = "hammer_needs_calls"


class LotHasBids(RoomError):
    code = "lot_has_bids"


class ReofferNotAllowed(RoomError):
    code = "reoffer_not_allowed"


class LotNotInDefault(RoomError):
    code = "lot_not_in_default"


class StopRuleReached(RoomError):
    code = "stop_rule_reached"


class OfficerRequired(RoomError):
    code = "officer_required"


class ReasonRequired(RoomError):
    code = "reason_required"


class InvalidCommand(RoomError):
    code = "invalid_command"


class StaleCommand(RoomError):
    """The screen acted on a state that has changed since (another tablet was faster)."""

    code = "stale_command"


class Outbid(RoomError):
    """A bid made against a step that another bid took first: the first valid bid for a step wins.

    `data` gives the bid that won and the new minimum, for the loser's screen."""

    code = "outbid"

    def __init__(self, message: str, data: dict[str, Any] | None = None):
        super().__init__(message)
        self.data = data or {}


class OnlineBidPending(RoomError):
    """An online bid received for the lot is not decided yet: the hammer waits for the log."""

    code = "online_bid_pending"


class TextRequired(RoomError):
    code = "text_required"


class TextTooLong(RoomError):
    code = "text_too_long"


class SessionClosed(RoomError):
    """Between two sessions: the next one opens first (`open_session`)."""

    code = "session_closed"
