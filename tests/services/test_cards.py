"""Paddle cards on both databases: a card is signed for its sale and read back while its paddle is valid."""
import pytest

from auction.domain.roles import Role
from auction.domain.signing import TokenForged, TokenRefused
from auction.models import Registration, utcnow
from auction.services import cards
from auction.services import bidder_checks
from auction.services import registration as service

from .test_registration import SECRET, attestation, data_of, sale  # noqa: F401 - fixture


async def test_a_card_is_read_for_its_sale_while_its_paddle_is_valid(db, sale, users):
    reg = await service.register(db.sessions, sale.id, data_of(sale), via="desk", now=utcnow())
    with pytest.raises(service.RegistrationRefused, match="Pas encore de panneau"):
        await cards.card_data(db.sessions, sale.id, reg.id, SECRET)
    await bidder_checks.verify(db.sessions, sale.id, reg.id, attestation(), users[Role.CLERK].id, utcnow())
    card = await cards.card_data(db.sessions, sale.id, reg.id, SECRET)
    assert card.token.startswith(f"P1-{sale.id}-{reg.id}-1-")
    read = await cards.read_card(db.sessions, sale.id, card.token, SECRET, utcnow())
    assert (read.paddle, read.name) == (1, "Léa MARTIN-DUPRÉ")
    with pytest.raises(TokenForged):
        await cards.read_card(db.sessions, sale.id, card.token.replace("-1-", "-2-"), SECRET, utcnow())
    async with db.sessions() as session, session.begin():
        (await session.get(Registration, reg.id)).paddle_number = 7           # given another number since
    with pytest.raises(TokenRefused, match="plus valable"):
        await cards.read_card(db.sessions, sale.id, card.token, SECRET, utcnow())
    assert [b.id for b in await service.find_bidders(db.sessions, card.token, SECRET)] == [reg.bidder_id]
