"""Resale on default (réitération des enchères, CPCE R221-38): the buyer who does not pay.

The price is payable at once; a buyer who does not pay is sent a **formal notice** (mise en demeure:
the lots, the amount, the deadline the office chooses, eight days by default, and what follows).
Once that deadline has passed unpaid, the officer **declares the default** (a recorded act: the
date, the lots, the amount unpaid); a payment covering the lots before then ends the procedure. The
lot is then **put up again**, in the same sale while it is open or in a later one (keeping its case),
and once it is sold again the defaulter is sent a statement of what is owed (the shortfall and the
costs, less what was paid before the default): `auction.domain.default_statements`.

Everything here is folded from the sale's settlement log (`formal_notice_sent`, `default_declared`,
`lot_put_up_again`, `default_statement_issued`) and, for the resale's outcome, the bid log of the
sale the lot was sold again in (the caller passes it as `Resale`s). Amounts are integer cents.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .bidlog import Event
from .buyer_accounts import account_of
from .deadlines import days_after
from .errors import DomainError, InvalidValue

NOTICE_DAYS = 8                   # the office's default delay to pay after the formal notice
NOTICE_DAYS_RANGE = (1, 60)
RESALE_MENTION = "remis en vente sur réitération des enchères"
BLOCK_REASON = "bloqué après défaut de paiement"
# How a notice is sent: the code in the payload, the words of the letter.
NOTICE_MEANS = {
    "registered_letter": "lettre recommandée avec demande d'avis de réception",
    "email": "courrier électronique",
    "hand": "remise en main propre contre récépissé",
    "served": "acte de commissaire de justice",
}
CONSEQUENCES = (
    "À défaut de paiement dans ce délai, le défaut de paiement sera constaté et les lots seront remis en "
    "vente sur réitération des enchères (CPCE R221-38), à vos risques : vous resterez tenu de la différence "
    "entre votre prix et le nouveau prix s'il est inférieur, et des frais du défaut et de la nouvelle vente "
    "(lettres, frais vendeur de la nouvelle adjudication, magasinage). Un prix supérieur ne vous profite "
    "pas. Vous ne pourrez plus vous inscrire aux ventes de l'étude.")


class DefaultError(DomainError):
    code = "default_error"


class NothingUnpaid(DefaultError):
    code = "nothing_unpaid"


class ProcedureOpen(DefaultError):
    code = "procedure_open"


class NoticeRunning(DefaultError):
    code = "notice_running"


class NoticeEnded(DefaultError):
    code = "notice_ended"


class UnknownProcedure(DefaultError):
    code = "unknown_procedure"


class NotInDefault(DefaultError):
    code = "not_in_default"


class NotResold(DefaultError):
    code = "not_resold"


class StatementIssued(DefaultError):
    code = "statement_issued"


# --- what the log holds --------------------------------------------------------------------------

@dataclass(frozen=True)
class DefaultedLot:
    """One lot of a notice or a default act, as the first invoice had it."""
    lot_id: int
    label: str
    title: str
    case_id: int
    hammer_cents: int
    total_cents: int     # what the buyer owed for it: hammer, fees and their VAT

    def payload(self) -> dict[str, Any]:
        return {"lot_id": self.lot_id, "label": self.label, "title": self.title, "case_id": self.case_id,
                "hammer_cents": self.hammer_cents, "total_cents": self.total_cents}

    @classmethod
    def of(cls, p: Mapping[str, Any]) -> "DefaultedLot":
        return cls(p["lot_id"], p["label"], p["title"], p["case_id"], p["hammer_cents"], p["total_cents"])


@dataclass(frozen=True)
class FormalNotice:
    seq: int
    paddle: int
    registration_id: int
    lots: tuple[DefaultedLot, ...]
    amount_cents: int        # unpaid when it was sent
    sent_on: date
    means: str
    days: int
    deadline_on: date        # the last day to pay
    cost_cents: int          # the letter's cost, a cost of the default


@dataclass(frozen=True)
class DefaultAct:
    seq: int
    paddle: int
    registration_id: int
    notice_seq: int
    declared_on: date
    lots: tuple[DefaultedLot, ...]
    unpaid_cents: int
    paid_cents: int          # what the buyer had paid for these lots: kept against what is owed


@dataclass(frozen=True)
class PutUpAgain:
    """A lot in default placed in a later sale's catalogue (settlement event `lot_put_up_again`)."""
    seq: int
    lot_id: int
    default_seq: int
    sale_id: int
    new_lot_id: int
    on: date


@dataclass(frozen=True)
class Resale:
    """Where a lot in default was offered again, and its new hammer price once sold (from that
    sale's bid log: the same lot in the same sale, or its new row in a later sale)."""
    lot_id: int
    sale_id: int
    new_lot_id: int
    hammer_cents: int | None = None
    paddle: int | None = None
    sold_on: date | None = None      # the day of the new hammer (Europe/Paris): the lot leaves the store

    @property
    def sold(self) -> bool:
        return self.hammer_cents is not None


@dataclass
class Procedure:
    """One buyer's default procedure, from the notice on."""
    notice: FormalNotice
    act: DefaultAct | None = None
    placements: dict[int, PutUpAgain] = field(default_factory=dict)   # lot id -> later sale placement
    statement_seq: int | None = None
    statement: dict[str, Any] | None = None
    superseded: bool = False      # a later notice for its lots replaced it (it was never declared)

    @property
    def lot_ids(self) -> tuple[int, ...]:
        return tuple(lot.lot_id for lot in (self.act.lots if self.act else self.notice.lots))


def _day(text: str) -> date:
    return date.fromisoformat(text)


def procedures(events: Iterable[Event]) -> list[Procedure]:
    """Every default procedure of a sale's settlement log, in the order the notices were sent (those
    a later notice replaced are marked `superseded`)."""
    found: list[Procedure] = []
    by_notice: dict[int, Procedure] = {}
    by_act: dict[int, Procedure] = {}
    for event in events:
        p = event.payload
        if event.kind == "formal_notice_sent":
            notice = FormalNotice(event.seq, p["paddle"], p["registration_id"],
                                  tuple(DefaultedLot.of(lot) for lot in p["lots"]), p["amount_cents"],
                                  _day(p["sent_on"]), p["means"], p["days"], _day(p["deadline_on"]),
                                  p.get("cost_cents", 0))
            for earlier in found:
                if earlier.act is None and set(earlier.lot_ids) & {lot.lot_id for lot in notice.lots}:
                    earlier.superseded = True
            by_notice[event.seq] = procedure = Procedure(notice)
            found.append(procedure)
        elif event.kind == "default_declared":
            procedure = by_notice[p["notice_seq"]]
            procedure.act = DefaultAct(event.seq, p["paddle"], p["registration_id"], p["notice_seq"],
                                       _day(p["declared_on"]), tuple(DefaultedLot.of(lot) for lot in p["lots"]),
                                       p["unpaid_cents"], p["paid_cents"])
            by_act[event.seq] = procedure
        elif event.kind == "lot_put_up_again":
            by_act[p["default_seq"]].placements[p["lot_id"]] = PutUpAgain(
                event.seq, p["lot_id"], p["default_seq"], p["sale_id"], p["new_lot_id"], _day(p["on"]))
        elif event.kind == "default_statement_issued":
            procedure = by_act[p["default_seq"]]
            procedure.statement_seq, procedure.statement = event.seq, p
    return found


# --- where a procedure stands --------------------------------------------------------------------

def notice_status(procedure: Procedure, unpaid_cents: int, today: date) -> str:
    """`running` (the deadline is ahead), `paid` (a payment ended it), `overdue` (the default may be
    declared), `declared`, `stated` (the statement of what is owed is issued)."""
    if procedure.statement is not None:
        return "stated"
    if procedure.act is not None:
        return "declared"
    if unpaid_cents <= 0:
        return "paid"
    return "overdue" if today > procedure.notice.deadline_on else "running"


def open_procedure(found: Iterable[Procedure], lot_ids: Iterable[int], unpaid_cents: int,
                   today: date) -> Procedure | None:
    """The procedure that forbids a new notice on any of these lots: one whose deadline is still
    running, or a declared default. A notice ended by a payment, or overdue and never declared
    (the office may send a new one, which replaces it), does not."""
    wanted = set(lot_ids)
    for procedure in found:
        if (not procedure.superseded and wanted & set(procedure.lot_ids)
                and notice_status(procedure, unpaid_cents, today) in ("running", "declared", "stated")):
            return procedure
    return None


def notice_deadline(sent_on: date, days: int = NOTICE_DAYS) -> date:
    """The last day to pay: `days` days after the sending (CPC 641, 642: the next working day when
    it falls on a weekend or a holiday)."""
    return days_after(sent_on, days)


def formal_notice(found: list[Procedure], paddle: int, registration_id: int, lots: Iterable[DefaultedLot],
                  unpaid_cents: int, sent_on: date, means: str, days: int = NOTICE_DAYS,
                  cost_cents: int = 0, *, today: date) -> dict[str, Any]:
    """The payload of `formal_notice_sent`, or why it may not be sent."""
    lots = tuple(lots)
    if not lots:
        raise NothingUnpaid("Cet adjudicataire n'a aucun lot facturé à régler.")
    if unpaid_cents <= 0:
        raise NothingUnpaid("Cet adjudicataire a tout réglé : il n'y a rien à mettre en demeure.")
    if means not in NOTICE_MEANS:
        raise InvalidValue("Choisissez le mode d'envoi.", field="means")
    low, high = NOTICE_DAYS_RANGE
    if not (low <= days <= high):
        raise InvalidValue(f"Le délai est de {low} à {high} jours.", field="days")
    if cost_cents < 0:
        raise InvalidValue("Le coût de la lettre ne peut pas être négatif.", field="cost_cents")
    if sent_on > today:
        raise InvalidValue("La date d'envoi ne peut pas être dans le futur.", field="sent_on")
    running = open_procedure(found, (lot.lot_id for lot in lots), unpaid_cents, today)
    if running is not None:
        raise ProcedureOpen(f"Une mise en demeure du {running.notice.sent_on:%d/%m/%Y} est déjà en cours "
                            "pour ces lots.")
    return {"paddle": paddle, "registration_id": registration_id, "lot_ids": [lot.lot_id for lot in lots],
            "lots": [lot.payload() for lot in lots],
            "amount_cents": unpaid_cents, "sent_on": sent_on.isoformat(), "means": means, "days": days,
            "deadline_on": notice_deadline(sent_on, days).isoformat(), "cost_cents": cost_cents}


def declare_default(procedure: Procedure, unpaid_cents: int, today: date) -> dict[str, Any]:
    """The payload of `default_declared` (the default act): only once the notice's deadline has
    passed with the lots still unpaid."""
    status = notice_status(procedure, unpaid_cents, today)
    notice = procedure.notice
    if procedure.superseded:
        raise NoticeEnded("Une mise en demeure plus récente a remplacé celle-ci.")
    if status in ("declared", "stated"):
        raise ProcedureOpen(f"Le défaut de paiement est déjà constaté (le {procedure.act.declared_on:%d/%m/%Y}).")
    if status == "paid":
        raise NoticeEnded("Un paiement a couvert les lots pendant le délai : la procédure est terminée.")
    if status == "running":
        raise NoticeRunning(f"Le délai de la mise en demeure court jusqu'au {notice.deadline_on:%d/%m/%Y} "
                            "inclus : le défaut ne peut être constaté qu'après.")
    lots_total = sum(lot.total_cents for lot in notice.lots)
    unpaid = min(unpaid_cents, lots_total)
    return {"paddle": notice.paddle, "registration_id": notice.registration_id, "notice_seq": notice.seq,
            "declared_on": today.isoformat(), "lot_ids": [lot.lot_id for lot in notice.lots],
            "lots": [lot.payload() for lot in notice.lots],
            "unpaid_cents": unpaid, "paid_cents": lots_total - unpaid}


def in_default(procedure: Procedure, lot_id: int) -> DefaultedLot:
    """The lot of a declared default, or why it is not one."""
    if procedure.act is None:
        raise NotInDefault("Le défaut de paiement n'est pas constaté pour ce lot.")
    lot = next((lot for lot in procedure.act.lots if lot.lot_id == lot_id), None)
    if lot is None:
        raise NotInDefault("Ce lot n'est pas compris dans l'acte de défaut.")
    return lot


def put_up_again(found: Iterable[Procedure], lot_id: int, default_seq: int, sale_id: int, new_lot_id: int,
                 on: date) -> dict[str, Any]:
    """The payload of `lot_put_up_again`: a lot in default joins a later sale's catalogue."""
    procedure = next((p for p in found if p.act is not None and p.act.seq == default_seq), None)
    if procedure is None:
        raise UnknownProcedure("Acte de défaut introuvable.")
    in_default(procedure, lot_id)
    if lot_id in procedure.placements:
        raise ProcedureOpen("Ce lot est déjà remis en vente dans une autre vente.")
    if procedure.statement is not None:
        raise StatementIssued("Le décompte du défaillant est déjà établi.")
    return {"lot_id": lot_id, "default_seq": default_seq, "sale_id": sale_id, "new_lot_id": new_lot_id,
            "on": on.isoformat()}


def lots_in_default(found: Iterable[Procedure]) -> dict[int, Procedure]:
    """Lot id -> its declared default procedure (a sale's lots in default)."""
    return {lot.lot_id: procedure for procedure in found if procedure.act is not None
            for lot in procedure.act.lots}


def counts_in_proceeds(lot_id: int, defaulted: Iterable[int], resold_here: Iterable[int]) -> bool:
    """Whether a lot's hammer price counts in its case's proceeds in this sale (the room's stop rule,
    L221-4, and the distribution): a lot in default (`defaulted`: this sale's lots whose default is
    declared) counts only once it is sold again here (`resold_here`), at its new price. A lot put up
    again in a later sale counts there, as a lot of that sale (same case); any other lot counts."""
    return lot_id not in set(defaulted) or lot_id in set(resold_here)


def recovered_by_case(events: list[Event]) -> dict[int, list[tuple[str, int]]]:
    """Case id -> what the defaulters' statements brought to the case once paid in full (the buyer's
    account settled): the shortfall, and the new sale's seller's fees the case bore on the lot. The
    distribution counts them in the case's proceeds."""
    found: dict[int, list[tuple[str, int]]] = {}
    for event in events:
        if event.kind != "default_statement_issued" or account_of(events, event.payload["paddle"]).balance_cents > 0:
            continue
        for line in event.payload["lines"]:
            cents = line["shortfall_cents"] + line["seller_fees_cents"] + line["seller_fees_vat_cents"]
            if cents:
                found.setdefault(line["case_id"], []).append(
                    (f"Lot {line['label']} — dû par le défaillant (réitération des enchères)", cents))
    return found
