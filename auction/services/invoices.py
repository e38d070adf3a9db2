"""Issuing buyers' invoices (bordereaux) and credit notes on the sale's settlement log.

Each use case runs in one settlement-log transaction, which holds the sale's lock: what is already
invoiced is read after the lock is taken, so two checkouts of one buyer at the same moment (two
screens, two processes) issue one invoice, and the office's series (`number_series`) moves by one
per document inside the transaction: no gap, no reuse. Invoices are never edited; a credit note
cancels lines of one invoice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import invoices as rules
from auction.domain.invoice_buyers import Buyer, siren_of, vat_number_of
from auction.domain.invoice_lines import InvoiceLine
from auction.domain.invoices import CreditNote, Invoice, SoldLot
from auction.domain.storage_invoices import StorageInvoice, storage_invoices_of
from auction.domain.office import format_iban
from auction.domain.room import LotInfo
from auction.formats import to_paris
from auction.models import Bidder, Case, Lot, Office, Registration, Sale, SaleEvent

from . import settlement_log
from .office import tariff_for
from .room_loaders import to_event as room_event


class OfficeNotConfigured(rules.InvoiceError):
    code = "office_not_configured"


@dataclass(frozen=True)
class SaleFacts:
    """What an invoice of the sale needs besides its lots: the sale, the office, the VAT of each case."""

    sale: Sale
    sale_day: date
    lots: dict[int, LotInfo]
    sold: list[SoldLot]
    hammer_vat_rates: dict[int, Decimal | None]
    context: dict[str, Any]


def buyer_of(registration: Registration) -> Buyer:
    """The buyer as declared at registration (a company: its name, SIREN and VAT number)."""
    bidder: Bidder = registration.bidder
    country = "" if bidder.country == "FR" else f", {bidder.country}"
    address = f"{bidder.address}, {bidder.postcode} {bidder.city}{country}"
    parts = {"street": bidder.address, "postcode": bidder.postcode, "city": bidder.city, "country": bidder.country}
    if bidder.buyer_type == "company":
        siren = siren_of(bidder.company_number)
        name = bidder.company_name or bidder.full_name
        return Buyer(name, address, True, siren, vat_number_of(siren), **parts)
    return Buyer(bidder.full_name, address, **parts)


def office_context(office: Office) -> dict[str, Any]:
    siren = siren_of(office.siret)
    return {"name": office.name, "address": office.address, "postcode": office.postcode, "city": office.city,
            "phone": office.phone, "email": office.email, "siret": office.siret,
            "vat_number": vat_number_of(siren), "iban": format_iban(office.client_account_iban),
            "officer": office.officer.full_name if office.officer else ""}


def sale_context(sale: Sale, day: date) -> dict[str, Any]:
    place = ", ".join(part for part in (sale.place_name, sale.address, f"{sale.postcode} {sale.city}") if part)
    return {"id": sale.id, "reference": sale.reference, "title": sale.title, "date": day.isoformat(), "place": place}


async def load_facts(session: AsyncSession, sale_id: int) -> SaleFacts:
    """The sale's lots as sold by the bid log, the office, and each case's VAT on the hammer price."""
    sale = await session.get(Sale, sale_id)
    if sale is None:
        raise settlement_log.SaleNotFound(sale_id)
    office = await session.scalar(select(Office).order_by(Office.id).limit(1))
    if office is None:
        raise OfficeNotConfigured("L'étude n'est pas configurée : renseignez son identité (SIRET) avant de facturer.")
    lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
    infos = {lot.id: LotInfo(lot.id, lot.label, lot.title, lot.case_id, lot.opening_bid_cents,
                             lot.status == "withdrawn") for lot in lots}
    rows = await session.scalars(select(SaleEvent).where(SaleEvent.sale_id == sale_id).order_by(SaleEvent.seq))
    sold = rules.sold_lots(sale_id, [room_event(row) for row in rows], infos)
    case_ids = {lot.case_id for lot in lots}
    rates = dict((await session.execute(select(Case.id, Case.seller_vat_rate).where(Case.id.in_(case_ids)))).all())
    day = to_paris(sale.starts_at).date()
    return SaleFacts(sale, day, infos, sold, rates, {"office": office_context(office), "sale": sale_context(sale, day)})


async def _registrations(session: AsyncSession, ids: set[int]) -> dict[int, Registration]:
    if not ids:
        return {}
    rows = await session.scalars(select(Registration).where(Registration.id.in_(ids)))
    return {row.id: row for row in rows}


async def _paddle_known(session: AsyncSession, sale_id: int, paddle: int) -> bool:
    return bool(await session.scalar(select(Registration.id).where(Registration.sale_id == sale_id,
                                                                    Registration.paddle_number == paddle)))


async def issue_invoices(sessions: async_sessionmaker[AsyncSession], sale_id: int, *, user_id: int | None,
                         now: datetime, paddle: int | None = None) -> list[Invoice]:
    """Invoice every buyer's lots not yet invoiced (or one buyer's, at checkout): the new invoices.

    Idempotent: lots already on an invoice are never invoiced again; lots won after a buyer's first
    invoice make a new invoice. The tariff is the one of the sale's day (its error says what to do)."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise settlement_log.SaleNotFound(sale_id)
        sale_day = to_paris(sale.starts_at).date()
    tariff = await tariff_for(sessions, sale_day)
    issued_on = to_paris(now).date()
    async with settlement_log.transaction(sessions, sale_id) as tx:
        facts = await load_facts(tx.session, sale_id)
        if paddle is not None and not await _paddle_known(tx.session, sale_id, paddle):
            raise rules.UnknownPaddle(f"Aucun enchérisseur ne porte le panneau {paddle} dans cette vente.",
                                      field="paddle")
        pending = rules.to_invoice(facts.sold, rules.invoices_of(tx.events), paddle)
        registrations = await _registrations(tx.session, {lot.registration_id for lots in pending.values()
                                                          for lot in lots})
        new = []
        for buyer_paddle, lots in sorted(pending.items()):
            # One invoice per registration: a paddle is one registration in a sale.
            by_registration: dict[int, list[SoldLot]] = {}
            for lot in lots:
                by_registration.setdefault(lot.registration_id, []).append(lot)
            for registration_id, its_lots in by_registration.items():
                number = await tx.next_number(rules.INVOICE_SERIES)
                payload = rules.invoice_payload(number, its_lots, buyer_of(registrations[registration_id]), tariff,
                                                facts.hammer_vat_rates, issued_on,
                                                rules.invoice_due_date(its_lots, facts.sale_day,
                                                                       facts.sale.payment_days, issued_on),
                                                facts.context)
                new.append(tx.append("invoice_issued", payload, user_id=user_id, now=now).seq)
        issued = rules.invoices_of(tx.events)
    return [invoice for invoice in issued if invoice.seq in new]


async def checkout_invoices(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, *,
                            user_id: int | None, now: datetime) -> list[Invoice]:
    """At checkout: invoice what the buyer won and has not been invoiced yet, then all of the buyer's
    invoices in the sale (a second screen doing the same at the same moment issues nothing more)."""
    await issue_invoices(sessions, sale_id, user_id=user_id, now=now, paddle=paddle)
    return [invoice for invoice in await sale_invoices(sessions, sale_id) if invoice.paddle == paddle]


async def issue_credit_note(sessions: async_sessionmaker[AsyncSession], sale_id: int, invoice_number: int,
                            lot_ids: list[int], reason: str, *, user_id: int | None, now: datetime,
                            command_id: str | None = None) -> tuple[CreditNote, bool]:
    """A credit note cancelling lines of one invoice, in the same series, and whether it was issued
    before (the same form posted twice: one note)."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        done = tx.find(command_id)
        duplicate = done is not None
        if done is None:
            invoice = rules.find_invoice(rules.invoices_of(tx.events), invoice_number)
            number = await tx.next_number(rules.INVOICE_SERIES)   # a refusal below gives it back (rollback)
            payload = rules.credit_note_payload(number, invoice, lot_ids, reason, to_paris(now).date())
            done = tx.append("credit_note_issued", payload, user_id=user_id, now=now, command_id=command_id)
        invoices = rules.invoices_of(tx.events)
    return next(note for invoice in invoices for note in invoice.credit_notes if note.seq == done.seq), duplicate


async def sale_invoices(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> list[Invoice]:
    return rules.invoices_of(await settlement_log.read(sessions, sale_id))


@dataclass(frozen=True)
class SaleInvoicing:
    """A sale's invoicing as the staff page shows it."""

    sale: Sale
    invoices: list[Invoice]
    pending: dict[int, list[SoldLot]]               # sold, not yet invoiced, by paddle
    stale: list[tuple[Invoice, InvoiceLine]]        # invoiced lines the bid log no longer confirms
    events: list                                     # the settlement log, for balances
    storage: list[StorageInvoice] = field(default_factory=list)   # storage invoices (frais de magasinage)


async def sale_invoicing(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> SaleInvoicing:
    async with sessions() as session:
        facts = await load_facts(session, sale_id)
        events = await settlement_log.load_events(session, sale_id)
    invoices = rules.invoices_of(events)
    return SaleInvoicing(facts.sale, invoices, rules.to_invoice(facts.sold, invoices),
                         rules.stale_lines(invoices, facts.sold), events, storage_invoices_of(events))


async def registration_invoices(sessions: async_sessionmaker[AsyncSession], registration: Registration) -> list[Invoice]:
    """A registration's invoices in its sale (the bidder's *Mon espace*)."""
    return [invoice for invoice in await sale_invoices(sessions, registration.sale_id)
            if invoice.registration_id == registration.id]


@dataclass(frozen=True)
class BuyerInvoices:
    """A buyer's invoices in one sale, with what each has received and what the buyer still owes."""

    registration_id: int
    invoices: list[Invoice]
    paid: dict[int, int]          # invoice number -> cleared money it received
    balance_cents: int            # the buyer's whole balance (storage fees included): > 0 owed, < 0 refund due


async def buyer_invoices(sessions: async_sessionmaker[AsyncSession], registrations: list[Registration]) -> dict[int, BuyerInvoices]:
    """For each registration (of any sales), its invoices and balance: the bidder's *Mon espace*."""
    from auction.domain import buyer_accounts, invoice_export

    out = {}
    for registration in registrations:
        if registration.paddle_number is None:
            continue
        events = await settlement_log.read(sessions, registration.sale_id)
        mine = [invoice for invoice in rules.invoices_of(events) if invoice.registration_id == registration.id]
        if not mine:
            continue
        accounts = buyer_accounts.accounts(events)
        account = accounts.get(registration.paddle_number)
        out[registration.id] = BuyerInvoices(registration.id, mine, invoice_export.paid_by_invoice(mine, accounts),
                                             account.balance_cents if account else sum(i.amount_due_cents for i in mine))
    return out


async def bidder_invoice(sessions: async_sessionmaker[AsyncSession], user_id: int, sale_id: int,
                         number: int) -> Invoice:
    """One of the signed-in bidder's own invoices; UnknownInvoice for anyone else's."""
    async with sessions() as session:
        registration_ids = set(await session.scalars(
            select(Registration.id).join(Bidder, Bidder.id == Registration.bidder_id)
            .where(Bidder.user_id == user_id, Registration.sale_id == sale_id)))
    invoice = rules.find_invoice(await sale_invoices(sessions, sale_id), number)
    if invoice.registration_id not in registration_ids:
        raise rules.UnknownInvoice(f"Aucune facture n° {number} à votre nom dans cette vente.")
    return invoice
