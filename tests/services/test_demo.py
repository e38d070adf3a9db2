"""The demo office is realistic enough to run a sale from it."""
import io
from datetime import date

import pypdf

from PIL import Image
from sqlalchemy import func, select

from auction.models import Bidder, Case, Lot, Office, Registration, Sale, User
from auction.services.accounts import log_in
from auction.services.demo import DEMO_LOGINS, seed_demo
from auction.models import utcnow

TODAY = date(2026, 11, 22)


async def test_demo_seeds_office_cases_sale_lots_and_bidders(db, tmp_path):
    assert await seed_demo(db.sessions, tmp_path, TODAY) is True
    async with db.sessions() as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert await count(Office) == 1
        assert await count(User) == 3
        assert await count(Case) == 2
        assert await count(Sale) == 1
        assert await count(Lot) == 40
        assert await count(Bidder) >= 3
        sale = await session.scalar(select(Sale))
        cases = (await session.scalars(select(Case))).all()
        for case in cases:
            lots = await session.scalar(select(func.count()).select_from(Lot).where(Lot.case_id == case.id))
            assert lots == 20
        paddles = (await session.scalars(select(Registration.paddle_number).where(
            Registration.sale_id == sale.id, Registration.verified_at.is_not(None)))).all()
        assert len(set(paddles)) == len(paddles) and all(paddles)
        lots = (await session.scalars(select(Lot))).all()
        assert all(lot.estimate_low_cents <= lot.estimate_high_cents for lot in lots)
        assert all(0 < lot.opening_bid_cents <= lot.estimate_low_cents for lot in lots)
    assert sale.starts_at > utcnow()
    image = Image.open(tmp_path / "demo" / "lot-01.jpg")
    assert image.size == (800, 600)


async def test_demo_is_seeded_once(db, tmp_path):
    assert await seed_demo(db.sessions, tmp_path, TODAY) is True
    assert await seed_demo(db.sessions, tmp_path, TODAY) is False
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Lot)) == 40


async def test_demo_logins_work(db, tmp_path):
    await seed_demo(db.sessions, tmp_path, TODAY)
    for login in DEMO_LOGINS:
        token, user = await log_in(db.sessions, login.email, login.password, utcnow())
        assert token and user.role == login.role.value


async def test_public_catalogue_of_the_demo_shows_lots_but_no_debtor(client, db, settings):
    await seed_demo(db.sessions, settings.media_dir, TODAY)
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
        cases = (await session.scalars(select(Case))).all()
    page = await client.get(f"/ventes/{sale.id}")
    assert page.status_code == 200
    assert page.text.count('<li class="lot') == 24 and "Lots 1 à 24 sur 40" in page.text   # 24 a page
    assert "Scie à format Altendorf F45" in page.text
    for case in cases:
        assert case.debtor_name not in page.text
        assert case.debtor_address not in page.text
    photo = await client.get("/medias/demo/lot-01.jpg")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    display = await client.get(f"/salle/{sale.id}")
    assert display.status_code == 200 and "ROCHE" not in display.text


async def test_demo_lots_come_from_signed_inventories(db, tmp_path):
    from auction.models import InventoryAct, LotItem
    from auction.services.inventory import content_of, get_act
    await seed_demo(db.sessions, tmp_path, TODAY)
    async with db.sessions() as session:
        acts = (await session.scalars(select(InventoryAct))).all()
        links = (await session.scalars(select(LotItem))).all()
    # each case: its seizure inventory and its verification act before the sale (CPCE R221-36)
    assert sorted(a.kind for a in acts) == ["seizure", "seizure", "verification", "verification"]
    assert all(a.signed_at and a.digest for a in acts)
    assert len(links) == 40
    for act in acts:
        loaded, case, parent = await get_act(db.sessions, act.id)
        assert content_of(loaded, case, parent).digest() == act.digest


async def test_demo_web_publication_names_the_address_the_demo_serves_on(db, tmp_path):
    from auction.models import PublicationAct
    await seed_demo(db.sessions, tmp_path, TODAY, base_url="http://127.0.0.1:8140/")
    async with db.sessions() as session:
        web = await session.scalar(select(PublicationAct).where(PublicationAct.kind == "web"))
    assert web.place.startswith("http://127.0.0.1:8140/ventes/")
    assert "8000" not in web.place and "8140" in web.system_record


def test_generated_images_draw_french_accents():
    """DejaVu Sans, not Pillow's default font whose missing accents came out as boxes ("Scie ▯ format")."""
    from PIL import ImageDraw
    from auction.fonts import font
    assert font(40).getname()[0] == "DejaVu Sans"

    def drawn(text):
        image = Image.new("L", (200, 80))
        ImageDraw.Draw(image).text((10, 10), text, font=font(40), fill=255)
        return image.tobytes()
    assert drawn("à") != drawn("a") and drawn("é") != drawn("e") and drawn("à") != drawn("\ue000")


# --- the held sale (sale 2), as `criee demo` seeds it ----------------------------------------------

def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def test_demo_held_sale_is_run_by_the_room_and_its_two_sessions_are_signed(db, tmp_path):
    import time as clock

    from auction.domain.amount_words import amount_in_words
    from auction.domain.money import format_euros
    from auction.domain.room import replay
    from auction.models import RecordSeal, RecordSignature, SaleEvent
    from auction.services import room_loaders
    from auction.services import sale_record, settlement_log
    from auction.services.demo_held_sale import HELD_REFERENCE, NEW_BIDDERS

    started = clock.monotonic()
    assert await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    assert clock.monotonic() - started < 60          # a few seconds on an idle machine
    async with db.sessions() as session:
        announced, held = (await session.scalars(select(Sale).order_by(Sale.id))).all()
        assert (announced.status, held.reference) == ("announced", HELD_REFERENCE)
        first, sale_id = announced.id, held.id
        assert await session.scalar(select(func.count()).select_from(Lot).where(Lot.sale_id == first)) == 40
        assert not (await session.scalars(select(SaleEvent.id).where(SaleEvent.sale_id == first))).all()
        kinds = (await session.scalars(select(SaleEvent.kind).where(SaleEvent.sale_id == sale_id))).all()
        seals = (await session.scalars(select(RecordSeal).where(RecordSeal.sale_id == sale_id))).all()
        signed = (await session.scalars(select(RecordSignature.session).where(
            RecordSignature.sale_id == sale_id, RecordSignature.kind == "signed"))).all()
        company = await session.scalar(select(Bidder).where(Bidder.company_number == "852147966"))
    assert held.status == "closed" and held.starts_at < utcnow()
    # Every kind of event of the story was made by the room's own commands.
    for kind in ("sale_opened", "announcement", "paused", "resumed", "lot_passed", "lot_reoffered",
                 "lot_withdrawn", "session_closed", "session_opened", "sale_closed"):
        assert kind in kinds, kind
    state = replay(sale_id, [event for event, _ in await room_loaders.load_events(db.sessions, sale_id)])
    sold = [result for result in state.results.values() if result.sold]
    sources = {event.payload["source"] for event, _ in await room_loaders.load_events(db.sessions, sale_id)
               if event.kind == "bid"}
    assert sources == {"room", "online", "phone", "absentee"}
    assert 501 in {result.paddle for result in sold}                   # the demo bidder, online
    assert company.buyer_type == "company" and NEW_BIDDERS["company"][0] in {r.paddle for r in sold}

    # The record: the lot withdrawn before the sale first, then every sold lot with its price in
    # figures and words and its buyer; both sessions closed, sealed, signed, and they verify.
    record = await sale_record.load_record(db.sessions, sale_id)
    assert [lot.label for lot in record.record.withdrawn_before] == ["2"]
    assert [part.number for part in record.record.sessions if part.closed] == [1, 2]
    assert sorted(seal.session for seal in seals) == [1, 2] and sorted(signed) == [1, 2]
    last = max(seals, key=lambda seal: seal.session)      # sealed at the sale's close: the whole record
    pdf = sale_record.stored_file(tmp_path / "private", last.pdf_path).read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.xmp_metadata is not None and reader.xmp_metadata.pdfaid_part == "3"      # PDF/A-3
    text = _plain("\n".join(page.extract_text() for page in reader.pages))
    assert text.index("Chambre froide positive") < text.index("Piano de cuisson Charvet")
    names = {reg.paddle_number: reg.bidder.last_name.upper() for reg in await _registrations(db, sale_id)}
    for result in sold:
        entry = _plain(f"adjugé {format_euros(result.amount_cents)} ({amount_in_words(result.amount_cents)}) "
                       f"à {names[result.paddle]}")
        assert entry in text, entry
    assert await sale_record.verify_seals(db.sessions, tmp_path / "private", sale_id) == []
    count, broken = await room_loaders.verify_log(db.sessions, sale_id)
    assert count == len(kinds) and broken is None
    assert (await settlement_log.verify(db.sessions, sale_id))[1] is None
    await _check_checkout(db, sale_id, {result.lot_id: result for result in sold}, company)
    await _check_default(db, first, sale_id, state, text)
    await _check_distribution(db, sale_id)


async def _check_checkout(db, sale_id, sold, company):
    """Every sold lot invoiced once to its buyer at its hammer price, each invoice the sum of its lines;
    payments by every means, the cash within the ceiling and banked, one cheque not cleared; the
    company's invoice with its SIREN (Factur-X); release slips for paid lots; one buyer overdue; the
    journal balances."""
    from auction.domain.buyer_accounts import accounts
    from auction.domain.invoices import invoices_of, totals
    from auction.domain.journal import build
    from auction.domain.lot_allocation import paid_lots
    from auction.services import defaults, settlement_log
    from auction.services.demo import held_sale_now

    events = await settlement_log.read(db.sessions, sale_id)
    issued = invoices_of(events)
    lines = {line.lot_id: (invoice, line) for invoice in issued for line in invoice.live_lines}
    assert set(lines) == set(sold)
    for lot_id, (invoice, line) in lines.items():
        assert (invoice.paddle, line.hammer_cents) == (sold[lot_id].paddle, sold[lot_id].amount_cents)
    for invoice in issued:
        assert invoice.totals == totals(invoice.lines) and invoice.totals["total_cents"] > 0
    [business] = [invoice for invoice in issued if invoice.buyer.is_company]
    assert business.buyer.siren == company.company_number and business.buyer.vat_number.startswith("FR")
    by_paddle = accounts(events)
    paid = [payment for account in by_paddle.values() for payment in account.payments]
    assert {p.means for p in paid} == {"cash", "card", "transfer", "cheque"}
    assert all(p.amount_cents <= 1_000_00 and p.banked_slip for p in paid if p.means == "cash")
    assert [p.means for p in paid if not p.cleared] == ["cheque"]
    released = {lot for e in events if e.kind == "release_issued" for lot in e.payload["lot_ids"]}
    assert released and all(lot in paid_lots(by_paddle[lines[lot][0].paddle]) for lot in released)
    assert any(e.kind == "goods_collected" for e in events)
    # The price is payable at once (R221-38): session 2 was yesterday, so its unpaid buyer is overdue
    # today (no notice yet), and was not on the day of his hammer.
    from datetime import timedelta

    from auction.services.demo_held_sale import PAYMENT_DAYS, SESSION_2_DAYS_BEFORE
    assert PAYMENT_DAYS == 0
    hammer_day = held_sale_now(TODAY) - timedelta(days=SESSION_2_DAYS_BEFORE)
    standing = await defaults.sale_defaults(db.sessions, sale_id, hammer_day)
    assert not any(b.overdue and b.procedure is None for b in standing.buyers)   # the last day is not late
    standing = await defaults.sale_defaults(db.sessions, sale_id, held_sale_now(TODAY))
    assert any(b.overdue and b.procedure is None for b in standing.buyers)       # overdue, no notice yet
    journal = build(events)
    assert journal.balanced and journal.debit > 0


async def _check_default(db, first, sale_id, state, record_text):
    """Lot 7's buyer in session 1 defaulted: notice after the payment deadline, default declared by the
    officer before session 2, the lot put up again there by the room and sold for less, the statement
    of the shortfall issued; the defaulter is blocked (and was never a bidder of sale 1)."""
    from datetime import timedelta

    from auction.domain import defaults as rules
    from auction.formats import to_paris
    from auction.services import room_loaders
    from auction.services import settlement_log
    from auction.services.demo_held_sale import NEW_BIDDERS, PAYMENT_DAYS

    events = await settlement_log.read(db.sessions, sale_id)
    [procedure] = rules.procedures(events)
    defaulter = NEW_BIDDERS["defaulter"][0]
    async with db.sessions() as session:
        held = await session.get(Sale, sale_id)
        users = {u.id: u.role for u in (await session.scalars(select(User))).all()}
        blocked = await session.scalar(select(Bidder).join(Registration).where(
            Registration.sale_id == sale_id, Registration.paddle_number == defaulter))
        in_sale_1 = await session.scalar(select(func.count()).select_from(Registration).where(
            Registration.sale_id == first, Registration.bidder_id == blocked.id))
    first_day = to_paris(held.starts_at).date()
    assert procedure.notice.paddle == defaulter and procedure.notice.sent_on > first_day + timedelta(days=PAYMENT_DAYS)
    act = next(e for e in events if e.kind == "default_declared")
    assert users[act.user_id] == "officer" and procedure.act.declared_on > procedure.notice.deadline_on
    assert blocked.blocked_at is not None and blocked.blocked_default_seq == act.seq and in_sale_1 == 0
    assert (await room_loaders.load_setup(db.sessions, first)).defaulted == {}
    bid_log = [event for event, _ in await room_loaders.load_events(db.sessions, sale_id)]
    [again] = [e for e in bid_log if e.kind == "lot_put_up_again_in_room"]
    session_two = next(e.seq for e in bid_log if e.kind == "session_opened")
    assert again.seq > session_two and again.payload["paddle"] == defaulter
    resold = state.results[again.payload["lot_id"]]
    assert resold.sold and resold.paddle != defaulter and resold.amount_cents < again.payload["first_hammer_cents"]
    assert rules.RESALE_MENTION in record_text
    [statement] = [e for e in events if e.kind == "default_statement_issued"]
    [line] = statement.payload["lines"]
    assert line["shortfall_cents"] == again.payload["first_hammer_cents"] - resold.amount_cents > 0
    totals = statement.payload["totals"]
    assert totals["owed_cents"] == totals["shortfall_cents"] + totals["costs_cents"]
    assert any(cost["kind"] == "letters" and cost["amount_cents"] > 0 for cost in statement.payload["costs"])


async def _check_distribution(db, sale_id):
    """The single creditor's case paid and settled on its plan; the other case's plan sent to the
    debtor and every creditor, one creditor's contest, the conciliation convened; the journal balances."""
    from auction.domain.journal import build
    from auction.services import settlement_log

    events = await settlement_log.read(db.sessions, sale_id)
    by_case: dict[int, list[str]] = {}
    for event in events:
        if "case_id" in event.payload and event.kind != "invoice_issued":
            by_case.setdefault(event.payload["case_id"], []).append(event.kind)
    async with db.sessions() as session:
        cases = {case.reference: case.id for case in (await session.scalars(select(Case))).all()}
    single, several = by_case[cases["SV-2026-0098"]], by_case[cases["SV-2026-0121"]]
    assert single[0] == "plan_drafted" and "payout_made" in single and single[-1] == "case_settled"
    assert several == ["plan_drafted", "letter_sent", "letter_received", "contest_recorded", "conciliation_convened"]
    [letters] = [e for e in events if e.kind == "letter_sent"]
    assert "debtor" in letters.payload["recipients"] and len(letters.payload["recipients"]) == 4
    assert build(events).balanced


async def _registrations(db, sale_id):
    async with db.sessions() as session:
        return (await session.scalars(select(Registration).where(Registration.sale_id == sale_id))).all()


async def test_demo_held_sale_distribution_through_the_issues_interfaces(db, tmp_path):
    """The held sale's distribution as `criee distribution 2 --json`, the case pages' SEPA file and the
    deadlines board see it: the brasserie paid (R251-1) by a schema-valid pain.001 transfer and off the
    board; M. Blanc's case contested, its conciliation meeting on the board."""
    from lxml import etree

    from auction.sepa import DEFAULT_SCHEMA, schema_path
    from auction.services import distribution, payouts
    from auction.services.deadlines_board import deadlines_board
    from auction.services.demo import held_sale_now

    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        held = await session.scalar(select(Sale).where(Sale.reference == "VJ-2026-11"))
        cases = {c.reference: c.id for c in (await session.scalars(select(Case))).all()}
    brasserie, blanc = cases["SV-2026-0098"], cases["SV-2026-0121"]
    summary = await distribution.summary(db.sessions, held.id, held_sale_now(TODAY))
    by_case = {c["case_id"]: c for c in summary["cases"]}
    assert {case_id: c["status"] for case_id, c in by_case.items()} == {brasserie: "paid", blanc: "contested"}
    for entry in by_case.values():
        assert entry["distributable_cents"] == sum(c["share_cents"] for c in entry["creditors"]) + entry["debtor_cents"]
        assert all(isinstance(c["rank"], int) and c["share_cents"] <= c["claim_cents"] for c in entry["creditors"])
    document = await payouts.transfer_file(db.sessions, held.id, brasserie)
    assert etree.XMLSchema(etree.parse(str(schema_path(DEFAULT_SCHEMA)))).validate(etree.fromstring(document))
    board = await deadlines_board(db.sessions, TODAY)
    assert any(row.case_id == blanc and row.deadline.kind == "conciliation" and not row.overdue for row in board)
    assert not any(row.case_id == brasserie for row in board)


async def test_demo_held_sale_pending_cheque_and_session_two_deadlines(db, tmp_path):
    """Isabelle MOREAU's (paddle 7) cheque for her whole balance, not cleared: past her deadline she is
    neither overdue nor offered a notice (shown awaiting clearing), and overdue again once it is
    rejected; session 2's invoices are due two days after session 2, the last day not late."""
    from datetime import timedelta

    import pytest

    from auction.domain.buyer_accounts import account_of
    from auction.domain.defaults import NothingUnpaid
    from auction.domain.invoices import invoices_of
    from auction.services import defaults, payments, settlement_log
    from auction.services.cash_desk import cash_desk
    from auction.services.demo import held_sale_now
    from auction.services.demo_held_sale import PAYMENT_DAYS, SESSION_1_DAYS_BEFORE, SESSION_2_DAYS_BEFORE

    await seed_demo(db.sessions, tmp_path / "media", TODAY, tmp_path / "private", held_sale=True)
    async with db.sessions() as session:
        sale = (await session.scalars(select(Sale).order_by(Sale.id.desc()))).first()
    events = await settlement_log.read(db.sessions, sale.id)
    [cheque] = [p for p in account_of(events, 7).payments if p.pending]
    assert cheque.means == "cheque" and account_of(events, 7).outstanding_cents == 0

    # Session 2's invoices: due PAYMENT_DAYS after session 2's day, not on their day of issue.
    session_two = TODAY - timedelta(days=SESSION_2_DAYS_BEFORE)
    session_one = TODAY - timedelta(days=SESSION_1_DAYS_BEFORE)
    issued = invoices_of(events)
    later = [invoice for invoice in issued if invoice.issued_on == session_two]
    assert later and all(invoice.due_on == session_two + timedelta(days=PAYMENT_DAYS) for invoice in later)
    assert all(invoice.due_on == session_one + timedelta(days=PAYMENT_DAYS)
               for invoice in issued if invoice.issued_on == session_one)
    last_day = session_two + timedelta(days=PAYMENT_DAYS)
    day_after = last_day + timedelta(days=1)
    unpaid = {invoice.paddle for invoice in later if account_of(events, invoice.paddle).outstanding_cents > 0}
    assert unpaid                                    # the re-offered lot's buyer has not paid
    on_last_day = await cash_desk(db.sessions, sale.id, last_day)
    assert not unpaid & {row.paddle for row in on_last_day.overdue}            # the last day is not late
    desk = await cash_desk(db.sessions, sale.id, day_after)
    assert unpaid <= {row.paddle for row in desk.overdue}

    # Past her deadline, the cheque still clearing: awaiting, not overdue, no notice.
    now = held_sale_now(TODAY) + timedelta(days=(day_after - TODAY).days)
    assert 7 not in [row.paddle for row in desk.overdue]
    assert [row.paddle for row in desk.awaiting] == [7]
    assert desk.awaiting[0].lots[0].label == "Adjugé — chèque en attente d'encaissement"
    standing = await defaults.sale_defaults(db.sessions, sale.id, now)
    assert 7 not in [b.paddle for b in standing.buyers if b.overdue]
    with pytest.raises(NothingUnpaid, match="attend son encaissement"):
        await defaults.send_notice(db.sessions, sale.id, 7, sent_on=day_after, means="registered_letter",
                                   user_id=None, now=now)

    # The cheque rejected: she is overdue again, and the notice may be sent.
    await payments.reverse_payment(db.sessions, sale.id, cheque.seq, "Chèque rejeté (provision insuffisante)",
                                   user_id=None, now=now, command_id="reject-cheque")
    desk = await cash_desk(db.sessions, sale.id, day_after)
    assert 7 in [row.paddle for row in desk.overdue] and not desk.awaiting
    standing = await defaults.sale_defaults(db.sessions, sale.id, now)
    assert 7 in [b.paddle for b in standing.buyers if b.overdue]
    notice = await defaults.send_notice(db.sessions, sale.id, 7, sent_on=day_after, means="registered_letter",
                                        user_id=None, now=now)
    assert notice.payload["paddle"] == 7
