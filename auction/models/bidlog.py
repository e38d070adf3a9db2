"""The stored bid log: one row per event, never updated or deleted."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SaleEvent(Base):
    __tablename__ = "sale_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    command_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        # One event per step: two tablets or two processes can never both append the same seq.
        UniqueConstraint("sale_id", "seq"),
        # A command retried after a network blip is recognised, never applied twice.
        UniqueConstraint("sale_id", "command_id"),
    )


class OnlineBidRefusal(Base):
    """An online bid that arrived and was refused (too late, outbid, rate-limited…), with its arrival
    time and the message the bidder was sent: the bid log holds the accepted bids only, this record the
    others, so that "my bid was missed" is answered from the evidence file. Written after the bidder's
    answer, off the room's path (auction.services.online_refusals); never updated or deleted."""
    __tablename__ = "online_bid_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    lot_id: Mapped[int | None] = mapped_column(Integer)          # as the bid named it: not a foreign key
    paddle: Mapped[int | None] = mapped_column(Integer)
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    expected_bid_seq: Mapped[int | None] = mapped_column(Integer)
    log_seq: Mapped[int] = mapped_column(Integer)                # the room's last event when it refused
    command_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_online_bid_refusals_sale_id_lot_id", "sale_id", "lot_id"),)
