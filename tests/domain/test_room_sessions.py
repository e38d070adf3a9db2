"""The room's commands for the record: announcements, a lot withdrawn on the block, sessions
(CPCE R221-39: each session is closed and signed; C. com. R444-47: announcements are recorded)."""
import pytest

from auction.domain.room import (ANNOUNCEMENT_MAX, LotNotOpen, LotStillOpen, LotWithdrawn, OfficerRequired,
                                 ReasonRequired, SaleAlreadyOpen, SaleEnded, SaleNotOpen, SessionClosed, StaleCommand,
                                 TextRequired, TextTooLong, replay)
from auction.domain.room_view import public_view, results_view, staff_view

from .room_fixtures import OFFICER, Room


@pytest.fixture
def room():
    r = Room()
    r.do("open_sale")
    return r


# --- announcements ----------------------------------------------------------------------------

def test_r444_47_an_announcement_is_an_event_of_the_log(room):
    room.do("open_lot", lot_id=1)
    event = room.do("announce", text="  Le lot 1 est vendu   sans sa lame.\n\nFrais acheteur inchangés. ")
    assert event.kind == "announcement"
    assert event.payload == {"text": "Le lot 1 est vendu sans sa lame.\nFrais acheteur inchangés.", "lot_id": 1}
    assert room.state.last_announcement.text.startswith("Le lot 1")
    view = public_view(room.state, room.setup)
    assert view["announcement"]["seq"] == event.seq and view["announcement"]["lot_id"] == 1
    room.do("pass_lot")
    assert room.do("announce", text="Pause à midi.").payload["lot_id"] is None


def test_an_announcement_needs_text_of_at_most_2000_characters(room):
    for text in ("", "   \n ", None, 42):
        with pytest.raises(TextRequired):
            room.do("announce", text=text)
    with pytest.raises(TextTooLong, match="2000"):
        room.do("announce", text="x" * (ANNOUNCEMENT_MAX + 1))
    assert room.do("announce", text="x" * ANNOUNCEMENT_MAX).payload["text"] == "x" * ANNOUNCEMENT_MAX
    assert room.state.seq == 2


def test_announcements_are_made_during_a_session_only():
    r = Room()
    with pytest.raises(SaleNotOpen):
        r.do("announce", text="Bonjour")
    r.do("open_sale")
    r.do("pause")
    r.do("announce", text="La vente reprend dans dix minutes.")   # while paused: yes
    r.do("resume")
    r.do("close_session", OFFICER)
    with pytest.raises(SessionClosed):
        r.do("announce", text="Trop tard")


# --- a lot withdrawn on the block ---------------------------------------------------------------

def test_a_lot_withdrawn_after_bidding_records_its_last_bid_and_ends_unsold(room):
    room.do("open_lot", lot_id=1)
    room.do("bid", paddle=1, amount_cents=100_00)
    last = room.do("bid", paddle=2, amount_cents=150_00)
    event = room.do("withdraw_lot", OFFICER, reason="Revendication du propriétaire")
    assert event.kind == "lot_withdrawn"
    assert event.payload == {"lot_id": 1, "reason": "Revendication du propriétaire",
                             "last_bid": {"seq": last.seq, "paddle": 2, "amount_cents": 150_00, "source": "room"}}
    result = room.state.results[1]
    assert (result.sold, result.withdrawn, result.amount_cents, result.paddle) == (False, True, 150_00, 2)
    assert room.state.lot_id is None
    assert results_view(room.state)["1"] == {"sold": False, "amount_cents": 150_00, "paddle": 2, "withdrawn": True}
    with pytest.raises(LotWithdrawn):
        room.do("open_lot", lot_id=1)          # withdrawn: it is not offered again
    room.do("open_lot", lot_id=2)


def test_withdrawing_needs_the_officer_a_reason_and_a_lot_on_the_block(room):
    with pytest.raises(LotNotOpen):
        room.do("withdraw_lot", OFFICER, reason="x")
    room.do("open_lot", lot_id=1)
    with pytest.raises(OfficerRequired):
        room.do("withdraw_lot", reason="Revendication")
    with pytest.raises(ReasonRequired):
        room.do("withdraw_lot", OFFICER)
    first = room.do("bid", paddle=1, amount_cents=100_00)
    room.do("bid", paddle=2, amount_cents=110_00)
    with pytest.raises(StaleCommand):
        room.do("withdraw_lot", OFFICER, reason="x", expected_bid_seq=first.seq)
    # without a bid it is withdrawn too, with no last bid
    room.do("retract_bid")
    room.do("retract_bid")
    assert room.do("withdraw_lot", OFFICER, reason="Objet manquant").payload["last_bid"] is None


# --- sessions -----------------------------------------------------------------------------------

def test_r221_39_only_the_officer_closes_a_session_and_never_with_a_lot_on_the_block(room):
    assert room.state.session == 1
    room.do("open_lot", lot_id=1)
    with pytest.raises(OfficerRequired):
        room.do("close_session")
    with pytest.raises(LotStillOpen):
        room.do("close_session", OFFICER)
    room.do("pass_lot")
    event = room.do("close_session", OFFICER)
    assert (event.kind, event.payload) == ("session_closed", {"session": 1})
    assert room.state.status == "adjourned"
    with pytest.raises(SessionClosed):
        room.do("close_session", OFFICER)
    with pytest.raises(SessionClosed):
        room.do("open_lot", lot_id=2)
    with pytest.raises(SessionClosed):
        room.do("pause")


def test_the_next_session_opens_and_the_sale_goes_on(room):
    with pytest.raises(SaleAlreadyOpen):
        room.do("open_session")
    room.sell(1, (1, 100_00))
    room.do("close_session", OFFICER)
    event = room.do("open_session")                  # the clerk may open it, as the sale
    assert (event.kind, event.payload) == ("session_opened", {"session": 2})
    assert room.state.status == "open" and room.state.session == 2
    room.sell(2, (2, 50_00))
    assert room.state.results[1].sold and room.state.results[2].sold
    assert replay(1, room.events) == room.state


def test_open_session_needs_a_sale_opened_first():
    r = Room()
    with pytest.raises(SaleNotOpen):
        r.do("open_session")


def test_l221_4_a_stopped_sale_closes_its_session_and_the_sale_but_opens_no_other(room):
    room.do("stop_sale", OFFICER, reason="Créances couvertes")
    room.do("announce", text="La vente est arrêtée : les créances sont couvertes.")
    room.do("close_session", OFFICER)
    with pytest.raises(SaleEnded, match="L221-4"):
        room.do("open_session")
    event = room.do("close_sale")                    # every session closed: the clerk may close the sale
    assert (event.kind, event.payload) == ("sale_closed", {}) and room.state.status == "closed"


def test_closing_a_stopped_sale_closes_its_session_and_needs_the_officer(room):
    room.do("stop_sale", OFFICER, reason="Créances couvertes")
    with pytest.raises(OfficerRequired):
        room.do("close_sale")
    event = room.do("close_sale", OFFICER)
    assert event.payload == {"session": 1} and room.state.status == "closed"
    with pytest.raises(SaleEnded):
        room.do("open_session")
    with pytest.raises(SaleEnded):
        room.do("announce", text="Fin")


def test_the_views_carry_the_session(room):
    room.do("close_session", OFFICER)
    view = staff_view(room.state, room.setup)
    assert (view["status"], view["session"]) == ("adjourned", 1)


def test_r221_39_no_reoffer_across_a_session_close(room):
    from auction.domain.room import ReofferNotAllowed
    room.sell(1, (1, 100_00))
    room.do("close_session", OFFICER)
    room.do("open_session")
    with pytest.raises(ReofferNotAllowed):
        room.do("reoffer_lot", lot_id=1, reason="contestation")
