"""The room's sockets: who may open the display's (announced sales only), answered without loading the
sale; what the tablet's and the display's answer to messages that are not a command they can run."""
from sqlalchemy import update

from auction.models import Sale

from .sockets import CLERK, Ws, session_cookie
from .test_access import ws_handshake

# Unreadable, not an object, a ping, not a command, a command without its id, a command not readable.
ODD_MESSAGES = ("{pas du json", "[1]", '{"type": "ping"}', '{"type": "bonjour", "command_id": "c-0000001"}',
                '{"type": "command", "command_id": "court", "name": "open_sale"}',
                '{"type": "command", "command_id": "c-0000001", "name": 5}')
UNREADABLE = {"type": "error", "code": "bad_message", "message": "Message illisible.", "command_id": None}
UNKNOWN = {"type": "error", "code": "bad_message", "message": "Type de message inconnu.", "command_id": "c-0000001"}


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


async def test_the_tablet_and_the_display_answer_each_message_that_is_not_a_command_they_run(app, client, sale_id):
    staff = Ws(app, f"/ws/bureau/ventes/{sale_id}", await session_cookie(client, CLERK.email, CLERK.password))
    assert (await staff.open())["type"] == "snapshot"
    await staff.receive("presence")
    assert await staff.answers(*ODD_MESSAGES) == [UNREADABLE, UNREADABLE, {"type": "pong"}, UNKNOWN, {
        "type": "error", "code": "bad_message", "message": "Identifiant de commande manquant.", "command_id": None}, {
        "type": "error", "code": "bad_message", "message": "Commande illisible.", "command_id": "c-0000001"}]
    await staff.close()

    display = Ws(app, f"/ws/salle/{sale_id}")
    assert (await display.open())["type"] == "snapshot"
    forbidden = {"type": "error", "code": "forbidden", "message": "Cet écran ne peut pas agir sur la vente."}
    assert await display.answers(*ODD_MESSAGES) == [UNREADABLE, UNREADABLE, {"type": "pong"}, UNKNOWN,
                                                    {**forbidden, "command_id": "court"},
                                                    {**forbidden, "command_id": "c-0000001"}]
    await display.close()
