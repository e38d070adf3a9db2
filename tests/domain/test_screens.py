"""The screens connected to a room, from the record of connections: connects paired with their
disconnects per process, the named screens of a lot's window, the public viewers counted at its start,
at its end and at their peak, and what a process could not record."""
from datetime import datetime, timedelta, timezone

from auction.domain.screens import (CONNECT, DISCONNECT, LOST, RESTART, ScreenEvent, count_at, document, peak,
                                    section, visits)

T0 = datetime(2026, 12, 4, 13, 0, tzinfo=timezone.utc)


class Record:
    """Rows as the record keeps them, with their ids in arrival order."""

    def __init__(self):
        self.rows: list[ScreenEvent] = []

    def add(self, seconds: float, kind: str, role: str, connection: int, *, pid: int = 10, user_id=None,
            paddle=None, lost: int = 0, until: float | None = None) -> None:
        self.rows.append(ScreenEvent(len(self.rows) + 1, T0 + timedelta(seconds=seconds), kind, role, "srv", pid,
                                     connection, user_id, paddle, lost,
                                     T0 + timedelta(seconds=until) if until is not None else None))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_connect_is_paired_with_the_disconnect_of_its_own_process_and_number():
    record = Record()
    record.add(0, CONNECT, "clerk_tablet", 1, user_id=2)
    record.add(1, CONNECT, "viewer", 1, pid=11)        # another process's connection number 1
    record.add(5, DISCONNECT, "viewer", 1, pid=11)
    record.add(9, DISCONNECT, "clerk_tablet", 1, user_id=2)
    record.add(10, CONNECT, "clerk_tablet", 2, user_id=2)   # the tablet came back: a second visit
    record.add(11, DISCONNECT, "viewer", 7)            # no connect recorded for it: ignored
    found = visits(reversed(record.rows))              # the order of the rows does not matter
    assert [(v.role, v.pid, v.connected_at, v.disconnected_at) for v in found] == [
        ("clerk_tablet", 10, at(0), at(9)), ("viewer", 11, at(1), at(5)), ("clerk_tablet", 10, at(10), None)]
    assert found[0].user_id == 2 and found[0].label == "Tablette du clerc"


def test_viewers_are_counted_at_a_moment_and_at_their_peak():
    record = Record()
    for n in range(1, 4):
        record.add(n, CONNECT, "viewer", n)            # three before the lot (at 1, 2, 3 s)
    record.add(12, CONNECT, "viewer", 4)
    record.add(13, CONNECT, "viewer", 5)               # five at 13 s
    record.add(14, DISCONNECT, "viewer", 1)
    record.add(15, DISCONNECT, "viewer", 2)
    record.add(20, CONNECT, "viewer", 6)               # back to four at 20 s: not a new peak
    record.add(40, CONNECT, "viewer", 7)               # after the lot: not counted
    found = visits(record.rows)
    assert count_at(found, at(10)) == 3 and count_at(found, at(14)) == 4 and count_at(found, at(30)) == 4
    assert peak(found, at(10), at(30)) == (5, at(13))
    assert peak(found, at(50), at(60)) == (5, at(50))     # five still connected: the peak is at the start
    assert peak([], at(10), at(30)) == (0, None)


def test_leaving_and_arriving_at_the_same_moment_is_no_peak():
    record = Record()
    record.add(0, CONNECT, "viewer", 1)
    record.add(5, DISCONNECT, "viewer", 1)
    record.add(5, CONNECT, "viewer", 2)
    assert peak(visits(record.rows), at(1), at(10)) == (1, at(1))


def test_a_lots_section_lists_the_named_screens_of_its_window_and_counts_the_viewers():
    record = Record()
    record.add(0, CONNECT, "clerk_tablet", 1, user_id=2)
    record.add(1, CONNECT, "display", 2)
    record.add(2, CONNECT, "online_bidder", 3, paddle=501)
    record.add(3, DISCONNECT, "display", 2)            # gone before the lot: not listed
    record.add(4, CONNECT, "viewer", 4)
    record.add(15, CONNECT, "rostrum", 5, user_id=1)   # arrives during the lot
    record.add(25, CONNECT, "officer_tablet", 6, user_id=1)   # after the hammer: not listed
    record.add(22, DISCONNECT, "online_bidder", 3, paddle=501)
    screens = section(record.rows, at(10), at(20), start_label="à la mise en vente", end_label="à l'adjudication")
    assert [(v.role, v.user_id, v.paddle) for v in screens.named] == [
        ("clerk_tablet", 2, None), ("online_bidder", None, 501), ("rostrum", 1, None)]
    assert (screens.viewers_at_start, screens.viewers_at_end, screens.viewers_peak) == (1, 1, 1)
    assert screens.lost == () and screens.lost_count == 0
    data = document(screens)
    assert data["in_chain"] is False and data["companion_record"] is True
    assert data["named"][1] == {"role": "online_bidder", "label": "Enchérisseur en ligne", "user_id": None,
                                "paddle": 501, "server": "srv/10",
                                "connected": {"utc": "2026-12-04T13:00:02.000Z",
                                              "paris": "04/12/2026 14:00:02,000 (UTC+01:00)"},
                                "disconnected": {"utc": "2026-12-04T13:00:22.000Z",
                                                 "paris": "04/12/2026 14:00:22,000 (UTC+01:00)"},
                                "disconnect_recorded": True}
    assert data["viewers"] == {"at_start": 1, "at_end": 1, "peak": 1,
                               "peak_at": {"utc": "2026-12-04T13:00:10.000Z",
                                           "paris": "04/12/2026 14:00:10,000 (UTC+01:00)"}}
    assert "pas dans sa chaîne" in data["note"]


def test_what_a_process_could_not_record_is_shown_for_the_windows_it_touches():
    record = Record()
    record.add(5, LOST, "", 0, lost=1200, until=12)
    record.add(40, LOST, "", 0, pid=11, lost=3, until=41)
    screens = section(record.rows, at(10), at(20), start_label="", end_label="")
    assert [(gap.count, gap.since, gap.until, gap.pid) for gap in screens.lost] == [(1200, at(5), at(12), 10)]
    assert screens.lost_count == 1200
    assert document(screens)["lost"][0]["count"] == 1200
    assert section(record.rows, at(30), at(35), start_label="", end_label="").lost == ()


def test_a_connection_its_stopped_process_never_closed_ends_unknown_at_the_restart():
    record = Record()
    record.add(0, CONNECT, "clerk_tablet", 1, user_id=2)
    record.add(1, CONNECT, "viewer", 2)
    record.add(2, CONNECT, "viewer", 3)
    record.add(4, DISCONNECT, "viewer", 3)
    # The process is killed at about 6 s; a process of its host starts at 60 s and closes what it left.
    record.add(60, RESTART, "clerk_tablet", 1, user_id=2)
    record.add(60, RESTART, "viewer", 2)
    record.add(61, CONNECT, "viewer", 1)                # the same pid again (a container): its numbers anew
    found = visits(record.rows)
    assert [(v.role, v.connected_at, v.disconnected_at, v.end_known) for v in found] == [
        ("clerk_tablet", at(0), at(60), False), ("viewer", at(1), at(60), False), ("viewer", at(2), at(4), True),
        ("viewer", at(61), None, True)]
    shown = section(record.rows, at(0), at(30), start_label="", end_label="")
    # Counted up to the restart, the latest they can have ended; the file says how many ends are unknown.
    assert (shown.viewers_at_end, shown.unknown_ends) == (1, 2)
    assert [v.end_known for v in shown.named] == [False]
    data = document(shown)
    assert data["named"][0]["disconnect_recorded"] is False and data["named"][0]["disconnected"] is not None
    assert data["unknown_ends"] == 2
    assert section(record.rows, at(61), at(90), start_label="", end_label="").unknown_ends == 0


def test_a_number_given_again_by_the_same_process_ends_the_connection_left_open():
    record = Record()
    record.add(0, CONNECT, "display", 1)     # its process was killed, and no restart could close it
    record.add(50, CONNECT, "viewer", 1)     # the same host and pid, after a restart: number 1 again
    record.add(55, DISCONNECT, "viewer", 1)
    found = visits(record.rows)
    assert [(v.role, v.connected_at, v.disconnected_at, v.end_known) for v in found] == [
        ("display", at(0), at(50), False), ("viewer", at(50), at(55), True)]
