"""`criee distribution SALE --json` prints each case's distribution in the issue's shape."""
import asyncio
import json
from datetime import date, datetime, timezone

from sqlalchemy import select

from tests.test_cli import criee, one_line_error

NOW = datetime(2026, 12, 12, 16, 0, tzinfo=timezone.utc)


def _sale_with_paid_lots(url, tmp_path):
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
            lots = await sell(db, 1, clerk, [(1, 1_000_00)])
            await invoice(db, 1, 1, lots, [1_000_00])
            await payments.record_payment(db.sessions, 1, 1, PaymentForm("card", 1_142_80, reference="T"),
                                          user_id=clerk.user_id, now=NOW, command_id="c-1")
        finally:
            await db.dispose()
    asyncio.run(run())


def test_distribution_json_has_the_issues_shape(fresh_database_url, tmp_path):
    _sale_with_paid_lots(fresh_database_url, tmp_path)
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    result = criee("distribution", "1", "--json", env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["sale_id"] == 1
    assert len(found["cases"]) == 2
    sold = next(case for case in found["cases"] if case["proceeds_cents"])
    assert sold["proceeds_cents"] == 1_000_00
    assert sold["seller_fees_cents"] == 5_952          # A444-3: 5.952 % incl. VAT on 1 000 €
    assert sold["distributable_cents"] == sold["proceeds_cents"] - sold["seller_fees_cents"] - sold["costs_cents"]
    assert sold["distributable_cents"] == sum(c["share_cents"] for c in sold["creditors"]) + sold["debtor_cents"]
    assert sold["status"] in ("draft", "sent", "contested", "final", "paid", "deposited")
    for creditor in sold["creditors"]:
        assert set(creditor) >= {"creditor_id", "name", "rank", "claim_cents", "share_cents"}
        assert isinstance(creditor["rank"], int) and creditor["rank"] >= 1
        assert 0 <= creditor["share_cents"] <= creditor["claim_cents"]

    text = criee("distribution", "1", env=env)
    assert text.returncode == 0 and "Répartition du produit de la vente 1" in text.stdout


def test_distribution_of_an_unknown_sale(fresh_database_url, tmp_path):
    from auction.migrations import upgrade
    upgrade(fresh_database_url)
    result = criee("distribution", "99", "--json", env={"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)})
    assert "Vente 99" in one_line_error(result)
