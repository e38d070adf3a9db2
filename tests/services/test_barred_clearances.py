"""The officer clears a homonym: only the matching entry, with a reason, kept as a record; a block after
a default, a registration that matches nothing, or one already verified cannot be cleared."""
import pytest
from sqlalchemy import select

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import BarredClearance, utcnow
from auction.services import barred_persons
from auction.services import bidder_checks
from auction.services import registration as service
from auction.services.barred_clearances import clear_homonym

from ..conftest import add_user
from .test_registration import attestation, confirm, data_of, sale  # noqa: F401 - fixture

REASON = "Née le 15 avril 1990 à Lyon, domiciliée à Lyon : la clerc de l'étude est née en 1978."


async def namesake(db, sale):  # noqa: F811
    """A bidder whose name is the one of a clerk of the office."""
    await add_user(db, Role.CLERK, "lea.martin@etude.fr", "Léa MARTIN")
    registration = await service.register(db.sessions, sale.id, data_of(sale, last_name="Martin"), via="web",
                                          now=utcnow())
    await confirm(db, registration)
    return registration


async def test_a_cleared_homonym_gets_a_paddle_and_the_record_says_why(db, sale, users):  # noqa: F811
    registration = await namesake(db, sale)
    refused = await bidder_checks.verify(db.sessions, sale.id, registration.id, attestation(last="MARTIN"),
                                   users[Role.CLERK].id, utcnow())
    assert refused.paddle is None and "Léa MARTIN" in {r.kind: r for r in refused.results}["not_barred"].detail

    assert await clear_homonym(db.sessions, sale.id, registration.id, REASON, users[Role.OFFICER].id,
                               utcnow()) == "Léa MARTIN"
    verified = await bidder_checks.verify(db.sessions, sale.id, registration.id, attestation(last="MARTIN"),
                                    users[Role.CLERK].id, utcnow())
    assert verified.paddle == 1
    assert "Homonymie levée" in {r.kind: r for r in verified.results}["not_barred"].detail
    async with db.sessions() as session:
        (record,) = (await session.scalars(select(BarredClearance))).all()
    assert (record.entry_name, record.reason, record.cleared_by_id) == ("Léa MARTIN", REASON, users[Role.OFFICER].id)

    with pytest.raises(service.AlreadyVerified):
        await clear_homonym(db.sessions, sale.id, registration.id, REASON, users[Role.OFFICER].id, utcnow())


async def test_nothing_to_clear_a_block_or_no_reason_are_refused(db, sale, users):  # noqa: F811
    plain = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    with pytest.raises(service.RegistrationRefused, match="rien à lever"):
        await clear_homonym(db.sessions, sale.id, plain.id, REASON, users[Role.OFFICER].id, utcnow())

    await barred_persons.set_blocked(db.sessions, plain.bidder_id, "défaut de paiement, vente VJ-2026-03", utcnow())
    with pytest.raises(service.RegistrationRefused, match="défaut de paiement"):
        await clear_homonym(db.sessions, sale.id, plain.id, REASON, users[Role.OFFICER].id, utcnow())

    with pytest.raises(InvalidValue) as short:
        await clear_homonym(db.sessions, sale.id, plain.id, "autre", users[Role.OFFICER].id, utcnow())
    assert short.value.field == "reason"
    async with db.sessions() as session:
        assert (await session.scalars(select(BarredClearance))).all() == []
