"""The verification act before the sale (CPCE R221-36): recorded by the officer, required to open."""
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from auction.domain.errors import InvalidValue
from auction.domain.lots import LotsFrozen
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.domain.verification import Finding, VerificationInput, VerificationMissing
from auction.models import AuditEntry, Case, InventoryAct, Lot, Sale, User, utcnow
from auction.services import room as room_service
from auction.services.inventory import NotOfficer, content_of, get_act
from auction.services.verification import record_verification, sale_day, sale_verifications


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.role == "officer"))
    return Actor(user.id, Role.OFFICER)


async def open_sale(db, sale_id, actor):
    room = await room_service.open_room(db.sessions, sale_id)
    return await room_service.submit(db.sessions, room, uuid.uuid4().hex, "open_sale", {}, actor, utcnow())


async def the_sale(db, sale_id):
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
    return sale, lots


async def date_acts(db, day):
    async with db.sessions() as session, session.begin():
        await session.execute(update(InventoryAct).where(InventoryAct.kind == "verification").values(act_date=day))


async def test_r221_36_the_sale_opens_with_acts_dated_the_sale_day(db, sale_id, clerk):
    sale, _ = await the_sale(db, sale_id)
    await date_acts(db, sale_day(sale))
    outcome = await open_sale(db, sale_id, clerk)
    assert outcome.event.kind == "sale_opened"


async def test_r221_36_the_sale_does_not_open_with_an_act_dated_after_the_sale(db, sale_id, clerk):
    sale, _ = await the_sale(db, sale_id)
    await date_acts(db, sale_day(sale) + timedelta(days=1))
    with pytest.raises(VerificationMissing, match="R221-36") as refused:
        await open_sale(db, sale_id, clerk)
    assert refused.value.code == "verification_missing"
    assert "SV-2026-0142" in refused.value.message and "SV-2026-0187" in refused.value.message
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "announced"
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "opening_refused"))
    assert entry.details == {"verification_missing": ["SV-2026-0142", "SV-2026-0187"]}


async def test_r221_36_the_sale_does_not_open_without_the_act_of_each_case(db, sale_id, clerk):
    async with db.sessions() as session, session.begin():
        case_id = await session.scalar(select(Case.id).where(Case.reference == "SV-2026-0187"))
        await session.execute(update(InventoryAct).where(InventoryAct.kind == "verification",
                                                         InventoryAct.case_id == case_id)
                              .values(signed_at=None, signed_by_id=None, digest=None))
    with pytest.raises(VerificationMissing) as refused:
        await open_sale(db, sale_id, clerk)
    assert "SV-2026-0187" in refused.value.message and "SV-2026-0142" not in refused.value.message


async def test_r221_36_the_officer_records_missing_and_damaged_goods_with_their_lots(db, sale_id, officer):
    sale, lots = await the_sale(db, sale_id)
    missing, damaged = lots[0], lots[1]
    act_id = await record_verification(db.sessions, sale_id, missing.case_id, VerificationInput(
        min(date.today(), sale_day(sale)), "4 chemin des Tanneurs, 69100 Villeurbanne", "Me Claire Lefèvre",
        (Finding(missing.id, "missing", "withdrawn"),
         Finding(damaged.id, "damaged", "redescribed", "Dégauchisseuse, table fendue"))), officer.user_id,
        Role.OFFICER, utcnow())
    sale_after, lots_after = await the_sale(db, sale_id)
    assert lots_after[0].status == "withdrawn" and "R221-36" in lots_after[0].withdrawal_reason
    assert lots_after[1].status != "withdrawn" and lots_after[1].description == "Dégauchisseuse, table fendue"
    act, case, parent = await get_act(db.sessions, act_id)
    assert act.kind == "verification" and act.signed_by_id == officer.user_id and parent.kind == "seizure"
    assert [(i.finding, i.lot_id, i.lot_action) for i in act.items] == [
        ("missing", missing.id, "withdrawn"), ("damaged", damaged.id, "redescribed")]
    assert f"lot {missing.label}" in act.items[0].condition
    assert content_of(act, case, parent).digest() == act.digest
    _, cases = await sale_verifications(db.sessions, sale_id)
    assert next(c for c in cases if c.case.id == missing.case_id).acts[0].id == act_id


async def test_r221_36_only_the_officer_records_the_act(db, sale_id, clerk):
    sale, lots = await the_sale(db, sale_id)
    with pytest.raises(NotOfficer):
        await record_verification(db.sessions, sale_id, lots[0].case_id, VerificationInput(
            min(date.today(), sale_day(sale)), "Lyon", "Me Lefèvre"), clerk.user_id, Role.CLERK, utcnow())


async def test_r221_36_an_act_after_the_sale_day_or_of_another_case_lot_is_refused(db, sale_id, officer):
    sale, lots = await the_sale(db, sale_id)
    other_case_lot = next(lot for lot in lots if lot.case_id != lots[0].case_id)
    with pytest.raises(InvalidValue, match="avant la vente"):
        await record_verification(db.sessions, sale_id, lots[0].case_id, VerificationInput(
            sale_day(sale) + timedelta(days=1), "Lyon", "Me Lefèvre"), officer.user_id, Role.OFFICER, utcnow())
    with pytest.raises(InvalidValue, match="pas un lot de ce dossier"):
        await record_verification(db.sessions, sale_id, lots[0].case_id, VerificationInput(
            min(date.today(), sale_day(sale)), "Lyon", "Me Lefèvre", (Finding(other_case_lot.id, "missing", "withdrawn"),)),
            officer.user_id, Role.OFFICER, utcnow())
    _, after = await the_sale(db, sale_id)
    assert all(lot.status != "withdrawn" for lot in after)      # nothing half-done
    async with db.sessions() as session:
        assert len((await session.scalars(select(InventoryAct).where(InventoryAct.kind == "verification"))).all()) == 2


async def test_r221_36_no_act_once_the_sale_is_open(db, sale_id, officer, clerk):
    sale, lots = await the_sale(db, sale_id)
    await open_sale(db, sale_id, clerk)
    with pytest.raises(LotsFrozen):
        await record_verification(db.sessions, sale_id, lots[0].case_id, VerificationInput(
            sale_day(sale), "Lyon", "Me Lefèvre"), officer.user_id, Role.OFFICER, utcnow())
