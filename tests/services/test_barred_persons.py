"""Who may not bid: the office's staff, the persons barred for the sale's cases, blocked bidders."""
from datetime import date

import pytest
from sqlalchemy import select

from auction.domain.errors import InvalidValue
from auction.domain.roles import Role
from auction.models import Lot, utcnow
from auction.services import barred_persons
from auction.services import bidder_checks
from auction.services import registration as service

from ..conftest import add_user
from .test_registration import attestation, confirm, data_of, sale  # noqa: F401 - fixture


async def test_staff_persons_barred_for_the_case_and_blocked_bidders_get_no_paddle(db, sale, users):
    await add_user(db, Role.CLERK, "thomas.morel@etude.fr", "Thomas MOREL")
    morel = await service.register(db.sessions, sale.id, data_of(sale, first_name="Thomas", last_name="Morel",
                                                                 document_number="TM123456"), via="desk", now=utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, morel.id, attestation("TM123456", first="Thomas", last="MOREL"),
                                   users[Role.OFFICER].id, utcnow())
    assert outcome.paddle is None and "C. civ. 1596" in {r.kind: r for r in outcome.results}["not_barred"].detail

    async with db.sessions() as session:
        case_id = await session.scalar(select(Lot.case_id).where(Lot.sale_id == sale.id).limit(1))
    await barred_persons.add_barred_person(db.sessions, sale.id, case_id, "Julien ROCHE", date(1979, 3, 30),
                                           "débiteur saisi", users[Role.OFFICER].id)
    with pytest.raises(InvalidValue, match="dossier de cette vente"):
        await barred_persons.add_barred_person(db.sessions, sale.id, 999_999, "X Y", None, "motif",
                                               users[Role.OFFICER].id)
    roche = await service.register(db.sessions, sale.id, data_of(sale, first_name="Julien", last_name="Roche",
                                                                 birth_date="1979-03-30", document_number="AA11111",
                                                                 email="julien.roche@exemple.fr"),
                                   via="web", now=utcnow())
    await confirm(db, roche, "julien.roche@exemple.fr")
    outcome = await bidder_checks.verify(db.sessions, sale.id, roche.id, attestation("AA11111", first="Julien", last="ROCHE"),
                                   users[Role.CLERK].id, utcnow())
    assert "débiteur saisi" in {r.kind: r for r in outcome.results}["not_barred"].detail

    lea = await service.register(db.sessions, sale.id, data_of(sale), via="web", now=utcnow())
    await confirm(db, lea)
    await barred_persons.set_blocked(db.sessions, lea.bidder_id, "défaut de paiement, vente VJ-2026-03", utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, lea.id, attestation(), users[Role.CLERK].id, utcnow())
    assert outcome.paddle is None and "bloqué" in {r.kind: r for r in outcome.results}["not_barred"].detail
    await barred_persons.set_blocked(db.sessions, lea.bidder_id, "", utcnow())
    assert (await bidder_checks.verify(db.sessions, sale.id, lea.id, attestation(), users[Role.CLERK].id, utcnow())).paddle


async def test_c_civ_1596_staff_are_flagged_by_name_written_otherwise_and_by_email(db, sale, users):
    await add_user(db, Role.CLERK, "h.delatour@etude.fr", "Hélène DE LA TOUR")
    # more first names, the particle written together: flagged
    other = await service.register(db.sessions, sale.id, data_of(sale, first_name="Anne Hélène", last_name="Delatour",
                                                                 document_number="HD123456"), via="desk", now=utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, other.id,
                                   attestation("HD123456", first="Anne Hélène", last="DELATOUR"),
                                   users[Role.OFFICER].id, utcnow())
    assert outcome.paddle is None
    assert "Hélène DE LA TOUR" in {r.kind: r for r in outcome.results}["not_barred"].detail
    # another name, the clerk's address with a tag: flagged
    tagged = await service.register(db.sessions, sale.id, data_of(sale, first_name="Paul", last_name="Durand",
                                                                  email="H.Delatour+ventes@etude.fr",
                                                                  document_number="PD123456"),
                                    via="desk", now=utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, tagged.id, attestation("PD123456", first="Paul", last="DURAND"),
                                   users[Role.OFFICER].id, utcnow())
    assert outcome.paddle is None and "C. civ. 1596" in {r.kind: r for r in outcome.results}["not_barred"].detail
    # someone else entirely: a paddle
    paul = await service.register(db.sessions, sale.id, data_of(sale, first_name="Paul", last_name="Latourette",
                                                                email="paul@exemple.fr", document_number="PL123456"),
                                  via="desk", now=utcnow())
    outcome = await bidder_checks.verify(db.sessions, sale.id, paul.id, attestation("PL123456", first="Paul", last="LATOURETTE"),
                                   users[Role.OFFICER].id, utcnow())
    assert outcome.paddle is not None, outcome.results
