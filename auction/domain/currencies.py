"""Foreign-currency equivalents of the current bid, shown on the room display.

Rates are entered by the clerk per sale (units of the currency for one euro); the sale itself is
always in euros. Conversions are indicative and rounded half up to the unit of the currency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidValue

MAX_CURRENCIES = 3
CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class DisplayCurrency:
    code: str      # ISO 4217, e.g. "USD"
    rate: Decimal  # units of this currency for 1 €

    def convert(self, euro_cents: int) -> int:
        """Whole units of this currency for an amount in euro cents."""
        return int((Decimal(euro_cents) * self.rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "rate": str(self.rate)}


def parse_currencies(rows: list[tuple[str, str]]) -> tuple[DisplayCurrency, ...]:
    """Rows of (code, rate) as typed; blank rows are ignored."""
    currencies: list[DisplayCurrency] = []
    for index, (code, rate) in enumerate(rows):
        code, rate = (code or "").strip().upper(), (rate or "").strip().replace(",", ".").replace(" ", "")
        if not code and not rate:
            continue
        field = f"currency_{index}"
        if not CODE.match(code) or code == "EUR":
            raise InvalidValue("Code de devise sur trois lettres (USD, GBP, CHF…), autre que EUR.", field=field)
        try:
            value = Decimal(rate)
        except InvalidOperation:
            raise InvalidValue(f"Taux illisible pour {code} : écrivez par exemple 1,0842.", field=field) from None
        if not value.is_finite() or value <= 0 or value > Decimal(100_000):
            raise InvalidValue(f"Le taux de {code} doit être positif.", field=field)
        if any(c.code == code for c in currencies):
            raise InvalidValue(f"{code} figure deux fois.", field=field)
        currencies.append(DisplayCurrency(code, value.normalize()))
    if len(currencies) > MAX_CURRENCIES:
        raise InvalidValue("Trois devises au plus.", field="currency_0")
    return tuple(currencies)


def from_json(rows) -> tuple[DisplayCurrency, ...]:
    return tuple(DisplayCurrency(row["code"], Decimal(row["rate"])) for row in rows or ())
