"""Online bidders connected to each sale's room, as the clerk's tablet shows them.

Counted per process (distinct paddles: a bidder with two tabs open counts once) and, with several
server processes, added up through the relay: each process announces its own count, and the tablet
shows the sum. A bidder connected to two processes at once counts in each.
"""
from __future__ import annotations

from collections import Counter

from .live import Client, Hub, Hubs, encode


class Presence:
    def __init__(self, relay=None, hubs: Hubs | None = None):
        self.by_sale: dict[int, Counter[int]] = {}    # sale -> paddle -> open connections here
        self.relay = relay                            # auction.services.relay.Relay, or None (one process)
        self.hubs = hubs
        if relay is not None:
            relay.presence_changed.append(self._elsewhere_changed)

    def here(self, sale_id: int) -> int:
        """Distinct paddles connected to this process."""
        return len(self.by_sale.get(sale_id, ()))

    def count(self, sale_id: int) -> int:
        """Online bidders connected, to this process and the others."""
        elsewhere = self.relay.online_elsewhere(sale_id) if self.relay is not None else 0
        return self.here(sale_id) + elsewhere

    def message(self, hub: Hub) -> str:
        return encode({"type": "presence", "seq": hub.room.state.seq,
                       "online_bidders": self.count(hub.room.sale_id)})

    def arrive(self, hub: Hub, paddle: int) -> None:
        paddles = self.by_sale.setdefault(hub.room.sale_id, Counter())
        paddles[paddle] += 1
        if paddles[paddle] == 1:
            self._changed_here(hub)

    def leave(self, hub: Hub, paddle: int) -> None:
        paddles = self.by_sale.get(hub.room.sale_id)
        if not paddles or paddles[paddle] <= 0:
            return
        paddles[paddle] -= 1
        if paddles[paddle] == 0:
            del paddles[paddle]
            self._changed_here(hub)

    def _changed_here(self, hub: Hub) -> None:
        self.announce(hub)
        if self.relay is not None:
            self.relay.announce_presence(hub.room.sale_id, self.here(hub.room.sale_id))

    def _elsewhere_changed(self, sale_id: int) -> None:
        hub = self.hubs.hubs.get(sale_id) if self.hubs is not None else None
        if hub is not None:
            self.announce(hub)

    def announce(self, hub: Hub) -> None:
        """Tell the sale's staff screens how many online bidders are connected."""
        text = self.message(hub)
        for client in list(hub.staff):
            client.send(text)

    def greet(self, hub: Hub, client: Client) -> None:
        if client.staff:
            client.send(self.message(hub))


def presence_of(app) -> Presence:
    presence = getattr(app.state, "presence", None)
    if presence is None:
        presence = app.state.presence = Presence(getattr(app.state, "relay", None), getattr(app.state, "hubs", None))
    return presence
