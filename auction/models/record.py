"""What is kept of the sale record (procès-verbal de vente): never its text, which is derived from
the bid log, but per closed session the log's head and the digest of the document then rendered,
its signature and the register number. The copies delivered are in the settlement log
(`record_copy_issued`; 0025 dropped the table 0015 had made for them). Every table here is
append-only: the database refuses UPDATE and DELETE (migration 0015)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class RecordSeal(Base):
    """A closed session's part of the record, frozen: the event that closed it and the PDF then made."""

    __tablename__ = "record_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"), index=True)
    session: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_pages: Mapped[int] = mapped_column(Integer)
    pdf_path: Mapped[str] = mapped_column(String(200))      # under the private directory
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("sale_id", "session"),)


class RecordSignature(Base):
    """The officer's signature of a session's part: "signed" by hand on the printed record, then
    possibly the scan of the signed pages (checked by content)."""

    __tablename__ = "record_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"), index=True)
    session: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    scan_path: Mapped[str | None] = mapped_column(String(200))
    scan_content_type: Mapped[str | None] = mapped_column(String(40))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("kind IN ('signed', 'scan')", name="kind"),)


class RegisterEntry(Base):
    """The office's register (répertoire) of its sale records: one number per record, one
    continuous sequence per year, given when the record's first session is closed."""

    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("year", "number"),)
