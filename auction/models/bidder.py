"""Bidders, their registrations (paddles) for a sale, the checks behind a paddle, absentee orders
and phone bids, the sale's registration rules, barred persons, and the log of personal-data access."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        event, false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auction.domain.identity import name_key

from .base import Base, Cents, UTCDateTime, utcnow


class Bidder(Base):
    __tablename__ = "bidders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str] = mapped_column(String(2), default="FR", server_default="FR")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    # Sets the cash ceiling (CMF D112-3): 'france' or 'abroad'.
    tax_residence: Mapped[str] = mapped_column(String(10), default="france", server_default="france")
    buyer_type: Mapped[str] = mapped_column(String(10), default="person", server_default="person")
    company_name: Mapped[str] = mapped_column(String(200), default="")
    company_number: Mapped[str] = mapped_column(String(14), default="")   # SIREN or SIRET
    representative_capacity: Mapped[str] = mapped_column(String(100), default="")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A bidder blocked after a default of payment gets no paddle until unblocked.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str] = mapped_column(Text, default="")
    # When the block comes from a default act (auction/services/defaults.py): its sale and the seq of its
    # `default_declared` settlement event.
    blocked_sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    blocked_default_seq: Mapped[int | None] = mapped_column(Integer)
    # Folded "last first" for finding a returning bidder; kept up to date by the flush hook below.
    search_name: Mapped[str] = mapped_column(String(200), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="bidder")

    __table_args__ = (
        CheckConstraint("tax_residence IN ('france', 'abroad')", name="tax_residence"),
        CheckConstraint("buyer_type IN ('person', 'company')", name="buyer_type"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"


@event.listens_for(Bidder, "before_insert")
@event.listens_for(Bidder, "before_update")
def _refresh_search_name(_mapper, _connection, bidder: Bidder) -> None:
    bidder.search_name = name_key(bidder.first_name, bidder.last_name)


class Registration(Base):
    """A bidder admitted to one sale, with the paddle number given once verified."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    # 'web' (the bidder's online pre-registration) or 'desk' (the clerk, on site).
    registered_via: Mapped[str] = mapped_column(String(10), default="desk", server_default="desk")
    paddle_number: Mapped[int | None] = mapped_column(Integer)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    conditions_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The identity document, as declared; the names as the clerk read them on it.
    document_type: Mapped[str] = mapped_column(String(20), default="")
    document_number: Mapped[str] = mapped_column(String(20), default="")
    document_expires_on: Mapped[date | None] = mapped_column(Date)
    document_country: Mapped[str] = mapped_column(String(2), default="")
    document_seen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    document_first_names: Mapped[str] = mapped_column(String(200), default="")
    document_last_name: Mapped[str] = mapped_column(String(100), default="")
    # Its scan, under the private directory (never the public media one); deleted after retention.
    scan_path: Mapped[str | None] = mapped_column(String(200))
    scan_content_type: Mapped[str | None] = mapped_column(String(40))
    scan_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scan_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Solvency, as the sale's rules require: a deposit, a bank letter or a card pre-authorisation.
    solvency_kind: Mapped[str | None] = mapped_column(String(20))
    solvency_amount_cents: Mapped[int | None] = mapped_column(Cents)
    solvency_method: Mapped[str | None] = mapped_column(String(20))
    solvency_reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bidder: Mapped[Bidder] = relationship(back_populates="registrations", lazy="joined")

    __table_args__ = (
        UniqueConstraint("sale_id", "paddle_number"),
        UniqueConstraint("sale_id", "bidder_id"),
        CheckConstraint("channel IN ('room', 'online')", name="channel"),
        CheckConstraint("registered_via IN ('web', 'desk')", name="registered_via"),
        CheckConstraint("(paddle_number IS NULL) OR (verified_at IS NOT NULL)", name="paddle_needs_verification"),
        CheckConstraint("solvency_kind IS NULL OR solvency_kind IN ('deposit', 'bank_letter', 'card_preauth')",
                        name="solvency_kind"),
    )


class RegistrationCheck(Base):
    """One check of a registration, as run when the clerk asked for a paddle: who, when, result."""

    __tablename__ = "registration_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    passed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("kind IN ('identity', 'age', 'names', 'solvency', 'not_barred', 'duplicates')", name="kind"),
    )


class BarredClearance(Base):
    """The officer's finding that a bidder is not the barred person they match by name (a homonym),
    with the reason; that entry no longer refuses this registration. Kept as a record, never edited."""

    __tablename__ = "barred_clearances"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    entry_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    cleared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("registration_id", "entry_name"),)


class BidRequest(Base):
    """An absentee order (maximum amount) or a phone-bid request for one lot, taken at registration.

    `received_at` is kept to the microsecond: of two equal maximums, the first received wins."""

    __tablename__ = "bid_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    max_amount_cents: Mapped[int | None] = mapped_column(Cents)
    phone: Mapped[str] = mapped_column(String(30), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("registration_id", "lot_id"),
        CheckConstraint("kind IN ('absentee', 'phone')", name="kind"),
        CheckConstraint("kind <> 'absentee' OR max_amount_cents > 0", name="absentee_has_maximum"),
        CheckConstraint("kind <> 'phone' OR phone <> ''", name="phone_has_number"),
    )


class RegistrationRules(Base):
    """What one sale asks of its bidders: paddle ranges and the solvency required. No row: defaults."""

    __tablename__ = "registration_rules"

    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), primary_key=True)
    room_first: Mapped[int] = mapped_column(Integer, default=1)
    room_last: Mapped[int] = mapped_column(Integer, default=499)
    online_first: Mapped[int] = mapped_column(Integer, default=501)
    online_last: Mapped[int] = mapped_column(Integer, default=999)
    solvency_rule: Mapped[str] = mapped_column(String(20), default="none")
    deposit_minimum_cents: Mapped[int] = mapped_column(Cents, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("solvency_rule IN ('none', 'any', 'deposit', 'bank_letter', 'card_preauth')",
                        name="solvency_rule"),
        CheckConstraint("deposit_minimum_cents >= 0", name="deposit_minimum_not_negative"),
    )


class BarredPerson(Base):
    """Someone who may not buy (C. civ. 1596): in the sales of one case, or in every sale (no case)."""

    __tablename__ = "barred_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PersonalDataAccess(Base):
    """Who looked at what personal data, when: identity scans viewed, data exported, scans purged,
    contest documents downloaded (migration 0024). Append-only (the database refuses updates and deletes, migration 0019), like the audit log."""

    __tablename__ = "personal_data_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(30))
    bidder_id: Mapped[int | None] = mapped_column(ForeignKey("bidders.id", ondelete="RESTRICT"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="RESTRICT"))
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id", ondelete="RESTRICT"), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        CheckConstraint("action IN ('view_scan', 'export', 'purge_scan', 'view_contest_document')", name="action"),
        Index("ix_personal_data_access_log_registration_id_at", "registration_id", "at"),
    )
