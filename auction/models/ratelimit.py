"""The shared state of the rate limits on PostgreSQL (auction.services.rate_limits): one row per
limited key. On SQLite the limits are kept in the server's memory and this table stays empty."""
from __future__ import annotations

from sqlalchemy import Boolean, Double, String, true
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RateLimit(Base):
    """One token bucket (bids, registrations, a login address) or one login e-mail's failures.

    `key` is the limit's kind and a keyed hash of what it counts ("login-email:3f2a…"): never an
    e-mail or a client address in clear. Times are seconds since the epoch (UTC), as the servers'
    clocks give them; a row past `expires_at` says no more than no row at all, and is swept away.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[float] = mapped_column(Double)          # tokens left (a bucket) or failures in a row (a login e-mail)
    stamp: Mapped[float] = mapped_column(Double)          # when `level` was last worked out
    until: Mapped[float] = mapped_column(Double)          # refusing until then (no token yet; the e-mail's pause)
    expires_at: Mapped[float] = mapped_column(Double, index=True)
    granted: Mapped[bool] = mapped_column(Boolean, server_default=true())   # the last check's answer
