"""Every socket accepted to a room goes into the record of screens connected as it opens and as it
closes, by role (the clerk's and officer's tablets, the rostrum, the room display, the online bidder
by paddle, the public viewer), never with a name or an address; a refused one does not."""
from __future__ import annotations

import os

from sqlalchemy import select

from auction.models import ScreenConnection, User
from auction.services import screens
from auction.services.demo import DEMO_LOGINS

from .sockets import BIDDER, CLERK, Ws, session_cookie

OFFICER = next(login for login in DEMO_LOGINS if login.role.value == "officer")


async def test_each_screen_is_recorded_by_role_as_it_connects_and_goes(app, client, sale_id):
    clerk_cookie = await session_cookie(client, CLERK.email, CLERK.password)
    officer_cookie = await session_cookie(client, OFFICER.email, OFFICER.password)
    bidder_cookie = await session_cookie(client, BIDDER.email, BIDDER.password)
    sockets = []
    for path, cookie in ((f"/ws/bureau/ventes/{sale_id}", clerk_cookie), (f"/ws/bureau/ventes/{sale_id}", officer_cookie),
                         (f"/ws/bureau/ventes/{sale_id}/pupitre", officer_cookie), (f"/ws/salle/{sale_id}?ecran=salle", None),
                         (f"/ws/direct/{sale_id}", bidder_cookie)):
        sockets.append(Ws(app, path, cookie))      # one at a time: the test's requests share one connection
        assert (await sockets[-1].open())["type"] == "snapshot"
    sockets.append(Ws(app, f"/ws/salle/{sale_id}", address="198.51.100.7"))
    assert (await sockets[-1].open())["type"] == "snapshot"
    recorder = app.state.screens
    assert [row.kind for row in recorder.queue] == ["connect"] * 6       # queued at the accept, not written
    refused = Ws(app, f"/ws/bureau/ventes/{sale_id}")                    # no login: refused at the handshake
    assert (await refused.next_raw())["type"] == "websocket.accept"
    assert (await refused.receive())["code"] == 4401
    for ws in sockets:
        await ws.close()
    await recorder.drain()

    async with app.state.db.sessions() as session:
        rows = (await session.scalars(select(ScreenConnection).where(ScreenConnection.sale_id == sale_id)
                                      .order_by(ScreenConnection.id))).all()
        ids = {u.email: u.id for u in await session.scalars(select(User))}
    connects = [(r.role, r.user_id, r.paddle) for r in rows if r.kind == "connect"]
    assert connects == [("clerk_tablet", ids[CLERK.email], None), ("officer_tablet", ids[OFFICER.email], None),
                        ("rostrum", ids[OFFICER.email], None), ("display", None, None),
                        ("online_bidder", None, 501), ("viewer", None, None)]
    assert len(rows) == 12 and {r.host for r in rows} == {screens.HOST} and {r.pid for r in rows} == {os.getpid()}
    connected = {r.connection: r for r in rows if r.kind == "connect"}
    for row in (r for r in rows if r.kind == "disconnect"):                # each close names its connect
        assert connected[row.connection].role == row.role and connected[row.connection].at <= row.at
    # Nothing personal: no column holds a name or an address.
    assert not {"ip", "address", "name", "full_name", "email"} & set(ScreenConnection.__table__.columns.keys())
    assert all("198.51.100.7" not in str(getattr(r, c)) for r in rows for c in ScreenConnection.__table__.columns.keys())
