"""The regulated tariff of judicial sales (C. com. A444-3 to A444-9), as dated configuration.

Rates change by decree. The project ships the periods it knows (`DEFAULT_TARIFF`); the office can
enter newer ones. The tariff on a day is the period with the latest `effective_from` not after that
day, the office's own periods winning over the shipped ones from the same date.

A period whose decree states a term is in force up to that term only. For a later day no rate is
presented as in force (`lookup` says they await confirmation, `tariff_on` raises `TariffUnconfirmed`)
until the officer confirms the rates for it: a new period, or the renewal of the last one (the same
amounts from a new date, `renewal_of`), each with the text that sets them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from .errors import DomainError, InvalidValue
from .money import apply_rate, format_euros, format_rate

HALF_HOUR = timedelta(minutes=30)


class NoTariff(DomainError):
    code = "no_tariff"


class TariffUnconfirmed(NoTariff):
    """The day is after the last period's term: its rates are not in force until the officer confirms them."""

    code = "tariff_unconfirmed"

    def __init__(self, message: str, last: "Tariff"):
        super().__init__(message)
        self.last = last


@dataclass(frozen=True)
class Tariff:
    effective_from: date
    term_ends: date | None          # the end of the decree's stated term, when it has one
    buyer_fee_rate: Decimal         # frais acheteur, excl. VAT, per lot on the hammer price
    seller_fee_rate: Decimal        # frais vendeur, excl. VAT, per lot, charged to the proceeds
    seller_fee_minimum_cents: int   # minimum seller's fees per sale, shared among the sellers
    vat_rate: Decimal               # VAT on the officer's fees
    withdrawn_lot_divisor: int      # a lot withdrawn after being offered pays 1/n of the rate, on the last bid
    vacation_half_hour_cents: int   # time spent, per started half hour
    copy_page_cents: int            # A444-6: a copy or extract of the sale record, per page
    deposit_cents: int              # A444-7: a deposit at the Caisse des dépôts (and each registry look-up)
    postponement_cents: int         # A444-8: each postponement at the debtor's request
    postponement_max: int           # A444-8: postponements charged at most
    cancellation_cents: int         # A444-8: when the debtor pays and the sale is cancelled
    reference: str
    shipped: bool = False           # True for the project's defaults, False for the office's entries

    @property
    def buyer_fee_rate_incl_vat(self) -> Decimal:
        return self.buyer_fee_rate * (1 + self.vat_rate)

    @property
    def seller_fee_rate_incl_vat(self) -> Decimal:
        return self.seller_fee_rate * (1 + self.vat_rate)

    def buyer_fees_cents(self, hammer_cents: int) -> int:
        """Buyer's fees excl. VAT on one lot, rounded to the cent."""
        return apply_rate(hammer_cents, self.buyer_fee_rate)

    def buyer_cost(self, hammer_cents: int) -> "BuyerCost":
        """What a buyer pays for one lot: hammer price, fees excl. VAT, VAT on the fees (each rounded)."""
        fees = self.buyer_fees_cents(hammer_cents)
        return BuyerCost(hammer_cents, fees, apply_rate(fees, self.vat_rate))

    def withdrawn_lot_fee_cents(self, last_bid_cents: int) -> int:
        """A lot withdrawn after being offered: 1/n of the seller's rate, on the last bid (excl. VAT)."""
        return apply_rate(last_bid_cents, self.seller_fee_rate / self.withdrawn_lot_divisor)

    def vacation_cents(self, duration: timedelta) -> int:
        """Time spent, excl. VAT: every started half hour is due."""
        return started_half_hours(duration) * self.vacation_half_hour_cents

    def copies_cents(self, pages: int) -> int:
        """A444-6: copies or extracts of the sale record, per page."""
        if pages < 0:
            raise InvalidValue("Le nombre de pages ne peut pas être négatif.", field="pages")
        return pages * self.copy_page_cents

    def deposits_cents(self, count: int) -> int:
        """A444-7: deposits at the Caisse des dépôts (or registry look-ups), each."""
        if count < 0:
            raise InvalidValue("Le nombre de consignations ne peut pas être négatif.", field="count")
        return count * self.deposit_cents

    def postponements_cents(self, count: int, *, cancelled: bool = False) -> int:
        """A444-8: postponements at the debtor's request, each charged, at most `postponement_max`;
        when the debtor pays and the sale is cancelled, the fixed amount instead."""
        if cancelled:
            return self.cancellation_cents
        if count < 0:
            raise InvalidValue("Le nombre de renvois ne peut pas être négatif.", field="count")
        if count > self.postponement_max:
            raise InvalidValue(f"Au plus {self.postponement_max} renvois sont tarifés (C. com. A444-8).",
                               field="count")
        return count * self.postponement_cents

    def term_has_passed(self, day: date) -> bool:
        """True when `day` is after the decree's stated term: the officer must confirm the rates."""
        return self.term_ends is not None and day > self.term_ends


def started_half_hours(duration: timedelta) -> int:
    """How many half hours were started: 0 for none, 1 from the first second up to 30 minutes, …"""
    if duration < timedelta(0):
        raise InvalidValue("La durée ne peut pas être négative.", field="duration")
    whole, rest = divmod(duration, HALF_HOUR)
    return whole + (1 if rest else 0)


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
        copy_page_cents=68,
        deposit_cents=685,
        postponement_cents=685,
        postponement_max=5,
        cancellation_cents=6845,
        reference="C. com. A444-3 à A444-8, taux en vigueur du 1er mars 2024 au 28 février 2026",
        shipped=True,
    ),
)


@dataclass(frozen=True)
class TariffOnDay:
    """The rates for a day: in force (`tariff`), or awaiting the officer's confirmation (`expired` is
    the last period, whose term has passed), or none at all."""
    day: date
    tariff: Tariff | None
    expired: Tariff | None = None

    @property
    def awaiting_confirmation(self) -> bool:
        return self.tariff is None and self.expired is not None

    @property
    def note(self) -> str | None:
        """What a page says instead of rates it may not present as in force."""
        if self.tariff is not None:
            return None
        if self.expired is not None:
            return (f"Les taux du tarif réglementé pour le {self.day:%d/%m/%Y} attendent la confirmation du "
                    f"commissaire de justice (la dernière période connue a pris fin le "
                    f"{self.expired.term_ends:%d/%m/%Y}).")
        return f"Aucun tarif réglementé n'est connu pour le {self.day:%d/%m/%Y}."


def lookup(day: date, office_periods: Iterable[Tariff] = (), defaults: Iterable[Tariff] = DEFAULT_TARIFF) -> TariffOnDay:
    """The rates for `day`, never presenting a period's rates as in force after its term."""
    candidates = [t for t in (*defaults, *office_periods) if t.effective_from <= day]
    if not candidates:
        return TariffOnDay(day, None)
    # Latest start wins; on the same start the office's entry (shipped=False) wins.
    latest = max(candidates, key=lambda t: (t.effective_from, not t.shipped))
    if latest.term_has_passed(day):
        return TariffOnDay(day, None, latest)
    return TariffOnDay(day, latest)


def tariff_on(day: date, office_periods: Iterable[Tariff] = (), defaults: Iterable[Tariff] = DEFAULT_TARIFF) -> Tariff:
    """The tariff in force on `day`; `TariffUnconfirmed` after the last period's term, `NoTariff`
    before the first one."""
    found = lookup(day, office_periods, defaults)
    if found.tariff is not None:
        return found.tariff
    if found.expired is not None:
        raise TariffUnconfirmed(found.note + " Sur la page Tarif, le commissaire de justice saisit les taux en "
                                "vigueur ou reconduit la dernière période, avec le texte qui les fixe.", found.expired)
    raise NoTariff(f"Aucun tarif n'est en vigueur au {day:%d/%m/%Y}.")


def renewal_of(last: Tariff, effective_from: date, term_ends: date | None, reference: str) -> Tariff:
    """The officer's confirmation that the last period's amounts are renewed from `effective_from`."""
    return replace(last, effective_from=effective_from, term_ends=term_ends, reference=reference.strip(),
                   shipped=False)


def validate_period(period: Tariff) -> None:
    """Refuse rates no decree would set: each check names the field at fault."""
    for field, rate in (("buyer_fee_rate", period.buyer_fee_rate), ("seller_fee_rate", period.seller_fee_rate)):
        if not (Decimal(0) < rate < Decimal("0.5")):
            raise InvalidValue("Le taux doit être compris entre 0 et 50 %.", field=field)
    if not (Decimal(0) <= period.vat_rate < Decimal("0.5")):
        raise InvalidValue("Le taux de TVA doit être compris entre 0 et 50 %.", field="vat_rate")
    for field in ("seller_fee_minimum_cents", "vacation_half_hour_cents", "copy_page_cents", "deposit_cents",
                  "postponement_cents", "cancellation_cents"):
        if getattr(period, field) < 0:
            raise InvalidValue("Le montant ne peut pas être négatif.", field=field)
    if period.withdrawn_lot_divisor < 1:
        raise InvalidValue("Le diviseur doit être un entier positif.", field="withdrawn_lot_divisor")
    if period.postponement_max < 0:
        raise InvalidValue("Le nombre de renvois ne peut pas être négatif.", field="postponement_max")
    if period.term_ends is not None and period.term_ends < period.effective_from:
        raise InvalidValue("La fin de période précède son début.", field="term_ends")
    if not period.reference.strip():
        raise InvalidValue("Indiquez le texte qui fixe ces taux.", field="reference")


def describe_amounts(t: Tariff) -> list[tuple[str, str]]:
    """The regulated amounts of a period, labelled in French (the Tarif page)."""
    return [
        ("Frais acheteur", f"{format_rate(t.buyer_fee_rate)} HT, soit {format_rate(t.buyer_fee_rate_incl_vat)} TTC"),
        ("Frais vendeur", f"{format_rate(t.seller_fee_rate)} HT, minimum {format_euros(t.seller_fee_minimum_cents)} "
                          "par vente, réparti entre les vendeurs"),
        ("TVA sur les honoraires", format_rate(t.vat_rate)),
        ("Lot retiré après mise en vente", f"1/{t.withdrawn_lot_divisor} du taux vendeur, sur la dernière enchère"),
        ("Vacation", f"{format_euros(t.vacation_half_hour_cents)} par demi-heure commencée"),
        ("Copie ou extrait du procès-verbal (A444-6)", f"{format_euros(t.copy_page_cents)} la page"),
        ("Consignation à la Caisse des dépôts (A444-7)", f"{format_euros(t.deposit_cents)} chacune"),
        ("Renvoi à la demande du débiteur (A444-8)", f"{format_euros(t.postponement_cents)} chacun, "
                                                     f"{t.postponement_max} au plus ; "
                                                     f"{format_euros(t.cancellation_cents)} si le débiteur paie "
                                                     "et la vente est annulée"),
    ]
