"""The record of the screens connected to a sale's room: one row per socket accepted and per socket
closed, never updated or deleted (auction.services.screens writes it off the room's path)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class ScreenConnection(Base):
    """A screen's connect or disconnect: its role, the staff user or the online paddle where the role
    has one, the server process (host and pid) and the connection's number in it, the time. No name,
    no IP address. `lost` rows: how many rows the process could not record, from `at` to `lost_until`.
    `restart` rows: the close of a connection whose process was gone, written by a process of the same
    host at its start (`at`), the latest the connection can have ended (migration 0027)."""
    __tablename__ = "screen_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(12))             # connect, disconnect, lost, restart
    role: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    connection: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    paddle: Mapped[int | None] = mapped_column(Integer)
    lost: Mapped[int] = mapped_column(Integer, default=0)
    lost_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_screen_connections_sale_id_at", "sale_id", "at"),
                      Index("ix_screen_connections_host_pid", "host", "pid"),      # the restart's look-up
                      CheckConstraint("kind IN ('connect', 'disconnect', 'lost', 'restart')", name="kind"))
