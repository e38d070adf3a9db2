"""The cashier's use cases, each one transaction on the sale's settlement log (under the sale's lock):
record a payment, mark a cheque or transfer cleared, reverse a payment, pay a refund, bank cash.

Every form carries a command id: the same form posted twice (two taps, a retry) finds the event its
first post appended and records nothing more. A payment form also carries the balance it showed:
when another screen recorded a payment meanwhile, the balance differs and the payment is refused
(`StaleBalance`), so two screens checking out the same buyer at once record exactly one payment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import buyer_accounts, cash_deposits
from auction.domain import payments as rules
from auction.domain.bidlog import Event
from auction.formats import to_paris

from . import settlement_log
from .checkout import buyer_of, registration_by_paddle


@dataclass(frozen=True)
class Recorded:
    event: Event
    duplicate: bool = False       # the same command was recorded before: nothing new was appended


async def record_payment(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int,
                         form: rules.PaymentForm, *, user_id: int | None, now: datetime, command_id: str,
                         shown_balance_cents: int | None = None, confirm_refund: bool = False) -> Recorded:
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        registration = await registration_by_paddle(tx.session, sale_id, paddle)
        account = buyer_accounts.account_of(tx.events, paddle)
        payload = rules.check_payment(account, buyer_of(registration), form, to_paris(now).date(),
                                      shown_balance_cents=shown_balance_cents, confirm_refund=confirm_refund)
        return Recorded(tx.append("payment_received", payload, user_id=user_id, now=now, command_id=command_id))


def _of_buyer(payment: buyer_accounts.Payment | None, paddle: int | None) -> buyer_accounts.Payment | None:
    """The payment, when it is this buyer's (a form names the buyer's page it was posted from)."""
    return payment if payment is not None and (paddle is None or payment.paddle == paddle) else None


async def clear_payment(sessions: async_sessionmaker[AsyncSession], sale_id: int, payment_seq: int, cleared_on: date,
                        *, user_id: int | None, now: datetime, command_id: str, paddle: int | None = None) -> Recorded:
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        payment = _of_buyer(buyer_accounts.find_payment(tx.events, payment_seq), paddle)
        if payment is not None and payment.means not in ("cheque", "transfer"):
            raise rules.PaymentRefused("Seuls les chèques et les virements s'encaissent après coup.")
        payload = rules.check_clearing(payment, cleared_on)
        return Recorded(tx.append("payment_cleared", payload, user_id=user_id, now=now, command_id=command_id))


async def reverse_payment(sessions: async_sessionmaker[AsyncSession], sale_id: int, payment_seq: int, reason: str,
                          *, user_id: int | None, now: datetime, command_id: str, paddle: int | None = None) -> Recorded:
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        payload = rules.check_reversal(_of_buyer(buyer_accounts.find_payment(tx.events, payment_seq), paddle), reason)
        return Recorded(tx.append("payment_reversed", payload, user_id=user_id, now=now, command_id=command_id))


async def pay_refund(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int, amount_cents: int,
                     means: str, reference: str, *, user_id: int | None, now: datetime, command_id: str) -> Recorded:
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        await registration_by_paddle(tx.session, sale_id, paddle)
        payload = rules.check_refund(buyer_accounts.account_of(tx.events, paddle), amount_cents, means, reference)
        return Recorded(tx.append("refund_paid", payload, user_id=user_id, now=now, command_id=command_id))


async def bank_cash(sessions: async_sessionmaker[AsyncSession], sale_id: int, payment_seqs: list[int],
                    banked_on: date, *, user_id: int | None, now: datetime, command_id: str) -> Recorded:
    """A cash deposit slip (remise d'espèces) for these cash payments, numbered in the office's series."""
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return Recorded(done, duplicate=True)
        payload = cash_deposits.check_slip(tx.events, payment_seqs, banked_on)
        payload["slip_number"] = await tx.next_number("cash_deposit")
        return Recorded(tx.append("cash_banked", payload, user_id=user_id, now=now, command_id=command_id))

