"""Storage invoices on both databases: charging storage at the cash desk issues one storage invoice in the
office's series, referring to the bordereau, with its amounts per lot; charging again the same day
invoices nothing; later days make a new invoice of those days only; the journal posts it once."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from auction.domain import buyer_accounts, invoice_export
from auction.domain.journal import STORAGE, build
from auction.domain.storage_invoices import storage_invoices_of
from auction.models import Bidder, Registration, Sale
from auction.services import invoices, release, settlement_log
from auction.services.release import NothingToCharge

from .held_sale import sell


def cid() -> str:
    return uuid.uuid4().hex


@pytest.fixture
async def stored(db, sale_id, clerk):
    """Paddle 2 (a company) won two lots, invoiced on one bordereau; storage: 2 free days, then 3 € a day and lot."""
    async with db.sessions() as session, session.begin():
        reg = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                               Registration.paddle_number == 2))
        bidder = await session.get(Bidder, reg.bidder_id)
        bidder.buyer_type, bidder.company_name, bidder.company_number = "company", "Menuiserie Durand SAS", "73282932000074"
        await session.execute(update(Sale).where(Sale.id == sale_id).values(storage_free_days=2, storage_fee_cents=3_00))
        starts = await session.scalar(select(Sale.starts_at).where(Sale.id == sale_id))
    sold = await sell(db.sessions, sale_id, clerk, [(0, 2), (1, 2), (2, 1)])
    issued = await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=starts)
    return {"starts": starts, "bordereau": next(i for i in issued if i.paddle == 2),
            "lots": [lot for lot, (paddle, _) in sold.items() if paddle == 2], "last": max(i.number for i in issued)}


async def test_charging_storage_issues_one_storage_invoice_in_the_series(db, sale_id, clerk, stored):
    later = stored["starts"] + timedelta(days=5)           # days 3, 4, 5 after the sale: 3 days charged
    command = cid()
    charged = await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id, now=later, command_id=command)
    events = await settlement_log.read(db.sessions, sale_id)
    [invoice] = storage_invoices_of(events)
    assert invoice.seq == charged.event.seq
    assert invoice.number == stored["last"] + 1              # the next number of the office's one series
    assert invoice.paddle == 2 and invoice.buyer.name == "Menuiserie Durand SAS" and invoice.buyer.siren == "732829320"
    assert invoice.invoice_labels == [stored["bordereau"].label]
    assert sorted(line.lot_id for line in invoice.lines) == sorted(stored["lots"])
    for line in invoice.lines:
        assert (line.days, line.fee_cents, line.amount_cents, line.vat_cents, line.total_cents) == (3, 3_00, 9_00, 1_80,
                                                                                                  10_80)
    assert invoice.totals == {"amount_cents": 18_00, "vat_cents": 3_60, "total_cents": 21_60}
    assert invoice.payload["office"]["siret"] and invoice.payload["sale"]["id"] == sale_id

    # The same form posted twice, or charging again the same day: nothing more is invoiced.
    again = await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id, now=later,
                                         command_id=command)
    assert again.duplicate
    with pytest.raises(NothingToCharge):
        await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id, now=later, command_id=cid())
    assert len(storage_invoices_of(await settlement_log.read(db.sessions, sale_id))) == 1

    # Two days later: a new invoice, of those two days only, with the next number.
    await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id, now=later + timedelta(days=2),
                                 command_id=cid())
    events = await settlement_log.read(db.sessions, sale_id)
    first, second = storage_invoices_of(events)
    assert second.number == first.number + 1
    assert [line.days for line in second.lines] == [2, 2] and second.totals["total_cents"] == 14_40

    # One event, one posting: the journal balances, the storage account holds each invoice once.
    journal = build(events)
    assert journal.balanced
    assert -journal.account_balances()[STORAGE] == 18_00 + 12_00
    pieces = [entry.piece for entry in journal.entries if entry.kind == "storage_fee_charged"]
    assert pieces == [f"BA{first.number:06d}", f"BA{second.number:06d}"]
    account = buyer_accounts.accounts(events)[2]
    assert account.storage_cents == 21_60 + 14_40
    assert [charge.label for charge in account.storage] == [first.label, second.label]
    assert await settlement_log.verify(db.sessions, sale_id) == (len(events), None)

    # The export lists them as storage rows; the bordereaux are untouched.
    rows = invoice_export.rows(invoices.rules.invoices_of(events), buyer_accounts.accounts(events),
                               storage_invoices_of(events))
    storage_rows = [row for row in rows if row["kind"] == "storage"]
    assert [(row["number"], row["fees_cents"], row["vat_cents"], row["total_cents"]) for row in storage_rows] == \
        [(first.label, 18_00, 3_60, 21_60), (second.label, 12_00, 2_40, 14_40)]
    assert [row["number"] for row in rows] == sorted(row["number"] for row in rows)


async def test_no_storage_invoice_within_the_free_days(db, sale_id, clerk, stored):
    with pytest.raises(NothingToCharge):
        await release.charge_storage(db.sessions, sale_id, 2, user_id=clerk.user_id,
                                     now=stored["starts"] + timedelta(days=1), command_id=cid())
    assert storage_invoices_of(await settlement_log.read(db.sessions, sale_id)) == []
