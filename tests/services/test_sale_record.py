"""The sale record service on the demo sale: derived from the stored log, rendered as PDF/A, each
closed session sealed (CPCE R221-39), signed, and verified."""
import io
import uuid

import pypdf
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Bidder, RecordSeal, RecordSignature, RegisterEntry, Registration, User, utcnow
from auction.services import room as room_service
from auction.services import sale_record as service


async def run(db, room, actor, name, **args):
    return await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, actor, utcnow())


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.role == "officer"))
    return Actor(user.id, Role.OFFICER)


async def sell(db, room, clerk, lot_id, paddle):
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    await run(db, room, clerk, "bid", paddle=paddle, amount_cents=room.state.next_minimum(room.setup))
    for _ in range(3):
        await run(db, room, clerk, "call")
    return await run(db, room, clerk, "hammer")


async def buyer_name(db, sale_id, paddle):
    async with db.sessions() as session:
        bidder = await session.scalar(select(Bidder).join(Registration).where(
            Registration.sale_id == sale_id, Registration.paddle_number == paddle))
    return bidder.last_name.upper()   # the record writes the surname in capitals


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


async def test_r221_39_a_closed_session_is_sealed_signed_and_verified(db, sale_id, clerk, officer, tmp_path):
    room = await room_service.open_room(db.sessions, sale_id)
    lots = list(room.setup.lots)
    await run(db, room, clerk, "open_sale")
    hammer = await sell(db, room, clerk, lots[0], 1)
    await run(db, room, clerk, "announce", text="Le lot suivant est vendu sans ses accessoires.")
    closing = await run(db, room, officer, "close_session")

    state = await service.load_record(db.sessions, sale_id)
    [part] = state.record.sessions
    assert part.closed_seq == closing.event.seq and part.total_cents == hammer.event.payload["amount_cents"]
    html = service.record_html(state, fragment=True)
    assert "Annonce faite à la salle" in html and await buyer_name(db, sale_id, 1) in html

    private = tmp_path / "private"
    assert await service.seal_sessions(db.sessions, private, sale_id, utcnow()) == [1]
    assert await service.seal_sessions(db.sessions, private, sale_id, utcnow()) == []     # once
    async with db.sessions() as session:
        seal = await session.scalar(select(RecordSeal).where(RecordSeal.sale_id == sale_id))
        register = await session.scalar(select(RegisterEntry).where(RegisterEntry.sale_id == sale_id))
    assert (seal.head_seq, seal.head_hash) == (closing.event.seq, closing.event.hash)
    assert register.number >= 1
    sealed_pdf = service.stored_file(private, seal.pdf_path).read_bytes()
    assert sealed_pdf.startswith(b"%PDF") and seal.pdf_pages >= 1
    text = pdf_text(sealed_pdf)
    amount = hammer.event.payload["amount_cents"]
    from auction.domain.amount_words import amount_in_words
    assert amount_in_words(amount) in " ".join(text.split())
    assert await service.verify_seals(db.sessions, private, sale_id) == []

    # The sale goes on in a second session: the first part does not change, its seal still holds.
    await run(db, room, clerk, "open_session")
    await sell(db, room, clerk, lots[1], 2)
    later = await service.load_record(db.sessions, sale_id)
    assert later.record.sessions[0] == part and len(later.record.sessions) == 2
    assert await service.verify_seals(db.sessions, private, sale_id) == []

    # Signing: the sealed session only, once; then the scan, checked by its content.
    with pytest.raises(service.SessionNotSealed):
        await service.sign_session(db.sessions, sale_id, 2, officer.user_id, utcnow())
    with pytest.raises(service.SessionNotSealed):
        await service.attach_signed_scan(db.sessions, private, sale_id, 1, sealed_pdf, officer.user_id, utcnow())
    await service.sign_session(db.sessions, sale_id, 1, officer.user_id, utcnow())
    with pytest.raises(service.AlreadySigned):
        await service.sign_session(db.sessions, sale_id, 1, officer.user_id, utcnow())
    with pytest.raises(InvalidValue):
        await service.attach_signed_scan(db.sessions, private, sale_id, 1, b"<html>pas un PDF", officer.user_id,
                                         utcnow())
    await service.attach_signed_scan(db.sessions, private, sale_id, 1, sealed_pdf, officer.user_id, utcnow())
    state = await service.load_record(db.sessions, sale_id)
    assert state.signed(1) is not None and state.scan(1).scan_content_type == "application/pdf"

    # A sealed PDF changed on disk is found out.
    service.stored_file(private, seal.pdf_path).write_bytes(sealed_pdf + b"%")
    assert "modifié" in (await service.verify_seals(db.sessions, private, sale_id))[0]


async def test_the_records_tables_are_append_only(db, sale_id, clerk, officer, tmp_path):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    await run(db, room, officer, "close_session")
    await service.seal_sessions(db.sessions, tmp_path, sale_id, utcnow())
    await service.sign_session(db.sessions, sale_id, 1, officer.user_id, utcnow())
    for model, values in ((RecordSeal, {"head_hash": "0" * 64}), (RecordSignature, {"session": 2}),
                          (RegisterEntry, {"number": 99})):
        with pytest.raises((DBAPIError, IntegrityError)):
            async with db.sessions() as session, session.begin():
                await session.execute(update(model).where(model.sale_id == sale_id).values(**values))


async def test_the_whole_record_pdf_is_pdf_a(db, sale_id, clerk):
    room = await room_service.open_room(db.sessions, sale_id)
    await run(db, room, clerk, "open_sale")
    await sell(db, room, clerk, next(iter(room.setup.lots)), 3)
    pdf, name = await service.sale_record_pdf(db.sessions, sale_id)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert b'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert name.startswith("proces-verbal-") and await buyer_name(db, sale_id, 3) in pdf_text(pdf)
