"""The room display's socket: who may open it (announced sales only), answered without loading the sale."""
from sqlalchemy import update

from auction.models import Sale

from .test_access import ws_handshake


async def test_the_display_socket_opens_on_an_announced_sale_only(app, db, sale_id):
    # accepted, then closed 1002 by the server since this client never says hello
    assert await ws_handshake(app, f"/ws/salle/{sale_id}") == {"type": "websocket.close", "code": 1002, "reason": ""}
    assert await ws_handshake(app, "/ws/salle/999999") == {"type": "websocket.close", "code": 4404, "reason": ""}
    # not an id at all (nor one within the database's range): no socket there, refused before the accept
    for path in ("/ws/salle/abc", "/ws/salle/2147483648", "/ws/salle/²"):
        assert await ws_handshake(app, path) == {"type": "websocket.close", "code": 1000, "reason": ""}
    async with db.sessions() as session, session.begin():
        await session.execute(update(Sale).where(Sale.id == sale_id).values(status="draft"))
    assert await ws_handshake(app, f"/ws/salle/{sale_id}") == {"type": "websocket.close", "code": 4404, "reason": ""}
