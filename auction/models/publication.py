"""A sale's publicity: its notices (one current, earlier ones superseded), the publication acts
(posters, press, the web), the debtors' notices, and the officer's overrides of failed checks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class SaleNotice(Base):
    """The avis de vente as issued: a snapshot of the sale's date, place, goods and conditions."""

    __tablename__ = "sale_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place_kind: Mapped[str] = mapped_column(String(20))
    place_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    viewing: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    goods_summary: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    change_note: Mapped[str] = mapped_column(Text, default="")       # what changed from the previous notice
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("sale_id", "version"),)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def place(self) -> str:
        return f"{self.place_name}, {self.address}, {self.postcode} {self.city}"


class PublicationAct(Base):
    """One channel of publicity done: a poster put up, a press insertion, the web page published."""

    __tablename__ = "publication_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("sale_notices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")      # town hall, place of sale, newspaper, URL
    commune_postcode: Mapped[str] = mapped_column(String(10), default="")
    commune_city: Mapped[str] = mapped_column(String(100), default="")
    proof_path: Mapped[str | None] = mapped_column(String(300))     # under the private directory
    proof_content_type: Mapped[str | None] = mapped_column(String(50))
    proof_sha256: Mapped[str | None] = mapped_column(String(64))
    system_record: Mapped[str] = mapped_column(Text, default="")     # the web: what the system published, its digest
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    notice: Mapped[SaleNotice] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("kind IN ('poster_town_hall', 'poster_sale_place', 'press', 'web')", name="kind"),
        CheckConstraint("proof_path IS NOT NULL OR system_record <> ''", name="has_proof"),
    )


class DebtorNotice(Base):
    """A debtor told the place, day and time of the sale (CPCE R221-35)."""

    __tablename__ = "debtor_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("sale_notices.id", ondelete="CASCADE"), index=True)
    told_on: Mapped[date] = mapped_column(Date)
    means: Mapped[str] = mapped_column(String(20))
    means_detail: Mapped[str] = mapped_column(Text, default="")     # how: the means described, the address used
    reference: Mapped[str] = mapped_column(String(200), default="")  # the letter's or the act's number
    proof_path: Mapped[str | None] = mapped_column(String(300))
    proof_content_type: Mapped[str | None] = mapped_column(String(50))
    proof_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    notice: Mapped[SaleNotice] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("means IN ('simple_letter', 'registered_letter', 'served_act', 'hand_delivery', 'email', "
                        "'other')", name="means"),
        CheckConstraint("means <> 'other' OR means_detail <> ''", name="other_means_described"),
    )


class PublicityOverride(Base):
    """The officer's decision to go on despite a failed check of a notice, with the written reason."""

    __tablename__ = "publicity_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("sale_notices.id", ondelete="CASCADE"))
    check_key: Mapped[str] = mapped_column(String(150))
    article: Mapped[str] = mapped_column(String(100))
    check_message: Mapped[str] = mapped_column(Text)               # the failure overridden, as it was shown
    reason: Mapped[str] = mapped_column(Text)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    officer = relationship("User", lazy="joined")

    __table_args__ = (
        UniqueConstraint("notice_id", "check_key"),
        Index("ix_publicity_overrides_notice_id", "notice_id"),
    )
