"""The office (étude), its users, their sessions and the dated tariff."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auction.domain.roles import Role

from .base import Base, Cents, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("role IN ('officer', 'clerk', 'bidder')", name="role"),
    )

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class UserSession(Base):
    """A login. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class Office(Base):
    """The étude running the sales. One per installation."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    siret: Mapped[str] = mapped_column(String(14))
    client_account_iban: Mapped[str] = mapped_column(String(34))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    officer: Mapped[User | None] = relationship(lazy="joined")


class TariffPeriod(Base):
    """Rates entered by the office, in force from `effective_from` (C. com. A444-3)."""

    __tablename__ = "tariff_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    term_ends: Mapped[date | None] = mapped_column(Date)
    buyer_fee_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    seller_fee_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    seller_fee_minimum_cents: Mapped[int] = mapped_column(Cents)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    withdrawn_lot_divisor: Mapped[int] = mapped_column(Integer)
    vacation_half_hour_cents: Mapped[int] = mapped_column(Cents)
    copy_page_cents: Mapped[int] = mapped_column(Cents)            # A444-6
    deposit_cents: Mapped[int] = mapped_column(Cents)              # A444-7
    postponement_cents: Mapped[int] = mapped_column(Cents)         # A444-8
    postponement_max: Mapped[int] = mapped_column(Integer)
    cancellation_cents: Mapped[int] = mapped_column(Cents)
    reference: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LegalInterestRate(Base):
    """A half-year's legal interest rates entered by the office (CMF L313-2): never edited, a row per
    half-year; the shipped rows (auction/domain/legal_interest.py) fill the others."""

    __tablename__ = "legal_interest_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    half_year: Mapped[date] = mapped_column(Date, unique=True)
    private_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    other_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    reference: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
