"""The publicity services on both databases: announcing, new notices on changes, acts, overrides, and
the checks run again before the sale goes live."""
import io
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from auction.domain.errors import InvalidValue
from auction.domain.publication import PublicityError
from auction.domain.publication_gate import ChecksFailed, OverrideRefused, PublicityIncomplete
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.formats import PARIS
from auction.models import (AuditEntry, Case, Creditor, DebtorNotice, Lot, PublicationAct, PublicityOverride, Sale,
                            SaleEvent, SaleNotice, User)
from auction.services import publication, publication_acts, sales
from auction.services import room as room_service
from auction.services.publicity_view import publicity_view

from ..conftest import add_user, verify_goods

pytestmark = pytest.mark.usefixtures("confirmed_rates")   # C. com. A444-3: rates confirmed after their term

NOW = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
BASE = "https://ventes.exemple.fr"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
async def people(db):
    return {"officer": await add_user(db, Role.OFFICER), "clerk": await add_user(db, Role.CLERK)}


def actor(user: User) -> Actor:
    return Actor(user.id, user.role_enum)


async def draft(db, *, starts_at=datetime(2026, 12, 12, 13, tzinfo=timezone.utc), notified_on=date(2026, 9, 12),
                cities=("Villeurbanne",)) -> int:
    """A draft sale with one lot from each of `cities`' debtors, each case with two creditors."""
    async with db.sessions() as session, session.begin():
        sale = Sale(reference=f"VJ-{uuid.uuid4().hex[:6]}", title="Vente test", starts_at=starts_at, place_kind="room",
                    place_name="Hôtel des ventes", address="8 quai de Saône", postcode="69009", city="Lyon",
                    viewing="Le matin.", conditions="Comptant.", status="draft")
        session.add(sale)
        await session.flush()
        for n, city in enumerate(cities, start=1):
            case = Case(reference=f"SV-{sale.reference}-{n}", debtor_name=f"M. Débiteur {n}", debtor_address="1 rue",
                        debtor_postcode="69100", debtor_city=city, title_nature="Jugement", title_court="TJ Lyon",
                        title_date=date(2026, 1, 5), seizure_date=date(2026, 9, 10), seizure_notified_on=notified_on)
            case.creditors = [Creditor(name="Banque", address="1 place", role="seizing"),
                              Creditor(name="Bailleur", address="2 place", role="opposing")]
            session.add(case)
            await session.flush()
            session.add(Lot(sale_id=sale.id, case_id=case.id, number=n, position=n, title=f"Scie {n}",
                            category="Machines", estimate_low_cents=100_00, estimate_high_cents=200_00,
                            opening_bid_cents=50_00))
    await verify_goods(db, sale.id)      # R221-36: the goods checked before the sale (these tests are publicity's)
    return sale.id


async def count(db, model, **where) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).filter_by(**where))


async def notices(db, sale_id) -> list[SaleNotice]:
    async with db.sessions() as session:
        return list(await session.scalars(select(SaleNotice).where(SaleNotice.sale_id == sale_id)
                                          .order_by(SaleNotice.version)))


async def complete_publicity(db, sale_id, who: Actor, done_at: datetime, tmp_path) -> None:
    view = await publicity_view(db.sessions, sale_id, done_at, BASE)
    for where in [c.key for c in view.communes] + ["lieu-de-vente"]:
        proof = await publication_acts.store_proof(jpeg(), tmp_path)
        await publication_acts.record_poster(db.sessions, sale_id, where, done_at, proof, who, done_at)
    for case in view.cases:
        await publication_acts.record_debtor_notice(db.sessions, sale_id, case.id, done_at.astimezone(PARIS).date(),
                                                    "served_act", "Acte n° 12", None, who, done_at)


async def test_announcing_issues_the_notice_publishes_the_sale_and_logs_each_step(db, people):
    sale_id = await draft(db)
    done = await publication.announce(db.sessions, sale_id, actor(people["clerk"]), NOW, BASE)
    assert done.notice_version == 1
    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
        web = await session.scalar(select(PublicationAct).where(PublicationAct.sale_id == sale_id))
        actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.sale_id == sale_id)))
    assert sale.status == "announced" and sale.goods_summary == "Machines (1 lot)."
    [notice] = await notices(db, sale_id)
    assert notice.is_current and notice.goods_summary == "Machines (1 lot)." and len(notice.digest) == 64
    assert web.kind == "web" and web.done_at == NOW and web.recorded_by_id == people["clerk"].id
    assert f"{BASE}/ventes/{sale_id}" in web.system_record and notice.digest in web.system_record
    assert set(actions) == {"notice_issued", "web_published", "sale_announced"}
    with pytest.raises(PublicityError, match="déjà annoncée"):
        await publication.announce(db.sessions, sale_id, actor(people["clerk"]), NOW, BASE)


async def test_a_failed_check_blocks_the_announcement_and_only_the_officer_overrides_it(db, people):
    sale_id = await draft(db, notified_on=date(2026, 11, 15))     # the month runs to 15 December
    with pytest.raises(ChecksFailed, match="L221-3") as refused:
        await publication.announce(db.sessions, sale_id, actor(people["clerk"]), NOW, BASE)
    # and no poster can count: they may only be put up after the window (R221-34)
    assert [r.key.split(":")[0] for r in refused.value.results] == ["amicable_window", "poster_town_hall",
                                                                      "poster_sale_place"]
    with pytest.raises(OverrideRefused):
        await publication.announce(db.sessions, sale_id, actor(people["clerk"]), NOW, BASE,
                                   override_reason="Le débiteur a renoncé par écrit à la vente amiable.")
    with pytest.raises(InvalidValue, match="Motif"):
        await publication.announce(db.sessions, sale_id, actor(people["officer"]), NOW, BASE, override_reason="non")
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "draft"
    assert await count(db, SaleNotice, sale_id=sale_id) == 0 and await count(db, PublicationAct, sale_id=sale_id) == 0
    assert await count(db, AuditEntry, sale_id=sale_id, action="step_refused") == 3

    reason = "Le débiteur a renoncé par écrit à la vente amiable (lettre du 16/11/2026)."
    await publication.announce(db.sessions, sale_id, actor(people["officer"]), NOW, BASE, override_reason=reason)
    async with db.sessions() as session:
        override = await session.scalar(select(PublicityOverride))
        logged = await session.scalar(select(AuditEntry).where(AuditEntry.action == "check_overridden"))
    assert override.reason == reason and override.officer_id == people["officer"].id and "L221-3" in override.article
    assert reason in logged.summary and logged.user_id == people["officer"].id


async def test_changing_the_date_issues_a_new_notice_and_old_posters_no_longer_count(db, people, tmp_path):
    sale_id = await draft(db)
    clerk = actor(people["clerk"])
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    await complete_publicity(db, sale_id, clerk, NOW + timedelta(hours=2), tmp_path)
    view = await publicity_view(db.sessions, sale_id, NOW + timedelta(days=1), BASE)
    assert all(r.passed for r in view.results)

    async with db.sessions() as session:
        sale = await session.get(Sale, sale_id)
    details = sales.SaleDetails(reference=sale.reference, title=sale.title,
                                starts_at=datetime(2026, 12, 19, 13, tzinfo=timezone.utc), place_kind="room",
                                place_name=sale.place_name, address=sale.address, postcode=sale.postcode,
                                city=sale.city, viewing=sale.viewing, conditions=sale.conditions)
    later = NOW + timedelta(days=1)
    await sales.update_sale(db.sessions, sale_id, details, later, actor=clerk, base_url=BASE)
    first, second = await notices(db, sale_id)
    assert first.superseded_at == later and second.is_current and second.version == 2
    assert "12 décembre" in second.change_note and "19 décembre" in second.change_note
    view = await publicity_view(db.sessions, sale_id, later, BASE)
    assert {r.key.split(":")[0] for r in view.results if r.status == "pending"} == {
        "poster_town_hall", "poster_sale_place", "debtor_notice"}
    assert await count(db, PublicationAct, sale_id=sale_id, kind="web") == 2

    # moved to five days away: too late for the posters, refused unless the officer overrides it
    too_soon = replace(details, starts_at=datetime(2026, 11, 26, 13, tzinfo=timezone.utc))
    with pytest.raises(ChecksFailed, match="R221-34"):
        await sales.update_sale(db.sessions, sale_id, too_soon, later, actor=clerk, base_url=BASE)
    assert len(await notices(db, sale_id)) == 2
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).starts_at == details.starts_at     # nothing half-changed

    # a title-only change keeps what the posters carry: they still count on the new notice
    await complete_publicity(db, sale_id, clerk, later, tmp_path)
    await sales.update_sale(db.sessions, sale_id, replace(details, title="Vente test (lots 1 à 2)"),
                            later + timedelta(hours=1), actor=clerk, base_url=BASE)
    assert len(await notices(db, sale_id)) == 3
    view = await publicity_view(db.sessions, sale_id, later + timedelta(hours=1), BASE)
    assert all(r.passed for r in view.results)


async def test_a_new_goods_summary_after_announcement_is_a_new_notice(db, people):
    sale_id = await draft(db)
    clerk = actor(people["clerk"])
    await publication.set_goods_summary(db.sessions, sale_id, "Machines à bois.", clerk, NOW, BASE)
    assert await count(db, SaleNotice, sale_id=sale_id) == 0          # a draft: only the summary is kept
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    assert (await notices(db, sale_id))[0].goods_summary == "Machines à bois."
    await publication.set_goods_summary(db.sessions, sale_id, "Machines à bois et outillage.", clerk, NOW, BASE)
    first, second = await notices(db, sale_id)
    assert not first.is_current and second.goods_summary == "Machines à bois et outillage."
    assert second.change_note == "nature des biens modifié"


async def test_acts_need_an_announced_sale_a_past_date_and_a_listed_place(db, people, tmp_path):
    sale_id = await draft(db)
    clerk = actor(people["clerk"])
    proof = await publication_acts.store_proof(jpeg(), tmp_path)
    with pytest.raises(PublicityError, match="Annoncez d'abord"):
        await publication_acts.record_poster(db.sessions, sale_id, "lieu-de-vente", NOW, proof, clerk, NOW)
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    with pytest.raises(InvalidValue, match="à venir"):
        await publication_acts.record_poster(db.sessions, sale_id, "lieu-de-vente", NOW + timedelta(days=1), proof,
                                             clerk, NOW)
    with pytest.raises(InvalidValue, match="liste"):
        await publication_acts.record_poster(db.sessions, sale_id, "75001 paris", NOW, proof, clerk, NOW)
    act = await publication_acts.record_poster(db.sessions, sale_id, "lieu-de-vente", NOW, proof, clerk, NOW)
    assert act.kind == "poster_sale_place" and act.proof_sha256 == proof.sha256
    assert (tmp_path / proof.path).read_bytes() == jpeg()
    with pytest.raises(InvalidValue, match="Format refusé"):
        await publication_acts.store_proof(b"<html>pas une photo</html>", tmp_path)
    with pytest.raises(InvalidValue, match="illisible"):
        await publication_acts.store_proof(jpeg()[:40], tmp_path)


async def test_r221_35_the_debtor_told_by_simple_letter_email_or_another_means_without_proof(db, people):
    # the sale on 12 December: told on 4 December (eight days) counts, on the 5th (seven) does not
    sale_id = await draft(db, cities=("Villeurbanne", "Bron", "Lyon"))
    clerk = actor(people["clerk"])
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    view = await publicity_view(db.sessions, sale_id, NOW, BASE)
    first, second, third = view.cases
    late = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
    await publication_acts.record_debtor_notice(db.sessions, sale_id, first.id, date(2026, 12, 4), "simple_letter", "",
                                                None, clerk, late)
    await publication_acts.record_debtor_notice(db.sessions, sale_id, second.id, date(2026, 12, 5), "email", "", None,
                                                clerk, late, detail="debiteur2@exemple.fr")
    with pytest.raises(InvalidValue, match="Décrivez le moyen"):
        await publication_acts.record_debtor_notice(db.sessions, sale_id, third.id, date(2026, 12, 4), "other", "",
                                                    None, clerk, late)
    with pytest.raises(InvalidValue, match="référence"):
        await publication_acts.record_debtor_notice(db.sessions, sale_id, third.id, date(2026, 12, 4),
                                                    "registered_letter", "", None, clerk, late)
    row = await publication_acts.record_debtor_notice(db.sessions, sale_id, third.id, date(2026, 12, 4), "other", "",
                                                      None, clerk, late,
                                                      detail="Avis déposé dans la boîte aux lettres du débiteur")
    assert row.means == "other" and row.proof_path is None and row.reference == ""
    view = await publicity_view(db.sessions, sale_id, late, BASE)
    checks = {r.key: r for r in view.results if r.key.startswith("debtor_notice")}
    assert checks[f"debtor_notice:{first.id}"].status == "passed"
    assert checks[f"debtor_notice:{second.id}"].status == "failed"          # seven days only
    assert checks[f"debtor_notice:{third.id}"].status == "passed"
    async with db.sessions() as session:
        told = {n.case_id: n for n in await session.scalars(select(DebtorNotice).where(DebtorNotice.sale_id == sale_id))}
        summaries = list(await session.scalars(select(AuditEntry.summary).where(
            AuditEntry.sale_id == sale_id, AuditEntry.action == "debtor_notice_recorded")))
    assert told[second.id].means_detail == "debiteur2@exemple.fr"
    assert any("(lettre simple)" in s for s in summaries) and any("(autre moyen approprié)" in s for s in summaries)
    assert not any("debiteur2@exemple.fr" in s for s in summaries)      # no address in the journal


async def test_r221_35_the_database_refuses_another_means_undescribed(db, people):
    sale_id = await draft(db)
    clerk = actor(people["clerk"])
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    view = await publicity_view(db.sessions, sale_id, NOW, BASE)
    with pytest.raises(IntegrityError):
        async with db.sessions() as session, session.begin():
            session.add(DebtorNotice(sale_id=sale_id, case_id=view.cases[0].id, notice_id=view.notice.id,
                                     told_on=date(2026, 11, 20), means="other", means_detail="", reference=""))


async def test_offer_letters_extend_the_window_until_fifteen_days_after_receipt(db, people):
    sale_id = await draft(db, starts_at=datetime(2026, 10, 30, 13, tzinfo=timezone.utc))
    clerk = actor(people["clerk"])
    async with db.sessions() as session:
        case = await session.scalar(select(Case).join(Lot, Lot.case_id == Case.id).where(Lot.sale_id == sale_id))
        creditors = list(await session.scalars(select(Creditor).where(Creditor.case_id == case.id)))
    now = datetime(2026, 10, 20, 9, tzinfo=timezone.utc)
    offer = await publication_acts.add_offer(db.sessions, case.id, date(2026, 9, 25), "M. Petit", 1500_00, "", clerk, now)
    for creditor in creditors:
        await publication_acts.record_offer_letter(db.sessions, case.id, offer.id, creditor.id, date(2026, 9, 26),
                                                   None, clerk, now)
    view = await publicity_view(db.sessions, sale_id, now, BASE)
    assert "date de réception" in view.results[0].message and view.results[0].status == "failed"
    for creditor in creditors:
        await publication_acts.record_offer_letter(db.sessions, case.id, offer.id, creditor.id, date(2026, 9, 26),
                                                   date(2026, 10, 16), clerk, now)
    view = await publicity_view(db.sessions, sale_id, now, BASE)
    assert view.results[0].status == "failed" and "31/10/2026 inclus" in view.results[0].message
    with pytest.raises(InvalidValue, match="précéder l'envoi"):
        await publication_acts.record_offer_letter(db.sessions, case.id, offer.id, creditors[0].id, date(2026, 9, 26),
                                                   date(2026, 9, 20), clerk, now)
    assert await count(db, AuditEntry, case_id=case.id) == 5


async def test_opening_the_room_runs_the_checks_again(db, people, tmp_path):
    sale_id = await draft(db)
    clerk = actor(people["clerk"])
    room = await room_service.open_room(db.sessions, sale_id)

    async def open_now(now):
        return await room_service.submit(db.sessions, room, uuid.uuid4().hex, "open_sale", {}, clerk, now)

    with pytest.raises(PublicityIncomplete, match="pas été annoncée") as refused:
        await open_now(NOW)
    assert refused.value.code == "publicity_incomplete"
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    with pytest.raises(PublicityIncomplete, match="R221-34"):
        await open_now(NOW + timedelta(days=1))
    assert await count(db, SaleEvent, sale_id=sale_id) == 0
    assert await count(db, AuditEntry, sale_id=sale_id, action="opening_refused") == 2

    with pytest.raises(OverrideRefused):
        await publication.override_checks(db.sessions, sale_id, "Affiches apposées, photos perdues.", clerk, NOW)
    overridden = await publication.override_checks(db.sessions, sale_id, "Affiches apposées, photos perdues.",
                                                   actor(people["officer"]), NOW + timedelta(days=1))
    assert {r.key.split(":")[0] for r in overridden} == {"poster_town_hall", "poster_sale_place", "debtor_notice"}
    outcome = await open_now(NOW + timedelta(days=1))
    assert outcome.event.kind == "sale_opened"
    async with db.sessions() as session:
        assert (await session.get(Sale, sale_id)).status == "live"
    assert await count(db, AuditEntry, sale_id=sale_id, action="opening_checked") == 1


async def test_a_complete_publicity_lets_the_sale_open_without_override(db, people, tmp_path):
    sale_id = await draft(db, cities=("Villeurbanne", "Lyon"))
    clerk = actor(people["clerk"])
    await publication.announce(db.sessions, sale_id, clerk, NOW, BASE)
    await complete_publicity(db, sale_id, clerk, NOW, tmp_path)
    assert await count(db, PublicationAct, sale_id=sale_id) == 4        # web, two town halls, place of sale
    assert await count(db, DebtorNotice, sale_id=sale_id) == 2
    room = await room_service.open_room(db.sessions, sale_id)
    outcome = await room_service.submit(db.sessions, room, uuid.uuid4().hex, "open_sale", {}, clerk,
                                        datetime(2026, 12, 12, 12, 55, tzinfo=timezone.utc))
    assert outcome.event.kind == "sale_opened"
    assert await count(db, PublicityOverride) == 0


async def test_the_demo_sale_is_announced_with_complete_publicity(db, tmp_path):
    from auction.services.demo import seed_demo
    today = date(2026, 11, 22)
    await seed_demo(db.sessions, tmp_path / "media", today, tmp_path / "private")
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
    view = await publicity_view(db.sessions, sale.id, datetime(2026, 11, 22, 12, tzinfo=timezone.utc), BASE)
    assert sale.status == "announced" and view.notice is not None and view.notice.version == 1
    assert [r.status for r in view.results] == ["passed"] * len(view.results) and len(view.results) == 7
    posters = [a for a in view.acts if a.kind.startswith("poster")]
    assert len(posters) == 3 and all((tmp_path / "private" / a.proof_path).is_file() for a in posters)
