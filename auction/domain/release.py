"""The goods after the hammer: each lot's state, derived from the two logs (never stored), the release
slip (bon de délivrance) and the pickup, and storage fees.

    adjugé → payé (cleared payments cover its share of the invoice) → délivré (picked up)

A lot still adjugé after its payment deadline (the invoice's due date, else the sale's conditions)
is overdue. Ownership passes on full payment, and goods are released only once paid: a release slip
names paid lots only, and no storage fee may be left uncharged on them.

The state is the first rule of `STATE_RULES` that holds; later stages (default, resale) add theirs
with `add_state`, ahead of the ones they override.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .bidlog import Event
from .buyer_accounts import BuyerAccount, accounts
from .errors import DomainError, InvalidValue
from .lot_allocation import lot_shares, paid_lots
from .money import apply_rate, format_euros

STORAGE_VAT_RATE = Decimal("0.20")      # storage is a service of the office: standard rate (CGI 278)


class ReleaseRefused(DomainError):
    code = "release_refused"


@dataclass(frozen=True)
class SoldLot:
    """A lot knocked down, as the bid log and the catalogue say."""

    lot_id: int
    label: str
    title: str
    paddle: int
    hammer_cents: int
    position: int = 0
    sold_on: date | None = None     # the day of its hammer (Europe/Paris): its payment deadline runs from it


@dataclass(frozen=True)
class Release:
    seq: int
    number: int
    paddle: int
    lot_ids: tuple[int, ...]
    issued_on: date
    collected_by: str = ""
    collected_on: date | None = None


@dataclass(frozen=True)
class LotFacts:
    """Everything the state rules may look at for one lot."""

    lot: SoldLot
    due_on: date
    invoiced: bool = False
    share_cents: int = 0           # what the lot costs the buyer (invoice less credit notes, plus storage)
    paid: bool = False
    release: Release | None = None
    events: tuple[Event, ...] = ()  # the settlement events that name this lot, for later rules
    # The buyer's payments still clearing (cheques, transfers) cover the balance: not overdue while
    # they clear (the lot is still not paid, nor releasable); one rejected, the lot is overdue again.
    awaiting: str = ""              # what clears ("chèque", "virement"), or "" when nothing covers it

    @property
    def credited(self) -> bool:
        return self.invoiced and self.share_cents <= 0

    @property
    def collected(self) -> bool:
        return self.release is not None and self.release.collected_on is not None


StateRule = Callable[[LotFacts], bool]
LOT_STATES: dict[str, str] = {}
STATE_RULES: list[tuple[str, StateRule]] = []
OVERDUE_STATES = {"adjuge"}


def add_state(key: str, label: str, rule: StateRule, *, before: str | None = None, overdue: bool = False) -> None:
    """Register a lot state: `rule` says when it holds; rules are tried in order, the first wins."""
    LOT_STATES[key] = label
    index = next((i for i, (k, _) in enumerate(STATE_RULES) if k == before), len(STATE_RULES))
    STATE_RULES.insert(index, (key, rule))
    if overdue:
        OVERDUE_STATES.add(key)


add_state("delivre", "Délivré", lambda f: f.collected)
add_state("annule", "Annulé (avoir)", lambda f: f.credited)
add_state("paye", "Payé", lambda f: f.paid)
add_state("adjuge", "Adjugé", lambda f: True)


# Resale on default (auction/domain/defaults.py, R221-38). A lot sold again in this sale follows its
# new buyer (the rules above); one whose default is declared and still adjudged to the defaulter is
# en défaut; one placed in a later sale is remis en vente there, then revendu once its statement is out.
def _named(facts: LotFacts, kind: str) -> list[Event]:
    return [event for event in facts.events if event.kind == kind]


def _defaulted_by_its_buyer(facts: LotFacts) -> bool:
    return any(event.payload["paddle"] == facts.lot.paddle for event in _named(facts, "default_declared"))


def _revendu(facts: LotFacts) -> bool:
    return bool(_named(facts, "lot_put_up_again")) and any(
        line["lot_id"] == facts.lot.lot_id for event in _named(facts, "default_statement_issued")
        for line in event.payload["lines"])


add_state("revendu", "Revendu sur réitération des enchères", _revendu, before="delivre")
add_state("remis_en_vente", "Remis en vente (réitération des enchères)",
          lambda f: _defaulted_by_its_buyer(f) and bool(_named(f, "lot_put_up_again")), before="delivre")
add_state("en_defaut", "En défaut de paiement", _defaulted_by_its_buyer, before="delivre")
add_state("mis_en_demeure", "Mis en demeure", lambda f: any(
    event.payload["paddle"] == f.lot.paddle for event in _named(f, "formal_notice_sent")), before="adjuge",
    overdue=True)


@dataclass(frozen=True)
class LotStatus:
    facts: LotFacts
    state: str
    overdue: bool

    @property
    def lot_id(self) -> int:
        return self.facts.lot.lot_id

    @property
    def label(self) -> str:
        if self.overdue:
            return LOT_STATES[self.state] + " — en retard de paiement"
        if self.awaiting_clearing:
            return LOT_STATES[self.state] + f" — {self.facts.awaiting} en attente d'encaissement"
        return LOT_STATES[self.state]

    @property
    def awaiting_clearing(self) -> bool:
        """Unpaid, but covered by payments still clearing."""
        return self.state in OVERDUE_STATES and bool(self.facts.awaiting)


def state_of(facts: LotFacts, today: date) -> LotStatus:
    """The lot's state; overdue once its last day to pay (`due_on`, itself not late) has passed, unless
    payments still clearing cover the buyer's balance."""
    state = next(key for key, rule in STATE_RULES if rule(facts))
    return LotStatus(facts, state, state in OVERDUE_STATES and today > facts.due_on and not facts.awaiting)


def awaiting_clearing(account: BuyerAccount) -> str:
    """What the buyer's payments still clearing are ("chèque", "virement", "paiement" when mixed) when
    they cover the whole balance; "" otherwise."""
    pending = [p for p in account.payments if p.pending]
    if not pending or account.balance_cents <= 0 or account.outstanding_cents > 0:
        return ""
    means = {p.means for p in pending}
    return {"cheque": "chèque", "transfer": "virement"}.get(means.pop(), "paiement") if len(means) == 1 else "paiement"


def releases(events: Iterable[Event]) -> dict[int, Release]:
    """Release slips by their event's seq, with their pickup when recorded."""
    found: dict[int, Release] = {}
    for event in events:
        p = event.payload
        if event.kind == "release_issued":
            found[event.seq] = Release(event.seq, p["number"], p["paddle"], tuple(p["lot_ids"]),
                                       date.fromisoformat(p["issued_on"]))
        elif event.kind == "goods_collected" and p["release_seq"] in found:
            release = found[p["release_seq"]]
            found[release.seq] = Release(release.seq, release.number, release.paddle, release.lot_ids,
                                         release.issued_on, p["collected_by"], date.fromisoformat(p["collected_on"]))
    return found


def _events_by_lot(events: Iterable[Event]) -> dict[int, list[Event]]:
    by_lot: dict[int, list[Event]] = {}
    for event in events:
        p = event.payload
        lot_ids = set(p.get("lot_ids", ())) | {line["lot_id"] for line in p.get("lines", ()) if "lot_id" in line}
        if "lot_id" in p:
            lot_ids.add(p["lot_id"])
        for lot_id in lot_ids:
            by_lot.setdefault(lot_id, []).append(event)
    return by_lot


def lot_due_on(lot: SoldLot, default_due_on: date, payment_days: int | None) -> date:
    """A lot's last day to pay when not invoiced: `payment_days` after its hammer's day, never before
    the sale's own deadline `default_due_on` (counted from its first day)."""
    if lot.sold_on is None or payment_days is None:
        return default_due_on
    return max(lot.sold_on + timedelta(days=max(payment_days, 0)), default_due_on)


def lot_statuses(sold: Iterable[SoldLot], events: list[Event], today: date, default_due_on: date, *,
                 payment_days: int | None = None) -> dict[int, LotStatus]:
    """Every sold lot's state, in lot order; a lot not invoiced is due `payment_days` after the day it
    was sold (else on `default_due_on`), an invoiced one on its invoice's due date."""
    sold = list(sold)
    by_paddle = accounts(events, {lot.paddle for lot in sold})
    by_lot = _events_by_lot(events)
    released = {lot_id: release for release in releases(events).values() for lot_id in release.lot_ids}
    # By (paddle, lot): a lot sold again (réitération des enchères) is its new buyer's, whatever the
    # defaulter's credited invoice says of it.
    shares: dict[tuple[int, int], int] = {}
    paid: set[tuple[int, int]] = set()
    due: dict[tuple[int, int], date] = {}
    for paddle, account in by_paddle.items():
        shares.update(((paddle, lot_id), share) for lot_id, share in lot_shares(account))
        paid |= {(paddle, lot_id) for lot_id in paid_lots(account)}
        for invoice in account.invoices:
            for line in invoice.lines:
                due.setdefault((paddle, line.lot_id), invoice.due_on)
    statuses = {}
    for lot in sorted(sold, key=lambda lot: lot.position):
        key = (lot.paddle, lot.lot_id)
        account = by_paddle.get(lot.paddle)
        facts = LotFacts(lot, due.get(key) or lot_due_on(lot, default_due_on, payment_days), key in shares,
                         shares.get(key, 0), key in paid, released.get(lot.lot_id), tuple(by_lot.get(lot.lot_id, ())),
                         awaiting_clearing(account) if account is not None else "")
        statuses[lot.lot_id] = state_of(facts, today)
    return statuses


# --- storage fees ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StorageTerms:
    free_days: int = 0
    fee_cents: int = 0                 # per day and lot, excl. VAT; 0: no storage fees
    vat_rate: Decimal = STORAGE_VAT_RATE

    @property
    def charged(self) -> bool:
        return self.fee_cents > 0


def storage_due(terms: StorageTerms, sale_day: date, account: BuyerAccount, lot_ids: Iterable[int],
                collected: set[int], today: date) -> list[dict]:
    """The storage fee lines now due on the buyer's lots not collected, beyond what was charged already:
    the free days run from the day after the sale; each later day through `today` costs the fee."""
    if not terms.charged:
        return []
    charged_through: dict[int, date] = {}
    for charge in account.storage:
        for lot_id, _days, _cents in charge.lots:
            charged_through[lot_id] = max(charged_through.get(lot_id, charge.through), charge.through)
    first_paid_day = sale_day + timedelta(days=terms.free_days + 1)
    lines = []
    for lot_id in lot_ids:
        if lot_id in collected:
            continue
        start = max(first_paid_day, charged_through.get(lot_id, date.min) + timedelta(days=1))
        days = (today - start).days + 1
        if days <= 0:
            continue
        amount = days * terms.fee_cents
        vat = apply_rate(amount, terms.vat_rate)
        lines.append({"lot_id": lot_id, "days": days, "from": start.isoformat(), "through": today.isoformat(),
                      "amount_cents": amount, "vat_cents": vat, "total_cents": amount + vat})
    return lines


def storage_payload(account: BuyerAccount, lines: list[dict], today: date) -> dict:
    amount = sum(line["amount_cents"] for line in lines)
    vat = sum(line["vat_cents"] for line in lines)
    return {"paddle": account.paddle, "registration_id": account.registration_id, "through": today.isoformat(),
            "charged_on": today.isoformat(), "lines": lines,
            "totals": {"amount_cents": amount, "vat_cents": vat, "total_cents": amount + vat}}


# --- the release slip and the pickup ---------------------------------------------------------------

def check_release(statuses: dict[int, LotStatus], paddle: int, lot_ids: list[int], storage_lines: list[dict],
                  today: date) -> dict:
    """The payload of a `release_issued` (without its number), or a named refusal."""
    if not lot_ids:
        raise InvalidValue("Choisissez au moins un lot à délivrer.", field="lot_ids")
    for lot_id in lot_ids:
        status = statuses.get(lot_id)
        if status is None or status.facts.lot.paddle != paddle:
            raise ReleaseRefused("Ce lot n'a pas été adjugé à cet acheteur.")
        label = status.facts.lot.label
        if status.facts.release is not None:
            raise ReleaseRefused(f"Lot {label} : bon de délivrance déjà émis (n° {status.facts.release.number}).")
        if status.state != "paye":
            raise ReleaseRefused(f"Lot {label} : {LOT_STATES[status.state].lower()}, pas payé. Un lot n'est délivré "
                                 "qu'une fois les paiements encaissés (chèque ou virement compris).")
    pending = sum(line["total_cents"] for line in storage_lines if line["lot_id"] in lot_ids)
    if pending:
        raise ReleaseRefused(f"Frais de magasinage dus ({format_euros(pending)}) : portez-les au compte de "
                             "l'acheteur et faites-les régler avant la délivrance.")
    return {"paddle": paddle, "lot_ids": sorted(lot_ids, key=lambda i: statuses[i].facts.lot.position),
            "issued_on": today.isoformat()}


def check_collection(release: Release | None, collected_by: str, on: date) -> dict:
    if release is None:
        raise ReleaseRefused("Bon de délivrance introuvable dans cette vente.")
    if release.collected_on is not None:
        raise ReleaseRefused(f"Ces lots ont déjà été retirés le {release.collected_on:%d/%m/%Y} "
                             f"par {release.collected_by}.")
    if not collected_by.strip():
        raise InvalidValue("Indiquez qui retire les lots (nom, et pièce d'identité vue).", field="collected_by")
    if on < release.issued_on:
        raise InvalidValue("Le retrait ne peut précéder le bon de délivrance.", field="collected_on")
    return {"release_seq": release.seq, "collected_by": collected_by.strip()[:200], "collected_on": on.isoformat()}


__all__ = ["LOT_STATES", "STATE_RULES", "LotFacts", "LotStatus", "Release", "ReleaseRefused", "SoldLot",
           "StorageTerms", "add_state", "awaiting_clearing", "lot_due_on", "check_collection", "check_release", "lot_statuses", "releases",
           "state_of", "storage_due", "storage_payload"]
