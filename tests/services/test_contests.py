"""The claims register on both databases: a contest recorded with its documents and its reception, its
steps as new rows (who may take which, in order), the deadlines from the office's dated delays, the
deadlines board's part, the audit log, and the database refusing to change or delete any of it."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.domain.contests import Contestant, ContestDelay, Step, StepRefused, Subject, Unit
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import AuditEntry, Contest, ContestDelayPeriod, ContestDocument, ContestStep, Lot, User
from auction.services import contest_delays, contests
from auction.services.contest_documents import store_document

# the demo sale is on Saturday 12/12/2026 (seeded on 22/11)
AFTER_SALE = datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)     # Monday
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def staff(db, sale_id):
    async with db.sessions() as session:
        officer = await session.scalar(select(User).where(User.role == "officer"))
        clerk = await session.scalar(select(User).where(User.role == "clerk"))
        lots = list(await session.scalars(select(Lot.id).where(Lot.sale_id == sale_id).order_by(Lot.position)))
    return officer, clerk, lots


def bidder_contest(lot_ids, received_on=date(2026, 12, 14)) -> contests.NewContest:
    return contests.NewContest(Subject.LOTS, Contestant.BIDDER, "Paul Girard", "3 rue Mercière, 69002 Lyon",
                               received_on, "lettre recommandée", "Mon enchère en ligne n'a pas été prise en compte.",
                               tuple(lot_ids))


async def answer_in_15_days(db, officer, effective_from=date(2026, 1, 1), amount=15):
    await contest_delays.add_delay(db.sessions, ContestDelay(Subject.LOTS, Step.ANSWERED, Step.RECEIVED, amount,
                                                             Unit.DAYS, effective_from, "Règle de l'étude"),
                                   author_id=officer.id, now=AFTER_SALE)


async def test_a_contest_is_recorded_with_its_lots_documents_reception_and_audit_entry(db, sale_id, staff, tmp_path):
    officer, clerk, lots = staff
    stored = await store_document(MINIMAL_PDF, tmp_path)
    assert (tmp_path / stored.path).read_bytes() == MINIMAL_PDF and stored.path.startswith("contestations/")
    contest = await contests.record_contest(db.sessions, sale_id, bidder_contest(lots[:2]),
                                            [contests.NewDocument("lettre.pdf", stored)],
                                            user_id=clerk.id, now=AFTER_SALE)
    view = await contests.contest_view(db.sessions, sale_id, contest.id)
    assert view.status is Step.RECEIVED
    assert [c.lot_id for c in view.contest.lots] == lots[:2]
    assert [(s.step, s.taken_on, s.author_id) for s in view.contest.steps] == [("received", date(2026, 12, 14), clerk.id)]
    (document,) = view.contest.documents
    assert (document.title, document.content_type, document.sha256) == ("lettre.pdf", "application/pdf", stored.sha256)
    assert contests.about(view.contest) == "Adjudication des lots 1, 2"
    assert view.unconfigured and view.next_due is None               # no delay set by the office: no date
    async with db.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "contest_recorded"))
    assert entry.sale_id == sale_id and entry.user_id == clerk.id
    assert "Paul Girard" not in entry.summary and "Mercière" not in str(entry.details)   # no personal data in the log
    assert entry.details["documents"] == [stored.sha256]


async def test_bad_input_is_refused_and_nothing_is_written(db, sale_id, staff):
    officer, clerk, lots = staff
    cases = [
        (bidder_contest([]), "lot_ids"),
        (bidder_contest([lots[0]], received_on=date(2026, 12, 11)), "received_on"),     # before the sale
        (bidder_contest([lots[0]], received_on=date(2026, 12, 15)), "received_on"),     # tomorrow
        (contests.NewContest(Subject.DISTRIBUTION, Contestant.CREDITOR, "Banque", "", date(2026, 12, 14), "courriel",
                             "Rang contesté", case_id=None), "case_id"),
        (contests.NewContest(Subject.SALE, Contestant.DEBTOR, " ", "", date(2026, 12, 14), "courriel", "Vente nulle"),
         "contestant_name"),
    ]
    for new, field in cases:
        with pytest.raises(InvalidValue) as exc:
            await contests.record_contest(db.sessions, sale_id, new, [], user_id=clerk.id, now=AFTER_SALE)
        assert exc.value.field == field
    async with db.sessions() as session:
        assert await session.scalar(select(Contest.id)) is None
        assert await session.scalar(select(AuditEntry.id).where(AuditEntry.action == "contest_recorded")) is None


async def test_a_lot_of_another_sale_is_refused(db, sale_id, staff):
    officer, clerk, lots = staff
    with pytest.raises(InvalidValue, match="pas de cette vente"):
        await contests.record_contest(db.sessions, sale_id, bidder_contest([lots[0], 10**6]), [],
                                      user_id=clerk.id, now=AFTER_SALE)


async def test_steps_are_new_rows_in_order_and_the_officer_closes(db, sale_id, staff, tmp_path):
    officer, clerk, lots = staff
    contest = await contests.record_contest(db.sessions, sale_id, bidder_contest([lots[0]]), [],
                                            user_id=clerk.id, now=AFTER_SALE)
    await contests.add_step(db.sessions, sale_id, contest.id, Step.EVIDENCE_SENT, date(2026, 12, 14),
                            "Extrait du journal des enchères du lot 1", user_id=clerk.id, role=Role.CLERK, now=AFTER_SALE)
    with pytest.raises(StepRefused, match="commissaire de justice"):
        await contests.add_step(db.sessions, sale_id, contest.id, Step.CLOSED, date(2026, 12, 14), "",
                                user_id=clerk.id, role=Role.CLERK, now=AFTER_SALE)
    await contests.add_step(db.sessions, sale_id, contest.id, Step.ANSWERED, date(2026, 12, 14), "Rejetée",
                            user_id=officer.id, role=Role.OFFICER, now=AFTER_SALE)
    with pytest.raises(StepRefused, match="déjà à l'étape"):
        await contests.add_step(db.sessions, sale_id, contest.id, Step.EVIDENCE_SENT, date(2026, 12, 14), "",
                                user_id=clerk.id, role=Role.CLERK, now=AFTER_SALE)
    await contests.add_step(db.sessions, sale_id, contest.id, Step.CLOSED, date(2026, 12, 14), "",
                            user_id=officer.id, role=Role.OFFICER, now=AFTER_SALE)
    stored = await store_document(MINIMAL_PDF, tmp_path)
    with pytest.raises(StepRefused, match="close"):
        await contests.add_document(db.sessions, tmp_path, sale_id, contest.id,
                                    contests.NewDocument("tard.pdf", stored), user_id=clerk.id, now=AFTER_SALE)
    assert not (tmp_path / stored.path).exists()                # the file of a refused document is removed
    view = await contests.contest_view(db.sessions, sale_id, contest.id)
    assert [(s.step, s.author_id) for s in view.contest.steps] == [
        ("received", clerk.id), ("evidence_sent", clerk.id), ("answered", officer.id), ("closed", officer.id)]
    assert view.closed and view.pending == []
    async with db.sessions() as session:
        logged = list(await session.scalars(select(AuditEntry.details).where(AuditEntry.action == "contest_step")))
    assert [d["step"] for d in logged] == ["evidence_sent", "answered", "closed"]


async def test_another_sales_contest_is_not_found(db, sale_id, staff):
    officer, clerk, lots = staff
    contest = await contests.record_contest(db.sessions, sale_id, bidder_contest([lots[0]]), [],
                                            user_id=clerk.id, now=AFTER_SALE)
    with pytest.raises(contests.NotFound):
        await contests.contest_view(db.sessions, sale_id + 1, contest.id)
    with pytest.raises(contests.NotFound):
        await contests.add_step(db.sessions, sale_id + 1, contest.id, Step.EVIDENCE_SENT, date(2026, 12, 14), "",
                                user_id=clerk.id, role=Role.CLERK, now=AFTER_SALE)


async def test_deadlines_come_from_the_dated_delays_and_reach_the_board(db, sale_id, staff):
    officer, clerk, lots = staff
    contest = await contests.record_contest(db.sessions, sale_id, bidder_contest([lots[0]]), [],
                                            user_id=clerk.id, now=AFTER_SALE)
    (row,) = await contests.open_contest_deadlines(db.sessions, date(2026, 12, 14))
    assert row.pending is None and row.view.unconfigured              # shown, without a made-up date
    await answer_in_15_days(db, officer)
    await answer_in_15_days(db, officer, effective_from=date(2026, 12, 15), amount=30)   # later: not this contest's
    view = await contests.contest_view(db.sessions, sale_id, contest.id)
    assert view.next_due.step is Step.ANSWERED and view.next_due.due == date(2026, 12, 29)
    (row,) = await contests.open_contest_deadlines(db.sessions, date(2026, 12, 30))
    assert row.pending.due == date(2026, 12, 29) and row.overdue(date(2026, 12, 30)) and row.sale.id == sale_id
    await contests.add_step(db.sessions, sale_id, contest.id, Step.ANSWERED, date(2026, 12, 14), "",
                            user_id=officer.id, role=Role.OFFICER, now=AFTER_SALE)
    (row,) = await contests.open_contest_deadlines(db.sessions, date(2026, 12, 30))
    assert row.pending is None                         # answered; nothing configured for what remains
    await contests.add_step(db.sessions, sale_id, contest.id, Step.CLOSED, date(2026, 12, 14), "",
                            user_id=officer.id, role=Role.OFFICER, now=AFTER_SALE)
    assert await contests.open_contest_deadlines(db.sessions, date(2026, 12, 30)) == []


async def test_a_delay_is_dated_checked_logged_and_never_doubled(db, sale_id, staff):
    officer, clerk, lots = staff
    await answer_in_15_days(db, officer)
    with pytest.raises(InvalidValue) as exc:
        await answer_in_15_days(db, officer, amount=20)
    assert exc.value.field == "effective_from"
    with pytest.raises(InvalidValue) as exc:
        await contest_delays.add_delay(db.sessions, ContestDelay(Subject.SALE, Step.EVIDENCE_SENT, Step.ANSWERED, 5,
                                                                 Unit.DAYS, date(2026, 1, 1), "x"),
                                       author_id=officer.id, now=AFTER_SALE)
    assert exc.value.field == "counted_from"
    assert [(d.subject, d.amount) for d in await contest_delays.office_delays(db.sessions)] == [(Subject.LOTS, 15)]
    async with db.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "contest_delay"))
    assert entry.user_id == officer.id and "15 jours" in entry.summary


@pytest.mark.parametrize("table", ["contests", "contest_lots", "contest_steps", "contest_documents", "contest_delays"])
async def test_the_register_is_append_only(db, sale_id, staff, tmp_path, table):
    officer, clerk, lots = staff
    stored = await store_document(MINIMAL_PDF, tmp_path)
    await contests.record_contest(db.sessions, sale_id, bidder_contest([lots[0]]),
                                  [contests.NewDocument("lettre.pdf", stored)], user_id=clerk.id, now=AFTER_SALE)
    await answer_in_15_days(db, officer)
    column = {"contests": "grounds", "contest_lots": "lot_id", "contest_steps": "note", "contest_documents": "title",
              "contest_delays": "reference"}[table]
    value = "''" if column != "lot_id" else "lot_id"
    for statement in (f"UPDATE {table} SET {column} = {value}", f"DELETE FROM {table}"):
        with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
            async with db.sessions() as session, session.begin():
                await session.execute(text(statement))
    async with db.sessions() as session:
        for model in (Contest, ContestStep, ContestDocument, ContestDelayPeriod):
            assert await session.scalar(select(model.id)) is not None
