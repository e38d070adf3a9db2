"""Sales, their lots and the lots' photos."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auction.domain.catalogue import lot_search_text

from .base import Base, Cents, UTCDateTime, utcnow

SALE_STATUSES = ("draft", "announced", "live", "closed", "settled")
PUBLIC_SALE_STATUSES = ("announced", "live", "closed", "settled")


class Sale(Base):
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place_kind: Mapped[str] = mapped_column(String(20))
    place_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    viewing: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    # The nature of the goods, as the notice and the posters give it (R221-34); empty: drawn from the lots.
    goods_summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # The sale's own increment table, [[from_cents, step_cents], ...]; None means the house default.
    increments: Mapped[list[list[int]] | None] = mapped_column(JSON)
    # Currencies the room display converts the current bid into: [{"code": "USD", "rate": "1.0842"}].
    display_currencies: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # Checkout conditions: days after the sale within which the price is to be paid (an unpaid lot is
    # overdue after them), and storage fees: free days after the sale, then an amount per day and lot
    # (excl. VAT; 0: no storage fees).
    payment_days: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    storage_free_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    storage_fee_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    # When the sale was settled (paid out): identity scans are deleted a set number of months later.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lots: Mapped[list["Lot"]] = relationship(
        back_populates="sale", order_by="Lot.position", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'announced', 'live', 'closed', 'settled')", name="status"),
        CheckConstraint("place_kind IN ('room', 'premises')", name="place_kind"),
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_SALE_STATUSES


class Lot(Base):
    __tablename__ = "lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    number_suffix: Mapped[str] = mapped_column(String(10), default="")
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    estimate_low_cents: Mapped[int] = mapped_column(Cents)
    estimate_high_cents: Mapped[int] = mapped_column(Cents)
    opening_bid_cents: Mapped[int] = mapped_column(Cents)
    status: Mapped[str] = mapped_column(String(20), default="listed")
    # A lot put up again on réitération des enchères (R221-38) in this later sale: the lot it was first
    # sold as, in an earlier sale (same case; its history stays there).
    resale_of_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id", ondelete="RESTRICT"), unique=True)
    # Why a lot was withdrawn before the sale: the sale record states it (C. com. R444-47).
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    # Title and description folded (lower case, no accents) for the public catalogue's search; kept
    # up to date by the flush hook below (a bulk INSERT/UPDATE must fill it with `lot_search_text`).
    search_text: Mapped[str] = mapped_column(Text, default="")

    sale: Mapped[Sale] = relationship(back_populates="lots")
    photos: Mapped[list["LotPhoto"]] = relationship(
        back_populates="lot", order_by="LotPhoto.position", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("sale_id", "number", "number_suffix"),
        CheckConstraint("status IN ('listed', 'withdrawn')", name="status"),
        CheckConstraint("0 <= estimate_low_cents AND estimate_low_cents <= estimate_high_cents",
                        name="estimate_range"),
        CheckConstraint("opening_bid_cents >= 0", name="opening_bid_not_negative"),
        Index("ix_lots_sale_id_position", "sale_id", "position"),   # the catalogue's order, paginated
        Index("ix_lots_sale_id_category", "sale_id", "category"),   # the category filter and its list
    )

    @property
    def label(self) -> str:
        return f"{self.number} {self.number_suffix}".strip()


@event.listens_for(Lot, "before_insert")
@event.listens_for(Lot, "before_update")
def _refresh_search_text(_mapper, _connection, lot: Lot) -> None:
    lot.search_text = lot_search_text(lot.title, lot.description)


class LotItem(Base):
    """Which inventory items a lot is made of (an item is in one lot at most)."""

    __tablename__ = "lot_items"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inventory_items.id", ondelete="RESTRICT"), primary_key=True,
                                         unique=True)


class LotPhoto(Base):
    __tablename__ = "lot_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(300))
    alt_text: Mapped[str] = mapped_column(String(300), default="")

    lot: Mapped[Lot] = relationship(back_populates="photos")
