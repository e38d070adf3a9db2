"""Online bidders connected to each sale's room, as the clerk's tablet shows them.

Per process: with several server processes each tablet counts the bidders of its own process.
"""
from __future__ import annotations

from collections import Counter

from .live import Client, Hub, encode


class Presence:
    def __init__(self):
        self.by_sale: dict[int, Counter[int]] = {}    # sale -> paddle -> open connections

    def count(self, sale_id: int) -> int:
        """Distinct paddles connected (a bidder with two tabs open counts once)."""
        return len(self.by_sale.get(sale_id, ()))

    def message(self, hub: Hub) -> str:
        return encode({"type": "presence", "seq": hub.room.state.seq,
                       "online_bidders": self.count(hub.room.sale_id)})

    def arrive(self, hub: Hub, paddle: int) -> None:
        paddles = self.by_sale.setdefault(hub.room.sale_id, Counter())
        paddles[paddle] += 1
        if paddles[paddle] == 1:
            self.announce(hub)

    def leave(self, hub: Hub, paddle: int) -> None:
        paddles = self.by_sale.get(hub.room.sale_id)
        if not paddles or paddles[paddle] <= 0:
            return
        paddles[paddle] -= 1
        if paddles[paddle] == 0:
            del paddles[paddle]
            self.announce(hub)

    def announce(self, hub: Hub) -> None:
        """Tell the sale's staff screens how many online bidders are connected."""
        text = self.message(hub)
        for client in list(hub.clients):
            if client.staff:
                client.send(text)

    def greet(self, hub: Hub, client: Client) -> None:
        if client.staff:
            client.send(self.message(hub))


def presence_of(app) -> Presence:
    presence = getattr(app.state, "presence", None)
    if presence is None:
        presence = app.state.presence = Presence()
    return presence
