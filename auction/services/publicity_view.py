"""Reading a sale's publicity: the staff's page (checks, notices, acts, overrides), what the public page
and the feed say, and everything the poster and the certificate print."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import publication as rules, publication_gate as gate
from auction.domain.publication import CheckResult
from auction.domain.publication_delays import DelayWarning, delay_warnings
from auction.domain.publication_gate import ANNOUNCE, GO_LIVE
from auction.domain.sale_notice import LEGAL_BASIS, NoticeSnapshot, conditions_lines
from auction.domain.solvency import SolvencyRule
from auction.domain.tariff import Tariff
from auction.models import (Case, DebtorNotice, Lot, Office, PublicationAct, PublicityOverride, RegistrationRules, Sale,
                            SaleNotice)

from .catalogue import NotFound
from .office import tariff_lookup
from .public_catalogue import sale_tariff
from .publication import (case_facts, current_notice, draft_summary, facts_for, sale_cases, snapshot_of,
                          snapshot_of_notice)


@dataclass
class NoticeText:
    """What a notice says, ready for a page, the poster or the press."""
    snapshot: NoticeSnapshot
    version: int | None                    # None: the draft, not issued yet
    office: Office | None
    conditions: list[str]
    legal_basis: str = LEGAL_BASIS
    sale_url: str = ""

    @property
    def officer_name(self) -> str:
        return self.office.officer.full_name if self.office and self.office.officer else ""


@dataclass
class PublicityView:
    sale: Sale
    text: NoticeText
    notice: SaleNotice | None
    notices: list[SaleNotice]
    cases: list[Case]
    communes: list[rules.Commune]
    results: list[CheckResult]
    overrides: list[PublicityOverride]          # of the current notice
    all_overrides: list[PublicityOverride]      # of every notice, for the certificate
    acts: list[PublicationAct]
    debtor_notices: list[DebtorNotice]
    tariff: Tariff | None                       # None: `tariff_note` says why (awaiting confirmation)
    tariff_note: str | None = None
    blocking_announce: list[CheckResult] = field(default_factory=list)
    blocking_go_live: list[CheckResult] = field(default_factory=list)
    poster_notes: dict[int, str] = field(default_factory=dict)   # act id → why that poster does not count
    delay_warnings: list[DelayWarning] = field(default_factory=list)   # CPC 642, for the officer

    @property
    def overridden(self) -> set[str]:
        return {o.check_key for o in self.overrides}


async def _office(session: AsyncSession) -> Office | None:
    return await session.scalar(select(Office).order_by(Office.id).limit(1))


async def _solvency(session: AsyncSession, sale_id: int) -> SolvencyRule | None:
    rules_row = await session.get(RegistrationRules, sale_id)
    return SolvencyRule(rules_row.solvency_rule, rules_row.deposit_minimum_cents) if rules_row else None


async def notice_text(sessions, session: AsyncSession, sale: Sale, snapshot: NoticeSnapshot, version: int | None,
                      base_url: str) -> NoticeText:
    base = base_url.rstrip("/")
    found = await tariff_lookup(sessions, rules.paris_day(snapshot.starts_at))   # in force on the notice's date
    lines = conditions_lines(rules.paris_day(snapshot.starts_at), found.tariff, await _solvency(session, sale.id),
                             f"{base}/ventes/{sale.id}/inscription", tariff_note=found.note)
    return NoticeText(snapshot, version, await _office(session), lines, sale_url=f"{base}/ventes/{sale.id}")


async def publicity_view(sessions: async_sessionmaker[AsyncSession], sale_id: int, now: datetime,
                         base_url: str) -> PublicityView:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        notice = await current_notice(session, sale.id)
        if notice is not None:
            snapshot = snapshot_of_notice(notice)
        else:
            snapshot = snapshot_of(sale, await draft_summary(session, sale))
        text = await notice_text(sessions, session, sale, snapshot, notice.version if notice else None, base_url)
        facts = await facts_for(session, sale, snapshot)
        results = rules.evaluate(facts, now)
        poster_notes = {p.act_id: note for p in facts.posters
                        if p.act_id is not None and (note := rules.poster_standing(facts, p)) is not None}
        cases = await sale_cases(session, sale.id)
        notices = list(await session.scalars(select(SaleNotice).where(SaleNotice.sale_id == sale.id)
                                             .order_by(SaleNotice.version.desc())))
        all_overrides = list((await session.scalars(
            select(PublicityOverride).join(SaleNotice, SaleNotice.id == PublicityOverride.notice_id)
            .where(SaleNotice.sale_id == sale.id).order_by(PublicityOverride.at, PublicityOverride.id))).unique())
        overrides = [o for o in all_overrides if notice is not None and o.notice_id == notice.id]
        acts = list((await session.scalars(select(PublicationAct).where(PublicationAct.sale_id == sale.id)
                                           .order_by(PublicationAct.done_at))).unique())
        told = list((await session.scalars(select(DebtorNotice).where(DebtorNotice.sale_id == sale.id)
                                           .order_by(DebtorNotice.told_on))).unique())
    overridden = {o.check_key for o in overrides}
    found = await sale_tariff(sessions, sale)
    communes = rules.required_communes(case_facts(c) for c in cases)
    return PublicityView(sale=sale, text=text, notice=notice, notices=notices, cases=cases, communes=communes,
                         results=results, overrides=overrides, all_overrides=all_overrides, acts=acts, debtor_notices=told,
                         tariff=found.tariff, tariff_note=found.note,
                         blocking_announce=gate.blocking(results, (), ANNOUNCE),
                         blocking_go_live=gate.blocking(results, overridden, GO_LIVE), poster_notes=poster_notes,
                         delay_warnings=delay_warnings(facts.cases))


# --- what the public sees ---------------------------------------------------------------------------

@dataclass
class PublicNotice:
    text: NoticeText
    issued_at: datetime | None             # of the current notice
    first_issued_at: datetime | None       # of the first one: when the sale was announced
    previous_starts_at: datetime | None    # the date announced before a postponement, if any


async def public_notice(sessions: async_sessionmaker[AsyncSession], sale: Sale, base_url: str) -> PublicNotice:
    """What the sale's public page and the feed say. No case, debtor or creditor is read here."""
    async with sessions() as session:
        notices = list(await session.scalars(select(SaleNotice).where(SaleNotice.sale_id == sale.id)
                                             .order_by(SaleNotice.version)))
        current = next((n for n in notices if n.is_current), None)
        snapshot = snapshot_of_notice(current) if current else snapshot_of(sale, await draft_summary(session, sale))
        text = await notice_text(sessions, session, sale, snapshot, current.version if current else None, base_url)
    previous = [n.starts_at for n in notices if not n.is_current and n.starts_at != snapshot.starts_at]
    return PublicNotice(text, current.issued_at if current else None, notices[0].issued_at if notices else None,
                        previous[-1] if previous else None)


async def announced_sales(sessions: async_sessionmaker[AsyncSession], base_url: str) -> list[tuple[Sale, PublicNotice]]:
    """The sales announced and not yet over, soonest first, for the feed."""
    async with sessions() as session:
        sales = list(await session.scalars(select(Sale).where(Sale.status.in_(("announced", "live")))
                                           .order_by(Sale.starts_at, Sale.id)))
    return [(sale, await public_notice(sessions, sale, base_url)) for sale in sales]


async def sale_case_ids(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[int]:
    """Every case with a lot in the sale (withdrawn ones too): the audit page shows their entries."""
    async with sessions() as session:
        return list(await session.scalars(select(Lot.case_id).where(Lot.sale_id == sale_id).distinct()))
