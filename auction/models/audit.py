"""The audit log: who did what, when, on which sale or case. Rows are only ever added: the database
refuses to change or delete one (migration 0009), so a user, sale or case the log names cannot be
deleted either (RESTRICT, not SET NULL, which would rewrite the entries)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(40))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    summary: Mapped[str] = mapped_column(Text)                      # French, for the officer's page
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user = relationship("User", lazy="joined")

    __table_args__ = (
        Index("ix_audit_log_sale_id_at", "sale_id", "at"),
        Index("ix_audit_log_case_id_at", "case_id", "at"),
    )
