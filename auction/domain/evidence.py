"""The evidence file of a lot or of a session: what the bid log says happened, event by event, for a
lawyer or a judge ("I bid first", "my online bid was missed"), with the chain segment that proves it.

The readable entries are derived from the log's events only (`entries`), so that anyone holding the
file can derive them again from its chain and see that they match (`auction.domain.evidence_verify`).
The chain segment runs, without a gap, from the first event of the scope to the head of the last
session it touches: when that session is closed, the head is the event whose hash the signed sale
record states, so the segment is tied to the record. Online bids refused (too late, outbid,
rate-limited) are not in the log: they come from the append-only record of refusals; the screens
connected, from the append-only record of connections (auction.domain.screens). Neither is in the chain.
The refusals a server process could not record (its queue full, the database away) are counted, and
the file says how many and when (`RefusalsLost`), so that its list is not taken for complete.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .bidlog import Event
from .errors import DomainError
from . import screens as screens_record
from .instants import paris_text, utc_text
from .money import format_euros

FORMAT = "criee-evidence/1"
SCOPES = ("lot", "session")
SOURCE_LABELS = {"room": "en salle", "online": "en ligne", "phone": "par téléphone",
                 "absentee": "sur ordre d'achat"}
# Kinds that name a lot in their payload and end or restart its bidding.
LOT_STARTS = ("lot_opened", "lot_reoffered", "lot_put_up_again_in_room")
LOT_ENDS = ("hammer", "lot_passed", "lot_withdrawn")
SESSION_CLOSINGS = ("session_closed", "sale_closed")
# Why an online bid was refused, by the code the bidder's screen was sent (docs/protocol.md).
REFUSAL_LABELS = {
    "outbid": "surenchérie : une autre enchère avait déjà pris ce palier",
    "lot_not_open": "trop tard : le lot n'était plus en vente (ou aucun lot n'était en vente)",
    "rate_limited": "trop d'enchères en peu de temps (limite de débit)",
    "bid_too_low": "montant inférieur au minimum",
    "already_leading": "le panneau était déjà le plus offrant",
    "paddle_not_valid": "panneau non valable pour enchérir en ligne",
    "sale_paused": "vente suspendue",
    "sale_not_open": "vente non ouverte",
    "sale_ended": "vente terminée",
    "session_closed": "séance close",
    "command_id_reused": "identifiant de commande déjà utilisé pour une autre enchère",
    "server_error": "erreur du serveur : l'enchère n'a pas été enregistrée",
    "concurrent_update": "une autre action a été enregistrée au même instant",
    "invalid_command": "enchère incomplète ou illisible",
    "stale_command": "écran pas à jour",
}


class NothingToShow(DomainError):
    """The lot was never offered, or the session never opened: the log holds nothing for it."""

    code = "nothing_to_show"


@dataclass(frozen=True)
class LotRef:
    id: int
    label: str
    title: str


@dataclass(frozen=True)
class StaffRef:
    user_id: int
    name: str
    role: str          # French label: "Commissaire de justice", "Clerc"


@dataclass(frozen=True)
class Refusal:
    """An online bid that arrived and was refused, as the record of refusals keeps it."""
    id: int
    received_at: datetime
    code: str
    message: str                       # the French message the bidder's screen was sent
    lot_id: int | None = None
    paddle: int | None = None
    amount_cents: int | None = None
    expected_bid_seq: int | None = None
    log_seq: int = 0                   # the last event of the log the room had when it refused

    @property
    def reason(self) -> str:
        return REFUSAL_LABELS.get(self.code, f"refusée (code {self.code})")


@dataclass(frozen=True)
class RefusalsLost:
    """Refusals a server process could not record, from `since` to `until` (the first and the last
    lost refusal's arrival), as the audit log keeps their count."""
    host: str
    pid: int
    count: int
    since: datetime
    until: datetime


@dataclass(frozen=True)
class Seal:
    """A closed session's seal: the head of the log when it closed, as the signed record states it."""
    session: int
    head_seq: int
    head_hash: str
    sealed_at: datetime


@dataclass(frozen=True)
class Entry:
    """One event of the scope, as the evidence file shows it."""
    seq: int
    kind: str
    at: datetime
    session: int
    description: str
    entered_by: str
    lot_id: int | None = None
    paddle: int | None = None
    source: str | None = None
    amount_cents: int | None = None
    covers_seq: int | None = None      # a bid: the bid it covered (None: the first bid of the lot)
    user_id: int | None = None

    @property
    def at_utc(self) -> str:
        return utc_text(self.at)

    @property
    def at_paris(self) -> str:
        return paris_text(self.at)

    def document(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "at_utc": self.at_utc, "at_paris": self.at_paris,
                "session": self.session, "lot_id": self.lot_id, "paddle": self.paddle, "source": self.source,
                "amount_cents": self.amount_cents, "covers_seq": self.covers_seq, "user_id": self.user_id,
                "entered_by": self.entered_by, "description": self.description}


@dataclass(frozen=True)
class EvidenceFile:
    sale_id: int
    sale_reference: str
    sale_title: str
    scope: str                         # "lot" or "session"
    lot: LotRef | None
    session: int | None
    entries: tuple[Entry, ...]
    refusals: tuple[Refusal, ...]
    chain: tuple[Event, ...]           # contiguous, from the scope's first event to its head
    seals: tuple[Seal, ...]            # those of the sessions the chain reaches
    lots: dict[int, LotRef]
    staff: dict[int, StaffRef]
    produced_at: datetime
    produced_by: str
    log_head_seq: int = 0              # the log's last event when the file was made
    first_session: int = 0             # the session the chain's first event belongs to
    screens: screens_record.ScreensSection | None = None   # the companion record of connections
    refusals_lost: tuple[RefusalsLost, ...] = ()           # refusals not recorded while the scope ran

    @property
    def refusals_lost_count(self) -> int:
        return sum(gap.count for gap in self.refusals_lost)

    @property
    def head(self) -> Event:
        return self.chain[-1]

    @property
    def head_sealed(self) -> Seal | None:
        return next((s for s in self.seals if s.head_seq == self.head.seq), None)

    @property
    def sessions(self) -> tuple[int, ...]:
        return tuple(sorted({e.session for e in self.entries}))


# --- which events, and what each says -------------------------------------------------------------

def session_of_events(events: Iterable[Event], first: int = 0) -> dict[int, int]:
    """Each event's session number (1 from the sale's opening, n from the n-th session's opening;
    `first` before any opening: the session a segment of the log starts in)."""
    current, found = first, {}
    for event in events:
        if event.kind == "sale_opened":
            current = 1
        elif event.kind == "session_opened":
            current = event.payload["session"]
        found[event.seq] = current
    return found


def in_scope(events: Sequence[Event], scope: str, *, lot_id: int | None = None,
             session: int | None = None, first_session: int = 0) -> list[Event]:
    """The events of a lot (those naming it, and a pause, a resumption or an announcement while it is
    on the block), or of a session (from its opening to its closing)."""
    if scope == "session":
        sessions = session_of_events(events, first_session)
        return [e for e in events if sessions[e.seq] == session and session]
    on_block, chosen = None, []
    for event in events:
        named = event.payload.get("lot_id") if isinstance(event.payload, dict) else None
        if named == lot_id or (named is None and on_block == lot_id and event.kind in (
                "paused", "resumed", "announcement", "sale_stopped")):
            chosen.append(event)
        if event.kind in LOT_STARTS:
            on_block = named
        elif event.kind in LOT_ENDS:
            on_block = None
    return chosen


def entries(events: Sequence[Event], chosen: Iterable[Event], lots: dict[int, LotRef],
            staff: dict[int, StaffRef], first_session: int = 0) -> tuple[Entry, ...]:
    """The readable entries of `chosen` (events of `events`, which starts at a lot's opening or a
    session's, so that the bids each bid covered are known; `first_session`: the session it starts in)."""
    wanted = {e.seq for e in chosen}
    sessions = session_of_events(events, first_session)
    bids: dict[int, dict[str, Any]] = {}           # the bids standing on the lot on the block, by seq
    found = []
    for event in events:
        p = event.payload
        covers, covered = None, None
        if event.kind in LOT_STARTS:
            bids = {}
        elif event.kind == "bid":
            covers = max(bids) if bids else None
            covered = bids.get(covers) if covers is not None else None
            bids[event.seq] = {"paddle": p["paddle"], "amount_cents": p["amount_cents"]}
        elif event.kind == "bid_retracted":
            bids.pop(p["bid_seq"], None)
        if event.seq in wanted:
            found.append(Entry(
                seq=event.seq, kind=event.kind, at=event.at, session=sessions.get(event.seq, 0),
                description=describe(event, lots, covers, covered),
                entered_by=entered_by(event, staff), lot_id=p.get("lot_id"),
                paddle=p.get("paddle"), source=p.get("source"), amount_cents=p.get("amount_cents"),
                covers_seq=covers, user_id=event.user_id))
        if event.kind in LOT_ENDS:
            bids = {}
    return tuple(found)


def entered_by(event: Event, staff: dict[int, StaffRef]) -> str:
    if event.kind == "bid" and event.payload.get("source") == "absentee":
        return "la salle (ordre d'achat exécuté automatiquement)"
    if event.kind == "bid" and event.payload.get("source") == "online":
        return "l'enchérisseur, depuis son écran"
    if event.user_id is None:
        return "la salle (automatique)"
    member = staff.get(event.user_id)
    return f"{member.name} ({member.role})" if member else f"utilisateur n° {event.user_id}"


def _lot(lots: dict[int, LotRef], lot_id: int | None) -> str:
    lot = lots.get(lot_id) if lot_id is not None else None
    return f"lot {lot.label}" if lot else f"lot n° {lot_id}"


def _euros(cents: int | None) -> str:
    return format_euros(cents) if cents is not None else "—"


def describe(event: Event, lots: dict[int, LotRef], covers: int | None = None,
             covered: dict[str, Any] | None = None) -> str:
    """What the event says, in French."""
    p, kind = event.payload, event.kind
    lot = _lot(lots, p.get("lot_id"))
    if kind == "bid":
        text = (f"Enchère de {_euros(p['amount_cents'])}, panneau {p['paddle']}, "
                f"{SOURCE_LABELS.get(p['source'], p['source'])}")
        if covers is None:
            return text + " : première enchère du lot"
        return text + (f" : couvre l'enchère n° {covers} ({_euros(covered['amount_cents'])}, "
                       f"panneau {covered['paddle']})")
    if kind == "lot_opened":
        text = f"Mise en vente du {lot}"
    elif kind == "lot_put_up_again_in_room":
        text = (f"Remise en vente du {lot} sur réitération des enchères (adjudication n° {p.get('first_hammer_seq')}, "
                f"{_euros(p.get('first_hammer_cents'))}, au panneau défaillant {p.get('paddle')})")
    elif kind == "bid_retracted":
        return f"Retrait de l'enchère n° {p['bid_seq']} ({_euros(p['amount_cents'])}, panneau {p['paddle']})"
    elif kind == "call":
        return f"Criée n° {p['number']}"
    elif kind == "hammer":
        return f"Adjugé {_euros(p['amount_cents'])} au panneau {p['paddle']}"
    elif kind == "lot_passed":
        return f"{lot.capitalize()} passé, sans enchère"
    elif kind == "lot_reoffered":
        return f"Remise en vente du {lot} après contestation de l'adjudication : {p.get('reason', '')}"
    elif kind == "lot_withdrawn":
        last = p.get("last_bid")
        tail = (f" ; dernière enchère n° {last['seq']} : {_euros(last['amount_cents'])}, panneau {last['paddle']}"
                if last else " ; sans enchère")
        return f"{lot.capitalize()} retiré par le commissaire de justice : {p.get('reason', '')}{tail}"
    elif kind == "announcement":
        return f"Annonce faite à la salle : « {p['text']} »"
    elif kind == "paused":
        return "Suspension de la vente" + (f" : {p['reason']}" if p.get("reason") else "")
    elif kind == "resumed":
        return "Reprise de la vente"
    elif kind == "sale_stopped":
        return f"Arrêt de la vente (CPCE L221-4) : {p.get('reason', '')}"
    elif kind == "sale_opened":
        return "Ouverture de la vente (séance n° 1)"
    elif kind == "session_opened":
        return f"Ouverture de la séance n° {p['session']}"
    elif kind == "session_closed":
        return f"Clôture de la séance n° {p['session']} par le commissaire de justice"
    elif kind == "sale_closed":
        return "Clôture de la vente" + (f" et de la séance n° {p['session']}" if p.get("session") else "")
    else:
        return kind
    if p.get("stop_rule_override"):
        text += f", au-delà du seuil d'arrêt (CPCE L221-4), sur décision du commissaire de justice : {p.get('reason', '')}"
    return text


# --- the file ----------------------------------------------------------------------------------------

def segment(events: Sequence[Event], chosen: Sequence[Event]) -> tuple[Event, ...]:
    """The events from the first chosen one to the head of the last session it reaches: its closing
    event when that session is closed (sealed or not yet), else the log's last event."""
    sessions = session_of_events(events)
    last_session = sessions[chosen[-1].seq]
    closing = next((e.seq for e in events if e.seq >= chosen[-1].seq and sessions[e.seq] == last_session
                    and (e.kind == "session_closed" or (e.kind == "sale_closed" and "session" in e.payload))),
                   None)
    end = closing if closing is not None else events[-1].seq
    return tuple(e for e in events if chosen[0].seq <= e.seq <= end)


def assemble(*, sale_id: int, sale_reference: str, sale_title: str, events: Sequence[Event], scope: str,
             lot_id: int | None = None, session: int | None = None, lots: dict[int, LotRef],
             staff: dict[int, StaffRef], refusals: Iterable[Refusal] = (), seals: Iterable[Seal] = (),
             screen_events: Iterable[screens_record.ScreenEvent] = (),
             refusals_lost: Iterable[RefusalsLost] = (), produced_at: datetime, produced_by: str) -> EvidenceFile:
    """The evidence file of a lot (`lot_id`) or a session (`session`) from the sale's whole log."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    chosen = in_scope(events, scope, lot_id=lot_id, session=session)
    if not chosen:
        raise NothingToShow("Ce lot n'a pas été mis en vente : le journal n'en dit rien." if scope == "lot"
                            else "Cette séance n'a pas eu lieu : le journal n'en dit rien.")
    seals = tuple(seals)
    chain = segment(events, chosen)
    first, last = chain[0].seq, chain[-1].seq
    first_session = session_of_events(events)[first]
    if scope == "lot":
        kept = [r for r in refusals if r.lot_id == lot_id]
    else:
        kept = [r for r in refusals if first - 1 <= r.log_seq <= last]
    screens = screens_section(screen_events, chosen, scope, produced_at)
    # A lost refusal is known by its arrival time only, not its lot: those lost while the chain ran (from
    # the scope's first event to its session's close, or to the file's making) are shown.
    until = chain[-1].at if chain[-1].kind in SESSION_CLOSINGS else produced_at
    lost = tuple(gap for gap in refusals_lost if gap.since <= until and gap.until >= chain[0].at)
    staff_ids = dict.fromkeys([e.user_id for e in chosen] + [v.user_id for v in screens.named])
    return EvidenceFile(
        sale_id=sale_id, sale_reference=sale_reference, sale_title=sale_title, scope=scope,
        lot=lots.get(lot_id) if lot_id is not None else None, session=session,
        entries=entries(chain, chosen, lots, staff, first_session), first_session=first_session,
        refusals=tuple(sorted(kept, key=lambda r: (r.received_at, r.id))), chain=chain,
        seals=tuple(s for s in seals if first <= s.head_seq <= last), lots=lots,
        staff={user_id: staff[user_id] for user_id in staff_ids if user_id in staff},
        produced_at=produced_at, produced_by=produced_by, log_head_seq=events[-1].seq, screens=screens,
        refusals_lost=lost)


END_LABELS = {"hammer": "à l'adjudication", "lot_passed": "au passage du lot", "lot_withdrawn": "au retrait du lot",
              "session_closed": "à la clôture de la séance", "sale_closed": "à la clôture de la vente"}


def screens_section(screen_events: Iterable[screens_record.ScreenEvent], chosen: Sequence[Event], scope: str,
                    produced_at: datetime) -> screens_record.ScreensSection:
    """The screens connected from the scope's first event to its end (its last event when that ends the
    lot or the session, else the time the file is made)."""
    last = chosen[-1]
    ended = last.kind in (LOT_ENDS if scope == "lot" else SESSION_CLOSINGS)
    return screens_record.section(
        screen_events, chosen[0].at, last.at if ended else produced_at,
        start_label="à la mise en vente" if scope == "lot" else "à l'ouverture de la séance",
        end_label=END_LABELS[last.kind] if ended else "à l'heure du dossier")


def refusal_document(refusal: Refusal) -> dict[str, Any]:
    return {"id": refusal.id, "received_at_utc": utc_text(refusal.received_at),
            "received_at_paris": paris_text(refusal.received_at), "lot_id": refusal.lot_id,
            "paddle": refusal.paddle, "amount_cents": refusal.amount_cents,
            "expected_bid_seq": refusal.expected_bid_seq, "log_seq": refusal.log_seq, "code": refusal.code,
            "reason": refusal.reason, "message": refusal.message}


def document(file: EvidenceFile) -> dict[str, Any]:
    """The evidence file as JSON: the readable entries, the refusals, and the chain segment with each
    event's canonical encoding (the UTF-8 text whose SHA-256 is its hash)."""
    return {
        "format": FORMAT,
        "sale": {"id": file.sale_id, "reference": file.sale_reference, "title": file.sale_title},
        "scope": {"kind": file.scope, "lot_id": file.lot.id if file.lot else None, "session": file.session},
        "produced_at_utc": utc_text(file.produced_at), "produced_by": file.produced_by,
        "lots": {str(lot.id): {"label": lot.label, "title": lot.title} for lot in file.lots.values()},
        "staff": {str(m.user_id): {"name": m.name, "role": m.role} for m in file.staff.values()},
        "events": [entry.document() for entry in file.entries],
        "refusals": [refusal_document(r) for r in file.refusals],
        "refusals_lost": [{"server": f"{gap.host}/{gap.pid}", "count": gap.count, "from_utc": utc_text(gap.since),
                           "to_utc": utc_text(gap.until)} for gap in file.refusals_lost],
        "screens": screens_record.document(file.screens) if file.screens else None,
        "chain": {
            "algorithm": "sha256",
            "encoding": "JSON, keys sorted, no whitespace, UTF-8, time in UTC to the microsecond",
            "from_seq": file.chain[0].seq, "to_seq": file.head.seq, "first_session": file.first_session,
            "events": [{"seq": e.seq, "canonical": e.canonical().decode(), "prev_hash": e.prev_hash, "hash": e.hash}
                       for e in file.chain],
        },
        "head": {"seq": file.head.seq, "hash": file.head.hash, "sealed": file.head_sealed is not None},
        "sealed_heads": [{"session": s.session, "head_seq": s.head_seq, "head_hash": s.head_hash,
                          "sealed_at_utc": utc_text(s.sealed_at)} for s in file.seals],
    }

