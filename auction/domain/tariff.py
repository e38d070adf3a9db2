"""The regulated tariff of judicial sales (C. com. A444-3), as dated configuration.

Rates change by decree. The project ships the periods it knows (`DEFAULT_TARIFF`); the office can
enter newer ones. The tariff on a day is the period with the latest `effective_from` not after that
day, the office's own periods winning over the shipped ones from the same date.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import DomainError, InvalidValue
from .money import apply_rate


class NoTariff(DomainError):
    code = "no_tariff"


@dataclass(frozen=True)
class Tariff:
    effective_from: date
    term_ends: date | None          # the end of the decree's stated term, when it has one
    buyer_fee_rate: Decimal         # frais acheteur, excl. VAT, per lot on the hammer price
    seller_fee_rate: Decimal        # frais vendeur, excl. VAT, per lot, charged to the proceeds
    seller_fee_minimum_cents: int   # minimum seller's fees per sale
    vat_rate: Decimal               # VAT on the officer's fees
    withdrawn_lot_divisor: int      # a lot withdrawn after being offered pays 1/n of the rate
    vacation_half_hour_cents: int   # time spent, per half hour
    reference: str
    shipped: bool = False           # True for the project's defaults, False for the office's entries

    @property
    def buyer_fee_rate_incl_vat(self) -> Decimal:
        return self.buyer_fee_rate * (1 + self.vat_rate)

    def buyer_fees_cents(self, hammer_cents: int) -> int:
        """Buyer's fees excl. VAT on one lot, rounded to the cent."""
        return apply_rate(hammer_cents, self.buyer_fee_rate)

    def buyer_cost(self, hammer_cents: int) -> "BuyerCost":
        """What a buyer pays for one lot: hammer price, fees excl. VAT, VAT on the fees (each rounded)."""
        fees = self.buyer_fees_cents(hammer_cents)
        return BuyerCost(hammer_cents, fees, apply_rate(fees, self.vat_rate))

    def term_has_passed(self, day: date) -> bool:
        """True when `day` is after the decree's stated term: the office should confirm the rates."""
        return self.term_ends is not None and day > self.term_ends


@dataclass(frozen=True)
class BuyerCost:
    hammer_cents: int
    fees_cents: int       # buyer's fees excl. VAT
    vat_cents: int        # VAT on the fees

    @property
    def total_cents(self) -> int:
        return self.hammer_cents + self.fees_cents + self.vat_cents


DEFAULT_TARIFF: tuple[Tariff, ...] = (
    Tariff(
        effective_from=date(2024, 3, 1),
        term_ends=date(2026, 2, 28),
        buyer_fee_rate=Decimal("0.119"),
        seller_fee_rate=Decimal("0.0496"),
        seller_fee_minimum_cents=4563,
        vat_rate=Decimal("0.20"),
        withdrawn_lot_divisor=6,
        vacation_half_hour_cents=2288,
        reference="C. com. A444-3, taux en vigueur du 1er mars 2024 au 28 février 2026",
        shipped=True,
    ),
)


def tariff_on(day: date, office_periods: Iterable[Tariff] = (), defaults: Iterable[Tariff] = DEFAULT_TARIFF) -> Tariff:
    """The tariff in force on `day`."""
    candidates = [t for t in (*defaults, *office_periods) if t.effective_from <= day]
    if not candidates:
        raise NoTariff(f"Aucun tarif n'est en vigueur au {day:%d/%m/%Y}.")
    # Latest start wins; on the same start the office's entry (shipped=False) wins.
    return max(candidates, key=lambda t: (t.effective_from, not t.shipped))


def validate_period(period: Tariff) -> None:
    """Refuse rates no decree would set: each check names the field at fault."""
    for field, rate in (("buyer_fee_rate", period.buyer_fee_rate), ("seller_fee_rate", period.seller_fee_rate)):
        if not (Decimal(0) < rate < Decimal("0.5")):
            raise InvalidValue("Le taux doit être compris entre 0 et 50 %.", field=field)
    if not (Decimal(0) <= period.vat_rate < Decimal("0.5")):
        raise InvalidValue("Le taux de TVA doit être compris entre 0 et 50 %.", field="vat_rate")
    if period.seller_fee_minimum_cents < 0:
        raise InvalidValue("Le minimum ne peut pas être négatif.", field="seller_fee_minimum_cents")
    if period.vacation_half_hour_cents < 0:
        raise InvalidValue("Le montant ne peut pas être négatif.", field="vacation_half_hour_cents")
    if period.withdrawn_lot_divisor < 1:
        raise InvalidValue("Le diviseur doit être un entier positif.", field="withdrawn_lot_divisor")
    if period.term_ends is not None and period.term_ends < period.effective_from:
        raise InvalidValue("La fin de période précède son début.", field="term_ends")
    if not period.reference.strip():
        raise InvalidValue("Indiquez le texte qui fixe ces taux.", field="reference")
