"""The claims register (auction/domain/contests.py): each contest, the lots it is about, its steps,
the documents received, and the delays the office set. Every table here is append-only: the
database refuses UPDATE and DELETE (migration 0022); a contest's status is its latest step row."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

CONTESTANTS = "'bidder', 'buyer', 'debtor', 'creditor'"
SUBJECTS = "'lots', 'sale', 'distribution'"
STEPS = "'received', 'evidence_sent', 'answered', 'referred', 'closed'"


class Contest(Base):
    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"), index=True)
    subject: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))   # the distribution's
    contestant_kind: Mapped[str] = mapped_column(String(20))
    contestant_name: Mapped[str] = mapped_column(String(200))
    contestant_contact: Mapped[str] = mapped_column(Text, default="")
    # A bidder or buyer of the sale, named by their paddle: their personal-data export lists it (0028).
    # No ON DELETE clause: SQLite does not read one back from a column added in place (a bidder named
    # by a contest cannot be deleted either way: the constraint is checked at once).
    bidder_id: Mapped[int | None] = mapped_column(ForeignKey("bidders.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    means: Mapped[str] = mapped_column(String(100))           # how it came: registered letter, e-mail, at the desk
    grounds: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lots = relationship("ContestLot", lazy="selectin", order_by="ContestLot.id")
    steps = relationship("ContestStep", lazy="selectin", order_by="ContestStep.id")
    documents = relationship("ContestDocument", lazy="selectin", order_by="ContestDocument.id")

    __table_args__ = (
        CheckConstraint(f"subject IN ({SUBJECTS})", name="subject"),
        CheckConstraint(f"contestant_kind IN ({CONTESTANTS})", name="contestant_kind"),
        CheckConstraint("subject <> 'distribution' OR case_id IS NOT NULL", name="distribution_case"),
    )


class ContestLot(Base):
    __tablename__ = "contest_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="RESTRICT"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="RESTRICT"))

    lot = relationship("Lot", lazy="joined")

    __table_args__ = (UniqueConstraint("contest_id", "lot_id"),)


class ContestStep(Base):
    """A step of the office's handling: the first is the reception, recorded with the contest."""

    __tablename__ = "contest_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="RESTRICT"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    taken_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author = relationship("User", lazy="joined")

    __table_args__ = (
        CheckConstraint(f"step IN ({STEPS})", name="step"),
        UniqueConstraint("contest_id", "step"),
    )


class ContestDocument(Base):
    """A document received (checked by content), kept in the private directory."""

    __tablename__ = "contest_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(200))            # under the private directory
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContestDelayPeriod(Base):
    """A delay the office set for a step of a procedure, in force from `effective_from`; a change is a
    newer row."""

    __tablename__ = "contest_delays"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(20))
    counted_from: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(10))
    effective_from: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(f"subject IN ({SUBJECTS})", name="subject"),
        CheckConstraint(f"step IN ({STEPS})", name="step"),
        CheckConstraint(f"counted_from IN ({STEPS})", name="counted_from"),
        CheckConstraint("unit IN ('days', 'months')", name="unit"),
        CheckConstraint("amount > 0", name="amount"),
        UniqueConstraint("subject", "step", "effective_from"),
    )
