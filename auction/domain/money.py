"""Money as integer cents. Rounding happens in `round_cents` only (half up, to the cent)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidValue

NBSP = "\u00a0"
NNBSP = "\u202f"  # French thousands separator
MAX_EUROS = Decimal(10) ** 12   # no amount typed in this trade comes near a thousand billion euros


def round_cents(amount: Decimal) -> int:
    """Round an amount expressed in cents (possibly fractional) half up to a whole cent."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_rate(cents: int, rate: Decimal) -> int:
    """A rate applied to an amount in cents, rounded at this step."""
    return round_cents(Decimal(cents) * rate)


def format_euros(cents: int, *, with_cents: bool = True) -> str:
    """`123456` → `1 234,56 €` (narrow no-break space for thousands, no-break space before €)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", NNBSP)
    text = f"{grouped},{rest:02d}" if with_cents or rest else grouped
    return f"{sign}{text}{NBSP}€"


def parse_euros(text: str, *, field: str | None = None) -> int:
    """Parse an amount typed the French way (`1 234,56`, `1234.5`, `1 234 €`) into cents."""
    cleaned = (text or "").strip().replace("€", "").replace(NBSP, "").replace(NNBSP, "").replace(" ", "")
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise InvalidValue(f"Montant illisible : « {text} ». Écrivez par exemple 1234,50.", field=field)
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"Montant illisible : « {text} ». Écrivez par exemple 1234,50.", field=field) from None
    if not value.is_finite() or value < 0:
        raise InvalidValue("Le montant doit être positif.", field=field)
    if value >= MAX_EUROS:   # also keeps `1e999` away from quantize(), which cannot represent it
        raise InvalidValue("Montant trop élevé.", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidValue("Le montant ne peut pas avoir plus de deux décimales.", field=field)
    return int(value * 100)


def format_rate(rate: Decimal) -> str:
    """`Decimal('0.1428')` → `14,28 %`."""
    percent = (rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{percent}".replace(".", ",") + f"{NBSP}%"


def parse_rate(text: str, *, field: str | None = None) -> Decimal:
    """`14,28` or `14,28 %` (a percentage) → `Decimal('0.1428')`."""
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".").replace(NBSP, "")
    try:
        percent = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"Taux illisible : « {text} ». Écrivez par exemple 11,90.", field=field) from None
    if not percent.is_finite() or not (0 <= percent <= 100):
        raise InvalidValue("Le taux doit être compris entre 0 et 100 %.", field=field)
    return (percent / 100).quantize(Decimal("0.000001"))
