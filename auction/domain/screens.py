"""The screens connected to a sale's room, for the evidence file: who was watching, from which screen,
from when to when, as the companion record of connections keeps it (auction.services.screens).

Each socket accepted to a room is one connection: a `connect` row when it is accepted, a
`disconnect` row when it closes, both naming the server process (host and pid) and the connection's
number in it. The named screens (the staff's tablets and rostrum, the room display, each online
bidder by paddle) are listed one by one; the anonymous public viewers are counted (at the start of
the lot or session, at its end, and the peak in between). What a server process could not record (its
buffer full, the database away) is a `lost` row with the number of rows lost: the file says so.
A process killed writes no close for its screens: a process of the same host, when it starts, closes
them with a `restart` row at its start, the latest they can have ended; the file shows such an end
as unknown, "au plus tard" then. A connection opened again under the same number by the same process
(its pid reused after a restart that could not write) ends, unknown, when the new one opens.
This record is not in the hash chain of the bid log.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .instants import paris_text, utc_text

CONNECT, DISCONNECT, LOST, RESTART = "connect", "disconnect", "lost", "restart"
KINDS = (CONNECT, DISCONNECT, LOST, RESTART)
ROLE_LABELS = {
    "clerk_tablet": "Tablette du clerc",
    "officer_tablet": "Tablette du commissaire de justice",
    "rostrum": "Pupitre du commissaire de justice",
    "display": "Écran de la salle",
    "online_bidder": "Enchérisseur en ligne",
    "viewer": "Spectateur (page publique)",
}
ROLES = tuple(ROLE_LABELS)
VIEWER = "viewer"
NOTE = ("Les connexions des écrans viennent du registre des connexions, que la base de données interdit de "
        "modifier ou d'effacer. Ce registre accompagne le journal des enchères mais n'est pas dans sa chaîne "
        "d'empreintes : il ne se vérifie pas par elle. Il ne contient ni nom ni adresse IP : le rôle de "
        "l'écran, le numéro d'utilisateur du personnel ou le numéro de panneau, le processus du serveur et "
        "l'heure. Un processus du serveur arrêté brutalement n'enregistre pas la déconnexion de ses écrans : "
        "elle est inscrite au redémarrage du serveur, à son heure, qui est la plus tardive possible, l'heure "
        "exacte n'étant pas connue.")


@dataclass(frozen=True)
class ScreenEvent:
    """One row of the record of connections."""
    id: int
    at: datetime
    kind: str                       # connect, disconnect, lost
    role: str
    host: str
    pid: int
    connection: int                 # the connection's number in its process
    user_id: int | None = None      # a staff screen's user
    paddle: int | None = None       # an online bidder's paddle
    lost: int = 0                   # `lost`: rows this process could not record...
    lost_until: datetime | None = None   # ...from `at` to this moment

    @property
    def key(self) -> tuple[str, int, int]:
        return self.host, self.pid, self.connection


@dataclass(frozen=True)
class Visit:
    """A connection from its accept to its close (None: no close recorded, still connected or the
    process stopped without saying it; `end_known` False: its process stopped without recording it,
    and `disconnected_at` is the latest it can have ended, when the server restarted)."""
    role: str
    host: str
    pid: int
    connected_at: datetime
    disconnected_at: datetime | None = None
    user_id: int | None = None
    paddle: int | None = None
    end_known: bool = True

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def open_at(self, moment: datetime) -> bool:
        return self.connected_at <= moment and (self.disconnected_at is None or self.disconnected_at > moment)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.connected_at <= end and (self.disconnected_at is None or self.disconnected_at >= start)


@dataclass(frozen=True)
class Lost:
    host: str
    pid: int
    count: int
    since: datetime
    until: datetime


@dataclass(frozen=True)
class ScreensSection:
    """The screens of an evidence file's lot or session, between `start` and `end`."""
    start: datetime
    end: datetime
    start_label: str                # "à la mise en vente", "à l'ouverture de la séance"
    end_label: str                  # "à l'adjudication", "à la clôture de la séance", "à l'heure du dossier"
    named: tuple[Visit, ...]
    viewers_at_start: int
    viewers_at_end: int
    viewers_peak: int
    peak_at: datetime | None        # when the peak was first reached (None: no viewer)
    lost: tuple[Lost, ...] = ()
    note: str = NOTE
    unknown_ends: int = 0           # connections of the period (viewers too) whose end was not recorded

    @property
    def lost_count(self) -> int:
        return sum(gap.count for gap in self.lost)


def visits(events: Iterable[ScreenEvent]) -> list[Visit]:
    """Each connection, its connect paired with its process's disconnect of the same number."""
    open_: dict[tuple[str, int, int], ScreenEvent] = {}
    found: list[Visit] = []
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        if event.kind == CONNECT:
            if event.key in open_:      # its number given again by the same host and pid: the first is over
                found.append(_ended(open_.pop(event.key), event.at, known=False))
            open_[event.key] = event
        elif event.kind in (DISCONNECT, RESTART) and event.key in open_:
            found.append(_ended(open_.pop(event.key), event.at, known=event.kind == DISCONNECT))
    found.extend(Visit(e.role, e.host, e.pid, e.at, None, e.user_id, e.paddle) for e in open_.values())
    return sorted(found, key=lambda v: v.connected_at)


def _ended(start: ScreenEvent, at: datetime, *, known: bool) -> Visit:
    return Visit(start.role, start.host, start.pid, start.at, at, start.user_id, start.paddle, known)


def count_at(all_visits: Iterable[Visit], moment: datetime) -> int:
    return sum(1 for visit in all_visits if visit.open_at(moment))


def peak(all_visits: Iterable[Visit], start: datetime, end: datetime) -> tuple[int, datetime | None]:
    """The most connections open at once between `start` and `end`, and when that was first reached."""
    all_visits = [v for v in all_visits if v.overlaps(start, end)]
    current = count_at(all_visits, start)
    best, best_at = current, (start if current else None)
    changes = [(v.connected_at, 1) for v in all_visits if v.connected_at > start]
    changes += [(v.disconnected_at, -1) for v in all_visits
                if v.disconnected_at is not None and start < v.disconnected_at <= end]
    for moment, step in sorted(changes, key=lambda c: (c[0], c[1])):   # at one moment, leaving first
        current += step
        if current > best:
            best, best_at = current, moment
    return best, best_at


def section(events: Iterable[ScreenEvent], start: datetime, end: datetime, *, start_label: str,
            end_label: str) -> ScreensSection:
    events = list(events)
    all_visits = visits(events)
    viewers = [v for v in all_visits if v.role == VIEWER]
    top, top_at = peak(viewers, start, end)
    lost = tuple(Lost(e.host, e.pid, e.lost, e.at, e.lost_until or e.at) for e in events
                 if e.kind == LOST and e.at <= end and (e.lost_until or e.at) >= start)
    return ScreensSection(
        start=start, end=end, start_label=start_label, end_label=end_label,
        named=tuple(v for v in all_visits if v.role != VIEWER and v.overlaps(start, end)),
        viewers_at_start=count_at(viewers, start), viewers_at_end=count_at(viewers, end),
        viewers_peak=top, peak_at=top_at, lost=lost,
        unknown_ends=sum(1 for v in all_visits if not v.end_known and v.overlaps(start, end)))


def _moment(moment: datetime | None) -> dict[str, str] | None:
    return {"utc": utc_text(moment), "paris": paris_text(moment)} if moment is not None else None


def document(screens: ScreensSection) -> dict[str, Any]:
    return {
        "companion_record": True, "in_chain": False, "note": screens.note,
        "from": _moment(screens.start), "to": _moment(screens.end),
        "from_label": screens.start_label, "to_label": screens.end_label,
        "named": [{"role": v.role, "label": v.label, "user_id": v.user_id, "paddle": v.paddle,
                   "server": f"{v.host}/{v.pid}", "connected": _moment(v.connected_at),
                   "disconnected": _moment(v.disconnected_at),
                   "disconnect_recorded": v.end_known and v.disconnected_at is not None} for v in screens.named],
        "viewers": {"at_start": screens.viewers_at_start, "at_end": screens.viewers_at_end,
                    "peak": screens.viewers_peak, "peak_at": _moment(screens.peak_at)},
        "unknown_ends": screens.unknown_ends,
        "lost": [{"server": f"{gap.host}/{gap.pid}", "count": gap.count, "from": _moment(gap.since),
                  "to": _moment(gap.until)} for gap in screens.lost],
    }
