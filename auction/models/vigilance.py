"""The office's vigilance thresholds (dated) and the officer's vigilance decisions (auction/domain/
vigilance.py). Both append-only: the database refuses UPDATE and DELETE (migration 0021); a change
of thresholds is a new row from its day, a new decision supersedes the last one without erasing it."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class VigilanceThreshold(Base):
    __tablename__ = "vigilance_thresholds"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    cash_share_percent: Mapped[int] = mapped_column(Integer)
    cash_payments_count: Mapped[int] = mapped_column(Integer)
    cash_window_days: Mapped[int] = mapped_column(Integer)
    estimate_ratio_percent: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VigilanceDecision(Base):
    """The officer's decision on one buyer of one sale, with the flags he saw when he took it."""

    __tablename__ = "vigilance_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="RESTRICT"))
    paddle: Mapped[int] = mapped_column(Integer)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    declared_on: Mapped[date | None] = mapped_column(Date)
    declaration_reference: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint("decision IN ('no_action', 'enhanced_checks', 'suspicion_declared')", name="decision"),
        CheckConstraint("decision <> 'suspicion_declared' OR (declared_on IS NOT NULL AND declaration_reference <> '')",
                        name="suspicion_has_date_and_reference"),
        Index("ix_vigilance_decisions_sale_id_paddle", "sale_id", "paddle"),
    )
