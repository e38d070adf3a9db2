"""The notifications of the channel between server processes: what each one says, and how it is read.

An appended event travels as itself when it fits well under PostgreSQL's 8 000-byte limit, otherwise
as its sale and sequence number only (the receiver reads the table); an event that does not hash as
it claims is taken as its number too. The relay's courtesy notices name their sale and the relay
that sent them: a settings change (`setup`), an online bid received or decided (`hold`), the online
bidders connected to a process (`presence`). How the processes use them: `auction.services.relay`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from auction.domain.bidlog import Event

CHANNEL = "criee_events"
MAX_PAYLOAD = 7000            # PostgreSQL refuses payloads of 8 000 bytes or more

NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def encode_event(event: Event, command_id: str | None) -> str:
    """The event itself, or only (sale, seq) when it would not fit in a notification."""
    full = orjson.dumps({"sale": event.sale_id, "seq": event.seq, "kind": event.kind, "payload": event.payload,
                         "at": event.at, "user": event.user_id, "prev": event.prev_hash, "hash": event.hash,
                         "cmd": command_id})
    if len(full) <= MAX_PAYLOAD:
        return full.decode()
    return orjson.dumps({"sale": event.sale_id, "seq": event.seq}).decode()


@dataclass(frozen=True)
class Notice:
    sale_id: int
    seq: int = 0                          # 0 for a settings change
    event: Event | None = None            # None: read it from the table
    command_id: str | None = None
    setup: bool = False                   # a settings change
    hold: tuple[str, int, bool] | None = None   # an online bid (command id, lot) received (True) or decided
    presence: int | None = None           # online bidders connected to the announcing process
    origin: str | None = None             # the relay that announced a settings change, a hold or presence


def decode(payload: str) -> Notice | None:
    """A notification of this channel, or None when it cannot be read (it is then ignored)."""
    try:
        data = orjson.loads(payload)
        sale_id = data["sale"]
        if not isinstance(sale_id, int):
            return None
        if "setup" in data:
            return Notice(sale_id, setup=True, origin=str(data["setup"]))
        if "hold" in data:
            command_id, lot_id, held = data["hold"], data["lot"], data["held"]
            if not (isinstance(command_id, str) and isinstance(lot_id, int) and isinstance(held, bool)):
                return None
            return Notice(sale_id, hold=(command_id, lot_id, held), origin=str(data["from"]))
        if "presence" in data:
            count = data["presence"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                return None
            return Notice(sale_id, presence=count, origin=str(data["from"]))
        seq = data["seq"]
        if not isinstance(seq, int) or seq < 1:
            return None
        if "hash" not in data:
            return Notice(sale_id, seq)
        event = Event(sale_id=sale_id, seq=seq, kind=data["kind"], payload=data["payload"],
                      at=datetime.fromisoformat(data["at"]), user_id=data["user"], prev_hash=data["prev"],
                      hash=data["hash"])
    except (ValueError, KeyError, TypeError):
        return None
    if event.computed_hash() != event.hash:
        return Notice(sale_id, seq)       # not as stored: the table will say
    return Notice(sale_id, seq, event, data.get("cmd"))


async def publish(session: AsyncSession, event: Event, command_id: str | None) -> None:
    """Notify the other processes of `event`, in the transaction that appends it."""
    await session.execute(NOTIFY, {"channel": CHANNEL, "payload": encode_event(event, command_id)})


def listener_dsn(url: str | URL) -> str:
    """The asyncpg DSN of an SQLAlchemy `postgresql+asyncpg://` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
