"""Buyers' invoices (bordereaux d'adjudication) and credit notes (avoirs), from the two logs.

What a buyer owes comes from the bid log (the hammer of each lot, its price and paddle) and the
dated tariff of the sale's day (C. com. A444-3): per lot the hammer price, the buyer's fees excl.
VAT, the VAT on the fees and, only where the case's seller is a taxable business that says so, the
VAT on the hammer price; each line is rounded to the cent, the totals are sums of lines.

Invoices and credit notes are events of the settlement log (`invoice_issued`,
`credit_note_issued`), numbered in the office's one continuous series: issued once, never edited;
a credit note cancels some or all lines of one invoice, and an invoice's amount due is its total
less its credit notes. Everything here folds those events; nothing is stored twice. The buyer an
invoice names: auction.domain.invoice_buyers.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .bidlog import Event
from .deadlines import paris_day
from .errors import DomainError, InvalidValue
from .invoice_buyers import Buyer
from .invoice_lines import InvoiceLine
from .invoice_numbers import format_number
from .money import apply_rate, format_rate
from .room import LotInfo, replay
from .tariff import Tariff

INVOICE_SERIES = "invoice"       # the office's series, shared by invoices and credit notes
TOTAL_KEYS = ("hammer_cents", "hammer_vat_cents", "fees_cents", "fees_vat_cents", "total_cents")
REASON_MAX = 500

# Printed on every bordereau whose hammer prices carry no VAT (the seller is not a taxable business
# that opted): the officer sells in the seller's name, as an intermediary; VAT is on his fees only.
INTERMEDIARY_MENTION = ("Le commissaire de justice agit en qualité d'intermédiaire, au nom et pour le compte du "
                        "vendeur : le prix d'adjudication n'est pas soumis à la TVA, qui s'applique aux seuls "
                        "frais acheteur.")
SELLER_VAT_MENTION = "TVA sur le prix d'adjudication : le vendeur est un assujetti qui l'a déclarée."
LEGAL_BASIS = ("Vente aux enchères publiques après saisie-vente (CPCE R221-33 à R221-39) ; prix payable comptant "
               "(CPCE R221-38) ; frais acheteur au tarif réglementé (C. com. A444-3). La propriété est "
               "transférée au paiement complet ; les lots ne sont délivrés qu'une fois le paiement encaissé.")


class InvoiceError(DomainError):
    code = "invoice_error"


class NothingToInvoice(InvoiceError):
    code = "nothing_to_invoice"


class UnknownInvoice(InvoiceError):
    code = "unknown_invoice"


class LotNotOnInvoice(InvoiceError):
    code = "lot_not_on_invoice"


class LineAlreadyCredited(InvoiceError):
    code = "line_already_credited"


class CreditNoteReasonRequired(InvoiceError):
    code = "credit_note_reason_required"


class NoLineChosen(InvoiceError):
    code = "no_line_chosen"


class UnknownPaddle(InvoiceError):
    code = "unknown_paddle"


# --- what was sold -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SoldLot:
    lot_id: int
    label: str
    title: str
    case_id: int
    hammer_cents: int
    paddle: int
    registration_id: int
    sold_on: date | None = None      # its hammer's day (Europe/Paris): the payment deadline runs from it


def sold_lots(sale_id: int, bid_events: list[Event], lots: Mapping[int, LotInfo]) -> list[SoldLot]:
    """The lots the bid log says are sold, in catalogue order, with their buyer's registration."""
    state = replay(sale_id, bid_events)
    by_seq = {event.seq: event for event in bid_events}
    sold = []
    for lot_id, info in lots.items():
        result = state.results.get(lot_id)
        if result is None or not result.sold:
            continue
        hammer = by_seq[result.seq].payload
        sold.append(SoldLot(lot_id, info.label, info.title, info.case_id, result.amount_cents, result.paddle,
                            hammer["registration_id"], paris_day(by_seq[result.seq].at)))
    return sold


# --- VAT on the hammer price (the case's seller) -------------------------------------------------

def seller_vat_rate(taxable: bool, rate_text: str) -> Decimal | None:
    """The VAT rate on the hammer prices of a case: None unless its seller is a taxable business
    that says so, then a rate typed as a percentage (`20`, `5,5`) above 0 and below 50 %."""
    if not taxable:
        return None
    cleaned = (rate_text or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        percent = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"Taux de TVA illisible : « {rate_text} ». Écrivez par exemple 20 ou 5,5.",
                           field="seller_vat_rate") from None
    if not percent.is_finite() or not (0 < percent < 50):
        raise InvalidValue("Le taux de TVA du vendeur doit être compris entre 0 et 50 %.", field="seller_vat_rate")
    return (percent / 100).quantize(Decimal("0.0001"))


# --- lines and totals ----------------------------------------------------------------------------

def invoice_line(lot: SoldLot, tariff: Tariff, hammer_vat_rate: Decimal | None) -> InvoiceLine:
    """One lot's line, each amount rounded to the cent (A444-3 fees, VAT on the fees, hammer VAT)."""
    cost = tariff.buyer_cost(lot.hammer_cents)
    hammer_vat = apply_rate(lot.hammer_cents, hammer_vat_rate) if hammer_vat_rate is not None else 0
    return InvoiceLine(lot.lot_id, lot.label, lot.title, lot.case_id, lot.hammer_cents, hammer_vat,
                       cost.fees_cents, cost.vat_cents, hammer_vat_rate)


def totals(lines: Iterable[InvoiceLine]) -> dict[str, int]:
    """Sums of the rounded lines (never a rate applied to a total)."""
    sums = dict.fromkeys(TOTAL_KEYS, 0)
    for line in lines:
        sums["hammer_cents"] += line.hammer_cents
        sums["hammer_vat_cents"] += line.hammer_vat_cents
        sums["fees_cents"] += line.fees_cents
        sums["fees_vat_cents"] += line.fees_vat_cents
        sums["total_cents"] += line.total_cents
    return sums


def invoice_due_date(lots: Iterable[SoldLot], sale_day: date, payment_days: int, issued_on: date) -> date:
    """An invoice's last day to pay (itself not late): `payment_days` after the day its last lot was
    sold (its session's day, never before the sale's first), never before the invoice is issued."""
    days = [max(lot.sold_on or sale_day, sale_day) for lot in lots] or [sale_day]
    return max(due_date(max(days), payment_days), issued_on)


def due_date(sale_day: date, payment_days: int) -> date:
    """The price is payable at once (R221-38); the sale's conditions may give days to pay."""
    return sale_day + timedelta(days=max(payment_days, 0))


def vat_mention(lines: Iterable[InvoiceLine]) -> str:
    lines = list(lines)
    if lines and all(line.hammer_vat_rate is not None for line in lines):
        return SELLER_VAT_MENTION
    if any(line.hammer_vat_rate is not None for line in lines):
        return f"{SELLER_VAT_MENTION} (lots indiqués). Pour les autres lots : {INTERMEDIARY_MENTION}"
    return INTERMEDIARY_MENTION


# --- folding the settlement log ------------------------------------------------------------------

@dataclass(frozen=True)
class CreditNote:
    seq: int
    number: int
    invoice_number: int
    invoice_seq: int
    reason: str
    issued_on: date
    lines: tuple[InvoiceLine, ...]
    totals: dict[str, int]

    @property
    def label(self) -> str:
        return format_number(self.number, self.issued_on)


@dataclass(frozen=True)
class Invoice:
    seq: int
    number: int
    paddle: int
    registration_id: int
    issued_on: date
    due_on: date
    buyer: Buyer
    tariff_reference: str
    lines: tuple[InvoiceLine, ...]
    totals: dict[str, int]
    payload: Mapping[str, Any]
    credit_notes: list[CreditNote] = field(default_factory=list)

    @property
    def label(self) -> str:
        return format_number(self.number, self.issued_on)

    @property
    def credited_lot_ids(self) -> set[int]:
        return {line.lot_id for note in self.credit_notes for line in note.lines}

    @property
    def live_lines(self) -> list[InvoiceLine]:
        """The lines no credit note has cancelled."""
        credited = self.credited_lot_ids
        return [line for line in self.lines if line.lot_id not in credited]

    @property
    def credited_cents(self) -> int:
        return sum(note.totals["total_cents"] for note in self.credit_notes)

    @property
    def amount_due_cents(self) -> int:
        """What the invoice still asks for: its total less its credit notes (payments aside)."""
        return self.totals["total_cents"] - self.credited_cents

    @property
    def cancelled(self) -> bool:
        return not self.live_lines


def invoices_of(events: Iterable[Event]) -> list[Invoice]:
    """The sale's invoices in the order issued, each with its credit notes."""
    invoices: dict[int, Invoice] = {}
    for event in events:
        p = event.payload
        if event.kind == "invoice_issued":
            invoices[event.seq] = Invoice(
                event.seq, p["number"], p["paddle"], p["registration_id"], date.fromisoformat(p["issued_on"]),
                date.fromisoformat(p["due_on"]), Buyer.from_payload(p["buyer"]), p["tariff_reference"],
                tuple(InvoiceLine.from_payload(line) for line in p["lines"]), dict(p["totals"]), p)
        elif event.kind == "credit_note_issued":
            invoice = invoices.get(p["invoice_seq"])
            if invoice is not None:
                invoice.credit_notes.append(CreditNote(
                    event.seq, p["number"], p["invoice_number"], p["invoice_seq"], p["reason"],
                    date.fromisoformat(p["issued_on"]), tuple(InvoiceLine.from_payload(line) for line in p["lines"]),
                    dict(p["totals"])))
    return list(invoices.values())


def find_invoice(invoices: Iterable[Invoice], number: int) -> Invoice:
    for invoice in invoices:
        if invoice.number == number:
            return invoice
    raise UnknownInvoice(f"Aucune facture n° {number} dans cette vente.")


def invoiced_lot_ids(invoices: Iterable[Invoice]) -> set[int]:
    """Lots on a line that no credit note cancelled: they are never invoiced again."""
    return {line.lot_id for invoice in invoices for line in invoice.live_lines}


def to_invoice(sold: Iterable[SoldLot], invoices: Iterable[Invoice], paddle: int | None = None) -> dict[int, list[SoldLot]]:
    """The sold lots not yet invoiced, by buyer's paddle (one paddle, or all), in catalogue order."""
    taken = invoiced_lot_ids(invoices)
    pending: dict[int, list[SoldLot]] = {}
    for lot in sold:
        if lot.lot_id not in taken and (paddle is None or lot.paddle == paddle):
            pending.setdefault(lot.paddle, []).append(lot)
    return pending


def stale_lines(invoices: Iterable[Invoice], sold: Iterable[SoldLot]) -> list[tuple[Invoice, InvoiceLine]]:
    """Live lines whose lot the bid log no longer gives to that buyer at that price (re-offered at the
    hammer, sold again): each calls for a credit note."""
    now_sold = {lot.lot_id: lot for lot in sold}
    stale = []
    for invoice in invoices:
        for line in invoice.live_lines:
            lot = now_sold.get(line.lot_id)
            if lot is None or lot.paddle != invoice.paddle or lot.hammer_cents != line.hammer_cents:
                stale.append((invoice, line))
    return stale


# --- new documents -------------------------------------------------------------------------------

def invoice_payload(number: int, lots: list[SoldLot], buyer: Buyer, tariff: Tariff,
                    hammer_vat_rates: Mapping[int, Decimal | None], issued_on: date, due_on: date,
                    context: Mapping[str, Any]) -> dict[str, Any]:
    """The `invoice_issued` payload of one buyer's bordereau (`hammer_vat_rates` by case id).

    `context` is the office, sale and payment details printed on the document, kept with it so that
    the invoice reads the same forever."""
    if not lots:
        raise NothingToInvoice("Aucun lot adjugé à facturer.")
    paddles = {lot.paddle for lot in lots}
    if len(paddles) != 1:
        raise InvoiceError("Une facture ne concerne qu'un adjudicataire.")
    lines = [invoice_line(lot, tariff, hammer_vat_rates.get(lot.case_id)) for lot in lots]
    return {
        "number": number, "paddle": lots[0].paddle, "registration_id": lots[0].registration_id,
        "issued_on": issued_on.isoformat(), "due_on": due_on.isoformat(), "buyer": buyer.to_payload(),
        "tariff_reference": tariff.reference,
        "fee_rate": str(tariff.buyer_fee_rate), "fee_vat_rate": str(tariff.vat_rate),
        "fee_rate_label": format_rate(tariff.buyer_fee_rate), "vat_mention": vat_mention(lines),
        "lines": [line.to_payload() for line in lines], "totals": totals(lines),
        **{key: value for key, value in context.items() if key not in ("number", "lines", "totals")},
    }


def credit_note_payload(number: int, invoice: Invoice, lot_ids: Iterable[int], reason: str,
                        issued_on: date) -> dict[str, Any]:
    """The `credit_note_issued` payload cancelling `lot_ids` of `invoice` (positive amounts)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CreditNoteReasonRequired("Indiquez le motif de l'avoir.", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidValue(f"Le motif tient en {REASON_MAX} caractères au plus.", field="reason")
    chosen = list(dict.fromkeys(lot_ids))
    if not chosen:
        raise NoLineChosen("Choisissez au moins une ligne à annuler.", field="lot_ids")
    by_lot = {line.lot_id: line for line in invoice.lines}
    credited = invoice.credited_lot_ids
    for lot_id in chosen:
        if lot_id not in by_lot:
            raise LotNotOnInvoice(f"Ce lot ne figure pas sur la facture {invoice.label}.", field="lot_ids")
        if lot_id in credited:
            raise LineAlreadyCredited(f"Le lot {by_lot[lot_id].label} a déjà fait l'objet d'un avoir.",
                                      field="lot_ids")
    lines = [line for line in invoice.lines if line.lot_id in set(chosen)]
    return {"number": number, "invoice_number": invoice.number, "invoice_seq": invoice.seq, "reason": reason,
            "issued_on": issued_on.isoformat(), "paddle": invoice.paddle, "registration_id": invoice.registration_id,
            "lines": [line.to_payload() for line in lines], "totals": totals(lines)}


def vat_breakdown(lines: Iterable[InvoiceLine], fee_vat_rate: Decimal) -> list[dict[str, Any]]:
    """Per VAT rate, the taxable base and the VAT (sums of the rounded lines), for the document and
    the e-invoice; hammer prices without VAT form their own group (rate None)."""
    groups: dict[Decimal | None, dict[str, int]] = {}
    for line in lines:
        fee_group = groups.setdefault(fee_vat_rate, {"base_cents": 0, "vat_cents": 0})
        fee_group["base_cents"] += line.fees_cents
        fee_group["vat_cents"] += line.fees_vat_cents
        hammer_group = groups.setdefault(line.hammer_vat_rate, {"base_cents": 0, "vat_cents": 0})
        hammer_group["base_cents"] += line.hammer_cents
        hammer_group["vat_cents"] += line.hammer_vat_cents
    return [{"rate": rate, **sums} for rate, sums in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
