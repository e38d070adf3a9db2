"""The screens connected to the demo's held sale in its second session, as the record of connections
(auction.services.screens) would have them: the clerk's tablet, the officer's rostrum, the room
display, the demo bidder's phone (paddle 501) and three public viewers from before the session opens;
two more viewers arrive while lot 10 is on the block and one leaves; all go after the close."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.screens import CONNECT, DISCONNECT

from . import screens

SERVER = ("criee-demo", 1)     # host and pid, as a real process names itself


class DemoScreens:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], sale_id: int):
        self.sessions, self.sale_id = sessions, sale_id
        self.open: dict[int, screens.Screen] = {}
        self.number = 0

    async def connect(self, at: datetime, *connecting: screens.Screen) -> list[int]:
        rows, numbers = [], []
        for offset, screen in enumerate(connecting):
            self.number += 1
            self.open[self.number] = screen
            numbers.append(self.number)
            rows.append(self._row(at + timedelta(seconds=offset), CONNECT, self.number, screen))
        await screens.write(self.sessions, rows)
        return numbers

    async def disconnect(self, at: datetime, *numbers: int) -> None:
        await screens.write(self.sessions, [self._row(at + timedelta(seconds=offset), DISCONNECT, number,
                                                      self.open.pop(number)) for offset, number in enumerate(numbers)])

    def _row(self, at: datetime, kind: str, number: int, screen: screens.Screen) -> screens.PendingScreen:
        return screens.PendingScreen(self.sale_id, at, kind, screen.role, *SERVER, number, screen.user_id,
                                     screen.paddle)


async def before_session(sessions, sale_id: int, at: datetime, *, clerk_id: int, officer_id: int,
                         paddle: int) -> DemoScreens:
    demo = DemoScreens(sessions, sale_id)
    await demo.connect(at - timedelta(minutes=10), screens.Screen("clerk_tablet", clerk_id),
                       screens.Screen("rostrum", officer_id), screens.Screen("display"),
                       screens.Screen("online_bidder", paddle=paddle), *[screens.Screen("viewer")] * 3)
    return demo
