"""The demo's held sale at the cash desk: the bordereaux issued after each session, paid by every means
(cash within the ceiling, card, transfer, cheque), the cash banked, cheques and transfers cleared but
one cheque (drawn by a third party), release slips for the paid lots and their pickup; one buyer of session 2 left unpaid
(the price is payable at once, R221-38: overdue from the day after session 2).

Everything goes through the checkout services (invoices, payments, release), as the cashier's forms
do, on the held sale's settlement log, at times between the sessions (see demo_held_sale.py).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.buyer_accounts import account_of
from auction.domain.invoices import invoices_of
from auction.domain.payments import PaymentForm
from auction.formats import to_paris

from . import invoices, payments, release, settlement_log
from .demo_held_sale import HeldSale

# How each buyer pays, story role -> (means, details, days after its session, days to clear or None).
# The company's transfer comes with its Factur-X invoice; the phone bidder's second cheque is not cleared.
SESSION_ONE_PAYERS = {
    "absentee": ("cash", {}, 0, None),
    "durand": ("card", {"reference": "TPE 0412 ticket 118"}, 0, None),
    "bertin": ("cheque", {"bank": "LCL", "cheque_number": "0004217", "payer": "Marc BERTIN"}, 0, 3),
    "company": ("transfer", {"reference": "VIR SAS LE BISTROT DES CANUTS"}, 1, 1),
    "phone": ("transfer", {"reference": "VIR MME I MOREAU PEUGEOT 308"}, 1, 2),
}
SESSION_TWO_PAYERS = {
    "haddad": ("card", {"reference": "TPE 0412 ticket 131"}, 0, None),
    "durand": ("card", {"reference": "TPE 0412 ticket 133"}, 0, None),
    # drawn on her husband's account: the officer's vigilance flags a payment by a third party (demo_vigilance.py)
    "phone": ("cheque", {"bank": "Société Générale", "cheque_number": "1180563", "payer": "Gérard MOREAU"}, 0, None),
}
# Who collects the lots, story role -> the person the pickup names.
COLLECTORS = {"absentee": "Aline FABRE (carte d'identité vue)", "bertin": "Marc BERTIN (passeport vu)",
              "company": "Julie MARTIN, présidente de SAS Le Bistrot des Canuts (carte d'identité vue)",
              "phone": "Isabelle MOREAU (carte d'identité vue)", "haddad": "Nadia HADDAD (carte d'identité vue)"}


class Cashier:
    """The cashier's forms for the held sale, each with its own command id."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], held: HeldSale):
        self.sessions, self.held = sessions, held

    @staticmethod
    def command(what: str) -> str:
        return f"demo-{what}-{uuid.uuid4().hex}"

    async def pay(self, role: str, means: str, details: dict, at: datetime) -> int | None:
        """The buyer's whole outstanding balance, by `means`; the payment's seq (None: nothing owed)."""
        paddle = self.held.paddles[role]
        account = account_of(await settlement_log.read(self.sessions, self.held.sale_id), paddle)
        if account.outstanding_cents <= 0:
            return None
        form = PaymentForm(means=means, amount_cents=account.outstanding_cents, **details)
        recorded = await payments.record_payment(self.sessions, self.held.sale_id, paddle, form,
                                                 user_id=self.held.clerk_id, now=at, command_id=self.command("pay"),
                                                 shown_balance_cents=account.outstanding_cents)
        return recorded.event.seq

    async def clear(self, seq: int, at: datetime) -> None:
        await payments.clear_payment(self.sessions, self.held.sale_id, seq, to_paris(at).date(),
                                     user_id=self.held.clerk_id, now=at, command_id=self.command("clear"))

    async def release(self, role: str, at: datetime, collect: bool) -> None:
        """A release slip for the buyer's lots not released yet, and their pickup at once if `collect`."""
        paddle = self.held.paddles[role]
        events = await settlement_log.read(self.sessions, self.held.sale_id)
        released = {lot for e in events if e.kind == "release_issued" for lot in e.payload["lot_ids"]}
        lot_ids = [line.lot_id for invoice in invoices_of(events) if invoice.paddle == paddle
                   for line in invoice.live_lines if line.lot_id not in released]
        slip = await release.issue_release(self.sessions, self.held.sale_id, paddle, lot_ids,
                                           user_id=self.held.clerk_id, now=at, command_id=self.command("release"))
        if collect:
            await release.record_pickup(self.sessions, self.held.sale_id, slip.event.seq, COLLECTORS[role],
                                        to_paris(at).date(), user_id=self.held.clerk_id,
                                        now=at + timedelta(minutes=20), command_id=self.command("pickup"))

    async def checkout(self, payers: dict, evening: datetime) -> list[tuple[str, int, datetime]]:
        """Invoice the session's buyers, take each payment; the cheques and transfers to clear later."""
        await invoices.issue_invoices(self.sessions, self.held.sale_id, user_id=self.held.clerk_id, now=evening)
        to_clear = []
        for index, (role, (means, details, days, clear_after)) in enumerate(payers.items()):
            at = evening + timedelta(days=days, minutes=10 * (index + 1))
            seq = await self.pay(role, means, details, at)
            if seq is None:
                continue
            if means == "cash":
                await payments.bank_cash(self.sessions, self.held.sale_id, [seq], to_paris(evening + timedelta(days=1)).date(),
                                         user_id=self.held.clerk_id, now=evening + timedelta(days=1, hours=-8),
                                         command_id=self.command("bank"))
            if means in ("cash", "card"):
                await self.release(role, at + timedelta(minutes=5), collect=role != "durand")
            elif clear_after is not None:
                to_clear.append((role, seq, at + timedelta(days=clear_after)))
        return to_clear


async def checkout_session_one(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    """The evening of session 1 and the days after: every buyer invoiced; all pay but the defaulter."""
    cashier = Cashier(sessions, held)
    for role, seq, cleared_at in await cashier.checkout(SESSION_ONE_PAYERS, held.sessions[0] + timedelta(hours=2)):
        await cashier.clear(seq, cleared_at)
        await cashier.release(role, cleared_at + timedelta(hours=1), collect=True)


async def checkout_session_two(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    """The evening of session 2: its buyers invoiced; by card, and one cheque still to clear today; the
    buyer of the re-offered lot has not paid (overdue from the next day)."""
    cashier = Cashier(sessions, held)
    await cashier.checkout(SESSION_TWO_PAYERS, held.sessions[1] + timedelta(hours=2))
