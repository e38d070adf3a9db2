"""`criee verify-funds SALE` and `criee fec SALE --out FILE` on a sale with invoices and payments."""
import asyncio
import csv
from datetime import date, datetime, timezone

from sqlalchemy import select

from tests.test_cli import criee, one_line_error

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)


def _sale_with_payments(url, tmp_path):
    from auction.db import Database
    from auction.domain.payments import PaymentForm
    from auction.domain.roles import Role
    from auction.domain.room import Actor
    from auction.migrations import upgrade
    from auction.models import User
    from auction.services import payments
    from auction.services.demo import seed_demo
    from tests.services.checkout_helpers import invoice, sell

    upgrade(url)

    async def run():
        db = Database.connect(url)
        try:
            await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22))
            async with db.sessions() as session:
                clerk = Actor((await session.scalar(select(User).where(User.role == "clerk"))).id, Role.CLERK)
            lots = await sell(db, 1, clerk, [(1, 1_000_00), (2, 100_00)])
            await invoice(db, 1, 1, lots[:1], [1_000_00])
            await invoice(db, 1, 2, lots[1:], [100_00])
            for paddle, form in ((1, PaymentForm("cash", 900_00)), (1, PaymentForm("card", 242_80, reference="T")),
                                 (2, PaymentForm("cheque", 114_28, bank="LCL", cheque_number="1"))):
                await payments.record_payment(db.sessions, 1, paddle, form, user_id=clerk.user_id, now=NOW,
                                              command_id=f"c-{paddle}-{form.means}")
        finally:
            await db.dispose()
    asyncio.run(run())


def test_verify_funds_and_fec(fresh_database_url, tmp_path):
    _sale_with_payments(fresh_database_url, tmp_path)
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    result = criee("verify-funds", "1", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Journal équilibré." in out and "5 écritures" in out
    assert "531000 Caisse (espèces)" in out and "900,00 € débit" in out
    assert "511200 Chèques à encaisser" in out and "114,28 € débit" in out   # received, not cleared yet
    assert "467100 Produit des ventes à reverser" in out and "1 100,00 € crédit" in out
    assert "Vente non soldée" in out

    fec_file = tmp_path / "FEC.txt"
    result = criee("fec", "1", "--out", str(fec_file), env=env)
    assert result.returncode == 0, result.stderr
    with fec_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert len(rows[0]) == 18 and rows[0][0] == "JournalCode" and rows[0][-1] == "Idevise"
    body = rows[1:]
    assert {r[2] for r in body} == {"1", "2", "3", "4", "5"}
    cents = lambda text: int(text.replace(",", ""))              # noqa: E731
    assert sum(cents(r[11]) for r in body) == sum(cents(r[12]) for r in body)

    assert "introuvable" in one_line_error(criee("verify-funds", "99", env=env))
    assert "n'existe pas" in one_line_error(criee("fec", "1", "--out", str(tmp_path / "no" / "f.txt"), env=env))
