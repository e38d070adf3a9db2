"""Office settings and the tariff periods the office enters."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue
from auction.domain.office import OfficeDetails
from auction.domain.roles import Role
from auction.domain.tariff import Tariff, TariffOnDay, lookup, renewal_of, tariff_on, validate_period
from auction.models import Office, TariffPeriod, User

from .accounts import NewUser, add_user
from .passwords import hash_password


class OfficeExists(Exception):
    """The installation already has its office."""


class OfficeMissing(Exception):
    """No office yet: `criee office create` (or `criee demo`) makes it."""


async def get_office(sessions: async_sessionmaker[AsyncSession]) -> Office | None:
    async with sessions() as session:
        return await session.scalar(select(Office).order_by(Office.id).limit(1))


async def office_heading(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, str]:
    """A document's heading: the office's name and address in one line, and its officer's name
    ("" for either without an office or an officer)."""
    office = await get_office(sessions)
    if office is None:
        return "", ""
    officer = office.officer.full_name if office.officer is not None else ""
    return f"{office.name}, {office.address}, {office.postcode} {office.city}", officer


async def create_office(sessions: async_sessionmaker[AsyncSession], details: OfficeDetails, officer: NewUser) -> Office:
    """Create the office and its first officer (the CLI's `office create`)."""
    if officer.role is not Role.OFFICER:
        raise InvalidValue("Le premier compte doit être celui du commissaire de justice.", field="role")
    password_hash = await hash_password(officer.password)
    async with sessions() as session, session.begin():
        if await session.scalar(select(Office.id).limit(1)) is not None:
            raise OfficeExists("Cette installation a déjà son étude.")
        user = await add_user(session, officer, password_hash)
        office = Office(**asdict(details), officer_id=user.id)
        session.add(office)
    return office


async def update_office(sessions: async_sessionmaker[AsyncSession], details: OfficeDetails, officer_id: int) -> Office:
    async with sessions() as session, session.begin():
        office = await session.scalar(select(Office).order_by(Office.id).limit(1).with_for_update(of=Office))
        if office is None:
            raise OfficeMissing("Aucune étude n'est configurée.")
        officer = await session.get(User, officer_id)
        if officer is None or officer.role != Role.OFFICER or not officer.active:
            raise InvalidValue("Choisissez un commissaire de justice actif.", field="officer_id")
        for key, value in asdict(details).items():
            setattr(office, key, value)
        office.officer_id = officer_id
    return office


def _to_domain(row: TariffPeriod) -> Tariff:
    return Tariff(
        effective_from=row.effective_from, term_ends=row.term_ends, buyer_fee_rate=row.buyer_fee_rate,
        seller_fee_rate=row.seller_fee_rate, seller_fee_minimum_cents=row.seller_fee_minimum_cents,
        vat_rate=row.vat_rate, withdrawn_lot_divisor=row.withdrawn_lot_divisor,
        vacation_half_hour_cents=row.vacation_half_hour_cents, copy_page_cents=row.copy_page_cents,
        deposit_cents=row.deposit_cents, postponement_cents=row.postponement_cents,
        postponement_max=row.postponement_max, cancellation_cents=row.cancellation_cents,
        reference=row.reference, shipped=False,
    )


async def office_tariff_periods(sessions: async_sessionmaker[AsyncSession]) -> list[Tariff]:
    async with sessions() as session:
        return await periods_in(session)


async def periods_in(session: AsyncSession) -> list[Tariff]:
    """The office's periods, read in the caller's transaction."""
    rows = await session.scalars(select(TariffPeriod).order_by(TariffPeriod.effective_from))
    return [_to_domain(row) for row in rows]


async def require_confirmed_rates(session: AsyncSession, day: date) -> Tariff:
    """The rates in force on a sale's day, which announcing it requires (`TariffUnconfirmed` after
    the last period's term until the officer confirms them, `NoTariff` before the first)."""
    return tariff_on(day, await periods_in(session))


async def tariff_for(sessions: async_sessionmaker[AsyncSession], day: date) -> Tariff:
    """The rates in force on `day`: `NoTariff`, or `TariffUnconfirmed` after the last period's term."""
    return tariff_on(day, await office_tariff_periods(sessions))


async def tariff_lookup(sessions: async_sessionmaker[AsyncSession], day: date) -> TariffOnDay:
    """The rates for `day`, or why none is presented as in force (pages show its `note`)."""
    return lookup(day, await office_tariff_periods(sessions))


async def add_tariff_period(sessions: async_sessionmaker[AsyncSession], period: Tariff, author_id: int) -> None:
    """Record rates in force from a date. Periods are never edited: a correction is a newer period."""
    validate_period(period)
    async with sessions() as session, session.begin():
        if await session.scalar(select(TariffPeriod.id).where(TariffPeriod.effective_from == period.effective_from)):
            raise InvalidValue("Une période commence déjà à cette date.", field="effective_from")
        session.add(period_row(period, author_id))


def period_row(period: Tariff, author_id: int | None) -> TariffPeriod:
    return TariffPeriod(
        effective_from=period.effective_from, term_ends=period.term_ends,
        buyer_fee_rate=period.buyer_fee_rate, seller_fee_rate=period.seller_fee_rate,
        seller_fee_minimum_cents=period.seller_fee_minimum_cents, vat_rate=period.vat_rate,
        withdrawn_lot_divisor=period.withdrawn_lot_divisor,
        vacation_half_hour_cents=period.vacation_half_hour_cents, copy_page_cents=period.copy_page_cents,
        deposit_cents=period.deposit_cents, postponement_cents=period.postponement_cents,
        postponement_max=period.postponement_max, cancellation_cents=period.cancellation_cents,
        reference=period.reference, created_by_id=author_id,
    )


async def renew_last_period(sessions: async_sessionmaker[AsyncSession], effective_from: date,
                            term_ends: date | None, reference: str, author_id: int) -> Tariff:
    """The officer confirms that the amounts of the period in force before `effective_from` are
    renewed from that date, citing the text that renews them."""
    before = lookup(effective_from - timedelta(days=1), await office_tariff_periods(sessions))
    last = before.tariff or before.expired
    if last is None:
        raise InvalidValue("Aucune période antérieure à reconduire.", field="effective_from")
    period = renewal_of(last, effective_from, term_ends, reference)
    await add_tariff_period(sessions, period, author_id)
    return period
