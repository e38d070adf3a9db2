"""A sale's registration rules: the paddle number ranges for room and online bidders, and the
solvency the office requires."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import DomainError, InvalidValue
from .money import parse_euros
from .registration import CHANNELS
from .solvency import SolvencyRule, check_solvency_rule

MAX_PADDLE = 999_999   # the clerk's tablet takes up to six digits


@dataclass(frozen=True)
class PaddleRanges:
    """The paddle numbers given to room and to online bidders in one sale (inclusive ranges)."""

    room_first: int = 1
    room_last: int = 499
    online_first: int = 501
    online_last: int = 999

    def of(self, channel: str) -> range:
        if channel == "room":
            return range(self.room_first, self.room_last + 1)
        return range(self.online_first, self.online_last + 1)


class PaddlesExhausted(DomainError):
    code = "paddles_exhausted"


def check_paddle_ranges(ranges: PaddleRanges) -> None:
    for channel, first, last in (("room", ranges.room_first, ranges.room_last),
                                 ("online", ranges.online_first, ranges.online_last)):
        if not 1 <= first <= last <= MAX_PADDLE:
            raise InvalidValue(f"Numéros {CHANNELS[channel].lower()} : de 1 à {MAX_PADDLE}, le premier avant le dernier.",
                               field=f"{channel}_first")
    if ranges.room_first <= ranges.online_last and ranges.online_first <= ranges.room_last:
        raise InvalidValue("Les numéros en salle et en ligne ne doivent pas se chevaucher.", field="online_first")


def next_paddle(channel: str, ranges: PaddleRanges, taken: Iterable[int]) -> int:
    """The next number of the channel's range, after the highest already given in it."""
    numbers = ranges.of(channel)
    used = [n for n in taken if n in numbers]
    candidate = max(used) + 1 if used else numbers.start
    if candidate not in numbers:
        raise PaddlesExhausted(f"Plus de numéro de panneau libre {CHANNELS[channel].lower()} "
                               f"({numbers.start} à {numbers.stop - 1}) : élargissez la plage dans les règles "
                               "d'inscription de la vente.")
    return candidate


def clean_rules(form: Mapping[str, str]) -> tuple[tuple[PaddleRanges, SolvencyRule] | None, dict[str, str]]:
    """The sale's registration rules: paddle ranges, solvency required."""
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("room_first", "room_last", "online_first", "online_last"):
        raw = (form.get(name) or "").strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
            errors[name] = "Un numéro entier positif."
        else:
            numbers[name] = int(raw)
    minimum = 0
    if (form.get("deposit_minimum") or "").strip():
        try:
            minimum = parse_euros(form["deposit_minimum"], field="deposit_minimum")
        except InvalidValue as exc:
            errors["deposit_minimum"] = exc.message
    rule = SolvencyRule(form.get("solvency_rule") or "", minimum)
    try:
        check_solvency_rule(rule)
    except InvalidValue as exc:
        errors[exc.field or "solvency_rule"] = exc.message
    if errors:
        return None, errors
    ranges = PaddleRanges(**numbers)
    try:
        check_paddle_ranges(ranges)
    except InvalidValue as exc:
        return None, {exc.field or "room_first": exc.message}
    return (ranges, rule), {}
