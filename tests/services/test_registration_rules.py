"""The sale's registration rules: paddle ranges per channel, kept around the paddles already given."""
import pytest
from sqlalchemy import func, select

from auction.domain.errors import InvalidValue
from auction.domain.registration_rules import PaddleRanges, PaddlesExhausted
from auction.domain.roles import Role
from auction.domain.solvency import SolvencyRule
from auction.models import RegistrationCheck, utcnow
from auction.services import registration_rules
from auction.services import bidder_checks
from auction.services import registration as service

from .test_registration import attestation, data_of, sale  # noqa: F401 - fixture


async def test_paddle_ranges_are_configurable_per_sale(db, sale, users):
    officer = users[Role.OFFICER]
    await registration_rules.save_rules(db.sessions, sale.id, PaddleRanges(100, 100, 900, 999), SolvencyRule(),
                                        officer.id)
    first = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    second = await service.register(db.sessions, sale.id, data_of(sale, first_name="Marc", last_name="Bertin",
                                                                  document_number="18CV42817"), via="desk", now=utcnow())
    assert (await bidder_checks.verify(db.sessions, sale.id, first.id, attestation(), officer.id, utcnow())).paddle == 100
    with pytest.raises(PaddlesExhausted, match="100 à 100"):
        await bidder_checks.verify(db.sessions, sale.id, second.id, attestation("18CV42817", first="Marc", last="BERTIN"),
                             officer.id, utcnow())
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RegistrationCheck).where(
            RegistrationCheck.registration_id == second.id)) == 0          # nothing half-recorded
    with pytest.raises(InvalidValue, match="rester dans les plages"):
        await registration_rules.save_rules(db.sessions, sale.id, PaddleRanges(1, 10, 900, 999), SolvencyRule(),
                                            officer.id)
    assert await registration_rules.sale_rules(db.sessions, sale.id) == (PaddleRanges(100, 100, 900, 999),
                                                                         SolvencyRule())
