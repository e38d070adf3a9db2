"""The claims register: recording a contest with its documents, each step of its handling, and the
contests of a sale with their deadlines (auction/domain/contests.py). Every write is a new row, in
the transaction of its audit-log entry; the contestant's name and address stay out of the log."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.contests import (Contestant, ContestDelay, PendingStep, Step, StepRefused, StepTaken, Subject,
                                     check_received_on, check_step, current_step, next_deadline, pending_steps)
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.formats import to_paris
from auction.models import (Case, Contest, ContestDocument, ContestLot, ContestStep, Lot, PersonalDataAccess,
                            Registration, Sale, User)

from . import audit
from .bidder_checks import ByStaff
from .catalogue import NotFound
from .contest_delays import delays_in
from .contest_documents import StoredDocument, remove_document


@dataclass(frozen=True)
class NewContest:
    subject: Subject
    contestant_kind: Contestant
    contestant_name: str
    contestant_contact: str
    received_on: date
    means: str
    grounds: str
    lot_ids: tuple[int, ...] = ()
    case_id: int | None = None
    paddle: int | None = None       # a bidder or buyer of the sale: their paddle, to link the contest to them


@dataclass(frozen=True)
class NewDocument:
    title: str
    stored: StoredDocument


@dataclass(frozen=True)
class ContestView:
    contest: Contest
    status: Step
    pending: list[PendingStep]
    next_due: PendingStep | None
    case_reference: str
    paddle: int | None = None       # the contestant's paddle in the sale, when the contest names a bidder

    @property
    def closed(self) -> bool:
        return self.status is Step.CLOSED

    @property
    def unconfigured(self) -> bool:
        """Open, and the office set no delay for any step ahead: "délai non configuré"."""
        return bool(self.pending) and all(p.delay is None for p in self.pending)


def taken_steps(contest: Contest) -> list[StepTaken]:
    return [StepTaken(Step(s.step), s.taken_on) for s in contest.steps]


def view_of(contest: Contest, delays: list[ContestDelay], case_reference: str = "") -> ContestView:
    taken = taken_steps(contest)
    pending = pending_steps(Subject(contest.subject), taken, delays)
    return ContestView(contest, current_step(taken).step, pending, next_deadline(pending), case_reference)


def about(contest: Contest, case_reference: str = "") -> str:
    """What the contest is about, in French."""
    subject = Subject(contest.subject)
    if subject is Subject.LOTS:
        numbers = ", ".join(f"{c.lot.number}{c.lot.number_suffix}" for c in contest.lots)
        return f"Adjudication du lot {numbers}" if len(contest.lots) == 1 else f"Adjudication des lots {numbers}"
    if subject is Subject.DISTRIBUTION:
        return f"Répartition du dossier {case_reference}"
    return "La vente"


def clean_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidValue(message, field=field)
    return value


async def _sale(session: AsyncSession, sale_id: int) -> Sale:
    sale = await session.get(Sale, sale_id)
    if sale is None:
        raise NotFound()
    return sale


async def sale_cases(session: AsyncSession, sale_id: int) -> list[Case]:
    return list(await session.scalars(select(Case).where(Case.id.in_(select(Lot.case_id).where(Lot.sale_id == sale_id)))
                                      .order_by(Case.reference)))


async def register_inputs(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[list[Case], list[Lot]]:
    """What the recording form chooses from: the sale's cases (for its distribution) and its lots."""
    async with sessions() as session:
        lots = list(await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position)))
        return await sale_cases(session, sale_id), lots


async def record_contest(sessions: async_sessionmaker[AsyncSession], sale_id: int, new: NewContest,
                         documents: list[NewDocument], *, user_id: int, now: datetime) -> Contest:
    """Record a contest received, with its documents (already stored) and its reception step."""
    name = clean_text(new.contestant_name, "contestant_name", "Indiquez qui conteste.")
    means = clean_text(new.means, "means", "Indiquez comment la contestation est parvenue à l'étude.")
    grounds = clean_text(new.grounds, "grounds", "Indiquez ce qui est contesté, et pourquoi.")
    async with sessions() as session, session.begin():
        sale = await _sale(session, sale_id)
        check_received_on(new.received_on, to_paris(now).date(), to_paris(sale.starts_at).date(), new.subject)
        lots: list[Lot] = []
        case_id = None
        if new.subject is Subject.LOTS:
            if not new.lot_ids:
                raise InvalidValue("Choisissez le ou les lots dont l'adjudication est contestée.", field="lot_ids")
            lots = list(await session.scalars(select(Lot).where(Lot.sale_id == sale_id, Lot.id.in_(new.lot_ids))
                                              .order_by(Lot.position)))
            if len(lots) != len(set(new.lot_ids)):
                raise InvalidValue("Un des lots choisis n'est pas de cette vente.", field="lot_ids")
        elif new.subject is Subject.DISTRIBUTION:
            if new.case_id not in {case.id for case in await sale_cases(session, sale_id)}:
                raise InvalidValue("Choisissez le dossier dont la répartition est contestée.", field="case_id")
            case_id = new.case_id
        bidder_id = await _paddle_bidder(session, sale_id, new)
        contest = Contest(sale_id=sale_id, subject=new.subject.value, case_id=case_id, bidder_id=bidder_id,
                          contestant_kind=new.contestant_kind.value, contestant_name=name,
                          contestant_contact=new.contestant_contact.strip(), received_on=new.received_on,
                          means=means, grounds=grounds, recorded_by_id=user_id, recorded_at=now)
        session.add(contest)
        await session.flush()
        session.add_all([ContestLot(contest_id=contest.id, lot_id=lot.id) for lot in lots])
        session.add(ContestStep(contest_id=contest.id, step=Step.RECEIVED.value, taken_on=new.received_on, note="",
                                author_id=user_id, recorded_at=now))
        for document in documents:
            session.add(_document_row(contest.id, document, user_id, now))
        lot_numbers = [f"{lot.number}{lot.number_suffix}" for lot in lots]
        audit.record(session, at=now, user_id=user_id, action="contest_recorded", sale_id=sale_id, case_id=case_id,
                     summary=f"Contestation n° {contest.id} enregistrée ({new.contestant_kind.label.lower()}, "
                             f"{new.subject.label.lower()}{' ' + ', '.join(lot_numbers) if lot_numbers else ''}), "
                             f"reçue le {new.received_on:%d/%m/%Y}, {len(documents)} pièce(s)",
                     details={"contest_id": contest.id, "subject": new.subject.value,
                              "contestant_kind": new.contestant_kind.value, "lots": lot_numbers,
                              "received_on": new.received_on.isoformat(), "paddle": new.paddle,
                              "documents": [d.stored.sha256 for d in documents]})
    return contest


async def _paddle_bidder(session: AsyncSession, sale_id: int, new: NewContest) -> int | None:
    """The bidder of the sale holding the paddle the contest names (None: no paddle named)."""
    if new.paddle is None:
        return None
    if new.contestant_kind not in (Contestant.BIDDER, Contestant.BUYER):
        raise InvalidValue("Seul un enchérisseur ou un adjudicataire a un panneau : laissez ce champ vide.",
                           field="paddle")
    bidder_id = await session.scalar(select(Registration.bidder_id).where(
        Registration.sale_id == sale_id, Registration.paddle_number == new.paddle))
    if bidder_id is None:
        raise InvalidValue(f"Aucun enchérisseur de cette vente n'a le panneau n° {new.paddle}.", field="paddle")
    return bidder_id


def _document_row(contest_id: int, document: NewDocument, user_id: int, now: datetime) -> ContestDocument:
    title = document.title.strip() or "Pièce jointe"
    return ContestDocument(contest_id=contest_id, title=title[:200], path=document.stored.path,
                           content_type=document.stored.content_type, size=document.stored.size,
                           sha256=document.stored.sha256, added_by_id=user_id, added_at=now)


async def _contest(session: AsyncSession, sale_id: int, contest_id: int) -> Contest:
    contest = await session.scalar(select(Contest).where(Contest.id == contest_id, Contest.sale_id == sale_id))
    if contest is None:
        raise NotFound()
    return contest


async def add_step(sessions: async_sessionmaker[AsyncSession], sale_id: int, contest_id: int, step: Step,
                   taken_on: date, note: str, *, user_id: int, role: Role, now: datetime) -> None:
    """The office's next step on a contest, as a new row (the domain says who may take which)."""
    async with sessions() as session, session.begin():
        contest = await _contest(session, sale_id, contest_id)
        check_step(taken_steps(contest), step, taken_on, to_paris(now).date(), role)
        session.add(ContestStep(contest_id=contest.id, step=step.value, taken_on=taken_on, note=note.strip(),
                                author_id=user_id, recorded_at=now))
        audit.record(session, at=now, user_id=user_id, action="contest_step", sale_id=sale_id,
                     case_id=contest.case_id,
                     summary=f"Contestation n° {contest.id} : {step.label.lower()} le {taken_on:%d/%m/%Y}",
                     details={"contest_id": contest.id, "step": step.value, "taken_on": taken_on.isoformat()})


async def add_document(sessions: async_sessionmaker[AsyncSession], private_dir: Path, sale_id: int, contest_id: int,
                       document: NewDocument, *, user_id: int, now: datetime) -> None:
    """A document received later (the file is removed if it cannot be recorded)."""
    try:
        async with sessions() as session, session.begin():
            contest = await _contest(session, sale_id, contest_id)
            if current_step(taken_steps(contest)).step is Step.CLOSED:
                raise StepRefused("Cette contestation est close : aucune pièce ne peut plus y être ajoutée.",
                                  field="documents")
            session.add(_document_row(contest.id, document, user_id, now))
            audit.record(session, at=now, user_id=user_id, action="contest_document", sale_id=sale_id,
                         case_id=contest.case_id, summary=f"Contestation n° {contest.id} : pièce reçue",
                         details={"contest_id": contest.id, "sha256": document.stored.sha256})
    except BaseException:
        remove_document(private_dir, document.stored.path)
        raise


async def document_for_staff(sessions: async_sessionmaker[AsyncSession], sale_id: int, contest_id: int,
                             document_id: int, *, user_id: int, now: datetime) -> ContestDocument:
    """A document received, for a member of the staff: personal data, so the download is written to the
    personal-data access log (committed) before the file is served, as an identity scan's is."""
    async with sessions() as session, session.begin():
        await _contest(session, sale_id, contest_id)
        document = await session.get(ContestDocument, document_id)
        if document is None or document.contest_id != contest_id:
            raise NotFound()
        session.add(PersonalDataAccess(at=now, user_id=user_id, action="view_contest_document", contest_id=contest_id,
                                       detail=f"Pièce {document.id} de la contestation {contest_id}, vente {sale_id}"))
        return document


async def document_accesses(sessions: async_sessionmaker[AsyncSession],
                            contest_id: int) -> list[ByStaff[PersonalDataAccess]]:
    """Who downloaded the contest's documents, latest first (the last 50)."""
    async with sessions() as session:
        rows = await session.execute(
            select(PersonalDataAccess, User.full_name).outerjoin(User, User.id == PersonalDataAccess.user_id)
            .where(PersonalDataAccess.contest_id == contest_id).order_by(PersonalDataAccess.id.desc()).limit(50))
        return [ByStaff(entry, name or "—") for entry, name in rows]


async def sale_contests(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> tuple[Sale, list[ContestView]]:
    async with sessions() as session:
        sale = await _sale(session, sale_id)
        delays = await delays_in(session)
        cases = {case.id: case.reference for case in await sale_cases(session, sale_id)}
        rows = await session.scalars(select(Contest).where(Contest.sale_id == sale_id).order_by(Contest.id.desc()))
        return sale, [view_of(c, delays, cases.get(c.case_id or 0, "")) for c in rows]


async def contest_view(sessions: async_sessionmaker[AsyncSession], sale_id: int, contest_id: int) -> ContestView:
    async with sessions() as session:
        contest = await _contest(session, sale_id, contest_id)
        case = await session.get(Case, contest.case_id) if contest.case_id else None
        paddle = await session.scalar(select(Registration.paddle_number).where(
            Registration.sale_id == sale_id, Registration.bidder_id == contest.bidder_id)) if contest.bidder_id else None
        return replace(view_of(contest, await delays_in(session), case.reference if case else ""), paddle=paddle)


@dataclass(frozen=True)
class ContestDeadline:
    """A line of the deadlines board: a dated step ahead, or an open contest without a delay."""
    sale: Sale
    view: ContestView
    pending: PendingStep | None      # None: no delay configured for any step ahead

    def overdue(self, today: date) -> bool:
        return self.pending is not None and self.pending.overdue(today)


async def open_contest_deadlines(sessions: async_sessionmaker[AsyncSession], today: date) -> list[ContestDeadline]:
    """Every open contest's dated steps ahead (overdue first, then by date), then the open contests the
    office set no delay for."""
    async with sessions() as session:
        delays = await delays_in(session)
        contests = list(await session.scalars(select(Contest).order_by(Contest.id)))
        sales = {s.id: s for s in await session.scalars(select(Sale).where(Sale.id.in_({c.sale_id for c in contests})))}
        cases = {c.id: c.reference for c in await session.scalars(
            select(Case).where(Case.id.in_({c.case_id for c in contests if c.case_id})))}
    dated, unconfigured = [], []
    for contest in contests:
        view = view_of(contest, delays, cases.get(contest.case_id or 0, ""))
        if view.closed:
            continue
        steps = [p for p in view.pending if p.due is not None]
        dated += [ContestDeadline(sales[contest.sale_id], view, p) for p in steps]
        if view.unconfigured:
            unconfigured.append(ContestDeadline(sales[contest.sale_id], view, None))
    dated.sort(key=lambda d: (not d.overdue(today), d.pending.due, d.view.contest.id))
    return dated + unconfigured
