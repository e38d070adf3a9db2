"""The distribution of a case's proceeds among its creditors (CPCE L221-4 to L221-6, R251-1 to
R251-11; C. civ. 2331, 2332-1, 2285; CGI 1920).

What is distributed is the case's proceeds (paid hammer prices, resale results) less the seller's
fees (`seller_fees.py`) and the costs of the seizure and sale (the costs statement, R251-11). The
claims are then paid rank by rank, each rank in full before the next:

1. costs of justice,
2. privileged claims, in their legal order (`order`: 1 first; the Trésor's privilege on movables,
   CGI 1920, ranks very high),
3. secured claims (a pledge published and declared in time), in their order,
4. unsecured claims,

and then the creditors who came forward after the verification act (L221-5, R221-41), in the same
order among themselves, on what is left. Within a rank the claims share pro rata to their amounts
("au marc l'euro"), to the cent, by largest remainder, so that the shares add up exactly; no claim
gets more than its amount. The debtor gets what is left once every admitted claim is paid.

A case with a single creditor is paid without a plan or a contest period (R251-1).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .errors import InvalidValue
from .pro_rata import largest_remainder


class RankKind(StrEnum):
    COSTS_OF_JUSTICE = "costs_of_justice"
    PRIVILEGED = "privileged"
    SECURED = "secured"
    UNSECURED = "unsecured"


KIND_ORDER = {RankKind.COSTS_OF_JUSTICE: 0, RankKind.PRIVILEGED: 1, RankKind.SECURED: 2, RankKind.UNSECURED: 3}
KIND_LABELS = {
    RankKind.COSTS_OF_JUSTICE: "Frais de justice",
    RankKind.PRIVILEGED: "Créance privilégiée",
    RankKind.SECURED: "Créance garantie (gage)",
    RankKind.UNSECURED: "Créance chirographaire",
}
ORDERED_KINDS = (RankKind.PRIVILEGED, RankKind.SECURED)   # the kinds whose `order` separates ranks


@dataclass(frozen=True)
class AmountLine:
    """One line of the proceeds or of the costs statement."""
    label: str
    cents: int
    reference: str = ""       # the act, the tariff article (A444-6 copies, A444-7 deposits…)


@dataclass(frozen=True)
class Claim:
    claim_id: int
    creditor_id: int
    name: str
    principal_cents: int
    interest_cents: int
    costs_cents: int
    kind: RankKind
    order: int = 1                          # legal order within the privileged or secured claims
    came_forward_on: date | None = None     # the seizure or opposition act
    conservatory: bool = False              # a conservatory seizure: the share waits at the CDC

    @property
    def claim_cents(self) -> int:
        return self.principal_cents + self.interest_cents + self.costs_cents


@dataclass(frozen=True)
class CaseFunds:
    case_id: int
    proceeds: tuple[AmountLine, ...]
    seller_fees_cents: int
    costs: tuple[AmountLine, ...]
    claims: tuple[Claim, ...]
    verification_on: date | None = None     # the verification act (R221-36)


@dataclass(frozen=True)
class Share:
    claim: Claim
    rank: int             # 1 is paid first
    late: bool            # came forward after the verification act
    share_cents: int

    @property
    def claim_cents(self) -> int:
        return self.claim.claim_cents

    @property
    def remaining_cents(self) -> int:
        """What the creditor is still owed on this claim after the distribution."""
        return self.claim.claim_cents - self.share_cents

    @property
    def deposited(self) -> bool:
        """A conservatory creditor's share is deposited at the Caisse des dépôts until conversion."""
        return self.claim.conservatory and self.share_cents > 0


@dataclass(frozen=True)
class Rank:
    rank: int
    kind: RankKind
    order: int
    late: bool
    claimed_cents: int
    paid_cents: int

    @property
    def label(self) -> str:
        text = KIND_LABELS[self.kind]
        if self.kind in ORDERED_KINDS:
            text += f" (rang {self.order})"
        return text + (" — créanciers tardifs" if self.late else "")

    @property
    def paid_in_full(self) -> bool:
        return self.paid_cents == self.claimed_cents


@dataclass(frozen=True)
class Plan:
    case_id: int
    proceeds_cents: int
    seller_fees_cents: int        # taken from the proceeds
    costs_cents: int              # taken from the proceeds
    uncovered_cents: int          # fees and costs the proceeds could not pay
    distributable_cents: int
    ranks: tuple[Rank, ...]
    shares: tuple[Share, ...]     # by rank, then claim id
    debtor_cents: int
    costs: tuple[AmountLine, ...] = field(default=())

    @property
    def creditor_ids(self) -> set[int]:
        return {s.claim.creditor_id for s in self.shares}

    @property
    def single_creditor(self) -> bool:
        """R251-1: one creditor is paid within the month, without a plan or a contest period."""
        return len(self.creditor_ids) <= 1

    @property
    def shares_cents(self) -> int:
        return sum(s.share_cents for s in self.shares)

    @property
    def deposited_cents(self) -> int:
        return sum(s.share_cents for s in self.shares if s.deposited)

    @property
    def every_claim_paid(self) -> bool:
        return all(s.remaining_cents == 0 for s in self.shares)


def is_late(claim: Claim, verification_on: date | None) -> bool:
    """L221-5, R221-41: a creditor who came forward after the verification act is late. An act of the
    same day counts as before it (the officer records the act's day, not its hour)."""
    return (verification_on is not None and claim.came_forward_on is not None
            and claim.came_forward_on > verification_on)


def rank_key(claim: Claim, late: bool) -> tuple[bool, int, int]:
    return late, KIND_ORDER[claim.kind], claim.order if claim.kind in ORDERED_KINDS else 0


def validate(funds: CaseFunds) -> None:
    for line in (*funds.proceeds, *funds.costs):
        if line.cents < 0:
            raise InvalidValue(f"Le montant de « {line.label} » ne peut pas être négatif.", field="cents")
    if funds.seller_fees_cents < 0:
        raise InvalidValue("Les frais vendeur ne peuvent pas être négatifs.", field="seller_fees_cents")
    seen: set[int] = set()
    for claim in funds.claims:
        if claim.claim_id in seen:
            raise InvalidValue(f"La créance n° {claim.claim_id} figure deux fois.", field="claim_id")
        seen.add(claim.claim_id)
        for name in ("principal_cents", "interest_cents", "costs_cents"):
            if getattr(claim, name) < 0:
                raise InvalidValue(f"La créance de {claim.name} a un montant négatif.", field=name)
        if claim.order < 1:
            raise InvalidValue(f"Le rang de la créance de {claim.name} doit être un entier positif.", field="order")


def draft_plan(funds: CaseFunds) -> Plan:
    """The distribution of one case: every cent of the proceeds is accounted for, exactly once."""
    validate(funds)
    proceeds = sum(line.cents for line in funds.proceeds)
    fees = min(funds.seller_fees_cents, proceeds)
    costs_owed = sum(line.cents for line in funds.costs)
    costs = min(costs_owed, proceeds - fees)
    uncovered = funds.seller_fees_cents - fees + costs_owed - costs
    left = distributable = proceeds - fees - costs

    groups: dict[tuple[bool, int, int], list[Claim]] = {}
    for claim in funds.claims:
        groups.setdefault(rank_key(claim, is_late(claim, funds.verification_on)), []).append(claim)

    ranks: list[Rank] = []
    shares: list[Share] = []
    for number, key in enumerate(sorted(groups), start=1):
        claims = sorted(groups[key], key=lambda c: c.claim_id)
        claimed = sum(c.claim_cents for c in claims)
        if left >= claimed:
            paid = {c.claim_id: c.claim_cents for c in claims}
        else:
            paid = largest_remainder(left, {c.claim_id: c.claim_cents for c in claims})
        late, _kind_order, order = key
        ranks.append(Rank(number, claims[0].kind, order or 1, late, claimed, sum(paid.values())))
        shares.extend(Share(c, number, late, paid[c.claim_id]) for c in claims)
        left -= sum(paid.values())
    return Plan(funds.case_id, proceeds, fees, costs, uncovered, distributable, tuple(ranks),
                tuple(shares), left, funds.costs)


def draft_plans(cases: Iterable[CaseFunds]) -> list[Plan]:
    return [draft_plan(case) for case in sorted(cases, key=lambda c: c.case_id)]
