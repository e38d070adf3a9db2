"""The sale's journal: every money event of the settlement log as a balanced double entry, in cents.

Derived, never stored: `build(events)` folds the log in order. Each kind of event has one posting
function in `POSTINGS` (kind → journal code and function); later stages register theirs with
`@posting(kind, journal)`: the distribution adds its payouts and deposits at the Caisse des dépôts.

Accounts (plan comptable général numbers, six digits as the FEC wants them), with an auxiliary
account per buyer (P + paddle) and per case (D + case id):

- 411000 buyers' receivables, per buyer (a credit balance is a refund due to that buyer);
- 512000 the client deposit account (compte affecté), where every euro for third parties goes;
  531000 cash held, 511200 cheques to clear, 511700 transfers announced: money on its way there;
- 467100 proceeds payable, per case (the hammer prices, owed to the creditors and the debtor);
- 706100 buyer's fees excl. VAT, 706200 seller's fees, 708300 storage fees (the office's);
- 445710 VAT due on the office's fees, 445720 VAT on hammer prices (a seller liable to VAT).

Funds held (512 + 531 + 5112 + 5117) always equal what is owed to others (proceeds, fees, VAT,
refunds due) less what buyers still owe: a balanced journal says so line by line.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .bidlog import Event
from .deadlines import paris_day
from .money import format_euros

ACCOUNTS = {
    "411000": "Acheteurs (adjudicataires)",
    "467100": "Produit des ventes à reverser",
    "445710": "TVA collectée sur honoraires",
    "445720": "TVA sur adjudications",
    "511200": "Chèques à encaisser",
    "511700": "Virements annoncés",
    "512000": "Compte affecté (fonds de tiers)",
    "531000": "Caisse (espèces)",
    "706100": "Honoraires acheteur (frais HT)",
    "706200": "Honoraires vendeur (frais HT)",
    "708300": "Frais de magasinage",
    "708800": "Frais de procédure refacturés (lettres)",
}
BUYERS, PROCEEDS, VAT_FEES, VAT_HAMMER = "411000", "467100", "445710", "445720"
CLIENT_ACCOUNT, CASH, CHEQUES, TRANSFERS = "512000", "531000", "511200", "511700"
BUYER_FEES, SELLER_FEES, STORAGE, RECHARGED = "706100", "706200", "708300", "708800"
FUNDS_HELD = (CLIENT_ACCOUNT, CASH, CHEQUES, TRANSFERS)
JOURNALS = {"VE": "Ventes (bordereaux)", "BQ": "Compte affecté", "OD": "Opérations diverses"}
# Where a payment's money is once received, before it is cleared or banked.
RECEIVED_INTO = {"cash": CASH, "cheque": CHEQUES, "transfer": TRANSFERS, "card": CLIENT_ACCOUNT,
                 "deposit": CLIENT_ACCOUNT}


class UnbalancedEntry(Exception):
    """An event whose lines do not balance: the log holds amounts that do not add up."""


@dataclass(frozen=True)
class Line:
    account: str
    debit: int = 0
    credit: int = 0
    aux: str = ""            # auxiliary account: P12 (buyer with paddle 12), D3 (case 3)
    label: str = ""


@dataclass(frozen=True)
class Entry:
    number: int              # continuous, from 1
    journal: str
    seq: int                 # the settlement event it comes from
    kind: str
    on: date
    piece: str               # the document's reference: invoice number, payment, slip…
    label: str
    lines: tuple[Line, ...]

    @property
    def debit(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def credit(self) -> int:
        return sum(line.credit for line in self.lines)


@dataclass
class Ledger:
    """What the postings need to remember while the log is folded."""

    names: dict[str, str] = field(default_factory=dict)        # aux → label
    payments: dict[int, dict] = field(default_factory=dict)    # payment seq → {"account", "paddle", "amount_cents"}
    invoices: dict[int, int] = field(default_factory=dict)     # invoice number → paddle


@dataclass(frozen=True)
class Posting:
    journal: str
    build: Callable[[Ledger, Event], tuple[date, str, str, list[Line]] | None]


POSTINGS: dict[str, Posting] = {}


def posting(kind: str, journal: str):
    """Register how events of `kind` are posted: the function returns (date, piece, label, lines) or None."""
    def register(function):
        POSTINGS[kind] = Posting(journal, function)
        return function
    return register


def buyer(paddle: int) -> str:
    return f"P{paddle}"


def case(case_id) -> str:
    return f"D{case_id}"


def invoice_piece(number: int) -> str:
    return f"BA{number:06d}"


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _invoice_lines(p: dict, sign: int) -> list[Line]:
    """An invoice (sign 1) or a credit note (sign -1): the buyer owes the total; the hammer prices are
    owed to each case, the fees and their VAT to the office and the State."""
    def side(account: str, cents: int, aux: str = "", label: str = "") -> Line:
        return Line(account, credit=cents, aux=aux, label=label) if sign > 0 else \
            Line(account, debit=cents, aux=aux, label=label)
    paddle = p["paddle"]
    total = p["totals"]["total_cents"]
    lines = [Line(BUYERS, debit=total, aux=buyer(paddle)) if sign > 0 else Line(BUYERS, credit=total, aux=buyer(paddle))]
    by_case: dict = {}
    for line in p["lines"]:
        by_case[line.get("case_id")] = by_case.get(line.get("case_id"), 0) + line["hammer_cents"]
    lines += [side(PROCEEDS, cents, case(case_id)) for case_id, cents in by_case.items() if cents]
    for account, key in ((VAT_HAMMER, "hammer_vat_cents"), (BUYER_FEES, "fees_cents"), (VAT_FEES, "fees_vat_cents")):
        cents = sum(line.get(key, 0) for line in p["lines"])
        if cents:
            lines.append(side(account, cents))
    return lines


@posting("invoice_issued", "VE")
def _invoice(ledger: Ledger, event: Event):
    p = event.payload
    ledger.invoices[p["number"]] = p["paddle"]
    if p.get("buyer", {}).get("name"):
        ledger.names[buyer(p["paddle"])] = p["buyer"]["name"]
    return (_day(p["issued_on"]), invoice_piece(p["number"]), f"Bordereau {p['number']} panneau {p['paddle']}",
            _invoice_lines(p, 1))


@posting("credit_note_issued", "VE")
def _credit_note(ledger: Ledger, event: Event):
    p = event.payload
    paddle = ledger.invoices.get(p["invoice_number"])
    if paddle is None:
        raise UnbalancedEntry(f"credit note {p['number']} names unknown invoice {p['invoice_number']}")
    return (_day(p["issued_on"]), invoice_piece(p["number"]), f"Avoir {p['number']} sur bordereau {p['invoice_number']}",
            _invoice_lines({**p, "paddle": paddle}, -1))


@posting("storage_fee_charged", "VE")
def _storage(ledger: Ledger, event: Event):
    p = event.payload
    totals = p["totals"]
    lines = [Line(BUYERS, debit=totals["total_cents"], aux=buyer(p["paddle"])),
             Line(STORAGE, credit=totals["amount_cents"])]
    if totals["vat_cents"]:
        lines.append(Line(VAT_FEES, credit=totals["vat_cents"]))
    if "number" in p:      # a storage invoice (auction/domain/storage_invoices.py): its number is the piece
        return (_day(p["charged_on"]), invoice_piece(p["number"]),
                f"Facture magasinage {p['number']} panneau {p['paddle']}", lines)
    return _day(p["charged_on"]), f"MG{event.seq}", f"Magasinage panneau {p['paddle']}", lines


@posting("payment_received", "BQ")
def _payment(ledger: Ledger, event: Event):
    p = event.payload
    into = RECEIVED_INTO[p["means"]]
    ledger.payments[event.seq] = {"account": into, "paddle": p["paddle"], "amount_cents": p["amount_cents"]}
    amount = p["amount_cents"]
    return (_day(p["received_on"]), f"RG{event.seq}", f"Règlement {p['means']} panneau {p['paddle']}",
            [Line(into, debit=amount), Line(BUYERS, credit=amount, aux=buyer(p["paddle"]))])


@posting("payment_cleared", "BQ")
def _cleared(ledger: Ledger, event: Event):
    p = event.payload
    payment = ledger.payments[p["payment_seq"]]
    source, payment["account"] = payment["account"], CLIENT_ACCOUNT
    amount = payment["amount_cents"]
    return (_day(p["cleared_on"]), f"RG{p['payment_seq']}", f"Encaissement règlement {p['payment_seq']}",
            [Line(CLIENT_ACCOUNT, debit=amount), Line(source, credit=amount)])


@posting("payment_reversed", "BQ")
def _reversed(ledger: Ledger, event: Event):
    p = event.payload
    payment = ledger.payments[p["payment_seq"]]
    amount = payment["amount_cents"]
    return (paris_day(event.at), f"RG{p['payment_seq']}", f"Annulation règlement {p['payment_seq']}",
            [Line(BUYERS, debit=amount, aux=buyer(payment["paddle"])), Line(payment["account"], credit=amount)])


@posting("refund_paid", "BQ")
def _refund(ledger: Ledger, event: Event):
    p = event.payload
    source = CASH if p["means"] == "cash" else CLIENT_ACCOUNT
    return (paris_day(event.at), f"RB{event.seq}", f"Remboursement panneau {p['paddle']}",
            [Line(BUYERS, debit=p["amount_cents"], aux=buyer(p["paddle"])), Line(source, credit=p["amount_cents"])])


@posting("cash_banked", "BQ")
def _banked(ledger: Ledger, event: Event):
    p = event.payload
    total = 0
    for seq in p["payment_seqs"]:
        payment = ledger.payments[seq]
        payment["account"] = CLIENT_ACCOUNT
        total += payment["amount_cents"]
    return (_day(p["banked_on"]), f"RE{p['slip_number']}", f"Remise d'espèces n° {p['slip_number']}",
            [Line(CLIENT_ACCOUNT, debit=total), Line(CASH, credit=total)])


@posting("default_statement_issued", "OD")
def _default_statement(ledger: Ledger, event: Event):
    """A defaulter's statement (R221-38): the shortfall, and the new sale's seller's fees the case bore on
    the lot, are owed to the case; the letters and storage to the office."""
    p = event.payload
    by_case: dict = {}
    for line in p["lines"]:
        by_case[line["case_id"]] = (by_case.get(line["case_id"], 0) + line["shortfall_cents"]
                                    + line["seller_fees_cents"] + line["seller_fees_vat_cents"])
    costs = {cost["kind"]: cost["amount_cents"] for cost in p["costs"]}
    lines = [Line(BUYERS, debit=p["totals"]["owed_cents"], aux=buyer(p["paddle"]))]
    lines += [Line(PROCEEDS, credit=cents, aux=case(case_id)) for case_id, cents in by_case.items() if cents]
    if costs.get("letters"):
        lines.append(Line(RECHARGED, credit=costs["letters"]))
    storage = next((cost for cost in p["costs"] if cost["kind"] == "storage"), {})
    if storage.get("amount_cents"):
        vat = storage.get("vat_cents", 0)       # computed storage carries its VAT, like storage_fee_charged
        lines.append(Line(STORAGE, credit=storage["amount_cents"] - vat))
        if vat:
            lines.append(Line(VAT_FEES, credit=vat))
    if not p["totals"]["owed_cents"]:
        return None
    return (_day(p["issued_on"]), f"DF{p['number']:06d}", f"Décompte de défaut n° {p['number']} panneau {p['paddle']}",
            lines)


@dataclass(frozen=True)
class Journal:
    entries: tuple[Entry, ...]
    names: dict[str, str]

    def balances(self) -> dict[tuple[str, str], int]:
        """(account, aux) → balance, debit positive, in account order."""
        found: dict[tuple[str, str], int] = {}
        for entry in self.entries:
            for line in entry.lines:
                key = (line.account, line.aux)
                found[key] = found.get(key, 0) + line.debit - line.credit
        return dict(sorted(found.items()))

    def account_balances(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for (account, _aux), cents in self.balances().items():
            found[account] = found.get(account, 0) + cents
        return found

    @property
    def debit(self) -> int:
        return sum(entry.debit for entry in self.entries)

    @property
    def credit(self) -> int:
        return sum(entry.credit for entry in self.entries)

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit and all(entry.debit == entry.credit for entry in self.entries)

    @property
    def funds_held_cents(self) -> int:
        balances = self.account_balances()
        return sum(balances.get(account, 0) for account in FUNDS_HELD)

    @property
    def refunds_due_cents(self) -> int:
        return sum(-cents for (account, _aux), cents in self.balances().items() if account == BUYERS and cents < 0)


def build(events: Iterable[Event]) -> Journal:
    """The journal of a sale's settlement log; raises UnbalancedEntry on an event that does not balance."""
    ledger = Ledger()
    entries = []
    for event in events:
        rule = POSTINGS.get(event.kind)
        if rule is None:
            continue
        built = rule.build(ledger, event)
        if built is None:
            continue
        on, piece, label, lines = built
        lines = tuple(line for line in lines if line.debit or line.credit)
        if not lines:
            continue
        entry = Entry(len(entries) + 1, rule.journal, event.seq, event.kind, on, piece, label, lines)
        if entry.debit != entry.credit:
            raise UnbalancedEntry(f"event {event.seq} ({event.kind}): debit {format_euros(entry.debit)} "
                                  f"≠ credit {format_euros(entry.credit)}")
        entries.append(entry)
    return Journal(tuple(entries), ledger.names)


def account_label(account: str) -> str:
    return ACCOUNTS.get(account, account)


def aux_label(names: dict[str, str], aux: str) -> str:
    """The name of an auxiliary account: the buyer's name on the invoice, else the paddle or the case."""
    if not aux:
        return ""
    if aux in names:
        return names[aux]
    return f"Panneau {aux[1:]}" if aux.startswith("P") else f"Dossier {aux[1:]}"


# Later stages' postings register themselves on import (they use `posting` above).
from . import distribution_journal  # noqa: E402,F401  (payouts, deposits at the CDC, a case settled)
