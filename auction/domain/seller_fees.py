"""The seller's fees charged to the proceeds (C. com. A444-3), per case (one seller per case).

Per lot: the tariff's seller rate, VAT included, on the hammer price, rounded to the cent (the same
rule as the room's stop threshold, L221-4); the part excluding VAT is the rate excluding VAT on the
same price, rounded, and the VAT is the difference. A case's fees are the sum of its lots'.

The sale's minimum (45.63 € excl. VAT in the 2024 tariff) is for the whole sale: when the lots'
fees excl. VAT add up to less, the minimum is shared among the sellers in proportion to their
hammer totals (largest remainder, `pro_rata.largest_remainder`), and each seller's VAT is the VAT
rate on its share, rounded.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidValue
from .money import apply_rate
from .pro_rata import largest_remainder
from .tariff import Tariff


@dataclass(frozen=True)
class SoldLot:
    case_id: int
    lot_id: int
    hammer_cents: int       # the price that went to the proceeds (the resale price after a default)


@dataclass(frozen=True)
class SellerFees:
    case_id: int
    hammer_cents: int       # the case's hammer total
    fees_cents: int         # excl. VAT
    vat_cents: int
    minimum_applied: bool   # the sale's minimum replaced the per-lot fees

    @property
    def total_cents(self) -> int:
        return self.fees_cents + self.vat_cents


def lot_seller_fees(hammer_cents: int, tariff: Tariff) -> tuple[int, int]:
    """(fees excl. VAT, VAT) on one lot, each rounded."""
    if hammer_cents < 0:
        raise InvalidValue("Un prix d'adjudication ne peut pas être négatif.", field="hammer_cents")
    incl = apply_rate(hammer_cents, tariff.seller_fee_rate * (1 + tariff.vat_rate))
    excl = apply_rate(hammer_cents, tariff.seller_fee_rate)
    return excl, incl - excl


def seller_fees(lots: Iterable[SoldLot], tariff: Tariff) -> dict[int, SellerFees]:
    """Each case's seller's fees for one sale's sold lots (a case with nothing sold owes nothing)."""
    hammer: dict[int, int] = {}
    fees: dict[int, int] = {}
    vat: dict[int, int] = {}
    for lot in lots:
        excl, lot_vat = lot_seller_fees(lot.hammer_cents, tariff)
        hammer[lot.case_id] = hammer.get(lot.case_id, 0) + lot.hammer_cents
        fees[lot.case_id] = fees.get(lot.case_id, 0) + excl
        vat[lot.case_id] = vat.get(lot.case_id, 0) + lot_vat
    total_hammer = sum(hammer.values())
    if total_hammer == 0 or sum(fees.values()) >= tariff.seller_fee_minimum_cents:
        return {case: SellerFees(case, hammer[case], fees[case], vat[case], False) for case in sorted(hammer)}
    shares = share_minimum(tariff.seller_fee_minimum_cents, hammer)
    return {case: SellerFees(case, hammer[case], shares[case], apply_rate(shares[case], tariff.vat_rate), True)
            for case in sorted(hammer)}


def share_minimum(minimum_cents: int, hammer_by_case: dict[int, int]) -> dict[int, int]:
    """The sale's minimum fees excl. VAT shared among the sellers pro rata to their hammer totals."""
    return largest_remainder(minimum_cents, hammer_by_case)
