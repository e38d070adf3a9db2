"""`criee invoices SALE --out DIR` on a sale with a private and a business buyer, a credit note and payments."""
import asyncio
import csv
from datetime import date, datetime, timezone

from pypdf import PdfReader
from sqlalchemy import select

from tests.einvoice_check import schema_valid
from tests.test_cli import criee, one_line_error

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)


def _held_sale(url, tmp_path):
    from auction.db import Database
    from auction.domain.payments import PaymentForm
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.migrations import upgrade
    from auction.models import Bidder, Registration, User
    from auction.services import invoices, payments
    from auction.services.demo import seed_demo
    from tests.services.held_sale import sell

    upgrade(url)

    async def run():
        db = Database.connect(url)
        try:
            await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22))
            async with db.sessions() as session, session.begin():
                clerk = Actor((await session.scalar(select(User).where(User.role == "clerk"))).id, Role.CLERK)
                reg = await session.scalar(select(Registration).where(Registration.paddle_number == 2))
                bidder = await session.get(Bidder, reg.bidder_id)
                bidder.buyer_type, bidder.company_name, bidder.company_number = "company", "Bois & Fils SARL", "732829320"
            await sell(db.sessions, 1, clerk, [(0, 1), (1, 2), (2, 1)])
            issued = await invoices.issue_invoices(db.sessions, 1, user_id=clerk.user_id, now=NOW)
            first = issued[0]
            await invoices.issue_credit_note(db.sessions, 1, first.number, [first.lines[1].lot_id], "Lot manquant",
                                             user_id=clerk.user_id, now=NOW)
            await payments.record_payment(db.sessions, 1, 1, PaymentForm("card", 10_00, reference="T-1"),
                                          user_id=clerk.user_id, now=NOW, command_id="pay-1")
            return [(i.number, i.paddle, i.totals["total_cents"]) for i in issued]
        finally:
            await db.dispose()
    return asyncio.run(run())


def test_invoices_writes_every_document_and_the_csv(fresh_database_url, tmp_path):
    issued = _held_sale(fresh_database_url, tmp_path)
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    out = tmp_path / "export"
    result = criee("invoices", "1", "--out", str(out), env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "2 factures (1 Factur-X), 1 avoir" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["avoir-2026-000003.pdf", "facture-2026-000001.pdf",
                                                    "facture-2026-000002.pdf", "invoices.csv"]
    company = PdfReader(out / "facture-2026-000002.pdf")
    assert schema_valid(company.attachments["factur-x.xml"][0])
    assert "factur-x.xml" not in PdfReader(out / "facture-2026-000001.pdf").attachments
    with (out / "invoices.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["number", "kind", "paddle", "buyer", "siren", "hammer_cents", "fees_cents", "vat_cents",
                             "total_cents", "paid_cents", "balance_cents"]
    assert [(r["number"], r["kind"], r["paddle"]) for r in rows] == [
        ("2026-000001", "invoice", "1"), ("2026-000002", "invoice", "2"), ("2026-000003", "credit_note", "1")]
    (_, _, total_1), (_, _, total_2) = issued
    credit = -int(rows[2]["total_cents"])
    assert rows[0]["paid_cents"] == "1000" and int(rows[0]["balance_cents"]) == total_1 - credit - 10_00
    assert rows[1]["siren"] == "732829320" and rows[1]["buyer"] == "Bois & Fils SARL"
    assert rows[1]["paid_cents"] == "0" and int(rows[1]["balance_cents"]) == total_2


def test_invoices_refuses_an_unknown_sale_and_a_file_as_directory(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    assert criee("db", "upgrade", env=env).returncode == 0
    assert "Vente 9 introuvable" in one_line_error(criee("invoices", "9", "--out", str(tmp_path / "x"), env=env))
    (tmp_path / "file").write_text("")
    assert "n'est pas un dossier" in one_line_error(criee("invoices", "9", "--out", str(tmp_path / "file"), env=env))
