"""The goods after the hammer: storage fees charged, release slips (bon de délivrance) issued for
paid lots only, and the pickup recorded. Each is one transaction on the sale's settlement log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker, AsyncSession

from sqlalchemy import select

from auction.domain import release as rules
from auction.domain import storage_invoices
from auction.domain.errors import DomainError
from auction.domain.invoice_numbers import format_number
from auction.domain.invoices import INVOICE_SERIES
from auction.formats import to_paris
from auction.models import Office, Sale

from . import settlement_log
from .catalogue import NotFound
from .checkout import checkout_of, registration_by_paddle, sale_day, sold_lots, storage_terms
from .invoices import OfficeNotConfigured, buyer_of, office_context, sale_context
from .payments import Recorded


class NothingToCharge(DomainError):
    code = "nothing_to_charge"


async def _checkout(tx, sale_id: int, paddle: int, now: datetime):
    sale = await tx.session.get(Sale, sale_id)
    if sale is None:
        raise NotFound()
    registration = await registration_by_paddle(tx.session, sale_id, paddle)
    return checkout_of(sale, registration, await sold_lots(tx.session, sale_id, paddle), tx.events, to_paris(now).date())


async def charge_storage(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, *,
                         user_id: int | None, now: datetime, command_id: str) -> Recorded:
    """Charge the storage fees due so far on the buyer's lots still in store (they join the balance),
    and invoice them: the charge is a storage invoice numbered in the office's series
    (auction/domain/storage_invoices.py), one event, so the journal posts it once."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        view = await _checkout(tx, sale_id, paddle, now)
        if not view.storage_lines:
            raise NothingToCharge("Aucun frais de magasinage dû pour cet acheteur à ce jour.")
        office = await tx.session.scalar(select(Office).order_by(Office.id).limit(1))
        if office is None:
            raise OfficeNotConfigured("L'étude n'est pas configurée : renseignez son identité (SIRET) avant de "
                                      "facturer le magasinage.")
        payload = rules.storage_payload(view.account, view.storage_lines, view.today)
        terms = storage_terms(view.sale)
        lots = {status.facts.lot.lot_id: (status.facts.lot.label, status.facts.lot.title) for status in view.lots}
        bordereaux = {line.lot_id: format_number(invoice.number, invoice.issued_on)
                      for invoice in view.account.invoices for line in invoice.lines}
        number = await tx.next_number(INVOICE_SERIES)     # a refusal after this gives it back (rollback)
        payload.update(storage_invoices.invoice_fields(
            number, view.today, buyer_of(view.registration), terms.fee_cents, terms.vat_rate, payload["lines"], lots,
            bordereaux, {"office": office_context(office), "sale": sale_context(view.sale, sale_day(view.sale))}))
        return Recorded(tx.append(storage_invoices.STORAGE_EVENT, payload, user_id=user_id, now=now,
                                  command_id=command_id))


async def issue_release(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, lot_ids: list[int],
                        *, user_id: int | None, now: datetime, command_id: str) -> Recorded:
    """A release slip for paid lots of the buyer, numbered in the office's series."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        view = await _checkout(tx, sale_id, paddle, now)
        statuses = {status.lot_id: status for status in view.lots}
        payload = rules.check_release(statuses, paddle, lot_ids, view.storage_lines, view.today)
        payload["number"] = await tx.next_number("release")
        return Recorded(tx.append("release_issued", payload, user_id=user_id, now=now, command_id=command_id))


async def record_pickup(sessions: async_sessionmaker[AsyncSession], sale_id: int, release_seq: int,
                        collected_by: str, collected_on: date, *, user_id: int | None, now: datetime,
                        command_id: str) -> Recorded:
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        payload = rules.check_collection(rules.releases(tx.events).get(release_seq), collected_by, collected_on)
        return Recorded(tx.append("goods_collected", payload, user_id=user_id, now=now, command_id=command_id))
