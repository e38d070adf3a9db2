"""A small sale for the room's unit tests: two cases, five lots, four paddles."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from auction.domain.bidlog import chain
from auction.domain.roles import Role
from auction.domain.room import Actor, CaseInfo, LotInfo, PaddleInfo, RoomState, SaleSetup, apply, decide

T0 = datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc)
CLERK = Actor(2, Role.CLERK)
OFFICER = Actor(1, Role.OFFICER)

SETUP = SaleSetup(
    sale_id=1,
    lots={
        1: LotInfo(1, "1", "Scie à format", case_id=10, opening_bid_cents=100_00),
        2: LotInfo(2, "2", "Établi", case_id=10, opening_bid_cents=50_00),
        3: LotInfo(3, "3", "Canapé", case_id=20, opening_bid_cents=10_00),
        4: LotInfo(4, "3 bis", "Fauteuil", case_id=20, opening_bid_cents=0),
        5: LotInfo(5, "4", "Lampe", case_id=20, opening_bid_cents=10_00, withdrawn=True),
    },
    paddles={n: PaddleInfo(n, 100 + n, "room", f"Enchérisseur {n}", f"{n} rue de la Paix, 69002 Lyon")
             for n in (1, 2, 3, 501)},
    cases={10: CaseInfo(10, "SV-1", claims_cents=300_00), 20: CaseInfo(20, "SV-2", claims_cents=1_000_000_00)},
    seller_fee_rate_incl_vat=Decimal("0.05952"),
)


class Room:
    """Drives the pure domain the way the service does: decide, chain, apply."""

    def __init__(self, setup: SaleSetup = SETUP):
        self.setup = setup
        self.state = RoomState(setup.sale_id)
        self.events = []

    def do(self, command: str, actor: Actor = CLERK, **args):
        kind, payload = decide(self.state, self.setup, command, args, actor)
        event = chain(self.setup.sale_id, self.state.seq + 1, kind, payload,
                      T0 + timedelta(seconds=self.state.seq), actor.user_id, self.state.last_hash)
        apply(self.state, event)
        self.events.append(event)
        return event

    def sell(self, lot_id: int, *bids: tuple[int, int]):
        self.do("open_lot", lot_id=lot_id)
        for paddle, amount in bids:
            self.do("bid", paddle=paddle, amount_cents=amount)
        for _ in range(3):
            self.do("call")
        return self.do("hammer")
