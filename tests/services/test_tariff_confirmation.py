"""C. com. A444-3: after the last tariff period's term, no sale is announced or opened, and no page
presents the rates as in force, until the officer confirms them (a new period or the renewal)."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, select

from auction.domain.publication_gate import PublicityIncomplete
from auction.domain.tariff import DEFAULT_TARIFF, TariffUnconfirmed
from auction.models import Sale, SaleNotice, TariffPeriod
from auction.services import office, publication
from auction.services import room_loaders
from auction.services.publicity_view import publicity_view

from ..conftest import confirm_rates
from .test_publication import BASE, actor, draft, people  # noqa: F401 - the fixture

TODAY = datetime(2026, 12, 2, 8, tzinfo=timezone.utc)          # 2 December 2026, 9 h in Paris
THIS_AFTERNOON = datetime(2026, 12, 2, 13, tzinfo=timezone.utc)


async def test_a444_3_a_sale_dated_today_cannot_be_announced_with_unconfirmed_rates(db, people):
    sale_id = await draft(db, starts_at=THIS_AFTERNOON)
    for who, reason in ((people["clerk"], None), (people["officer"], "Urgence : vente à tenir aujourd'hui même.")):
        with pytest.raises(publication.RatesUnconfirmed) as error:
            await publication.announce(db.sessions, sale_id, actor(who), TODAY, BASE, override_reason=reason)
        assert "attendent la confirmation du commissaire de justice" in error.value.message
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "draft"
        assert await session.scalar(select(SaleNotice.id).where(SaleNotice.sale_id == sale_id)) is None


async def test_a444_3_once_the_officer_confirms_the_rates_the_sale_of_today_is_announced(db, people):
    sale_id = await draft(db, starts_at=THIS_AFTERNOON)
    await office.renew_last_period(db.sessions, date(2026, 3, 1), None, "Arrêté du … reconduisant les tarifs",
                                   people["officer"].id)
    done = await publication.announce(db.sessions, sale_id, actor(people["officer"]), TODAY, BASE,
                                      override_reason="Publicité faite hors système, certificat joint au dossier.")
    assert done.notice_version == 1
    view = await publicity_view(db.sessions, sale_id, TODAY, BASE)
    assert view.tariff is not None and view.tariff_note is None
    assert any("14,28" in line for line in view.text.conditions)


async def test_a444_3_the_rates_of_the_last_day_of_the_term_need_no_confirmation(db):
    assert (await office.tariff_for(db.sessions, date(2026, 2, 28))) == DEFAULT_TARIFF[0]
    with pytest.raises(TariffUnconfirmed):
        await office.tariff_for(db.sessions, date(2026, 3, 1))


async def test_a444_3_the_draft_notice_says_the_rates_await_confirmation(db, people):
    sale_id = await draft(db)
    view = await publicity_view(db.sessions, sale_id, TODAY, BASE)
    assert view.tariff is None and "attendent la confirmation" in view.tariff_note
    fees = [line for line in view.text.conditions if line.startswith("Frais acheteur")]
    assert fees and "attendent la confirmation" in fees[0] and "%" not in fees[0]


async def test_a444_3_the_room_computes_no_fee_from_unconfirmed_rates(db, people):
    sale_id = await draft(db)
    setup = await room_loaders.load_setup(db.sessions, sale_id)
    assert setup.tariff is None
    await confirm_rates(db)
    assert (await room_loaders.load_setup(db.sessions, sale_id)).tariff is not None


async def test_a444_3_opening_is_refused_when_the_rates_are_not_confirmed(db, people):
    """A sale announced before this rule existed (its confirmation is then missing) does not open."""
    sale_id = await draft(db)
    await confirm_rates(db)
    await publication.announce(db.sessions, sale_id, actor(people["officer"]), TODAY.replace(day=1), BASE,
                               override_reason="Publicité faite hors système, certificat joint au dossier.")
    await publication.override_checks(db.sessions, sale_id, "Publicité faite hors système, certificat au dossier.",
                                      actor(people["officer"]), TODAY)
    await publication.require_publicity_before_opening(db.sessions, sale_id, people["officer"].id, TODAY)
    async with db.sessions() as session, session.begin():
        await session.execute(delete(TariffPeriod))
    with pytest.raises(PublicityIncomplete) as error:
        await publication.require_publicity_before_opening(db.sessions, sale_id, people["officer"].id, TODAY)
    assert "attendent la confirmation" in error.value.message
