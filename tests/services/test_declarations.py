"""The declarations on both databases: the quarterly declaration to the chamber listed with its due
date (the office's dated delay) and sent state; once sent, its PDF and CSV are kept as sent with
their SHA-256 and never made again."""
import hashlib
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from auction.domain import declarations as dec
from auction.domain.errors import InvalidValue
from auction.models import DeclarationSent, User
from auction.services import declarations
from auction.services.demo import seed_demo

from .held_sale import sell

TODAY = date(2026, 11, 22)                     # the held sale's sessions: 10 and 21 November 2026 (Q4)
JANUARY = datetime(2027, 1, 12, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
async def held(db, tmp_path):
    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        return await session.scalar(select(User).where(User.role == "clerk"))


async def test_the_quarter_is_listed_with_its_due_date_then_sent_and_frozen(db, held):
    before = await declarations.declarations(db.sessions, datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc))
    [q4] = before.quarters
    assert (q4.year, q4.quarter, q4.due_on) == (2026, 4, date(2027, 1, 30))      # the demo's 30 days
    assert q4.state(before.today) == "running"
    with pytest.raises(InvalidValue, match="pas terminé"):
        await declarations.mark_sent(db.sessions, 2026, 4, date(2026, 12, 3), "portal", "", user_id=held.id,
                                     now=datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc))
    listed = await declarations.declarations(db.sessions, JANUARY)
    assert [(q.year, q.quarter, q.state(listed.today)) for q in listed.quarters] == [(2027, 1, "running"),
                                                                                    (2026, 4, "to_send")]
    row = await declarations.mark_sent(db.sessions, 2026, 4, date(2027, 1, 12), "portal", "Dépôt n° 4471",
                                       user_id=held.id, now=JANUARY)
    assert row.pdf.startswith(b"%PDF") and row.pdf_sha256 == hashlib.sha256(row.pdf).hexdigest()
    assert "VJ-2026-11".encode() in row.csv and row.csv_sha256 == hashlib.sha256(row.csv).hexdigest()
    with pytest.raises(InvalidValue, match="déjà envoyée"):
        await declarations.mark_sent(db.sessions, 2026, 4, date(2027, 1, 12), "portal", "", user_id=held.id,
                                     now=JANUARY)
    listed = await declarations.declarations(db.sessions, JANUARY)
    sent = listed.quarters[1]
    assert sent.state(listed.today) == "sent" and sent.sent.reference == "Dépôt n° 4471"
    later = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
    stored = await declarations.sent_of(db.sessions, 2026, 4)
    assert stored.pdf == row.pdf                                  # the bytes as sent
    assert not await declarations.changed_since_sent(db.sessions, stored, later)
    with pytest.raises(Exception, match="append-only"):
        async with db.sessions() as session, session.begin():
            await session.execute(update(DeclarationSent).where(DeclarationSent.id == row.id).values(pdf=b"x"))


async def test_the_offices_delay_is_dated_and_one_row_a_day(db, held):
    async with db.sessions() as session:
        rows = await declarations.terms(session)
    assert [(t.effective_from, t.days_after_quarter) for t in rows] == [(date(2026, 1, 1), 30)]
    await declarations.add_terms(db.sessions, dec.Terms(date(2027, 1, 1), 45, "Nouveau règlement de la chambre"),
                                 held.id, JANUARY)
    with pytest.raises(InvalidValue, match="déjà en vigueur"):
        await declarations.add_terms(db.sessions, dec.Terms(date(2027, 1, 1), 20, "Autre"), held.id, JANUARY)
    listed = await declarations.declarations(db.sessions, datetime(2027, 4, 2, 9, 0, tzinfo=timezone.utc))
    q1 = next(q for q in listed.quarters if (q.year, q.quarter) == (2027, 1))
    q4 = next(q for q in listed.quarters if (q.year, q.quarter) == (2026, 4))
    assert q1.due_on == date(2027, 5, 15) and q4.due_on == date(2027, 1, 30)
    assert q4.state(listed.today) == "overdue"


async def test_a_lot_sold_after_the_sending_shows_the_figures_changed(db, sale_id, clerk):
    """A sale opened in the quarter and still open when its declaration is sent (its second session
    after the quarter): a lot sold then changes the figures; the declaration kept stays the one sent."""
    opened = datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc)        # the demo sale's day
    await sell(db.sessions, sale_id, clerk, [(0, 1)], now=opened)
    row = await declarations.mark_sent(db.sessions, 2026, 4, date(2027, 1, 12), "portal", "Dépôt n° 12",
                                       user_id=clerk.user_id, now=JANUARY)
    assert not await declarations.changed_since_sent(db.sessions, row, JANUARY)
    later = JANUARY + timedelta(days=2)
    await sell(db.sessions, sale_id, clerk, [(1, 2)], now=later)
    assert await declarations.changed_since_sent(db.sessions, row, later)
    kept = await declarations.sent_of(db.sessions, 2026, 4)
    assert (kept.csv, kept.csv_sha256) == (row.csv, row.csv_sha256)
