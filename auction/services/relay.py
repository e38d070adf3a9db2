"""Events between server processes: PostgreSQL LISTEN/NOTIFY in front, the log table as the truth.

Every append runs `pg_notify('criee_events', …)` in the same transaction as its insert (`publish`).
PostgreSQL delivers a notification only if and when its transaction commits, to every listening
process, in commit order — for one sale that is sequence order, since an event is built on the one
before it. Notifying after the commit would cost the same round trip and lose the notification if
the process died in between; the other processes would then show a stale room until the next event.
(Measured on these machines: NOTIFY → listener 0.26 ms p50; INSERT + pg_notify in one transaction →
listener 1.1 ms p50.) The payload is the event itself when it fits well under PostgreSQL's 8 000-byte
limit, otherwise only the sale and the sequence number, and the receiver reads the table.

Each process listens on one dedicated asyncpg connection, and may miss notifications: the connection
drops (the database restarts, a `pg_terminate_backend`), and PostgreSQL replays nothing to a new
listener. So the relay reconnects with backoff and, once listening again, catches every room it has
loaded up from the table; a notification that skips a sequence number makes its room do the same; a
room loaded while notifications were arriving checks what was heard meanwhile. Events reach a room
only through `Room._apply`, each one following the last, either at once (when no command holds the
room's lock) or by a sync task holding the lock: the screens of every process see every event once,
in order, and a command is decided on a state that includes what the other processes appended.

Online bids received and not yet decided hold the hammer in every process, not only in the one that
received them: that one announces each such bid (`announce_hold`) and its decision on the same
channel, outside the bid's transaction, and the others keep the hold for `HOLD_SECONDS` at most.
Likewise each process announces how many online bidders are connected to it per sale, at every
change and every `PRESENCE_REFRESH` seconds, so that every tablet shows them all; another process's
count is forgotten `PRESENCE_TTL` seconds after its last announcement (the process died).

What the notifications say, and how they are read: `auction.services.relay_notices`.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid

import asyncpg
import orjson
from sqlalchemy.engine import URL

from auction.domain.bidlog import Event

from .relay_notices import CHANNEL, NOTIFY, decode, listener_dsn, publish
from .room import Room, RoomRegistry, catch_up

log = logging.getLogger("criee.relay")

APPLICATION_NAME = "criee relay"
RECONNECT_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
STABLE_SECONDS = 10           # a connection that lived this long resets the backoff
KEEPALIVE_SECONDS = 10        # a listener that cannot answer SELECT 1 this fast is reconnected
START_TIMEOUT = 15
HOLD_SECONDS = 3.0            # an online bid announced by another process holds the hammer this long at most
PRESENCE_REFRESH = 5.0        # each process re-announces its online bidders this often...
PRESENCE_TTL = 15.0           # ...and another's count is forgotten this long after its last announcement

# --- the relay -------------------------------------------------------------------------------------

class Relay:
    """This process's end of the channel: publishes its rooms' events, applies the others'."""

    def __init__(self, url: str | URL, registry: RoomRegistry):
        self.dsn = listener_dsn(url)
        self.registry = registry
        self.origin = uuid.uuid4().hex                   # tells our own settings notices apart
        self.heard: dict[int, int] = {}                  # sale -> highest seq notified, loaded or not
        self.pending: dict[int, dict[int, tuple[Event, str | None]]] = {}   # sale -> seq -> notified event
        self.listening = asyncio.Event()
        self.connection: asyncpg.Connection | None = None
        self.reconnects = 0
        self._waiting: set[int] = set()                  # sales with a sync task not yet holding the lock
        self._failures: dict[int, int] = {}
        self._tasks: set[asyncio.Task] = set()
        self._main: asyncio.Task | None = None
        self._outgoing: asyncio.Queue[str | None] = asyncio.Queue()   # notices to send, in order; None: stop
        self._sender: asyncio.Task | None = None
        self._closed = False
        self._numbered = 0
        self._connection_lock = asyncio.Lock()          # one query at a time on the listening connection
        self._presence_refresher: asyncio.Task | None = None
        self.presence: dict[int, dict[str, tuple[int, float]]] = {}   # sale -> other relay -> (bidders, until)
        self.presence_changed: list = []                 # callbacks(sale_id): another process's count changed
        self._mine: dict[int, int] = {}                  # sale -> online bidders here, as last announced
        registry.opened.append(self._room_opened)
        registry.setup_changed.append(self.announce_setup)

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        """Listen before any room is loaded, so that nothing committed from now on is missed."""
        self._main = asyncio.create_task(self._run(), name="criee-relay")
        # Prunes the other processes' counts when they fall silent, and tells the tablets, whether or
        # not online bidders ever connect to this process.
        self._presence_refresher = asyncio.create_task(self._refresh_presence(), name="criee-presence")
        try:
            await asyncio.wait_for(self.listening.wait(), timeout)
        except asyncio.TimeoutError:
            await self.close()
            raise RuntimeError(f"could not LISTEN on PostgreSQL within {timeout} s") from None

    async def close(self) -> None:
        self._closed = True
        self._outgoing.put_nowait(None)                 # the sender stops, even past a lost cancellation
        tasks = [t for t in (self._main, self._sender, self._presence_refresher, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    # --- the listening connection --------------------------------------------------------------

    async def _run(self) -> None:
        attempt, first = 0, True
        while True:
            connected_at = None
            try:
                conn = await asyncpg.connect(self.dsn, timeout=10, server_settings={
                    "application_name": f"{APPLICATION_NAME} {os.getpid()}"})
            except Exception as exc:  # noqa: BLE001 - any failure: retry
                log.warning("relay cannot reach PostgreSQL", extra={"error": repr(exc)})
            else:
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _conn: lost.set())
                try:
                    await conn.add_listener(CHANNEL, self._on_notification)
                    connected_at = time.monotonic()
                    self.connection = conn
                    self.listening.set()
                    if not first:
                        self.reconnects += 1
                        log.warning("relay listening again: catching up from the log",
                                    extra={"rooms": sorted(self.registry.rooms)})
                        for room in list(self.registry.rooms.values()):
                            self._spawn(self._reload_setup(room.sale_id))
                            self._sync_soon(room, "reconnect")
                        for sale_id, count in list(self._mine.items()):   # what they may have missed
                            self._send({"sale": sale_id, "presence": count, "from": self.origin})
                    first = False
                    await self._watch(conn, lost)
                except Exception as exc:  # noqa: BLE001 - the connection failed: reconnect
                    log.warning("relay connection failed", extra={"error": repr(exc)})
                finally:
                    self.listening.clear()
                    self.connection = None
                    if not conn.is_closed():
                        conn.terminate()
                log.warning("relay connection lost: reconnecting")
            if connected_at is not None and time.monotonic() - connected_at >= STABLE_SECONDS:
                attempt = 0
            await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1

    async def _watch(self, conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Return when the connection is closed, or stops answering (a half-open socket)."""
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for may swallow a cancellation that
            # comes as its awaitable completes, and the relay's tasks would then outlive close().
            try:
                async with asyncio.timeout(KEEPALIVE_SECONDS):
                    await lost.wait()
                return
            except TimeoutError:
                async with self._connection_lock, asyncio.timeout(KEEPALIVE_SECONDS):
                    await conn.execute("SELECT 1")

    def _on_notification(self, _conn, _pid: int, _channel: str, payload: str) -> None:
        notice = decode(payload)
        if notice is None:
            log.warning("unreadable notification ignored", extra={"payload": payload[:200]})
            return
        room = self.registry.rooms.get(notice.sale_id)
        if notice.setup:
            if room is not None and notice.origin != self.origin:
                self._spawn(self._reload_setup(notice.sale_id))
            return
        if notice.hold is not None:
            if room is not None and notice.origin != self.origin:
                command_id, lot_id, held = notice.hold
                if held:
                    room.remote_holds[command_id] = (lot_id, time.monotonic() + HOLD_SECONDS)
                else:
                    room.remote_holds.pop(command_id, None)
            return
        if notice.presence is not None:
            if notice.origin != self.origin:
                self._heard_presence(notice.sale_id, notice.origin, notice.presence)
            return
        if room is not None and notice.command_id is not None:
            room.remote_holds.pop(notice.command_id, None)   # that online bid is decided: in the log
        self.heard[notice.sale_id] = max(self.heard.get(notice.sale_id, 0), notice.seq)
        if room is None or notice.seq <= room.state.seq:
            return                          # a sale not served here, or an event we already have (ours)
        room.known_seq = max(room.known_seq, notice.seq)
        if notice.event is not None:
            self.pending.setdefault(room.sale_id, {})[notice.seq] = (notice.event, notice.command_id)
        if room.lock.locked():
            self._sync_soon(room, "busy")   # a command is being decided: after it, under the lock
            return
        self._apply_pending(room)           # the usual case: at once, in this callback
        if room.known_seq > room.state.seq:
            self._sync_soon(room, "gap" if notice.event is not None else "reference")

    # --- applying to the rooms -----------------------------------------------------------------

    def _room_opened(self, room: Room) -> None:
        room.publish = publish
        room.announce_hold = lambda lot_id, command_id, held: self.announce_hold(room.sale_id, lot_id, command_id,
                                                                                held)
        room.known_seq = max(room.known_seq, self.heard.get(room.sale_id, 0))
        if room.known_seq > room.state.seq:
            self._sync_soon(room, "opened")

    def _apply_pending(self, room: Room) -> None:
        """Apply the notified events that follow the room's last one. Caller: nobody else applies now."""
        buffer = self.pending.get(room.sale_id)
        if not buffer:
            return
        while True:
            item = buffer.pop(room.state.seq + 1, None)
            if item is None:
                break
            try:
                room._apply(*item)
            except ValueError:
                log.error("notified event does not follow the room's last one: reading the log",
                          extra={"sale_id": room.sale_id, "seq": item[0].seq})
                break
        for seq in [seq for seq in buffer if seq <= room.state.seq]:
            del buffer[seq]
        if not buffer:
            del self.pending[room.sale_id]

    def _sync_soon(self, room: Room, reason: str) -> None:
        """A task that takes the room's lock, applies what was notified and reads the table for the rest.
        At most one waits for the lock per room; the one holding it drains everything before leaving."""
        if room.sale_id not in self._waiting:
            self._waiting.add(room.sale_id)
            self._spawn(self._sync(room, reason))

    async def _sync(self, room: Room, reason: str) -> None:
        try:
            async with room.lock:
                self._waiting.discard(room.sale_id)
                self._apply_pending(room)
                if room.known_seq > room.state.seq or reason == "reconnect":
                    before = room.state.seq
                    await catch_up(self.registry.sessions, room)
                    self._apply_pending(room)
                    log.log(logging.WARNING if reason in ("reconnect", "gap") else logging.INFO,
                            "caught up from the log", extra={"sale_id": room.sale_id, "reason": reason,
                                                             "events": room.state.seq - before,
                                                             "seq": room.state.seq})
        except Exception:  # noqa: BLE001 - the database is unavailable: try again shortly
            self._waiting.discard(room.sale_id)
            failures = self._failures[room.sale_id] = self._failures.get(room.sale_id, 0) + 1
            delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
            log.exception("catching up from the log failed", extra={"sale_id": room.sale_id, "retry_in": delay})
            await asyncio.sleep(delay)
            self._sync_soon(room, reason)
        else:
            self._failures.pop(room.sale_id, None)

    async def _reload_setup(self, sale_id: int) -> None:
        try:
            await self.registry.reload_setup(sale_id, announce=False)
        except Exception:  # noqa: BLE001 - logged; the next change or reconnect tries again
            log.exception("reloading the sale's settings failed", extra={"sale_id": sale_id})

    async def announce_setup(self, sale_id: int) -> None:
        """Tell the other processes that a sale's settings changed (after the change is committed).
        Should this fail, they still reload the settings when their listener next reconnects."""
        try:
            async with self.registry.sessions() as session, session.begin():
                await session.execute(NOTIFY, {"channel": CHANNEL, "payload": orjson.dumps(
                    {"sale": sale_id, "setup": self.origin}).decode()})
        except Exception:  # noqa: BLE001 - the change itself is saved; the page must not fail
            log.exception("could not announce a settings change", extra={"sale_id": sale_id})

    def announce_hold(self, sale_id: int, lot_id: int, command_id: str, held: bool) -> None:
        """Tell the other processes that an online bid for a lot was received here (`held`), or decided.

        Sent in order by one task, outside the bid's transaction and without making the bid wait: the
        hold reaches the other processes about a notification's time after the bid reached this one,
        while the bid is being decided. Should a notice be lost, the log still decides: a hammer
        committed first makes the bid too late."""
        self._send({"sale": sale_id, "hold": command_id, "lot": lot_id, "held": held, "from": self.origin})

    # --- online bidders connected to the other processes ---------------------------------------

    def announce_presence(self, sale_id: int, count: int) -> None:
        """Tell the other processes how many online bidders of the sale are connected here now."""
        if self._closed:
            return
        self._send({"sale": sale_id, "presence": count, "from": self.origin})
        if count:
            self._mine[sale_id] = count
        else:
            self._mine.pop(sale_id, None)
        if self._presence_refresher is None or self._presence_refresher.done():
            self._presence_refresher = asyncio.get_running_loop().create_task(self._refresh_presence(),
                                                                              name="criee-presence")

    def online_elsewhere(self, sale_id: int) -> int:
        """Online bidders of the sale connected to the other processes (as last announced, still fresh)."""
        if self._forget_stale(sale_id):
            # a process fell silent: every tablet is told, not only the one asking
            asyncio.get_running_loop().call_soon(self._presence_changed, sale_id)
        return sum(count for count, _ in self.presence.get(sale_id, {}).values())

    def _heard_presence(self, sale_id: int, origin: str, count: int) -> None:
        others = self.presence.setdefault(sale_id, {})
        before = others.get(origin, (0, 0.0))[0]
        if count:
            others[origin] = (count, time.monotonic() + PRESENCE_TTL)
        else:
            others.pop(origin, None)
        if count != before:
            self._presence_changed(sale_id)

    def _forget_stale(self, sale_id: int) -> bool:
        others = self.presence.get(sale_id, {})
        now = time.monotonic()
        stale = [origin for origin, (_, until) in others.items() if until <= now]
        for origin in stale:
            del others[origin]
        return bool(stale)

    def _presence_changed(self, sale_id: int) -> None:
        for callback in list(self.presence_changed):
            try:
                callback(sale_id)
            except Exception:  # noqa: BLE001 - a screen's update must not stop the relay
                log.exception("presence update failed", extra={"sale_id": sale_id})

    async def _refresh_presence(self) -> None:
        while not self._closed:
            await asyncio.sleep(PRESENCE_REFRESH)
            for sale_id, count in list(self._mine.items()):
                self._send({"sale": sale_id, "presence": count, "from": self.origin})
            for sale_id in list(self.presence):
                if self._forget_stale(sale_id):
                    self._presence_changed(sale_id)     # a process stopped announcing: it is gone

    # --- sending courtesy notices --------------------------------------------------------------

    def _send(self, notice: dict) -> None:
        """Queue a notice (a hold, a presence count) for the other processes; one task sends them in order,
        on the listening connection (no pool checkout; while it is down they are dropped: holds are
        short-lived, a non-zero presence is announced again every PRESENCE_REFRESH, and all of it
        after a reconnection)."""
        if self._closed:
            return
        # Numbered: PostgreSQL delivers a payload repeated within one transaction only once, and a
        # batch may say "0, 1, 0".
        self._numbered += 1
        self._outgoing.put_nowait(orjson.dumps({**notice, "n": self._numbered}).decode())
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send_queued(), name="criee-notices")

    async def _send_queued(self) -> None:
        while True:
            first = await self._outgoing.get()
            if first is None or self._closed:
                return
            payloads = [first]
            while not self._outgoing.empty():
                payload = self._outgoing.get_nowait()
                if payload is None:
                    return
                payloads.append(payload)
            conn = self.connection
            if conn is None:
                log.info("notices to the other processes dropped: not connected", extra={"notices": len(payloads)})
                continue
            try:
                async with self._connection_lock, asyncio.timeout(KEEPALIVE_SECONDS):
                    # one round trip, notified in order
                    await conn.execute("SELECT pg_notify($1, payload) FROM unnest($2::text[]) "
                                       "WITH ORDINALITY AS n(payload, i) ORDER BY i", CHANNEL, payloads)
            except Exception:  # noqa: BLE001 - courtesies to the other processes: the log decides
                log.warning("could not send notices to the other processes", exc_info=True,
                            extra={"notices": len(payloads)})

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
