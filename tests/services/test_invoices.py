"""Issuing invoices and credit notes: one continuous series, idempotent checkouts, the buyer as declared."""
import asyncio
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from auction.domain import invoices as rules
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.formats import to_paris
from auction.models import Bidder, Case, Lot, Registration, Sale, User
from auction.services import invoices, settlement_log
from auction.services.demo import seed_demo

from .held_sale import sell

NOW = datetime(2026, 12, 12, 17, 30, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)


async def _numbers(db, sale_id):
    return [(i.number, i.paddle) for i in await invoices.sale_invoices(db.sessions, sale_id)]


async def test_every_buyer_gets_one_invoice_numbered_in_one_series(db, sale_id, clerk):
    sold = await sell(db.sessions, sale_id, clerk, [(0, 1), (1, 2), (2, 1)])
    issued = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW)
    assert [i.paddle for i in issued] == [1, 2]
    first = issued[0].number
    assert [i.number for i in issued] == [first, first + 1]
    mine = issued[0]
    assert [line.lot_id for line in mine.lines] == [lot for lot, (paddle, _) in sold.items() if paddle == 1]
    assert mine.totals["hammer_cents"] == sum(amount for paddle, amount in sold.values() if paddle == 1)
    assert mine.totals["total_cents"] == sum(line.total_cents for line in mine.lines)
    assert mine.issued_on == date(2026, 12, 12)
    assert mine.payload["office"]["siret"] and mine.payload["office"]["vat_number"].startswith("FR")
    assert mine.payload["sale"]["id"] == sale_id
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
        reg = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                               Registration.paddle_number == 1))
    assert mine.registration_id == reg.id
    assert mine.buyer.name == reg.bidder.full_name and reg.bidder.city in mine.buyer.address
    assert not mine.buyer.is_company
    sale_day = to_paris(sale.starts_at).date()
    assert mine.due_on == max(rules.due_date(sale_day, sale.payment_days), mine.issued_on)
    assert await settlement_log.verify(db.sessions, sale_id) == (2, None)


async def test_issuing_again_invoices_nothing_and_new_lots_get_a_new_invoice(db, sale_id, clerk):
    await sell(db.sessions, sale_id, clerk, [(0, 1)])
    first = await invoices.checkout_invoices(db.sessions, sale_id, 1, user_id=clerk.user_id, now=NOW)
    assert len(first) == 1
    assert await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW) == []
    assert await invoices.checkout_invoices(db.sessions, sale_id, 1, user_id=clerk.user_id, now=NOW) == first
    await sell(db.sessions, sale_id, clerk, [(1, 1)])          # the buyer stayed and won another lot
    both = await invoices.checkout_invoices(db.sessions, sale_id, 1, user_id=clerk.user_id, now=NOW)
    assert [i.number for i in both] == [first[0].number, first[0].number + 1]
    assert len(both[1].lines) == 1 and both[1].lines[0].lot_id != first[0].lines[0].lot_id


async def test_an_unknown_paddle_is_refused_and_nothing_is_written(db, sale_id, clerk):
    with pytest.raises(rules.UnknownPaddle, match="panneau 77"):
        await invoices.checkout_invoices(db.sessions, sale_id, 77, user_id=clerk.user_id, now=NOW)
    assert await invoices.checkout_invoices(db.sessions, sale_id, 2, user_id=clerk.user_id, now=NOW) == []
    assert await settlement_log.read(db.sessions, sale_id) == []


async def test_a_company_buyer_is_invoiced_with_its_siren_and_vat_number(db, sale_id, clerk):
    async with db.sessions() as session, session.begin():
        reg = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                               Registration.paddle_number == 2))
        bidder = await session.get(Bidder, reg.bidder_id)
        bidder.buyer_type, bidder.company_name, bidder.company_number = "company", "Menuiserie Durand SAS", "73282932000074"
    await sell(db.sessions, sale_id, clerk, [(0, 2)])
    [invoice] = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW)
    buyer = invoice.buyer
    assert (buyer.name, buyer.is_company, buyer.siren, buyer.vat_number) == ("Menuiserie Durand SAS", True, "732829320",
                                                                             "FR44732829320")
    assert (buyer.street, buyer.postcode, buyer.city, buyer.country) == (bidder.address, bidder.postcode, bidder.city,
                                                                         bidder.country)


async def test_hammer_vat_where_the_officer_set_the_sellers_rate(db, sale_id, clerk):
    async with db.sessions() as session:
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
        officer = await session.scalar(select(User).where(User.role == "officer"))
    from auction.services import cases
    with pytest.raises(cases.NotOfficer):
        await cases.set_seller_vat(db.sessions, lots[0].case_id, Decimal("0.20"), clerk, NOW)
    await cases.set_seller_vat(db.sessions, lots[0].case_id, Decimal("0.20"), Actor(officer.id, Role.OFFICER), NOW)
    other = next(lot for lot in lots if lot.case_id != lots[0].case_id)
    await sell(db.sessions, sale_id, clerk, [(0, 1), (lots.index(other), 1)])
    [invoice] = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW)
    taxed, plain = invoice.lines
    assert taxed.hammer_vat_rate == Decimal("0.2") and taxed.hammer_vat_cents == taxed.hammer_cents // 5
    assert plain.hammer_vat_rate is None and plain.hammer_vat_cents == 0
    assert rules.INTERMEDIARY_MENTION in invoice.payload["vat_mention"]
    async with db.sessions() as session:
        assert (await session.get(Case, lots[0].case_id)).seller_vat_rate == Decimal("0.2")


async def test_credit_notes_take_the_next_number_once_and_lower_the_amount_due(db, sale_id, clerk):
    await sell(db.sessions, sale_id, clerk, [(0, 1), (1, 1)])
    [invoice] = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW)
    with pytest.raises(rules.CreditNoteReasonRequired):
        await invoices.issue_credit_note(db.sessions, sale_id, invoice.number, [invoice.lines[0].lot_id], " ",
                                         user_id=clerk.user_id, now=NOW)
    with pytest.raises(rules.UnknownInvoice):
        await invoices.issue_credit_note(db.sessions, sale_id, invoice.number + 50, [1], "Erreur",
                                         user_id=clerk.user_id, now=NOW)
    lot_id = invoice.lines[1].lot_id
    note, duplicate = await invoices.issue_credit_note(db.sessions, sale_id, invoice.number, [lot_id], "Lot endommagé",
                                                       user_id=clerk.user_id, now=NOW, command_id="avoir-1")
    again = await invoices.issue_credit_note(db.sessions, sale_id, invoice.number, [lot_id], "Lot endommagé",
                                             user_id=clerk.user_id, now=NOW, command_id="avoir-1")
    assert not duplicate and again == (note, True)
    assert note.number == invoice.number + 1          # the refusals gave their numbers back
    [after] = await invoices.sale_invoices(db.sessions, sale_id)
    assert after.amount_due_cents == invoice.totals["total_cents"] - invoice.lines[1].total_cents
    # The credited lot is invoiced again on the next issue (e.g. after correcting the buyer's identity).
    [reissued] = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=NOW)
    assert reissued.number == note.number + 1 and [line.lot_id for line in reissued.lines] == [lot_id]


async def test_a_sale_without_an_office_cannot_be_invoiced(db, confirmed_rates):   # A444-3: rates confirmed
    async with db.sessions() as session, session.begin():
        sale = Sale(reference="V-NO-OFFICE", title="Vente", starts_at=NOW, place_kind="room", place_name="Salle",
                    address="1 quai", postcode="69009", city="Lyon")
        session.add(sale)
    with pytest.raises(invoices.OfficeNotConfigured, match="SIRET"):
        await invoices.issue_invoices(db.sessions, sale.id, user_id=None, now=NOW)


async def test_concurrent_checkouts_on_two_connections_issue_one_invoice_per_buyer_without_gaps(
        fresh_database_url, tmp_path):
    """Two processes' worth of connections, each buyer checked out from both at once."""
    from auction.db import Database
    from auction.migrations import upgrade

    await asyncio.to_thread(upgrade, fresh_database_url)
    databases = [Database.connect(fresh_database_url) for _ in range(2)]
    try:
        await seed_demo(databases[0].sessions, tmp_path, TODAY)
        async with databases[0].sessions() as session:
            sale_id = await session.scalar(select(Sale.id))
            clerk = await session.scalar(select(User).where(User.role == "clerk"))
        await sell(databases[0].sessions, sale_id, Actor(clerk.id, Role.CLERK), [(0, 1), (1, 2), (2, 3), (3, 1)])
        results = await asyncio.gather(*(
            invoices.checkout_invoices(databases[i % 2].sessions, sale_id, paddle, user_id=clerk.id, now=NOW)
            for i, paddle in enumerate((1, 1, 2, 2, 3, 3))))
        issued = await invoices.sale_invoices(databases[1].sessions, sale_id)
        assert sorted(i.paddle for i in issued) == [1, 2, 3]
        assert sorted(i.number for i in issued) == [1, 2, 3]
        for paddle, result in zip((1, 1, 2, 2, 3, 3), results):
            assert [i.paddle for i in result] == [paddle]
        assert await settlement_log.verify(databases[0].sessions, sale_id) == (3, None)
    finally:
        for db in databases:
            await db.engine.dispose()
