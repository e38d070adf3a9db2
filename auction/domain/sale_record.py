"""The sale record (procès-verbal de vente), as a pure function of the bid log.

CPCE R221-39, C. com. R444-47, CGI 873: the record states the office, the officer, the sale (place,
date, sessions), the cases and the inventory acts the lots come from; before the first lot, the lots
withdrawn before the sale and why; then each lot as it was offered — its designation, the hammer
price in figures and in words, the buyer's declared surname, first names and domicile, the paddle
and how the bid came —, the lots passed, a lot withdrawn after bidding with its last bid, re-offers
with their reason, pauses and resumptions with their times, the stop rule (L221-4) and for which
case, the announcements made to the room, and each session's opening, closing and total.

It is never typed and never stored: `sale_record()` derives it from the events, the catalogue and the
registrations, so it is up to date after every event. A closed session's part only depends on the
events up to its closing, which never change (the log is append-only).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from .amount_words import amount_in_words
from .bidlog import Event
from .room import CaseInfo, LotInfo, RoomState, SaleSetup, apply
from .tariff import Tariff

SOURCE_LABELS = {"room": "en salle", "online": "en ligne", "phone": "par téléphone", "absentee": "sur ordre d'achat"}


# --- what the record is written from -----------------------------------------------------------

@dataclass(frozen=True)
class RecordAct:
    """An inventory act (procès-verbal de saisie ou d'inventaire) the lots come from."""
    title: str
    act_date: date | None


@dataclass(frozen=True)
class RecordCase:
    id: int
    reference: str
    claims_cents: int = 0          # what the stop rule (L221-4) compares the net proceeds with
    acts: tuple[RecordAct, ...] = ()


@dataclass(frozen=True)
class RecordLot:
    id: int
    label: str
    designation: str
    case_id: int
    withdrawn_before: bool = False     # withdrawn from the catalogue before the sale
    withdrawal_reason: str = ""


@dataclass(frozen=True)
class RecordBuyer:
    """The bidder as declared at registration (the buyer states name and address at the hammer)."""
    registration_id: int
    paddle: int
    last_name: str
    first_names: str
    domicile: str
    company: str = ""


@dataclass(frozen=True)
class RecordFacts:
    sale_id: int
    sale_reference: str
    sale_title: str
    place: str
    starts_at: datetime
    office: str
    officer: str
    cases: tuple[RecordCase, ...]
    lots: tuple[RecordLot, ...]                       # catalogue order
    buyers: dict[int, RecordBuyer] = field(default_factory=dict)   # by registration id
    seller_fee_rate_incl_vat: Decimal = Decimal(0)
    tariff: Tariff | None = None      # the rates of the sale's day: the stop rule's seller's fees (L221-4)


# --- what the record says ----------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One line of the record, in the order it happened."""
    kind: str          # sold, passed, withdrawn, reoffered, put_up_again, paused, resumed, announcement,
    #                    stop_threshold, stop_override, sale_stopped
    seq: int
    at: datetime
    lot: RecordLot | None = None
    amount_cents: int | None = None
    paddle: int | None = None
    source: str | None = None
    buyer: RecordBuyer | None = None
    text: str = ""                     # a reason, an announcement
    case: RecordCase | None = None
    annulled: bool = False             # a hammer followed by a re-offer of the lot
    # put_up_again (réitération des enchères, R221-38): the first adjudication it follows (its event's
    # seq; `amount_cents` and `paddle` are that hammer's), whose entry stays as it was written.
    refers_to_seq: int | None = None

    @property
    def amount_words(self) -> str:
        return amount_in_words(self.amount_cents) if self.amount_cents is not None else ""

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source or "", self.source or "")


@dataclass(frozen=True)
class SessionPart:
    number: int
    opened_at: datetime
    opened_seq: int
    closed_at: datetime | None = None
    closed_seq: int | None = None      # the event that closed it: the log's head at the closing
    closed_hash: str | None = None
    entries: tuple[Entry, ...] = ()

    @property
    def closed(self) -> bool:
        return self.closed_seq is not None

    @property
    def sold(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == "sold" and not e.annulled)

    @property
    def total_cents(self) -> int:
        return sum(e.amount_cents for e in self.sold)


@dataclass(frozen=True)
class SaleRecord:
    facts: RecordFacts
    withdrawn_before: tuple[RecordLot, ...]
    sessions: tuple[SessionPart, ...]
    closed_at: datetime | None = None
    not_offered: tuple[RecordLot, ...] = ()      # once the sale is closed: lots never concluded
    head_seq: int = 0

    @property
    def total_cents(self) -> int:
        return sum(s.total_cents for s in self.sessions)

    @property
    def sold_count(self) -> int:
        return sum(len(s.sold) for s in self.sessions)

    def session(self, number: int) -> SessionPart | None:
        return next((s for s in self.sessions if s.number == number), None)


# --- deriving it -------------------------------------------------------------------------------

def _setup(facts: RecordFacts) -> SaleSetup:
    """The part of the room's setup its state needs to follow the log and the stop rule."""
    return SaleSetup(
        sale_id=facts.sale_id,
        lots={lot.id: LotInfo(lot.id, lot.label, lot.designation, lot.case_id, 0, lot.withdrawn_before)
              for lot in facts.lots},
        paddles={},
        cases={case.id: CaseInfo(case.id, case.reference, case.claims_cents) for case in facts.cases},
        seller_fee_rate_incl_vat=facts.seller_fee_rate_incl_vat,
        tariff=facts.tariff,
    )


class _Session:
    def __init__(self, number: int, event: Event):
        self.number, self.opened_at, self.opened_seq = number, event.at, event.seq
        self.entries: list[Entry] = []
        self.closing: Event | None = None

    def part(self) -> SessionPart:
        closing = self.closing
        return SessionPart(self.number, self.opened_at, self.opened_seq,
                           closing.at if closing else None, closing.seq if closing else None,
                           closing.hash if closing else None, tuple(self.entries))


def sale_record(facts: RecordFacts, events: Iterable[Event]) -> SaleRecord:
    """The record of the sale as the log stands (every event, in sequence order)."""
    setup = _setup(facts)
    lots = {lot.id: lot for lot in facts.lots}
    cases = {case.id: case for case in facts.cases}
    state = RoomState(facts.sale_id)
    sessions: list[_Session] = []
    covered: set[int] = set()
    closed_at = None

    def add(entry: Entry) -> None:
        if sessions:
            sessions[-1].entries.append(entry)

    for event in events:
        kind, p = event.kind, event.payload
        lot = lots.get(p.get("lot_id")) if isinstance(p.get("lot_id"), int) else None
        before_bid = state.current_bid
        apply(state, event)
        if kind in ("sale_opened", "session_opened"):
            sessions.append(_Session(state.session, event))
        elif kind == "hammer":
            add(Entry("sold", event.seq, event.at, lot, p["amount_cents"], p["paddle"],
                      before_bid.source if before_bid else None, facts.buyers.get(p.get("registration_id"))))
            for case_id in sorted(setup.cases):
                if case_id not in covered and state.case_covered(setup, case_id):
                    covered.add(case_id)
                    add(Entry("stop_threshold", event.seq, event.at, case=cases[case_id]))
        elif kind == "lot_passed":
            add(Entry("passed", event.seq, event.at, lot))
        elif kind == "lot_withdrawn":
            last = p.get("last_bid") or {}
            add(Entry("withdrawn", event.seq, event.at, lot, last.get("amount_cents"), last.get("paddle"),
                      last.get("source"), text=p.get("reason", "")))
        elif kind == "lot_reoffered":
            if sessions:
                entries = sessions[-1].entries
                for index in range(len(entries) - 1, -1, -1):
                    if entries[index].kind == "sold" and entries[index].lot is lot and not entries[index].annulled:
                        entries[index] = replace(entries[index], annulled=True)
                        break
            add(Entry("reoffered", event.seq, event.at, lot, text=p.get("reason", "")))
            covered = {case_id for case_id in covered if state.case_covered(setup, case_id)}
        elif kind == "lot_put_up_again_in_room":
            add(Entry("put_up_again", event.seq, event.at, lot, p["first_hammer_cents"], p["paddle"],
                      text=p["mention"], refers_to_seq=p["first_hammer_seq"]))
            if p.get("stop_rule_override"):
                add(Entry("stop_override", event.seq, event.at, lot, text=p.get("reason", ""),
                          case=cases.get(lot.case_id) if lot else None))
        elif kind == "lot_opened" and p.get("stop_rule_override"):
            add(Entry("stop_override", event.seq, event.at, lot, text=p.get("reason", ""),
                      case=cases.get(lot.case_id) if lot else None))
        elif kind == "paused":
            add(Entry("paused", event.seq, event.at, text=p.get("reason", "")))
        elif kind == "resumed":
            add(Entry("resumed", event.seq, event.at))
        elif kind == "announcement":
            add(Entry("announcement", event.seq, event.at, lot, text=p["text"]))
        elif kind == "sale_stopped":
            add(Entry("sale_stopped", event.seq, event.at, text=p.get("reason", "")))
        elif kind == "session_closed" and sessions:
            sessions[-1].closing = event
        elif kind == "sale_closed":
            closed_at = event.at
            if sessions and sessions[-1].closing is None:
                sessions[-1].closing = event
    not_offered = ()
    if closed_at is not None:
        not_offered = tuple(lot for lot in facts.lots
                            if not lot.withdrawn_before and lot.id not in state.results)
    return SaleRecord(facts, tuple(lot for lot in facts.lots if lot.withdrawn_before),
                      tuple(s.part() for s in sessions), closed_at, not_offered, state.seq)


def extract(record: SaleRecord, *, lot_id: int | None = None, registration_id: int | None = None) -> SaleRecord:
    """An extract of the record for one lot, or for one buyer (the lots he bought): the same header,
    the sessions with only those entries."""
    def keep(entry: Entry) -> bool:
        if lot_id is not None:
            return entry.lot is not None and entry.lot.id == lot_id
        return entry.kind == "sold" and entry.buyer is not None and entry.buyer.registration_id == registration_id

    sessions = tuple(replace(s, entries=tuple(e for e in s.entries if keep(e))) for s in record.sessions)
    withdrawn = tuple(lot for lot in record.withdrawn_before if lot_id is not None and lot.id == lot_id)
    return replace(record, sessions=sessions, withdrawn_before=withdrawn, not_offered=())
