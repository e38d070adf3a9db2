"""Resale on default (CPCE R221-38) on both databases: notice, default act with its credit note and
block, the lot put up again in the room or in a later sale, the defaulter's statement."""
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from auction.domain import defaults as rules
from auction.domain.bidlog import chain
from auction.domain.buyer_accounts import account_of
from auction.domain.invoices import invoices_of
from auction.domain.money import apply_rate
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.formats import to_paris
from auction.models import Bidder, Lot, Registration, Sale, SaleEvent, User
from auction.services import defaults, invoices, settlement_log
from auction.services import room as room_service
from auction.services import room_loaders

from .held_sale import sell

SOLD_AT = datetime(2026, 12, 12, 17, 30, tzinfo=timezone.utc)
NOTICE_AT = datetime(2026, 12, 22, 9, 0, tzinfo=timezone.utc)
DEADLINE = date(2026, 12, 30)
AFTER = datetime(2026, 12, 31, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.role == "officer"))
    return Actor(user.id, Role.OFFICER)


async def pay(db, sale_id, paddle, cents, at):
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        account = account_of(tx.events, paddle)
        tx.append("payment_received", {"paddle": paddle, "registration_id": account.registration_id, "means": "cash",
                                       "amount_cents": cents, "received_on": at.date().isoformat(), "reference": ""},
                  user_id=None, now=at)


async def sold_and_noticed(db, sale_id, clerk, paid=0):
    """Lot 0 to paddle 1 (who pays `paid`), lot 1 to paddle 2; invoiced; paddle 1 sent a notice."""
    sold = await sell(db.sessions, sale_id, clerk, [(0, 1), (1, 2)])
    await invoices.issue_invoices(db.sessions, sale_id, user_id=clerk.user_id, now=SOLD_AT)
    if paid:
        await pay(db, sale_id, 1, paid, SOLD_AT)
    standing = await defaults.sale_defaults(db.sessions, sale_id, NOTICE_AT)
    assert [b.paddle for b in standing.buyers] == [1, 2]          # both overdue: nobody paid in full
    notice = await defaults.send_notice(db.sessions, sale_id, 1, sent_on=NOTICE_AT.date(), means="registered_letter",
                                        cost_cents=750, user_id=clerk.user_id, now=NOTICE_AT, command_id="notice-1")
    return sold, notice


async def test_the_notice_is_recorded_once_with_its_deadline(db, sale_id, clerk):
    sold, notice = await sold_and_noticed(db, sale_id, clerk)
    lot_id = next(lot for lot, (paddle, _) in sold.items() if paddle == 1)
    assert notice.payload["deadline_on"] == DEADLINE.isoformat() and notice.payload["lot_ids"] == [lot_id]
    again = await defaults.send_notice(db.sessions, sale_id, 1, sent_on=NOTICE_AT.date(), means="registered_letter",
                                       user_id=clerk.user_id, now=NOTICE_AT, command_id="notice-1")
    assert again.seq == notice.seq
    with pytest.raises(rules.ProcedureOpen):
        await defaults.send_notice(db.sessions, sale_id, 1, sent_on=NOTICE_AT.date(), means="email",
                                   user_id=clerk.user_id, now=NOTICE_AT)
    standing = await defaults.sale_defaults(db.sessions, sale_id, NOTICE_AT)
    assert next(b for b in standing.buyers if b.paddle == 1).status == "running"


async def test_only_the_officer_declares_and_only_after_the_deadline(db, sale_id, clerk, officer):
    _, notice = await sold_and_noticed(db, sale_id, clerk)
    with pytest.raises(defaults.OfficerRequired):
        await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=clerk.user_id, now=AFTER)
    with pytest.raises(rules.NoticeRunning):
        await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id,
                                       now=datetime(2026, 12, 30, 18, 0, tzinfo=timezone.utc))
    assert [e.kind for e in await settlement_log.read(db.sessions, sale_id)][-1] == "formal_notice_sent"


async def test_a_payment_during_the_notice_ends_the_procedure(db, sale_id, clerk, officer):
    _, notice = await sold_and_noticed(db, sale_id, clerk)
    events = await settlement_log.read(db.sessions, sale_id)
    await pay(db, sale_id, 1, account_of(events, 1).balance_cents, NOTICE_AT + timedelta(days=2))
    with pytest.raises(rules.NoticeEnded):
        await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER)
    standing = await defaults.sale_defaults(db.sessions, sale_id, AFTER)
    assert next(b for b in standing.buyers if b.paddle == 1).status == "paid"


async def test_the_default_act_credits_the_invoice_blocks_the_bidder_and_reaches_the_room(db, sale_id, clerk, officer):
    sold, notice = await sold_and_noticed(db, sale_id, clerk, paid=10_000)
    lot_id = next(lot for lot, (paddle, _) in sold.items() if paddle == 1)
    act = await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER,
                                         command_id="act-1")
    assert act.payload["declared_on"] == "2026-12-31" and act.payload["paid_cents"] == 10_000
    events = await settlement_log.read(db.sessions, sale_id)
    invoice = next(i for i in invoices_of(events) if i.paddle == 1)
    assert invoice.cancelled and "réitération des enchères" in invoice.credit_notes[0].reason
    assert account_of(events, 1).balance_cents == -10_000          # kept against what will be owed
    async with db.sessions() as session:
        reg = await session.scalar(select(Registration).where(Registration.sale_id == sale_id,
                                                               Registration.paddle_number == 1))
        bidder = await session.get(Bidder, reg.bidder_id)
    assert bidder.blocked_at is not None and rules.BLOCK_REASON in bidder.blocked_reason
    assert (bidder.blocked_sale_id, bidder.blocked_default_seq) == (sale_id, act.seq)
    found_sale, found_act = await defaults.blocked_act(db.sessions, bidder.id)
    assert found_sale.id == sale_id and found_act.seq == act.seq
    setup = await room_loaders.load_setup(db.sessions, sale_id)
    assert setup.defaulted == {lot_id: 1} and setup.paddles[1].blocked
    assert (await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER,
                                           command_id="act-1")).seq == act.seq
    statuses = (await defaults.sale_defaults(db.sessions, sale_id, AFTER)).statuses
    assert statuses[lot_id].state == "en_defaut"
    from auction.services import barred_persons
    await barred_persons.set_blocked(db.sessions, bidder.id, "", AFTER)     # the officer lifts the block
    assert await defaults.blocked_act(db.sessions, bidder.id) is None


async def test_put_up_again_in_the_room_then_the_statement_of_the_shortfall(db, sale_id, clerk, officer):
    sold, notice = await sold_and_noticed(db, sale_id, clerk, paid=10_000)
    lot_id, (_, first_hammer) = next((lot, v) for lot, v in sold.items() if v[0] == 1)
    act = await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER)
    with pytest.raises(rules.NotResold):
        await defaults.issue_statement(db.sessions, sale_id, act.seq, user_id=clerk.user_id, now=AFTER)
    room = await room_service.open_room(db.sessions, sale_id)

    async def run(name, **args):
        return await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, clerk, AFTER)

    opened = await run("put_up_again", lot_id=lot_id)
    assert opened.event.payload["mention"] == rules.RESALE_MENTION
    await run("bid", paddle=2, amount_cents=room.state.next_minimum(room.setup))
    new_hammer = room.state.current_bid.amount_cents
    assert new_hammer < first_hammer or first_hammer == new_hammer
    for _ in range(3):
        await run("call")
    await run("hammer")
    from auction.services.sale_record import load_record, record_html
    written = " ".join(record_html(await load_record(db.sessions, sale_id), fragment=True).split())
    assert f"est {rules.RESALE_MENTION} (CPCE R221-38) : l'adjudicataire du panneau 1" in written
    async with db.sessions() as session, session.begin():      # the sale's storage terms: 1 € HT a day and lot
        sale = await session.get(Sale, sale_id)
        sale.storage_free_days, sale.storage_fee_cents = 2, 100
        sale_day = to_paris(sale.starts_at).date()
    statement = await defaults.issue_statement(db.sessions, sale_id, act.seq, user_id=clerk.user_id, now=AFTER,
                                               command_id="st-1")
    # storage is the checkout's rule, not typed: from the end of the free days to the day of the resale
    days = (AFTER.date() - (sale_day + timedelta(days=3))).days + 1
    assert [(line["lot_id"], line["days"], line["through"]) for line in statement.payload["storage"]] == [
        (lot_id, days, AFTER.date().isoformat())]
    costs = {c["kind"]: c["amount_cents"] for c in statement.payload["costs"]}
    assert costs["storage"] == days * 100 + apply_rate(days * 100, Decimal("0.20"))
    totals = statement.payload["totals"]
    assert totals["shortfall_cents"] == first_hammer - new_hammer
    assert totals["owed_cents"] == totals["shortfall_cents"] + totals["costs_cents"]
    assert {c["kind"]: c["amount_cents"] for c in statement.payload["costs"]}["letters"] == 750
    assert totals["balance_cents"] == totals["owed_cents"] - 10_000
    events = await settlement_log.read(db.sessions, sale_id)
    assert account_of(events, 1).balance_cents == totals["balance_cents"]
    with pytest.raises(rules.StatementIssued):
        await defaults.issue_statement(db.sessions, sale_id, act.seq, user_id=clerk.user_id, now=AFTER)
    from auction.services import invoice_export           # `criee invoices` writes the statement too
    export = await invoice_export.build(db.sessions, sale_id, processes=1)
    assert export.statement_count == 1 and export.credit_note_count == 1
    assert any(d.filename == "decompte-defaut-D2026-000001.pdf" and d.content.startswith(b"%PDF")
               for d in export.documents)
    assert await settlement_log.verify(db.sessions, sale_id) == (len(events), None)


async def test_a_lot_in_default_joins_a_later_sale_with_its_history(db, sale_id, clerk, officer):
    sold, notice = await sold_and_noticed(db, sale_id, clerk)
    lot_id, (_, first_hammer) = next((lot, v) for lot, v in sold.items() if v[0] == 1)
    act = await defaults.declare_default(db.sessions, sale_id, notice.seq, user_id=officer.user_id, now=AFTER)
    async with db.sessions() as session, session.begin():
        first_sale = await session.get(Sale, sale_id)
        later = Sale(reference="V-2027-01", title="Vente de janvier", starts_at=datetime(2027, 1, 20, 13, 0, tzinfo=timezone.utc),
                     place_kind="room", place_name="Salle", address="1 quai", postcode="69009", city="Lyon")
        session.add(later)
        await session.flush()
        later_id = later.id
    with pytest.raises(defaults.UnknownSale):
        await defaults.place_in_later_sale(db.sessions, sale_id, act.seq, lot_id, sale_id, user_id=clerk.user_id,
                                           now=AFTER)
    new = await defaults.place_in_later_sale(db.sessions, sale_id, act.seq, lot_id, later_id, user_id=clerk.user_id,
                                             now=AFTER, command_id="place-1")
    async with db.sessions() as session:
        original = await session.get(Lot, lot_id)
        row = await session.get(Lot, new.id)
    assert row.sale_id == later_id and row.resale_of_lot_id == lot_id and row.case_id == original.case_id
    assert row.description.startswith("Remis en vente sur réitération des enchères")
    assert first_sale.reference in row.description and row.title == original.title
    with pytest.raises(rules.ProcedureOpen):
        await defaults.place_in_later_sale(db.sessions, sale_id, act.seq, lot_id, later_id, user_id=clerk.user_id,
                                           now=AFTER)
    # the later sale sells it (its bid log, written here as the room would)
    events, prev = [], "0" * 64
    for kind, payload in (("sale_opened", {}), ("lot_opened", {"lot_id": new.id}),
                          ("bid", {"lot_id": new.id, "paddle": 7, "amount_cents": first_hammer + 5_000, "source": "room"}),
                          ("call", {"lot_id": new.id, "number": 1}), ("call", {"lot_id": new.id, "number": 2}),
                          ("call", {"lot_id": new.id, "number": 3}),
                          ("hammer", {"lot_id": new.id, "paddle": 7, "amount_cents": first_hammer + 5_000,
                                      "registration_id": 0})):
        event = chain(later_id, len(events) + 1, kind, payload, AFTER, clerk.user_id, prev)
        events.append(event)
        prev = event.hash
    async with db.sessions() as session, session.begin():
        for e in events:
            session.add(SaleEvent(sale_id=e.sale_id, seq=e.seq, kind=e.kind, payload=e.payload, at=e.at,
                                  user_id=e.user_id, prev_hash=e.prev_hash, hash=e.hash))
    statement = await defaults.issue_statement(db.sessions, sale_id, act.seq, user_id=clerk.user_id, now=AFTER)
    line = statement.payload["lines"][0]
    assert line["sale_id"] == later_id and line["new_lot_id"] == new.id
    assert line["shortfall_cents"] == 0 and line["surplus_cents"] == 5_000   # the higher price goes to the case
    assert statement.payload["totals"]["owed_cents"] == statement.payload["totals"]["costs_cents"]
    statuses = (await defaults.sale_defaults(db.sessions, sale_id, AFTER)).statuses
    assert statuses[lot_id].state == "revendu"
