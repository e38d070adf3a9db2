"""Inventory acts (PV de saisie, rectificatif, vérification) and their items."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Cents, UTCDateTime, utcnow


class InventoryAct(Base):
    __tablename__ = "inventory_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_acts.id", ondelete="RESTRICT"))
    act_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    present_persons: Mapped[str] = mapped_column(Text, default="")
    prior_seizures_statement: Mapped[str] = mapped_column(Text, default="")
    custody_notice: Mapped[str] = mapped_column(Text, default="")
    amicable_sale_notice: Mapped[str] = mapped_column(Text, default="")
    enforcement_court: Mapped[str] = mapped_column(String(300), default="")
    correction_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    digest: Mapped[str | None] = mapped_column(String(64))

    items: Mapped[list["InventoryItem"]] = relationship(
        back_populates="act", order_by="InventoryItem.position", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("kind IN ('seizure', 'correction', 'verification')", name="kind"),
        CheckConstraint("(signed_at IS NULL) = (digest IS NULL)", name="signed_has_digest"),
    )


class InventoryItem(Base):
    __tablename__ = "inventory_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("inventory_acts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    condition: Mapped[str] = mapped_column(String(300), default="")
    estimate_cents: Mapped[int | None] = mapped_column(Cents)
    category: Mapped[str] = mapped_column(String(60), default="")
    refers_to_item_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_items.id", ondelete="RESTRICT"))
    finding: Mapped[str | None] = mapped_column(String(20))
    # Verification (R221-36): the lot of the missing or damaged goods, withdrawn or described again.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id", ondelete="RESTRICT"))
    lot_action: Mapped[str | None] = mapped_column(String(20))

    act: Mapped[InventoryAct] = relationship(back_populates="items")

    __table_args__ = (
        UniqueConstraint("act_id", "position"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("finding IS NULL OR finding IN ('missing', 'damaged')", name="finding"),
        CheckConstraint("lot_action IS NULL OR lot_action IN ('withdrawn', 'redescribed')", name="lot_action"),
    )
