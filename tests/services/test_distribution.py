"""The distribution services on the demo sale: lots sold in the room, invoiced and paid, then the
plan drafted, notified, final and paid (SEPA file and cheques), or contested and deposited."""
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import delete, select

from auction.domain import journal
from auction.domain.deadlines import paris_day
from auction.domain.distribution import RankKind
from auction.domain.distribution_procedure import DEBTOR, StepRefused
from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.domain.legal_interest import LegalRate, MissingLegalRate
from auction.models import Claim, Creditor, Sale, User, utcnow
from auction.sepa import DEFAULT_SCHEMA, schema_path
from auction.services import distribution, distribution_steps as steps, payouts, settlement_log
from auction.services import room as room_service
from auction.services.distribution_claims import (
    ClaimRank, add_legal_rate, set_claim_rank, set_creditor_details, set_debtor_details,
)
from tests.checkout_fixtures import invoice_payload, line

IBAN_FR = "FR7630006000011234567890189"
IBAN_DE = "DE89370400440532013000"


async def run(db, room, actor, name, **args):
    return await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, actor, utcnow())


async def sell(db, room, clerk, lot_id, paddle, amount):
    await run(db, room, clerk, "open_lot", lot_id=lot_id)
    await run(db, room, clerk, "bid", paddle=paddle, amount_cents=amount)
    for _ in range(3):
        await run(db, room, clerk, "call")
    await run(db, room, clerk, "hammer")


@pytest.fixture
async def sold(db, sale_id, clerk):
    """Two lots of the workshop case and one of the household case sold, invoiced and paid."""
    room = await room_service.open_room(db.sessions, sale_id)
    by_case: dict[int, list[int]] = {}
    for lot in room.setup.lots.values():
        by_case.setdefault(lot.case_id, []).append(lot.id)
    workshop, household = sorted(by_case)
    await run(db, room, clerk, "open_sale")
    sales = [(by_case[workshop][0], 1, 600_000), (by_case[workshop][1], 2, 400_000), (by_case[household][0], 1, 150_000)]
    for lot_id, paddle, amount in sales:
        await sell(db, room, clerk, lot_id, paddle, amount)
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
    day = paris_day(sale.starts_at)
    paddles = room.setup.paddles
    async with settlement_log.transaction(db.sessions, sale_id) as tx:
        for number, paddle in enumerate((1, 2), start=1):
            lines = [line(lot_id, amount, room.setup.lots[lot_id].case_id)
                     for lot_id, p, amount in sales if p == paddle]
            payload = invoice_payload(number, paddle, lines, registration_id=paddles[paddle].registration_id,
                                      issued_on=day, due_on=day + timedelta(days=8))
            tx.append("invoice_issued", payload, user_id=clerk.user_id, now=utcnow())
            tx.append("payment_received", {"paddle": paddle, "registration_id": paddles[paddle].registration_id,
                                           "means": "card", "amount_cents": payload["totals"]["total_cents"],
                                           "received_on": day.isoformat(), "reference": f"TPE-{number}"},
                      user_id=clerk.user_id, now=utcnow())
    return {"workshop": workshop, "household": household, "day": day}


@pytest.fixture
async def officer(db, sale_id):
    async with db.sessions() as session:
        return await session.scalar(select(User).where(User.role == "officer"))


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


async def creditors_of(db, case_id):
    async with db.sessions() as session:
        return (await session.scalars(select(Creditor).where(Creditor.case_id == case_id).order_by(Creditor.id))).all()


async def test_proceeds_are_the_paid_lots_less_seller_fees_and_costs(db, sale_id, sold, officer):
    day = sold["day"]
    view = (await distribution.load(db.sessions, sale_id, day)).case(sold["workshop"])
    assert sum(line.cents for line in view.funds.proceeds) == 1_000_000
    # A444-3: 5.952 % incl. VAT on each lot: 35 712 + 23 808
    assert view.fees.total_cents == 59_520
    await steps.record_cost(db.sessions, sale_id, sold["workshop"], label="Acte de saisie", cents=12_000,
                            reference="A444-10", user_id=officer.id, now=at(day))
    view = (await distribution.load(db.sessions, sale_id, day)).case(sold["workshop"])
    assert view.plan.costs_cents == 12_000
    assert view.plan.distributable_cents == 1_000_000 - 59_520 - 12_000
    assert view.plan.shares_cents + view.plan.debtor_cents == view.plan.distributable_cents


async def test_plan_sent_final_and_paid_by_transfer_and_cheque(db, sale_id, sold, officer):
    case_id, day = sold["workshop"], sold["day"]
    bank, lessor = await creditors_of(db, case_id)
    async with db.sessions() as session:
        bank_claim = await session.scalar(select(Claim.id).where(Claim.creditor_id == bank.id))
    # the bank's claim bears legal interest (a company: the "other" rate) since its statement
    await set_claim_rank(db.sessions, bank_claim, ClaimRank(RankKind.UNSECURED, interest_basis="legal"))
    await set_creditor_details(db.sessions, bank.id, came_forward_on=None, iban=IBAN_DE, bic="", email="")
    await set_debtor_details(db.sessions, case_id, iban=IBAN_FR, bic="", email="")

    drafted_at = at(day + timedelta(days=3))
    with pytest.raises(MissingLegalRate, match="second semestre 2026"):
        await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=drafted_at)
    await add_legal_rate(db.sessions, LegalRate(date(2026, 7, 1), Decimal("0.0650"), Decimal("0.0250"),
                                                "Arrêté du 20 juin 2026"), officer.id)
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=drafted_at)
    view = (await distribution.load(db.sessions, sale_id, drafted_at.date())).case(case_id)
    bank_share = next(s for s in view.drafted["shares"] if s["creditor_id"] == bank.id)
    assert bank_share["interest_cents"] > 211_450      # the statement's interest plus what ran since
    sent_on = day + timedelta(days=4)
    await steps.send_plan(db.sessions, sale_id, case_id, sent_on=sent_on, user_id=officer.id, now=at(sent_on))
    with pytest.raises(StepRefused):
        await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=at(sent_on))
    received = sent_on + timedelta(days=2)
    for recipient in (DEBTOR, f"creditor:{bank.id}", f"creditor:{lessor.id}"):
        await steps.record_receipt(db.sessions, sale_id, case_id, recipient=recipient, received_on=received,
                                   user_id=officer.id, now=at(received))
    view = (await distribution.load(db.sessions, sale_id, received)).case(case_id)
    assert str(view.state.status) == "sent"
    with pytest.raises(StepRefused, match="définitif"):
        await payouts.pay(db.sessions, sale_id, case_id, paid_on=received, cheques={}, user_id=officer.id, now=at(received))

    later = received + timedelta(days=40)
    view = (await distribution.load(db.sessions, sale_id, later)).case(case_id)
    assert str(view.state.status) == "final"
    with pytest.raises(InvalidValue, match="IBAN"):      # the lessor has no IBAN and no cheque number
        await payouts.pay(db.sessions, sale_id, case_id, paid_on=later, cheques={}, user_id=officer.id, now=at(later))
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=later, cheques={f"creditor:{lessor.id}": "0001234"},
                      user_id=officer.id, now=at(later))
    view = (await distribution.load(db.sessions, sale_id, later)).case(case_id)
    assert str(view.state.status) == "paid"
    assert not view.log.outstanding_cents()

    document = await payouts.transfer_file(db.sessions, sale_id, case_id)
    assert document == await payouts.transfer_file(db.sessions, sale_id, case_id)
    xsd = etree.XMLSchema(etree.parse(str(schema_path(DEFAULT_SCHEMA))))
    assert xsd.validate(etree.fromstring(document))

    events = await settlement_log.read(db.sessions, sale_id)
    ledger = journal.build(events)
    assert ledger.balanced
    assert ledger.balances().get((journal.PROCEEDS, journal.case(case_id)), 0) == 0

    summary = await distribution.summary(db.sessions, sale_id, at(later))
    [entry] = [c for c in summary["cases"] if c["case_id"] == case_id]
    assert entry["status"] == "paid"
    assert entry["distributable_cents"] == sum(c["share_cents"] for c in entry["creditors"]) + entry["debtor_cents"]
    assert [c["rank"] for c in entry["creditors"]] == [1, 1]
    kinds = {p["recipient"]: p["means"] for p in view.log.payouts}
    assert kinds == {f"creditor:{bank.id}": "transfer", f"creditor:{lessor.id}": "cheque"}


async def test_a_single_creditor_is_paid_without_a_plan(db, sale_id, sold, officer):
    case_id, day = sold["household"], sold["day"]
    garnier, treasury = await creditors_of(db, case_id)
    async with db.sessions() as session, session.begin():
        await session.execute(delete(Creditor).where(Creditor.id == treasury.id))
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=at(day + timedelta(days=1)))
    view = (await distribution.load(db.sessions, sale_id, day + timedelta(days=1))).case(case_id)
    assert view.state.single_creditor and str(view.state.status) == "final"
    with pytest.raises(StepRefused, match="R251-1"):
        await steps.send_plan(db.sessions, sale_id, case_id, sent_on=day + timedelta(days=1), user_id=officer.id,
                              now=at(day + timedelta(days=1)))
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=day + timedelta(days=2), cheques={
        f"creditor:{garnier.id}": "77", DEBTOR: "78"}, user_id=officer.id, now=at(day + timedelta(days=2)))
    view = (await distribution.load(db.sessions, sale_id, day + timedelta(days=2))).case(case_id)
    assert str(view.state.status) == "paid"


async def test_a_contest_conciliation_disagreement_and_deposit(db, sale_id, sold, officer):
    case_id, day = sold["workshop"], sold["day"]
    bank, lessor = await creditors_of(db, case_id)
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=at(day + timedelta(days=2)))
    sent = day + timedelta(days=3)
    await steps.send_plan(db.sessions, sale_id, case_id, sent_on=sent, user_id=officer.id, now=at(sent))
    await steps.record_receipt(db.sessions, sale_id, case_id, recipient=f"creditor:{lessor.id}",
                               received_on=sent + timedelta(days=1), user_id=officer.id, now=at(sent + timedelta(days=1)))
    with pytest.raises(InvalidValue, match="Motifs"):
        await steps.record_contest(db.sessions, sale_id, case_id, recipient=f"creditor:{lessor.id}", on=sent,
                                   reasons="", documents="x", user_id=officer.id, now=at(sent + timedelta(days=5)))
    contested = sent + timedelta(days=5)
    await steps.record_contest(db.sessions, sale_id, case_id, recipient=f"creditor:{lessor.id}", on=contested,
                               reasons="Rang contesté", documents="Contrat de crédit-bail publié",
                               user_id=officer.id, now=at(contested))
    await steps.convene(db.sessions, sale_id, case_id, on=contested, meeting_on=contested + timedelta(days=14),
                        place="Étude", user_id=officer.id, now=at(contested))
    meeting = contested + timedelta(days=14)
    await steps.conclude(db.sessions, sale_id, case_id, agreed=False, on=meeting, note="Désaccord sur le rang",
                         user_id=officer.id, now=at(meeting))
    view = (await distribution.load(db.sessions, sale_id, meeting)).case(case_id)
    assert [d.kind for d in view.state.deadlines()] == ["deposit"]
    await payouts.deposit_disputed(db.sessions, sale_id, case_id, on=meeting, reference="CDC-2026-001",
                                   user_id=officer.id, now=at(meeting))
    view = (await distribution.load(db.sessions, sale_id, meeting)).case(case_id)
    assert str(view.state.status) == "deposited" and not view.log.outstanding_cents()
    deposit, = view.log.deposits                       # A444-7: 6.85 € and its VAT, from the sums deposited
    assert (deposit["fee_cents"], deposit["fee_vat_cents"]) == (685, 137)
    assert deposit["amount_cents"] == sum(deposit["shares"].values()) - 822 == view.drafted["distributable_cents"] - 822
    assert journal.build(await settlement_log.read(db.sessions, sale_id)).balanced


async def test_a_step_posted_twice_is_recorded_once(db, sale_id, sold, officer):
    case_id, day = sold["workshop"], sold["day"]
    first = await steps.record_cost(db.sessions, sale_id, case_id, label="Publicité", cents=5_000, reference="",
                                    user_id=officer.id, now=at(day), command_id="cost-1")
    again = await steps.record_cost(db.sessions, sale_id, case_id, label="Publicité", cents=5_000, reference="",
                                    user_id=officer.id, now=at(day), command_id="cost-1")
    assert first == again
    view = (await distribution.load(db.sessions, sale_id, day)).case(case_id)
    assert [c.cents for c in view.funds.costs] == [5_000]


async def test_the_sale_is_settled_once_every_case_is_and_its_client_account_is_zero(db, sale_id, sold, officer):
    room = await room_service.open_room(db.sessions, sale_id)
    outcome = await run(db, room, Actor(officer.id, Role.OFFICER), "close_sale")
    assert outcome.event.kind == "sale_closed", outcome
    day = sold["day"]
    for key in ("workshop", "household"):
        kept, dropped = await creditors_of(db, sold[key])
        async with db.sessions() as session, session.begin():
            await session.execute(delete(Creditor).where(Creditor.id == dropped.id))
        await steps.draft(db.sessions, sale_id, sold[key], user_id=officer.id, now=at(day + timedelta(days=1)))
        async with db.sessions() as session:
            assert (await session.get(Sale, sale_id)).status != "settled"
        await payouts.pay(db.sessions, sale_id, sold[key], paid_on=day + timedelta(days=2),
                          cheques={f"creditor:{kept.id}": "10", DEBTOR: "11"}, user_id=officer.id,
                          now=at(day + timedelta(days=2)))
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
        assert sale.status == "settled" and sale.settled_at is not None
    ledger = journal.build(await settlement_log.read(db.sessions, sale_id))
    assert ledger.balanced and ledger.funds_held_cents == 0
    assert ledger.account_balances()[journal.PROCEEDS] == 0


async def test_r251_5_a_conservatory_share_is_deposited_with_its_fee_the_rest_paid(db, sale_id, sold, officer):
    case_id, day = sold["workshop"], sold["day"]
    bank, lessor = await creditors_of(db, case_id)
    async with db.sessions() as session:
        lessor_claim = await session.scalar(select(Claim.id).where(Claim.creditor_id == lessor.id))
    await set_claim_rank(db.sessions, lessor_claim, ClaimRank(RankKind.UNSECURED, conservatory=True))
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=at(day + timedelta(days=1)))
    sent = day + timedelta(days=2)
    await steps.send_plan(db.sessions, sale_id, case_id, sent_on=sent, user_id=officer.id, now=at(sent))
    for recipient in (DEBTOR, f"creditor:{bank.id}", f"creditor:{lessor.id}"):
        await steps.record_receipt(db.sessions, sale_id, case_id, recipient=recipient, received_on=sent,
                                   user_id=officer.id, now=at(sent))
    later = sent + timedelta(days=30)
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=later, cheques={f"creditor:{bank.id}": "501"},
                      user_id=officer.id, now=at(later))
    view = (await distribution.load(db.sessions, sale_id, later)).case(case_id)
    assert str(view.state.status) == "paid" and not view.log.outstanding_cents()
    lessor_share = next(s["share_cents"] for s in view.drafted["shares"] if s["creditor_id"] == lessor.id)
    deposit, = view.log.deposits
    assert deposit["reason"] == "conservatory" and deposit["shares"] == {f"creditor:{lessor.id}": lessor_share}
    assert deposit["amount_cents"] == lessor_share - 685 - 137        # A444-7 and its VAT
    assert [p["recipient"] for p in view.log.payouts] == [f"creditor:{bank.id}"]
    ledger = journal.build(await settlement_log.read(db.sessions, sale_id))
    assert ledger.balanced and ledger.balances().get((journal.PROCEEDS, journal.case(case_id)), 0) == 0


async def test_r251_5_the_conversion_act_pays_the_deposited_share_from_the_cdc(db, sale_id, sold, officer):
    from auction.domain.distribution_journal import CDC_COUNTERPART, CDC_HELD
    from auction.services.funds import sale_journal

    case_id, day = sold["workshop"], sold["day"]
    bank, lessor = await creditors_of(db, case_id)
    async with db.sessions() as session:
        lessor_claim = await session.scalar(select(Claim.id).where(Claim.creditor_id == lessor.id))
    await set_claim_rank(db.sessions, lessor_claim, ClaimRank(RankKind.UNSECURED, conservatory=True))
    await steps.draft(db.sessions, sale_id, case_id, user_id=officer.id, now=at(day + timedelta(days=1)))
    sent = day + timedelta(days=2)
    await steps.send_plan(db.sessions, sale_id, case_id, sent_on=sent, user_id=officer.id, now=at(sent))
    for recipient in (DEBTOR, f"creditor:{bank.id}", f"creditor:{lessor.id}"):
        await steps.record_receipt(db.sessions, sale_id, case_id, recipient=recipient, received_on=sent,
                                   user_id=officer.id, now=at(sent))
    paid = sent + timedelta(days=30)
    await payouts.pay(db.sessions, sale_id, case_id, paid_on=paid, cheques={f"creditor:{bank.id}": "501"},
                      user_id=officer.id, now=at(paid))
    key = f"creditor:{lessor.id}"
    view = (await distribution.load(db.sessions, sale_id, paid)).case(case_id)
    deposit, = view.log.deposits
    held = deposit["shares"][key] - deposit["fees_borne"][key]
    assert view.log.awaiting_conversion() == {key: held} and held == deposit["amount_cents"]
    balances = journal.build(await settlement_log.read(db.sessions, sale_id)).balances()
    assert balances[(CDC_HELD, f"C{lessor.id}")] == held and balances[(CDC_COUNTERPART, "")] == -held

    converted = paid + timedelta(days=10)
    args = dict(user_id=officer.id, now=at(converted))
    with pytest.raises(InvalidValue, match="Aucune part consignée"):          # the bank's share was paid
        await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=f"creditor:{bank.id}", on=converted,
                                        reference="Acte 12", **args)
    with pytest.raises(InvalidValue, match="futur"):
        await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=converted + timedelta(days=1),
                                        reference="Acte 12", **args)
    with pytest.raises(InvalidValue, match="précéder la consignation"):
        await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=paid - timedelta(days=1),
                                        reference="Acte 12", **args)
    with pytest.raises(InvalidValue, match="référence de l'acte de conversion"):
        await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=converted, reference=" ",
                                        **args)
    before = len(await settlement_log.read(db.sessions, sale_id))
    assert before == len(await settlement_log.read(db.sessions, sale_id))      # nothing written by a refusal
    first = await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=converted,
                                            reference="Acte de conversion du 12", command_id="conv-1", **args)
    again = await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=converted,
                                            reference="Acte de conversion du 12", command_id="conv-1", **args)
    assert first == again
    with pytest.raises(InvalidValue, match="Aucune part consignée"):          # released once
        await payouts.record_conversion(db.sessions, sale_id, case_id, recipient=key, on=converted,
                                        reference="Acte 13", **args)

    view = (await distribution.load(db.sessions, sale_id, converted)).case(case_id)
    assert view.log.awaiting_conversion() == {} and str(view.state.status) == "paid"
    conversion, = view.log.conversions
    assert (conversion["amount_cents"], conversion["reference"], conversion["name"]) == (held, "Acte de conversion du 12",
                                                                                       lessor.name)
    funds = await sale_journal(db.sessions, sale_id)                          # what `criee verify-funds` checks
    assert funds.journal.balanced
    balances = funds.journal.balances()
    assert balances.get((CDC_HELD, f"C{lessor.id}"), 0) == 0 and balances.get((CDC_COUNTERPART, ""), 0) == 0
    assert balances.get((journal.PROCEEDS, journal.case(case_id)), 0) == 0
    entry = next(e for e in funds.journal.entries if e.kind == "conversion_recorded")
    assert entry.debit == entry.credit == held
