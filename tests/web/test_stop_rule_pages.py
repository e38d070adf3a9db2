"""A creditor or claim changed from the staff pages reaches the loaded room's stop threshold (CPCE
L221-4), only creditors who came forward by the verification act counting (L221-5, R221-41)."""
from datetime import date

import pytest
from sqlalchemy import select

from auction.domain.roles import Role
from auction.models import Case, Creditor, Sale
from auction.services.demo import seed_demo

from ..conftest import csrf_from

DEMO_DAY = date(2026, 11, 22)     # the demo's verification acts are of that day


@pytest.fixture
async def demo(db, settings):
    await seed_demo(db.sessions, settings.media_dir, DEMO_DAY)
    async with db.sessions() as session:
        sale_id = await session.scalar(select(Sale.id))
        case_id = await session.scalar(select(Case.id).where(Case.reference == "SV-2026-0142"))
    return sale_id, case_id


async def test_l221_4_a_creditor_added_during_the_sale_reaches_the_room(client, app, users, login, demo):
    sale_id, case_id = demo
    room = await app.state.rooms.get(sale_id)
    before = room.setup.cases[case_id].claims_cents
    await login(client, users[Role.OFFICER])
    path = f"/bureau/dossiers/{case_id}"

    async def add(name, came_forward_on):
        return await client.post(f"{path}/creanciers", data={
            "csrf_token": await csrf_from(client, path), "name": name, "role": "opposing", "address": "3 rue",
            "principal": "1 000", "as_of": "2026-11-01", "came_forward_on": came_forward_on})

    assert (await add("URSSAF", DEMO_DAY.isoformat())).status_code == 303       # by the verification: counts
    assert room.setup.cases[case_id].claims_cents == before + 1_000_00
    assert (await add("Fournisseur", "2026-11-23")).status_code == 303          # after it: does not
    assert room.setup.cases[case_id].claims_cents == before + 1_000_00


async def test_l221_5_a_creditors_day_changed_on_the_distribution_page_reaches_the_room(client, app, db, users,
                                                                                       login, demo):
    sale_id, case_id = demo
    room = await app.state.rooms.get(sale_id)
    async with db.sessions() as session:
        lessor = await session.scalar(select(Creditor).where(Creditor.case_id == case_id, Creditor.role == "opposing"))
        await session.refresh(lessor, ["claims"])
    before = room.setup.cases[case_id].claims_cents
    await login(client, users[Role.OFFICER])
    page = f"/bureau/ventes/{sale_id}/repartition/{case_id}"
    response = await client.post(f"{page}/creancier", data={
        "csrf_token": await csrf_from(client, page), "creditor_id": str(lessor.id), "came_forward_on": "2026-11-23",
        "iban": "", "bic": "", "email": ""})
    assert response.status_code == 303
    assert room.setup.cases[case_id].claims_cents == before - sum(c.total_cents for c in lessor.claims)
