"""The stored settlement log (after the hammer), and the office's gapless number series."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SettlementEvent(Base):
    """One event of a sale's settlement log: never updated or deleted (the database refuses)."""

    __tablename__ = "settlement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # The form or screen action that appended it: the same action twice is recognised, never applied twice.
    command_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("sale_id", "seq"),
        UniqueConstraint("sale_id", "command_id"),
    )


class NumberSeries(Base):
    """The last number given in one of the office's continuous series (invoices, the register…).

    Taking a number increments the row inside the caller's transaction: a rolled-back transaction
    gives its number back, so the series has no gap, and two transactions never get the same one."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
