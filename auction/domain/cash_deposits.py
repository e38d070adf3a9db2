"""Cash deposit slips (remises d'espèces): the cash a sale received, grouped for the bank, and the
banking deadline of décret 2022-949 art. 62-1 to 62-6 (cash banked by the first working day after
receipt, `deadlines.cash_banking_due`)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .bidlog import Event
from .buyer_accounts import Payment, accounts
from .deadlines import cash_banking_due
from .errors import DomainError, InvalidValue


class SlipRefused(DomainError):
    code = "slip_refused"


@dataclass(frozen=True)
class CashSlip:
    seq: int
    number: int
    banked_on: date
    payment_seqs: tuple[int, ...]
    total_cents: int


def cash_payments(events: Iterable[Event]) -> list[Payment]:
    """Every cash payment of the sale, in the order received."""
    return sorted((p for holder in accounts(events).values() for p in holder.payments if p.means == "cash"),
                  key=lambda p: p.seq)


def unbanked(events: Iterable[Event]) -> list[Payment]:
    """Cash received and kept (not reversed) that no slip has taken to the bank yet."""
    return [p for p in cash_payments(events) if not p.reversed and p.banked_slip is None]


def slips(events: Iterable[Event]) -> list[CashSlip]:
    events = list(events)
    amounts = {p.seq: p.amount_cents for p in cash_payments(events)}
    return [CashSlip(e.seq, e.payload["slip_number"], date.fromisoformat(e.payload["banked_on"]),
                     tuple(e.payload["payment_seqs"]), sum(amounts.get(s, 0) for s in e.payload["payment_seqs"]))
            for e in events if e.kind == "cash_banked"]


def check_slip(events: Iterable[Event], payment_seqs: list[int], banked_on: date) -> dict:
    """The payload of a `cash_banked` (without its slip number) for these cash payments, or a refusal."""
    waiting = {p.seq: p for p in unbanked(events)}
    if not payment_seqs:
        raise InvalidValue("Choisissez les espèces à remettre en banque.", field="payment_seqs")
    for seq in payment_seqs:
        if seq not in waiting:
            raise SlipRefused("Ces espèces ne sont pas à remettre (déjà remises, annulées ou inconnues).")
        if banked_on < waiting[seq].received_on:
            raise InvalidValue("La remise ne peut précéder la réception des espèces.", field="banked_on")
    return {"payment_seqs": sorted(set(payment_seqs)), "banked_on": banked_on.isoformat()}


@dataclass(frozen=True)
class LateCash:
    payment: Payment
    due_on: date

    def late(self, today: date) -> bool:
        return today > self.due_on


def banking_warnings(events: Iterable[Event], today: date) -> list[LateCash]:
    """Unbanked cash whose deadline is today or past (the dashboard warns; `late` says which are overdue)."""
    found = [LateCash(p, cash_banking_due(p.received_on)) for p in unbanked(events)]
    return [w for w in found if w.due_on <= today]
