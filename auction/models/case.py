"""Seizure cases (dossiers de saisie-vente), their creditors and claims."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Cents, UTCDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    debtor_name: Mapped[str] = mapped_column(String(200))
    debtor_is_company: Mapped[bool] = mapped_column(default=False)
    debtor_address: Mapped[str] = mapped_column(String(200))
    debtor_postcode: Mapped[str] = mapped_column(String(10))
    debtor_city: Mapped[str] = mapped_column(String(100))
    title_nature: Mapped[str] = mapped_column(String(200))
    title_court: Mapped[str] = mapped_column(String(200))
    title_date: Mapped[date] = mapped_column(Date)
    seizure_date: Mapped[date] = mapped_column(Date)
    # When the seizure act was notified to the debtor: the amicable-sale month runs from it (L221-3).
    seizure_notified_on: Mapped[date | None] = mapped_column(Date)
    # VAT on the hammer prices, set by the officer only where the seller is a taxable business that says
    # so; None: the officer sells as an intermediary and VAT applies to his fees only.
    seller_vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 6))
    # Where the debtor's surplus of the distribution is paid, and where the reports go.
    debtor_iban: Mapped[str] = mapped_column(String(34), default="")
    debtor_bic: Mapped[str] = mapped_column(String(11), default="")
    debtor_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creditors: Mapped[list["Creditor"]] = relationship(
        back_populates="case", order_by="Creditor.id", cascade="all, delete-orphan")
    offers: Mapped[list["AmicableOffer"]] = relationship(
        back_populates="case", order_by="AmicableOffer.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("seller_vat_rate IS NULL OR (seller_vat_rate > 0 AND seller_vat_rate < 0.5)",
                        name="seller_vat_rate"),
    )


class Creditor(Base):
    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    is_private_person: Mapped[bool] = mapped_column(default=False)
    represented_by: Mapped[str] = mapped_column(String(200), default="")
    # The opposition act's day (L221-5, R221-41); the seizing creditor came forward with the seizure.
    came_forward_on: Mapped[date | None] = mapped_column(Date)
    iban: Mapped[str] = mapped_column(String(34), default="")     # payouts (SEPA)
    bic: Mapped[str] = mapped_column(String(11), default="")
    email: Mapped[str] = mapped_column(String(254), default="")   # reports

    case: Mapped[Case] = relationship(back_populates="creditors")
    claims: Mapped[list["Claim"]] = relationship(
        back_populates="creditor", order_by="Claim.id", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("role IN ('seizing', 'opposing')", name="role"),)


class Claim(Base):
    """What a creditor is owed under one enforceable title, in cents."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    principal_cents: Mapped[int] = mapped_column(Cents)
    interest_cents: Mapped[int] = mapped_column(Cents, default=0)
    costs_cents: Mapped[int] = mapped_column(Cents, default=0)
    as_of: Mapped[date] = mapped_column(Date)
    # The distribution's rank, the officer's call (C. civ. 2331, 2332-1; CGI 1920): its kind and, for
    # privileged and secured claims, its legal order (1 first).
    rank_kind: Mapped[str] = mapped_column(String(20), default="unsecured", server_default="unsecured")
    rank_order: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    conservatory: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Interest after `as_of` to the day of distribution: none, the legal rate (CMF L313-2) or the title's.
    interest_basis: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    interest_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 6))
    enforceable_on: Mapped[date | None] = mapped_column(Date)   # L313-3: five points two months later

    creditor: Mapped[Creditor] = relationship(back_populates="claims")

    __table_args__ = (
        CheckConstraint("principal_cents >= 0 AND interest_cents >= 0 AND costs_cents >= 0",
                        name="amounts_not_negative"),
        CheckConstraint("rank_kind IN ('costs_of_justice', 'privileged', 'secured', 'unsecured')", name="rank_kind"),
        CheckConstraint("rank_order >= 1", name="rank_order_positive"),
        CheckConstraint("interest_basis IN ('none', 'legal', 'title')", name="interest_basis"),
    )

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.interest_cents + self.costs_cents


class AmicableOffer(Base):
    """An offer the debtor reported to sell the goods himself (L221-3, R221-30): the officer sends it to
    every creditor by registered letter; each has fifteen days from receipt to answer (R221-31)."""

    __tablename__ = "amicable_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    offeror: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Cents)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="offers")
    letters: Mapped[list["OfferLetter"]] = relationship(
        back_populates="offer", order_by="OfferLetter.id", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)


class OfferLetter(Base):
    """The registered letter telling one creditor of an amicable-sale offer, and when it was received."""

    __tablename__ = "offer_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("amicable_offers.id", ondelete="CASCADE"), index=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)

    offer: Mapped[AmicableOffer] = relationship(back_populates="letters")

    __table_args__ = (UniqueConstraint("offer_id", "creditor_id"),)
