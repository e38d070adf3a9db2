"""The distribution of the proceeds in a real browser, from the plan to the payouts: the officer enters
a cost and the creditors' bank details, builds the plan, notifies it, records each letter's receipt,
and once the 15 days have run (R251-3 to R251-5, R251-10) pays the plan by SEPA transfer and
downloads the pain.001 file, which the pain.001 schema validates.

Time is injected the way the services take it: this module's server runs the demo seeded 60 days
ago (`seed_demo(today=…)`), so its sale was held 40 days ago; two lots of the workshop case are sold
in the room, invoiced and paid by card through the services before the server starts. The letters
are dated after the sale, so by today their periods have run: the plan is final, as the law says."""
from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree
from playwright.sync_api import expect
from sqlalchemy import select

from auction.sepa import DEFAULT_SCHEMA, schema_path
from tests.live_server import LiveServer, cli_env, criee

from .conftest import STARTUP_TIMEOUT

pytestmark = pytest.mark.browser

SALE_ID = 1
IBAN_BANK = "DE89 3704 0044 0532 0130 00"
IBAN_LESSOR = "FR76 3000 6000 0112 3456 7890 189"
PRICES = (6_000_00, 4_000_00)     # two lots of the workshop case, to paddles 1 and 2


def prepare(database_url: str, data_dir, today: date) -> dict:
    """The demo seeded on `today` − 60 days, two workshop lots sold, invoiced and paid by card."""
    from auction.db import Database
    from auction.domain.buyer_accounts import account_of
    from auction.domain.payments import PaymentForm
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.models import Case, Creditor, User, utcnow
    from auction.services import invoices, payments, settlement_log
    from auction.services import room as room_service
    from auction.services.demo import seed_demo

    async def run() -> dict:
        db = Database.connect(database_url)
        try:
            await seed_demo(db.sessions, data_dir / "media", today - timedelta(days=60), data_dir / "private")
            async with db.sessions() as session:
                clerk = Actor((await session.scalar(select(User).where(User.role == "clerk"))).id, Role.CLERK)
                workshop = await session.scalar(select(Case).where(Case.reference == "SV-2026-0142"))
                creditors = (await session.scalars(select(Creditor).where(Creditor.case_id == workshop.id)
                                                   .order_by(Creditor.id))).all()
            room = await room_service.open_room(db.sessions, SALE_ID)
            lots = [lot.id for lot in room.setup.lots.values() if lot.case_id == workshop.id][:2]
            now = utcnow()
            await room_service.submit(db.sessions, room, uuid.uuid4().hex, "open_sale", {}, clerk, now)
            for lot_id, paddle, price in zip(lots, (1, 2), PRICES):
                for name, args in (("open_lot", {"lot_id": lot_id}), ("bid", {"paddle": paddle, "amount_cents": price}),
                                   ("call", {}), ("call", {}), ("call", {}), ("hammer", {})):
                    await room_service.submit(db.sessions, room, uuid.uuid4().hex, name, args, clerk, utcnow())
            await invoices.issue_invoices(db.sessions, SALE_ID, user_id=clerk.user_id, now=utcnow())
            for paddle in (1, 2):
                due = account_of(await settlement_log.read(db.sessions, SALE_ID), paddle).balance_cents
                await payments.record_payment(db.sessions, SALE_ID, paddle, PaymentForm("card", due, reference="TPE"),
                                              user_id=clerk.user_id, now=utcnow(), command_id=f"pay-{paddle}")
            return {"case_id": workshop.id, "creditors": [(c.id, c.name) for c in creditors],
                    "debtor": workshop.debtor_name}
        finally:
            await db.dispose()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def live_server(database_factory, tmp_path_factory) -> Iterator[LiveServer]:
    """This module's own server: the demo seeded 60 days ago, with paid lots (see `prepare`)."""
    work = tmp_path_factory.mktemp(f"live-distribution-{database_factory.backend}")
    env = cli_env(database_factory.create(), work / "data", CRIEE_ENV="development",
                  CRIEE_SECRET_KEY=secrets.token_urlsafe(48))
    migrated = criee("db", "upgrade", env=env, timeout=120)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    from auction.formats import PARIS
    from auction.models import utcnow
    server = LiveServer(env, work / "server.log")
    server.prepared = prepare(env["DATABASE_URL"], work / "data", utcnow().astimezone(PARIS).date())
    try:
        server.start(timeout=STARTUP_TIMEOUT)
        yield server
    finally:
        server.stop()


def login_as_officer(page) -> None:
    from auction.domain.roles import Role
    from auction.services.demo import DEMO_LOGINS

    officer = next(login for login in DEMO_LOGINS if login.role is Role.OFFICER)
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(officer.email)
    page.get_by_label("Mot de passe").fill(officer.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def test_from_the_plan_to_the_payouts_and_the_sepa_file(new_context, live_server, tmp_path):
    prepared = live_server.prepared
    case_id, creditors = prepared["case_id"], prepared["creditors"]
    (bank_id, bank_name), (lessor_id, lessor_name) = creditors
    page = new_context(accept_downloads=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login_as_officer(page)

    page.goto(f"/bureau/ventes/{SALE_ID}/repartition")
    page.get_by_role("link", name=re.compile("SV-2026-0142")).first.click()
    expect(page).to_have_url(re.compile(rf"/repartition/{case_id}$"))
    expect(page.locator("#procedure-status")).to_contain_text("Projet en préparation")
    expect(page.locator("#f-sent-on")).to_have_count(0)      # nothing to notify before a plan is drafted

    # a cost the office knows and Criée does not: it joins the costs statement (R251-11)
    page.get_by_label("Frais de saisie et de vente").fill("Acte de saisie-vente")
    page.get_by_label("Montant TTC").fill("120,00")
    page.get_by_role("button", name="Ajouter à l'état des frais").click()
    expect(page.get_by_role("status")).to_contain_text("Frais enregistrés")
    # a bad amount: a French form error, nothing recorded
    page.get_by_label("Frais de saisie et de vente").fill("Publicité")
    page.get_by_label("Montant TTC").fill("douze")
    page.get_by_role("button", name="Ajouter à l'état des frais").click()
    expect(page.locator("#action-error")).to_contain_text("Montant illisible")

    # bank details: a wrong IBAN is refused in French, then the right ones
    page.goto(f"/bureau/ventes/{SALE_ID}/repartition/{case_id}")
    page.get_by_text("Coordonnées bancaires et dates d'opposition").click()
    page.locator(f"#f-iban-{bank_id}").fill("FR76 1234")
    page.locator(f"#f-iban-{bank_id}").locator("xpath=..").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#action-error")).to_contain_text("IBAN invalide")
    for creditor_id, iban in ((bank_id, IBAN_BANK), (lessor_id, IBAN_LESSOR)):
        page.goto(f"/bureau/ventes/{SALE_ID}/repartition/{case_id}")
        page.get_by_text("Coordonnées bancaires et dates d'opposition").click()
        page.locator(f"#f-iban-{creditor_id}").fill(iban)
        page.locator(f"#f-iban-{creditor_id}").locator("xpath=..").get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Coordonnées enregistrées")

    # the plan: costs, ranks, pro rata shares, nothing left for the debtor
    page.get_by_role("button", name="Établir le projet de répartition").click()
    expect(page.get_by_role("status")).to_contain_text("Projet de répartition établi")
    plan = page.locator("#plan")
    expect(plan).to_contain_text(bank_name)
    expect(plan).to_contain_text(lessor_name)
    expect(page.locator("#debtor-share")).to_contain_text("0,00")
    shares = {}
    for name in (bank_name, lessor_name):
        cells = plan.locator("tr", has_text=name).locator("td.num")
        shares[name] = cents(cells.nth(1).inner_text())
    seller_fees = 35_712 + 23_808              # A444-3: 5.952 % VAT included on each lot
    assert sum(shares.values()) == sum(PRICES) - seller_fees - 120_00
    pdf = page.request.get(f"/bureau/ventes/{SALE_ID}/repartition/{case_id}/projet.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # notified two days after the sale, each letter received two days later
    sale_day = parse_long_date(page.locator("p.lead").inner_text())
    sent = sale_day + timedelta(days=2)
    page.get_by_label("Lettres recommandées envoyées le").fill(sent.isoformat())
    page.get_by_role("button", name="Notifier le projet au débiteur et à chaque créancier").click()
    expect(page.get_by_role("status")).to_contain_text("Notification du projet enregistrée")
    for _ in range(3):                          # the debtor and both creditors
        page.get_by_label("reçu le").fill((sent + timedelta(days=2)).isoformat())
        page.get_by_role("button", name="Enregistrer la réception").click()
        expect(page.get_by_role("status")).to_contain_text("Réception enregistrée")
    letters = page.locator("#letters")
    expect(letters).not_to_contain_text("en attente")

    # the 15 days ran long ago: the plan is final, payable within 8 days (R251-10)
    expect(page.locator("#procedure-status")).to_contain_text("Définitif, à payer")
    page.get_by_role("button", name="Payer la répartition").click()
    expect(page.get_by_role("status")).to_contain_text("Paiements enregistrés")
    expect(page.locator("#procedure-status")).to_contain_text("Payé")
    payouts = page.locator("#payouts")
    expect(payouts).to_contain_text(f"{bank_name} : ")
    expect(payouts).to_contain_text("par virement")
    expect(page.get_by_role("button", name="Payer la répartition")).to_have_count(0)

    with page.expect_download() as caught:
        page.get_by_role("link", name="Fichier de virements SEPA (pain.001)").click()
    download = caught.value
    assert download.suggested_filename == f"virements-vente-{SALE_ID}-dossier-{case_id}.xml"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = etree.parse(str(target))
    assert etree.XMLSchema(etree.parse(str(schema_path(DEFAULT_SCHEMA)))).validate(document)
    ns = {"p": document.getroot().nsmap[None]}
    amounts = [int(Decimal(a) * 100) for a in document.xpath("//p:InstdAmt/text()", namespaces=ns)]
    ibans = document.xpath("//p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=ns)
    assert sorted(amounts) == sorted(shares.values())
    assert sorted(ibans) == sorted(iban.replace(" ", "") for iban in (IBAN_BANK, IBAN_LESSOR))
    assert Decimal(document.xpath("string(//p:GrpHdr/p:CtrlSum)", namespaces=ns)) * 100 == sum(shares.values())

    # the deadlines board no longer lists this case's payment
    page.goto("/bureau/echeances")
    expect(page.locator("main")).to_contain_text("Échéances de l’étude")
    expect(page.locator("main")).not_to_contain_text("Paiement du projet définitif")
    assert errors == []


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def parse_long_date(text: str) -> date:
    """The sale's day as the page writes it ("… du 22 octobre 2026")."""
    found = re.search(r"(\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (\d{4})", text)
    assert found, text
    return date(int(found.group(3)), MONTHS.index(found.group(2)) + 1, int(found.group(1)))


def cents(text: str) -> int:
    """"1 234,56 €" → 123456."""
    digits = re.sub(r"[^\d,]", "", text)
    euros, _, decimals = digits.partition(",")
    return int(euros) * 100 + int(decimals or 0)
