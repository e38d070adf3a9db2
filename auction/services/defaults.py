"""Resale on default (réitération des enchères, CPCE R221-38): the use cases on a sale's settlement log.

From the overdue buyers the clerk sends a formal notice; once its deadline has passed unpaid, the
officer declares the default, which (in the same transaction) cancels the invoice's lots by a credit
note and blocks the bidder, pointing to the act; the lot is put up again in the same sale (a room
command, `auction/domain/room.py`) or placed in a later sale's catalogue here; once it is sold again
the statement of what the defaulter owes is issued, a receivable the checkout takes payments against.
The rules are `auction/domain/defaults.py`; each use case is one `settlement_log.transaction`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain import default_statements as statements
from auction.domain import defaults as rules
from auction.domain import invoices as invoice_rules
from auction.domain.bidlog import Event
from auction.domain.buyer_accounts import account_of
from auction.domain.default_statements import Rates
from auction.domain.defaults import DefaultedLot, Procedure, Resale
from auction.domain.invoices import due_date
from auction.domain.lots import LotNumber, next_free_number, require_editable
from auction.domain.money import format_euros
from auction.domain.release import LotStatus, SoldLot, awaiting_clearing, lot_statuses
from auction.domain.room import replay
from auction.formats import to_paris
from auction.models import Bidder, Lot, LotPhoto, Registration, Sale, SaleEvent, User

from . import settlement_log
from .checkout import storage_terms
from .office import tariff_for
from .room_loaders import to_event


class OfficerRequired(rules.DefaultError):
    code = "officer_required"


class UnknownSale(rules.DefaultError):
    code = "unknown_sale"


@dataclass(frozen=True)
class BuyerStanding:
    """A buyer of the sale as the defaults page shows them."""
    paddle: int
    registration_id: int | None
    name: str
    balance_cents: int
    overdue: list[LotStatus]
    procedure: Procedure | None
    status: str | None          # the procedure's (defaults.notice_status), or None


@dataclass(frozen=True)
class SaleDefaults:
    sale: Sale
    today: date
    events: list[Event]
    statuses: dict[int, LotStatus]
    buyers: list[BuyerStanding]             # overdue, or with a procedure
    procedures: list[Procedure]
    names: dict[int, str]                   # registration id -> the buyer's name
    later_sales: list[Sale]                 # where a lot in default may be placed


def _today(now: datetime) -> date:
    return to_paris(now).date()


async def _sold(session: AsyncSession, sale_id: int) -> tuple[list[SoldLot], dict[int, Lot]]:
    lots = {lot.id: lot for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale_id))}
    bid_events = [event for event, _ in await _bid_log(session, sale_id)]
    state = replay(sale_id, bid_events)
    at = {event.seq: event.at for event in bid_events}
    sold = [SoldLot(lot_id, lots[lot_id].label, lots[lot_id].title, result.paddle, result.amount_cents,
                    lots[lot_id].position, to_paris(at[result.seq]).date() if result.seq in at else None)
            for lot_id, result in state.results.items() if result.sold and lot_id in lots]
    return sold, lots


async def _bid_log(session: AsyncSession, sale_id: int):
    rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq))
    return [(to_event(row), row.command_id) for row in rows]


async def _names(session: AsyncSession, sale_id: int) -> dict[int, str]:
    rows = await session.scalars(select(Registration).where(Registration.sale_id == sale_id))
    return {row.id: row.bidder.full_name for row in rows}


def _sale_day(sale: Sale) -> date:
    return to_paris(sale.starts_at).date()


async def sale_defaults(sessions: async_sessionmaker[AsyncSession], sale_id: int, now: datetime) -> SaleDefaults:
    """The overdue buyers (checkout's lot states), the procedures and where each stands."""
    today = _today(now)
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise settlement_log.SaleNotFound(sale_id)
        events = await settlement_log.load_events(session, sale_id)
        sold, _ = await _sold(session, sale_id)
        names = await _names(session, sale_id)
        later = list(await session.scalars(select(Sale).where(Sale.id != sale_id, Sale.status.in_(("draft", "announced")))
                                           .order_by(Sale.starts_at)))
    statuses = lot_statuses(sold, events, today, due_date(_sale_day(sale), sale.payment_days),
                            payment_days=sale.payment_days)
    found = rules.procedures(events)
    latest = {}
    for procedure in found:
        if not procedure.superseded:
            latest[procedure.notice.paddle] = procedure
    overdue: dict[int, list[LotStatus]] = {}
    for status in statuses.values():
        if status.overdue:
            overdue.setdefault(status.facts.lot.paddle, []).append(status)
    buyers = []
    for paddle in sorted(set(overdue) | set(latest)):
        account = account_of(events, paddle)
        procedure = latest.get(paddle)
        buyers.append(BuyerStanding(
            paddle, account.registration_id, names.get(account.registration_id, ""), account.balance_cents,
            overdue.get(paddle, []), procedure,
            rules.notice_status(procedure, account.balance_cents, today) if procedure else None))
    return SaleDefaults(sale, today, events, statuses, buyers, found, names, later)


def _notice_lots(events: list[Event], paddle: int) -> list[DefaultedLot]:
    """The buyer's invoiced lots still owed (lines no credit note cancelled, not released)."""
    released = {lot_id for event in events if event.kind == "release_issued" for lot_id in event.payload["lot_ids"]}
    lots = []
    for invoice in invoice_rules.invoices_of(events):
        if invoice.paddle != paddle:
            continue
        for line in invoice.live_lines:
            if line.lot_id not in released:
                lots.append(DefaultedLot(line.lot_id, line.label, line.title, line.case_id, line.hammer_cents,
                                         line.total_cents))
    return lots


async def send_notice(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, *, sent_on: date,
                      means: str, days: int = rules.NOTICE_DAYS, cost_cents: int = 0, user_id: int | None,
                      now: datetime, command_id: str | None = None) -> Event:
    """Record the formal notice sent to a buyer (its letter is rendered from the event)."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        done = tx.find(command_id)
        if done is not None:
            return done
        account = account_of(tx.events, paddle)
        if account.registration_id is None:
            raise rules.NothingUnpaid(f"Aucun bordereau n'a été émis pour le panneau {paddle} dans cette vente.")
        if awaiting_clearing(account):
            raise rules.NothingUnpaid(f"Le {awaiting_clearing(account)} remis par cet adjudicataire couvre le solde et "
                                      "attend son encaissement : pas de mise en demeure tant qu'il n'est pas rejeté.")
        sale = await tx.session.get(Sale, sale_id)
        sold, _ = await _sold(tx.session, sale_id)
        statuses = lot_statuses([lot for lot in sold if lot.paddle == paddle], tx.events, _today(now),
                                due_date(_sale_day(sale), sale.payment_days), payment_days=sale.payment_days)
        if not any(status.overdue for status in statuses.values()):
            due = min((status.facts.due_on for status in statuses.values()), default=None)
            raise rules.NothingUnpaid("Le délai de paiement de cet adjudicataire n'est pas expiré"
                                      + (f" : il peut payer jusqu'au {due:%d/%m/%Y} inclus." if due else "."))
        payload = rules.formal_notice(rules.procedures(tx.events), paddle, account.registration_id,
                                      _notice_lots(tx.events, paddle), account.balance_cents, sent_on, means, days,
                                      cost_cents, today=_today(now))
        return tx.append("formal_notice_sent", payload, user_id=user_id, now=now, command_id=command_id)


def _procedure(found: list[Procedure], *, notice_seq: int | None = None, default_seq: int | None = None) -> Procedure:
    for procedure in found:
        if notice_seq is not None and procedure.notice.seq == notice_seq:
            return procedure
        if default_seq is not None and procedure.act is not None and procedure.act.seq == default_seq:
            return procedure
    raise rules.UnknownProcedure("Procédure de défaut introuvable dans cette vente.")


async def declare_default(sessions: async_sessionmaker[AsyncSession], sale_id: int, notice_seq: int, *,
                          user_id: int, now: datetime, command_id: str | None = None) -> Event:
    """The officer declares the default (the act), in one transaction: the first invoice's lots are
    cancelled by a credit note (same series as invoices), and the bidder is blocked from future
    registrations, the block pointing to the act. The caller reloads the live rooms."""
    today = _today(now)
    async with settlement_log.transaction(sessions, sale_id) as tx:
        done = tx.find(command_id)
        if done is not None:
            return done
        user = await tx.session.get(User, user_id)
        if user is None or user.role != "officer":
            raise OfficerRequired("Seul le commissaire de justice constate le défaut de paiement.")
        procedure = _procedure(rules.procedures(tx.events), notice_seq=notice_seq)
        account = account_of(tx.events, procedure.notice.paddle)
        payload = rules.declare_default(procedure, account.balance_cents, today)
        act = tx.append("default_declared", payload, user_id=user_id, now=now, command_id=command_id)
        lot_ids = set(payload["lot_ids"])
        reason = (f"Défaut de paiement constaté le {today:%d/%m/%Y} après mise en demeure : lots remis en vente "
                  "sur réitération des enchères (CPCE R221-38)")
        for invoice in invoice_rules.invoices_of(tx.events):
            cancelled = [line.lot_id for line in invoice.live_lines if line.lot_id in lot_ids]
            if invoice.paddle == procedure.notice.paddle and cancelled:
                number = await tx.next_number(invoice_rules.INVOICE_SERIES)
                tx.append("credit_note_issued", invoice_rules.credit_note_payload(number, invoice, cancelled, reason,
                                                                                  today),
                          user_id=user_id, now=now)
        registration = await tx.session.get(Registration, procedure.notice.registration_id)
        sale = await tx.session.get(Sale, sale_id)
        if registration is not None:
            bidder = await tx.session.get(Bidder, registration.bidder_id)
            bidder.blocked_at = now
            bidder.blocked_reason = (f"{rules.BLOCK_REASON} (vente {sale.reference}, acte du {today:%d/%m/%Y}, "
                                     f"panneau {procedure.notice.paddle})")
            bidder.blocked_sale_id, bidder.blocked_default_seq = sale_id, act.seq
        return act


async def place_in_later_sale(sessions: async_sessionmaker[AsyncSession], sale_id: int, default_seq: int,
                              lot_id: int, target_sale_id: int, *, user_id: int | None, now: datetime,
                              command_id: str | None = None) -> Lot:
    """The lot in default joins a later sale's catalogue: a new lot there (same case, photos and
    description, with the mention and its history), linked to the first one."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        done = tx.find(command_id)
        if done is not None:
            return await tx.session.get(Lot, done.payload["new_lot_id"])
        found = rules.procedures(tx.events)
        procedure = _procedure(found, default_seq=default_seq)
        first = rules.in_default(procedure, lot_id)
        target = await tx.session.get(Sale, target_sale_id)
        sale = await tx.session.get(Sale, sale_id)
        if target is None or target_sale_id == sale_id:
            raise UnknownSale("Choisissez une autre vente, à venir, pour y remettre le lot.")
        require_editable(target.status)
        original = await tx.session.scalar(select(Lot).where(Lot.id == lot_id, Lot.sale_id == sale_id)
                                           .options(selectinload(Lot.photos)))
        rules.put_up_again(found, lot_id, default_seq, target_sale_id, 0, _today(now))   # refusals first
        taken = {LotNumber(n, s) for n, s in (await tx.session.execute(
            select(Lot.number, Lot.number_suffix).where(Lot.sale_id == target_sale_id))).all()}
        number = next_free_number(taken)
        position = await tx.session.scalar(select(func.coalesce(func.max(Lot.position), 0))
                                           .where(Lot.sale_id == target_sale_id))
        history = (f"{rules.RESALE_MENTION.capitalize()} (CPCE R221-38) : lot {first.label} de la vente "
                   f"{sale.reference} du {_sale_day(sale):%d/%m/%Y}, adjugé {format_euros(first.hammer_cents)} au panneau "
                   f"{procedure.act.paddle}, défaut de paiement constaté le {procedure.act.declared_on:%d/%m/%Y}.")
        lot = Lot(sale_id=target_sale_id, case_id=original.case_id, number=number.number,
                  number_suffix=number.suffix, position=position + 1, title=original.title,
                  description=f"{history}\n\n{original.description}".strip(), category=original.category,
                  estimate_low_cents=original.estimate_low_cents, estimate_high_cents=original.estimate_high_cents,
                  opening_bid_cents=original.opening_bid_cents, resale_of_lot_id=original.id)
        lot.photos = [LotPhoto(position=photo.position, path=photo.path, alt_text=photo.alt_text)
                      for photo in original.photos]
        tx.session.add(lot)
        await tx.session.flush()
        payload = rules.put_up_again(found, lot_id, default_seq, target_sale_id, lot.id, _today(now))
        tx.append("lot_put_up_again", payload, user_id=user_id, now=now, command_id=command_id)
        return lot


async def resales_of(sessions: async_sessionmaker[AsyncSession], sale_id: int,
                     procedure: Procedure) -> dict[int, Resale]:
    """Where each lot of the act was offered again, and its new hammer price and day once sold."""
    found: dict[int, Resale] = {}
    logs: dict[int, tuple] = {}          # sale id -> (its room replayed, its bid events by seq)

    async def log_of(session: AsyncSession, in_sale: int) -> tuple:
        if in_sale not in logs:
            events = [event for event, _ in await _bid_log(session, in_sale)]
            logs[in_sale] = (replay(in_sale, events), {event.seq: event for event in events})
        return logs[in_sale]

    async def resale(session: AsyncSession, lot_id: int, in_sale: int, new_lot_id: int) -> Resale:
        state, by_seq = await log_of(session, in_sale)
        result = state.results.get(new_lot_id)
        if not (result and result.sold):
            return Resale(lot_id, in_sale, new_lot_id)
        return Resale(lot_id, in_sale, new_lot_id, result.amount_cents, result.paddle,
                      to_paris(by_seq[result.seq].at).date())

    async with sessions() as session:
        here, _ = await log_of(session, sale_id)
        for lot in procedure.act.lots if procedure.act else ():
            placement = procedure.placements.get(lot.lot_id)
            if placement is not None:
                found[lot.lot_id] = await resale(session, lot.lot_id, placement.sale_id, placement.new_lot_id)
            elif lot.lot_id in here.put_up_again:
                found[lot.lot_id] = await resale(session, lot.lot_id, sale_id, lot.lot_id)
    return found


async def _rates(sessions: async_sessionmaker[AsyncSession], sale_ids: set[int]) -> dict[int, Rates]:
    rates = {}
    for sale_id in sale_ids:
        async with sessions() as session:
            sale = await session.get(Sale, sale_id)
        tariff = await tariff_for(sessions, _sale_day(sale))
        rates[sale_id] = Rates(tariff.seller_fee_rate, tariff.vat_rate)
    return rates


async def issue_statement(sessions: async_sessionmaker[AsyncSession], sale_id: int, default_seq: int, *,
                          user_id: int | None, now: datetime, command_id: str | None = None) -> Event:
    """The statement of what the defaulter owes (décompte), once every lot of the act is sold again;
    numbered in the office's series of statements. Its storage is computed by the checkout's rule
    (the sale's storage terms, through the day each lot was sold again), never typed."""
    procedure = _procedure(rules.procedures(await settlement_log.read(sessions, sale_id)), default_seq=default_seq)
    resales = await resales_of(sessions, sale_id, procedure)
    rates = await _rates(sessions, {resale.sale_id for resale in resales.values()})
    async with settlement_log.transaction(sessions, sale_id) as tx:
        done = tx.find(command_id)
        if done is not None:
            return done
        procedure = _procedure(rules.procedures(tx.events), default_seq=default_seq)
        if set(procedure.placements) - {lot for lot, resale in resales.items() if resale.sale_id != sale_id}:
            raise rules.NotResold("Un lot vient d'être placé dans une autre vente : recommencez.")
        sale = await tx.session.get(Sale, sale_id)
        storage = statements.storage_owed(storage_terms(sale), _sale_day(sale),
                                          account_of(tx.events, procedure.act.paddle), procedure.act, resales)
        number = await tx.next_number(statements.STATEMENT_SERIES)
        payload = statements.statement(procedure, resales, rates, _today(now), storage, number=number)
        return tx.append("default_statement_issued", payload, user_id=user_id, now=now, command_id=command_id)


async def blocked_act(sessions: async_sessionmaker[AsyncSession], bidder_id: int) -> tuple[Sale, Event] | None:
    """The default act a bidder's block points to, if it comes from one."""
    async with sessions() as session:
        bidder = await session.get(Bidder, bidder_id)
        if bidder is None or bidder.blocked_sale_id is None:
            return None
        sale = await session.get(Sale, bidder.blocked_sale_id)
        events = await settlement_log.load_events(session, bidder.blocked_sale_id)
    act = next((event for event in events if event.seq == bidder.blocked_default_seq), None)
    return (sale, act) if act is not None else None
