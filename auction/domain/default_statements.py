"""The defaulter's statement (décompte, CPCE R221-38): what the buyer in default owes once every lot
of the default act is sold again.

- when the new price is lower: the **shortfall** (first hammer price − new hammer price) plus the
  **costs** (the letters, the new sale's seller's fees on the lot, storage: the first sale's storage
  terms, from the end of its free days through the day the lot was sold again, less what was
  charged to the buyer's account already);
- when it is equal or higher: the costs only; the higher price goes to the case's proceeds.

What was paid before the default is kept against what is owed: a negative balance is a refund due.
The procedure it closes (notice, default act, putting the lot up again) is `auction.domain.defaults`;
the statement is the payload of its `default_statement_issued` event. Amounts are integer cents.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .bidlog import Event
from .buyer_accounts import BuyerAccount
from .defaults import DefaultAct, NotInDefault, NotResold, Procedure, Resale, StatementIssued
from .errors import InvalidValue
from .money import apply_rate, format_euros
from .release import StorageTerms, storage_due

STATEMENT_SERIES = "default_statement"   # the office's series of defaulters' statements (décomptes)


@dataclass(frozen=True)
class Rates:
    """The new sale's seller's fee rate (excl. VAT) and the VAT rate on it (its tariff)."""
    seller_fee_rate: Decimal
    vat_rate: Decimal


def storage_owed(terms: StorageTerms, sale_day: date, account: BuyerAccount, act: DefaultAct,
                 resales: Mapping[int, Resale]) -> list[dict[str, Any]]:
    """The storage of the lots in default, a cost of the default: the checkout's rule
    (`release.storage_due`: the first sale's free days, then the fee per day and lot, VAT on it)
    through the day each lot was sold again, less what was charged to the defaulter's account
    already. A lot not sold again yet is left out (the statement waits for it anyway)."""
    lines = []
    for lot in act.lots:
        resale = resales.get(lot.lot_id)
        if resale is not None and resale.sold and resale.sold_on is not None:
            lines += storage_due(terms, sale_day, account, [lot.lot_id], set(), resale.sold_on)
    return lines


def statement(procedure: Procedure, resales: Mapping[int, Resale], rates: Mapping[int, Rates],
              issued_on: date, storage: Iterable[dict[str, Any]] = (), letters_cents: int | None = None, *,
              number: int) -> dict[str, Any]:
    """The payload of `default_statement_issued`: what the defaulter owes once every lot of the act
    is sold again. `rates` by the sale id each lot was resold in; `storage` the lines of
    `storage_owed`; `letters_cents` defaults to the notice's cost."""
    act = procedure.act
    if act is None:
        raise NotInDefault("Le défaut de paiement n'est pas constaté.")
    if procedure.statement is not None:
        raise StatementIssued("Le décompte de ce défaut est déjà établi.")
    storage = [dict(line) for line in storage]
    if letters_cents is not None and letters_cents < 0:
        raise InvalidValue("Un frais ne peut pas être négatif.", field="letters_cents")
    lines = []
    for lot in act.lots:
        resale = resales.get(lot.lot_id)
        if resale is None or not resale.sold:
            raise NotResold(f"Le lot {lot.label} n'est pas encore revendu : le décompte attend sa nouvelle "
                            "adjudication.")
        rate = rates[resale.sale_id]
        fees = apply_rate(resale.hammer_cents, rate.seller_fee_rate)
        fees_vat = apply_rate(fees, rate.vat_rate)
        lines.append({"lot_id": lot.lot_id, "label": lot.label, "title": lot.title, "case_id": lot.case_id,
                      "sale_id": resale.sale_id, "new_lot_id": resale.new_lot_id,
                      "first_hammer_cents": lot.hammer_cents, "new_hammer_cents": resale.hammer_cents,
                      "shortfall_cents": max(0, lot.hammer_cents - resale.hammer_cents),
                      "surplus_cents": max(0, resale.hammer_cents - lot.hammer_cents),
                      "seller_fees_cents": fees, "seller_fees_vat_cents": fees_vat})
    letters = procedure.notice.cost_cents if letters_cents is None else letters_cents
    costs = [{"kind": "letters", "label": "Lettres (mise en demeure)", "amount_cents": letters},
             {"kind": "seller_fees", "label": "Frais vendeur de la nouvelle adjudication (TTC)",
              "amount_cents": sum(line["seller_fees_cents"] + line["seller_fees_vat_cents"] for line in lines)},
             {"kind": "storage", "label": "Frais de magasinage (TTC)",
              "amount_cents": sum(line["total_cents"] for line in storage),
              "vat_cents": sum(line["vat_cents"] for line in storage)}]
    shortfall = sum(line["shortfall_cents"] for line in lines)
    costs_total = sum(cost["amount_cents"] for cost in costs)
    owed = shortfall + costs_total
    return {"number": number, "paddle": act.paddle, "registration_id": act.registration_id,
            "default_seq": act.seq, "issued_on": issued_on.isoformat(), "lines": lines, "costs": costs,
            "storage": storage,
            "totals": {"shortfall_cents": shortfall,
                       "surplus_cents": sum(line["surplus_cents"] for line in lines),
                       "costs_cents": costs_total, "owed_cents": owed, "paid_cents": act.paid_cents,
                       "balance_cents": owed - act.paid_cents}}


def statements_due(events: Iterable[Event]) -> dict[int, int]:
    """Paddle -> what its issued statements add to the buyer's account (owed, before the payments
    made before the default, which the buyer's balance already counts): the receivable the checkout
    takes payments against."""
    due: dict[int, int] = {}
    for event in events:
        if event.kind == "default_statement_issued":
            paddle = event.payload["paddle"]
            due[paddle] = due.get(paddle, 0) + event.payload["totals"]["owed_cents"]
    return due


def describe_balance(balance_cents: int) -> str:
    """The statement's last line, in words for the letter."""
    if balance_cents > 0:
        return f"Reste dû par le défaillant : {format_euros(balance_cents)}"
    if balance_cents < 0:
        return f"À rembourser au défaillant : {format_euros(-balance_cents)}"
    return "Solde nul : rien n'est dû de part et d'autre."
