"""The audit log: every publicity step, who did it and when. Entries are added in the transaction of
the step they record (a step undone leaves no entry); refusals are logged in a transaction of their own."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.models import AuditEntry

PAGE = 300


def record(session: AsyncSession, *, at: datetime, user_id: int | None, action: str, summary: str,
           sale_id: int | None = None, case_id: int | None = None, details: dict[str, Any] | None = None) -> None:
    session.add(AuditEntry(at=at, user_id=user_id, action=action, summary=summary, sale_id=sale_id,
                           case_id=case_id, details=details or {}))


async def record_alone(sessions: async_sessionmaker[AsyncSession], **entry) -> None:
    """An entry committed on its own: a refusal, whose step rolled back."""
    async with sessions() as session, session.begin():
        record(session, **entry)


async def entries(sessions: async_sessionmaker[AsyncSession], *, sale_id: int | None = None,
                  case_ids: list[int] | None = None, limit: int = PAGE) -> list[AuditEntry]:
    """The latest entries first; for a sale, its own and those of its cases."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if sale_id is not None:
        condition = AuditEntry.sale_id == sale_id
        if case_ids:
            condition = condition | AuditEntry.case_id.in_(case_ids)
        statement = statement.where(condition)
    async with sessions() as session:
        return list((await session.scalars(statement)).unique())
