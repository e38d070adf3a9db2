"""Publicity of a sale, draft → announced: the checks, the announcement (notice and web publication),
new notices when the sale changes, the officer's overrides, and the gate before the sale goes live.

Each public function owns its transaction; every step writes to the audit log in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain import publication as rules, publication_gate as gate
from auction.domain.errors import InvalidValue
from auction.domain.publication import CheckResult, PublicityError, PublicityFacts
from auction.domain.publication_gate import ANNOUNCE, GO_LIVE, PublicityIncomplete
from auction.domain.room import Actor
from auction.domain.sale_notice import NoticeSnapshot, clean_goods_summary, goods_summary
from auction.domain.tariff import NoTariff
from auction.formats import long_datetime
from auction.models import (AmicableOffer, Case, DebtorNotice, Lot, PublicationAct, PublicityOverride, Sale,
                            SaleNotice)

from . import audit
from .catalogue import NotFound
from .office import require_confirmed_rates

ANNOUNCEABLE = ("draft", "announced")   # announced without a notice: a sale from before notices existed


# --- loading ----------------------------------------------------------------------------------------

async def sale_for_update(session: AsyncSession, sale_id: int) -> Sale:
    sale = await session.scalar(select(Sale).where(Sale.id == sale_id).with_for_update())
    if sale is None:
        raise NotFound()
    return sale


async def current_notice(session: AsyncSession, sale_id: int) -> SaleNotice | None:
    return await session.scalar(select(SaleNotice).where(SaleNotice.sale_id == sale_id,
                                                         SaleNotice.superseded_at.is_(None)))


async def sale_cases(session: AsyncSession, sale_id: int) -> list[Case]:
    """The cases with a lot on offer in the sale, their creditors and amicable offers loaded."""
    listed = select(Lot.case_id).where(Lot.sale_id == sale_id, Lot.status == "listed")
    return list(await session.scalars(
        select(Case).where(Case.id.in_(listed)).order_by(Case.reference)
        .options(selectinload(Case.creditors), selectinload(Case.offers).selectinload(AmicableOffer.letters))))


async def draft_summary(session: AsyncSession, sale: Sale) -> str:
    """The clerk's summary of the goods, or the one drawn from the lots."""
    if sale.goods_summary.strip():
        return sale.goods_summary
    rows = await session.execute(select(Lot.category, Lot.status).where(Lot.sale_id == sale.id))
    return goods_summary((category, status == "withdrawn") for category, status in rows)


def snapshot_of(sale: Sale, summary: str) -> NoticeSnapshot:
    return NoticeSnapshot(title=sale.title, starts_at=sale.starts_at, place_kind=sale.place_kind,
                          place_name=sale.place_name, address=sale.address, postcode=sale.postcode, city=sale.city,
                          viewing=sale.viewing, conditions=sale.conditions, goods_summary=summary)


def snapshot_of_notice(notice: SaleNotice) -> NoticeSnapshot:
    return NoticeSnapshot(title=notice.title, starts_at=notice.starts_at, place_kind=notice.place_kind,
                          place_name=notice.place_name, address=notice.address, postcode=notice.postcode,
                          city=notice.city, viewing=notice.viewing, conditions=notice.conditions,
                          goods_summary=notice.goods_summary)


def _content(snapshot: NoticeSnapshot) -> rules.NoticeContent:
    return rules.NoticeContent(starts_at=snapshot.starts_at, place=snapshot.place, goods_summary=snapshot.goods_summary)


def case_facts(case: Case) -> rules.CaseFacts:
    return rules.CaseFacts(
        id=case.id, reference=case.reference, commune=rules.Commune(case.debtor_postcode, case.debtor_city),
        notified_on=case.seizure_notified_on, creditor_ids=tuple(c.id for c in case.creditors),
        creditor_names={c.id: c.name for c in case.creditors},
        offers=tuple(rules.AmicableOffer(o.reported_on, tuple(rules.OfferLetter(l.creditor_id, l.received_on)
                                                              for l in o.letters)) for o in case.offers))


async def facts_for(session: AsyncSession, sale: Sale, snapshot: NoticeSnapshot) -> PublicityFacts:
    cases = await sale_cases(session, sale.id)
    acts = await session.scalars(select(PublicationAct).where(
        PublicationAct.sale_id == sale.id, PublicationAct.kind.in_(("poster_town_hall", "poster_sale_place"))))
    posters = tuple(rules.PosterFact(a.kind, a.done_at, _content(snapshot_of_notice(a.notice)),
                                     rules.Commune(a.commune_postcode, a.commune_city) if a.commune_city else None,
                                     act_id=a.id)
                    for a in acts)
    told = await session.scalars(select(DebtorNotice).where(DebtorNotice.sale_id == sale.id))
    debtor_notices = tuple(rules.DebtorNoticeFact(n.case_id, n.told_on, _content(snapshot_of_notice(n.notice)))
                           for n in told)
    return PublicityFacts(sale_place_label=snapshot.place, notice=_content(snapshot),
                          cases=tuple(case_facts(c) for c in cases), posters=posters, debtor_notices=debtor_notices)


async def overridden_keys(session: AsyncSession, notice_id: int) -> set[str]:
    return set(await session.scalars(select(PublicityOverride.check_key).where(PublicityOverride.notice_id == notice_id)))


# --- issuing notices --------------------------------------------------------------------------------

def public_record(base_url: str, sale_id: int, notice: SaleNotice) -> str:
    base = base_url.rstrip("/")
    return (f"Avis n° {notice.version} mis en ligne par le système sur {base}/ventes/{sale_id} (page publique, "
            f"données schema.org) et dans le flux {base}/ventes.atom ; empreinte SHA-256 de l'avis : {notice.digest}.")


async def _issue(session: AsyncSession, sale: Sale, snapshot: NoticeSnapshot, results: list[CheckResult],
                 actor: Actor, now: datetime, base_url: str, override_reason: str | None, note: str) -> SaleNotice:
    """A new current notice (the previous one superseded), its web publication, the overrides of the
    checks that failed, and the audit entries; the checks have been run by the caller."""
    failing = gate.blocking(results, (), ANNOUNCE)
    reason = gate.clean_override_reason(actor.role, override_reason or "") if failing else None
    previous = await current_notice(session, sale.id)
    if previous is not None:
        previous.superseded_at = now
        await session.flush()     # one current notice at a time
    version = (await session.scalar(select(func.max(SaleNotice.version)).where(SaleNotice.sale_id == sale.id)) or 0) + 1
    notice = SaleNotice(sale_id=sale.id, version=version, digest=snapshot.digest(), issued_at=now,
                        issued_by_id=actor.user_id, change_note=note, **snapshot.__dict__)
    session.add(notice)
    await session.flush()
    sale.goods_summary = snapshot.goods_summary
    web = PublicationAct(sale_id=sale.id, notice_id=notice.id, kind="web", done_at=now,
                         place=f"{base_url.rstrip('/')}/ventes/{sale.id}", recorded_at=now, recorded_by_id=actor.user_id,
                         system_record=public_record(base_url, sale.id, notice))
    session.add(web)
    entry = dict(at=now, user_id=actor.user_id, sale_id=sale.id)
    if previous is not None:
        audit.record(session, action="notice_superseded", summary=f"Avis n° {previous.version} remplacé : {note}",
                     details={"notice": previous.version, "changes": note}, **entry)
    audit.record(session, action="notice_issued",
                 summary=f"Avis de vente n° {version} émis : vente le {long_datetime(snapshot.starts_at)}, {snapshot.place}.",
                 details={"notice": version, "digest": notice.digest,
                          "checks": {r.key: r.status for r in results}}, **entry)
    audit.record(session, action="web_published", summary=web.system_record, details={"notice": version}, **entry)
    for result in failing:
        session.add(PublicityOverride(notice_id=notice.id, check_key=result.key, article=result.article,
                                      check_message=result.message, reason=reason, officer_id=actor.user_id, at=now))
        audit.record(session, action="check_overridden",
                     summary=f"Dérogation du commissaire de justice — {result.message} Motif : {reason}",
                     details={"notice": version, "check": result.key, "reason": reason}, **entry)
    return notice


async def _refused(sessions, actor: Actor, now: datetime, sale_id: int, what: str, exc: Exception) -> None:
    message = getattr(exc, "message", str(exc))
    await audit.record_alone(sessions, at=now, user_id=actor.user_id, sale_id=sale_id, action="step_refused",
                             summary=f"{what} refusée : {message}", details={"step": what})


class RatesUnconfirmed(PublicityError):
    """C. com. A444-3: the notice states the buyer's fees; after the tariff's term the officer confirms
    the rates for the sale's day first (no override: the rates are a fact to confirm, not a delay)."""

    code = "tariff_unconfirmed"


async def _require_rates(session: AsyncSession, snapshot: NoticeSnapshot) -> None:
    try:
        await require_confirmed_rates(session, rules.paris_day(snapshot.starts_at))
    except NoTariff as exc:
        raise RatesUnconfirmed("La vente ne peut pas être annoncée : " + exc.message) from None


@dataclass(frozen=True)
class Announced:
    notice_version: int
    results: tuple[CheckResult, ...]


async def announce(sessions: async_sessionmaker[AsyncSession], sale_id: int, actor: Actor, now: datetime,
                   base_url: str, override_reason: str | None = None) -> Announced:
    """Run the checks; unless one fails (and the officer did not override it in writing), issue the
    notice, publish the sale on the web and mark it announced."""
    try:
        async with sessions() as session, session.begin():
            sale = await sale_for_update(session, sale_id)
            if sale.status not in ANNOUNCEABLE or await current_notice(session, sale.id) is not None:
                raise PublicityError("La vente est déjà annoncée : modifiez-la pour émettre un nouvel avis.")
            if sale.starts_at <= now:
                raise PublicityError("La date de la vente est passée : choisissez une nouvelle date avant d'annoncer.")
            if not await session.scalar(select(Lot.id).where(Lot.sale_id == sale.id, Lot.status == "listed").limit(1)):
                raise PublicityError("La vente n'a aucun lot à annoncer.")
            snapshot = snapshot_of(sale, clean_goods_summary(await draft_summary(session, sale)))
            await _require_rates(session, snapshot)
            results = rules.evaluate(await facts_for(session, sale, snapshot), now)
            if override_reason is None or not override_reason.strip():
                gate.require_clear(results, (), ANNOUNCE)
            notice = await _issue(session, sale, snapshot, results, actor, now, base_url, override_reason,
                                  "première annonce")
            sale.status = "announced"
            audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, action="sale_announced",
                         summary=f"Vente {sale.reference} annoncée (avis n° {notice.version}).")
        return Announced(notice.version, tuple(results))
    except (PublicityError, InvalidValue) as exc:
        await _refused(sessions, actor, now, sale_id, "Annonce", exc)
        raise


async def reissue_if_changed(session: AsyncSession, sale: Sale, actor: Actor, now: datetime, base_url: str,
                             override_reason: str | None) -> SaleNotice | None:
    """After the sale was changed in `session`: if it is announced and its notice no longer says the
    same, issue a new notice (the old one kept, superseded) and run the checks again; a failure the
    officer did not override in writing refuses the change (the caller's transaction rolls back)."""
    previous = await current_notice(session, sale.id)
    if previous is None or sale.status != "announced":
        return None
    snapshot = snapshot_of(sale, clean_goods_summary(sale.goods_summary or previous.goods_summary))
    old = snapshot_of_notice(previous)
    changed = old.differs_in(snapshot)
    if not changed:
        return None
    await _require_rates(session, snapshot)
    results = rules.evaluate(await facts_for(session, sale, snapshot), now)
    if override_reason is None or not override_reason.strip():
        gate.require_clear(results, (), ANNOUNCE)
    return await _issue(session, sale, snapshot, results, actor, now, base_url, override_reason, describe(old, snapshot))


FIELD_LABELS = {"title": "intitulé", "starts_at": "date et heure", "place_kind": "type de lieu", "place_name": "lieu",
                "address": "adresse", "postcode": "code postal", "city": "commune", "viewing": "exposition",
                "conditions": "conditions", "goods_summary": "nature des biens"}


def describe(old: NoticeSnapshot, new: NoticeSnapshot) -> str:
    parts = []
    for name in old.differs_in(new):
        if name == "starts_at":
            parts.append(f"date et heure : {long_datetime(old.starts_at)} → {long_datetime(new.starts_at)}")
        elif name in ("place_name", "address", "postcode", "city"):
            parts.append(f"{FIELD_LABELS[name]} : {getattr(old, name)} → {getattr(new, name)}")
        else:
            parts.append(f"{FIELD_LABELS[name]} modifié")
    return " ; ".join(parts)


async def set_goods_summary(sessions: async_sessionmaker[AsyncSession], sale_id: int, text: str, actor: Actor,
                            now: datetime, base_url: str, override_reason: str | None = None) -> SaleNotice | None:
    """The clerk's summary of the goods; once announced, a new summary is a new notice."""
    summary = clean_goods_summary(text)
    try:
        async with sessions() as session, session.begin():
            sale = await sale_for_update(session, sale_id)
            if sale.status not in ANNOUNCEABLE:
                raise PublicityError("La vente a commencé : son avis ne peut plus changer.")
            sale.goods_summary = summary
            notice = await reissue_if_changed(session, sale, actor, now, base_url, override_reason)
            audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, action="goods_summary",
                         summary=f"Nature des biens : « {summary} »")
        return notice
    except PublicityError as exc:
        await _refused(sessions, actor, now, sale_id, "Modification de la nature des biens", exc)
        raise


# --- overrides and the go-live gate -----------------------------------------------------------------

async def override_checks(sessions: async_sessionmaker[AsyncSession], sale_id: int, reason: str, actor: Actor,
                          now: datetime) -> list[CheckResult]:
    """The officer goes on despite every check of the current notice not satisfied, in writing."""
    reason = gate.clean_override_reason(actor.role, reason)
    async with sessions() as session, session.begin():
        sale = await sale_for_update(session, sale_id)
        notice = await current_notice(session, sale.id)
        if notice is None:
            raise PublicityError("La vente n'est pas annoncée : annoncez-la (en dérogeant au besoin).")
        results = rules.evaluate(await facts_for(session, sale, snapshot_of_notice(notice)), now)
        stopping = gate.blocking(results, await overridden_keys(session, notice.id), GO_LIVE)
        if not stopping:
            raise PublicityError("Aucun contrôle n'est à déroger : tous sont satisfaits ou déjà couverts.")
        for result in stopping:
            session.add(PublicityOverride(notice_id=notice.id, check_key=result.key, article=result.article,
                                          check_message=result.message, reason=reason, officer_id=actor.user_id, at=now))
            audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, action="check_overridden",
                         summary=f"Dérogation du commissaire de justice — {result.message} Motif : {reason}",
                         details={"notice": notice.version, "check": result.key, "reason": reason})
    return stopping


async def require_publicity_before_opening(sessions: async_sessionmaker[AsyncSession], sale_id: int, user_id: int,
                                           now: datetime) -> None:
    """The checks again, before the sale goes live: every one satisfied or overridden by the officer,
    and the rates of the sale's day confirmed (its fees are computed from them)."""
    stopping: list[CheckResult] = []
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        notice = await current_notice(session, sale_id)
        message = None
        if notice is None:
            message = ("La vente n'a pas été annoncée (aucun avis de vente publié) : annoncez-la "
                       "depuis la page Publicité avant de l'ouvrir.")
        else:
            results = rules.evaluate(await facts_for(session, sale, snapshot_of_notice(notice)), now)
            stopping = gate.blocking(results, await overridden_keys(session, notice.id), GO_LIVE)
            if stopping:
                message = ("La vente ne peut pas être ouverte : " + " ".join(r.message for r in stopping)
                           + " Seul le commissaire de justice peut passer outre, par écrit (page Publicité).")
            else:
                try:
                    await require_confirmed_rates(session, rules.paris_day(sale.starts_at))
                except NoTariff as exc:
                    message = "La vente ne peut pas être ouverte : " + exc.message
    if message is not None:
        await audit.record_alone(sessions, at=now, user_id=user_id, sale_id=sale_id, action="opening_refused",
                                 summary=message, details={"checks": [r.key for r in stopping]})
        raise PublicityIncomplete(message)
    await audit.record_alone(sessions, at=now, user_id=user_id, sale_id=sale_id, action="opening_checked",
                             summary=f"Contrôles de publicité satisfaits avant l'ouverture (avis n° {notice.version}).",
                             details={"notice": notice.version})
