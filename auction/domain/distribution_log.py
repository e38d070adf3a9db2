"""A sale's distributions, folded from its settlement log (pure): per case, the costs recorded, the
plan as drafted (a frozen snapshot), the procedure's steps, the payouts and the deposits at the
Caisse des dépôts. The payloads written by `auction/services/distribution*.py` are built here too,
so that their shape lives in one place.

Recipients are named `debtor` or `creditor:<id>`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import distribution_procedure as proc
from . import record_copies
from .bidlog import Event
from .distribution import AmountLine, Plan
from .pro_rata import largest_remainder

DISTRIBUTION_KINDS = ("cost_recorded", "plan_drafted", "letter_sent", "letter_received", "contest_recorded",
                      "conciliation_convened", "conciliation_agreed", "disagreement_recorded", "delay_extended",
                      "payout_made", "deposit_with_cdc", "conversion_recorded", "report_issued", "case_settled")
DEPOSIT_DISAGREEMENT = "disagreement"     # R251-8: every share deposited until the judge rules
DEPOSIT_CONSERVATORY = "conservatory"     # R251-5: a conservatory creditor's share, until conversion
NO_PLAN = "Établissez d'abord le projet de répartition de ce dossier."


def creditor_key(creditor_id: int) -> str:
    return f"creditor:{creditor_id}"


def _day(text: str) -> date:
    return date.fromisoformat(text)


@dataclass
class CaseLog:
    case_id: int
    costs: list[AmountLine] = field(default_factory=list)
    plan: dict[str, Any] | None = None          # the latest `plan_drafted` payload
    plan_seq: int | None = None
    steps: list[proc.Event] = field(default_factory=list)
    payouts: list[dict[str, Any]] = field(default_factory=list)
    deposits: list[dict[str, Any]] = field(default_factory=list)
    contests: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    conversions: list[dict[str, Any]] = field(default_factory=list)   # conservatory shares released
    settled_on: date | None = None              # `case_settled`: nothing more goes out for this case

    @property
    def paid_cents(self) -> dict[str, int]:
        """Recipient → what the payouts and deposits of its share already settled."""
        found: dict[str, int] = {}
        for payout in self.payouts:
            found[payout["recipient"]] = found.get(payout["recipient"], 0) + payout["amount_cents"]
        for deposit in self.deposits:
            for recipient, cents in deposit["shares"].items():
                found[recipient] = found.get(recipient, 0) + cents
        return found

    def due_cents(self) -> dict[str, int]:
        """Recipient → what the drafted plan gives it (the debtor's surplus included)."""
        if self.plan is None:
            return {}
        due = {creditor_key(s["creditor_id"]): 0 for s in self.plan["shares"]}
        for share in self.plan["shares"]:
            due[creditor_key(share["creditor_id"])] += share["share_cents"]
        due[proc.DEBTOR] = self.plan["debtor_cents"]
        return {recipient: cents for recipient, cents in due.items() if cents}

    def awaiting_conversion(self) -> dict[str, int]:
        """Recipient → what the Caisse des dépôts holds of a conservatory creditor's share (after the
        deposit's fee it bore), not yet paid to it on its conversion act."""
        held: dict[str, int] = {}
        for deposit in self.deposits:
            if deposit["reason"] != DEPOSIT_CONSERVATORY:
                continue
            for recipient, cents in conservatory_held(deposit).items():
                held[recipient] = held.get(recipient, 0) + cents
        for conversion in self.conversions:
            held[conversion["recipient"]] = held.get(conversion["recipient"], 0) - conversion["amount_cents"]
        return {r: cents for r, cents in held.items() if cents > 0}

    def outstanding_cents(self) -> dict[str, int]:
        paid = self.paid_cents
        return {r: cents - paid.get(r, 0) for r, cents in self.due_cents().items() if cents > paid.get(r, 0)}


def fold(events: Iterable[Event]) -> dict[int, CaseLog]:
    """Case id → its distribution, from a sale's settlement log in order."""
    cases: dict[int, CaseLog] = {}
    for event in events:
        p = event.payload
        if event.kind == record_copies.KIND and p.get("case_id") is not None:
            # A copy of the sale record charged to a case: a cost of the sale (A444-6).
            cases.setdefault(p["case_id"], CaseLog(p["case_id"])).costs.append(
                AmountLine(record_copies.cost_label(p), p["fee_cents"], record_copies.ARTICLE))
            continue
        if event.kind not in DISTRIBUTION_KINDS:
            continue
        case = cases.setdefault(p["case_id"], CaseLog(p["case_id"]))
        match event.kind:
            case "cost_recorded":
                case.costs.append(AmountLine(p["label"], p["cents"], p.get("reference", "")))
            case "plan_drafted":
                case.plan, case.plan_seq = p, event.seq
            case "letter_sent":
                case.steps.append(proc.PlanSent(_day(p["sent_on"]), tuple(p["recipients"])))
            case "letter_received":
                case.steps.append(proc.LetterReceived(p["recipient"], _day(p["received_on"])))
            case "contest_recorded":
                case.steps.append(proc.ContestFiled(p["recipient"], _day(p["on"])))
                case.contests.append(p)
            case "conciliation_convened":
                case.steps.append(proc.ConciliationConvened(_day(p["on"]), _day(p["meeting_on"])))
            case "conciliation_agreed":
                case.steps.append(proc.ConciliationAgreed(_day(p["on"])))
            case "disagreement_recorded":
                case.steps.append(proc.DisagreementRecorded(_day(p["on"])))
            case "delay_extended":
                case.steps.append(proc.DelaysExtended(_day(p["on"]), _day(p["until"]), tuple(p["agreed_by"])))
            case "payout_made":
                case.payouts.append(p)
                _paid_when_settled(case, _day(p["paid_on"]))
            case "deposit_with_cdc":
                case.deposits.append(p)
                if p["reason"] == DEPOSIT_DISAGREEMENT:
                    case.steps.append(proc.DepositedWithCdc(_day(p["on"])))
                else:
                    _paid_when_settled(case, _day(p["on"]))
            case "conversion_recorded":
                case.conversions.append(p)
            case "report_issued":
                case.reports.append(p)
            case "case_settled":
                case.settled_on = _day(p["on"])
                if not any(isinstance(s, (proc.Paid, proc.DepositedWithCdc)) for s in case.steps):
                    case.steps.append(proc.Paid(case.settled_on))     # a plan with nothing to pay out
    return cases


def planned_case(events: Iterable[Event], case_id: int) -> CaseLog:
    """The case's distribution once its plan is drafted: what a step after the plan starts from
    (StepRefused before the plan)."""
    case = fold(events).get(case_id)
    if case is None or case.plan is None:
        raise proc.StepRefused(NO_PLAN)
    return case


def _paid_when_settled(case: CaseLog, on: date) -> None:
    """The plan is paid once every share and the surplus went out (to their owner or the CDC)."""
    if case.plan is not None and not case.outstanding_cents() and not any(isinstance(s, proc.Paid) for s in case.steps):
        case.steps.append(proc.Paid(on))


def state_of(case: CaseLog | None, *, sale_day: date, single_creditor: bool, today: date) -> proc.ProcedureState:
    return proc.procedure_state(sale_day=sale_day, single_creditor=single_creditor,
                                events=case.steps if case else (), today=today)


# --- payloads --------------------------------------------------------------------------------------

def plan_payload(plan: Plan, *, drafted_on: date, interest_to: date, seller_fees_vat_cents: int,
                 verification_on: date | None) -> dict[str, Any]:
    """The frozen snapshot of a drafted plan: amounts in cents, days in ISO."""
    return {
        "case_id": plan.case_id, "drafted_on": drafted_on.isoformat(), "interest_to": interest_to.isoformat(),
        "verification_on": verification_on.isoformat() if verification_on else None,
        "proceeds_cents": plan.proceeds_cents, "seller_fees_cents": plan.seller_fees_cents,
        "seller_fees_vat_cents": seller_fees_vat_cents, "costs_cents": plan.costs_cents,
        "uncovered_cents": plan.uncovered_cents, "distributable_cents": plan.distributable_cents,
        "debtor_cents": plan.debtor_cents, "single_creditor": plan.single_creditor,
        "costs": [{"label": c.label, "cents": c.cents, "reference": c.reference} for c in plan.costs],
        "ranks": [{"rank": r.rank, "kind": str(r.kind), "order": r.order, "late": r.late, "label": r.label,
                   "claimed_cents": r.claimed_cents, "paid_cents": r.paid_cents} for r in plan.ranks],
        "shares": [{"claim_id": s.claim.claim_id, "creditor_id": s.claim.creditor_id, "name": s.claim.name,
                    "rank": s.rank, "kind": str(s.claim.kind), "order": s.claim.order, "late": s.late,
                    "conservatory": s.claim.conservatory, "principal_cents": s.claim.principal_cents,
                    "interest_cents": s.claim.interest_cents, "costs_cents": s.claim.costs_cents,
                    "claim_cents": s.claim_cents, "share_cents": s.share_cents} for s in plan.shares],
    }


def deposit_payload(case_id: int, on: date, reason: str, shares: dict[str, int], *, fee_cents: int,
                    fee_vat_cents: int, reference: str = "") -> dict[str, Any]:
    """A deposit at the Caisse des dépôts (R251-5, R251-8) of these shares (recipient → cents), with
    its fee (A444-7, per deposit, and the VAT on it) taken from the sums deposited, borne by the shares
    pro rata (largest remainder) and never beyond them. `shares` is what the deposit settles of each
    share; `amount_cents` what the CDC receives."""
    gross = sum(shares.values())
    fee = min(fee_cents, gross)
    vat = min(fee_vat_cents, gross - fee)
    borne = largest_remainder(fee + vat, shares) if gross else {}
    return {"case_id": case_id, "on": on.isoformat(), "reason": reason, "shares": dict(shares),
            "fee_cents": fee, "fee_vat_cents": vat, "fees_borne": {r: c for r, c in borne.items() if c},
            "amount_cents": gross - fee - vat, "reference": reference}


def conservatory_held(deposit: dict[str, Any]) -> dict[str, int]:
    """Recipient → what a deposit put with the CDC for it: its share less the part of the fee it bore."""
    borne = deposit.get("fees_borne", {})
    return {r: cents - borne.get(r, 0) for r, cents in deposit["shares"].items() if cents - borne.get(r, 0) > 0}


def conversion_payload(case_id: int, recipient: str, name: str, on: date, reference: str,
                       amount_cents: int) -> dict[str, Any]:
    """R251-5: a conservatory creditor's conversion act (date, reference); the Caisse des dépôts then
    pays it what it holds of its share."""
    return {"case_id": case_id, "recipient": recipient, "name": name, "on": on.isoformat(), "reference": reference,
            "amount_cents": amount_cents}


def summary(case_id: int, plan: dict[str, Any], status: str) -> dict[str, Any]:
    """One case of `criee distribution SALE --json` (the issue's shape, and a few more keys)."""
    creditors: dict[tuple[int, int], dict[str, Any]] = {}
    for share in plan["shares"]:
        key = (share["rank"], share["creditor_id"])
        entry = creditors.setdefault(key, {"creditor_id": share["creditor_id"], "name": share["name"],
                                           "rank": share["rank"], "claim_cents": 0, "share_cents": 0,
                                           "kind": share["kind"], "late": share["late"]})
        entry["claim_cents"] += share["claim_cents"]
        entry["share_cents"] += share["share_cents"]
    return {
        "case_id": case_id, "proceeds_cents": plan["proceeds_cents"], "seller_fees_cents": plan["seller_fees_cents"],
        "costs_cents": plan["costs_cents"], "distributable_cents": plan["distributable_cents"],
        "debtor_cents": plan["debtor_cents"], "status": status,
        "creditors": [creditors[key] for key in sorted(creditors)],
    }
