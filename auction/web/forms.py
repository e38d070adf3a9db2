"""Reading what a request sends: its HTML form (plain strings by field, trimmed), the ids in its path,
the integers and dates of its fields. One way for every page, within what the database stores
(`auction.models.limits`):

- `refusal(request)` runs before every endpoint (`access.page`): a text value with a control
  character (a NUL byte above all), a form field longer than its column, a query value past
  `QUERY_MAX`, or a text path parameter with a control character is refused there, in French, before
  the page reads it (a page declaring `form_again` shows its form again with the message instead of
  the error page: the public registration form, the desk's);
- `path_id` reads an id of the path (the `id` convertor has matched it already);
- `parse_int` / `form_int` / `form_ids` read integers (ASCII digits only, within the column's range),
  `parse_date` / `form_date` / `form_day` dates between `MIN_YEAR` and `MAX_YEAR`: `InvalidValue`
  with a French message otherwise, which the pages show on the form;
- `form_command` reads the form's `command_id` (what makes a form sent twice one command);
- `today` is the office's day (Paris time) that the pages show and pass to their use cases.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

from starlette.datastructures import UploadFile
from starlette.requests import Request

from auction.domain.errors import InvalidValue
from auction.formats import to_paris
from auction.models import utcnow
from auction.models.limits import INT_MAX, MAX_YEAR, MIN_YEAR, QUERY_MAX, text_limit
from auction.services.catalogue import NotFound

from .access import CSRF_FIELD

# C0 and C1 controls but tab, line feed and carriage return (a textarea sends them), and the Unicode
# non-characters a form has no business sending.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def form_dict(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items()
            if key != CSRF_FIELD and isinstance(value, str)}


def text_problem(field: str, value: str, limit: int) -> str | None:
    """Why a text value cannot be taken (French), or None."""
    if CONTROL.search(value):
        return f"Le champ « {field} » contient un caractère non permis (caractère de contrôle)."
    if len(value.strip()) > limit:
        return f"Le champ « {field} » est trop long : {limit} caractères au plus."
    return None


@dataclass(frozen=True)
class Refused:
    """Why a request cannot reach its page: 404 (a path no page has) or 400 with a French reason; a
    form field's problem names its `field`, so that a page may show its form again with the message."""

    status: int
    message: str | None = None
    field: str | None = None


async def refusal(request: Request, labels: Mapping[str, str] | None = None) -> Refused | None:
    """What makes this request unreadable, or None when it may reach its page. A form field's message
    names it by its label in `labels` (the form's own words), else by its name."""
    for value in request.path_params.values():
        if isinstance(value, str) and (CONTROL.search(value) or len(value) > 200):
            return Refused(404)
    for name, value in request.query_params.multi_items():
        problem = text_problem(name, name, 100) or text_problem(name, value, QUERY_MAX)
        if problem:
            return Refused(400, problem)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and \
            request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        for name, value in form.multi_items():
            problem = text_problem(name, name, 100)
            if problem:
                return Refused(400, problem)
            label = (labels or {}).get(name, name)
            if isinstance(value, str):
                problem = text_problem(label, value, text_limit(name))
            elif isinstance(value, UploadFile) and value.filename:
                problem = text_problem(label, value.filename, 255)
            if problem:
                return Refused(400, problem, name)
    return None


async def form_again_values(request: Request, refused: Refused) -> dict[str, str]:
    """The form's values to show again after `refused`: the refused field emptied, control characters
    taken out of the others (a NUL byte is not sent back to the browser)."""
    return {name: "" if name == refused.field else CONTROL.sub("", value)
            for name, value in (await form_dict(request)).items()}


def path_id(request: Request, name: str) -> int:
    """The id named `name` in the path; NotFound (a 404) unless it is a number within the database's
    range (the route's `id` convertor has checked it; a text parameter is checked here the same way)."""
    value = request.path_params[name]
    number = value if isinstance(value, int) else parse_int(value) if value == value.strip() else None
    if number is None or not 0 <= number <= INT_MAX:
        raise NotFound()
    return number


def parse_int(text: str | None, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """`text` as an integer from `minimum` to `maximum` (ASCII digits, a leading minus when `minimum`
    is negative), or None. `int()` alone takes `²`-like digits, spaces and underscores."""
    text = (text or "").strip()
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(max(abs(minimum), maximum))):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def form_int(values: dict[str, str], field: str, label: str, *, minimum: int = 0, maximum: int = INT_MAX,
             required: bool = True) -> int | None:
    """The integer in form field `field`; InvalidValue (French, naming `label`) when it is not one
    within range. An empty optional field is None."""
    text = (values.get(field) or "").strip()
    if not text and not required:
        return None
    number = parse_int(text, minimum=minimum, maximum=maximum)
    if number is None:
        raise InvalidValue(f"{label} : un nombre entier de {minimum} à {maximum} est attendu.", field=field)
    return number


def form_ids(texts) -> list[int]:
    """The ids among a multi-valued field's values (checkboxes): the others are no id of anything."""
    ids = (parse_int(str(text)) for text in texts)
    return [number for number in ids if number is not None]


def parse_date(text: str | None) -> date | None:
    """An ISO date (what `<input type="date">` sends) between `MIN_YEAR` and `MAX_YEAR`, or None."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def iso_date(text: str) -> date:
    """`date.fromisoformat` for a form's value, within `MIN_YEAR` to `MAX_YEAR`: ValueError otherwise
    (a page's `except ValueError` answers it as it answers any other bad date)."""
    day = parse_date(text)
    if day is None:
        raise ValueError(f"not a date from {MIN_YEAR} to {MAX_YEAR}")
    return day


def form_day(values: dict[str, str], field: str) -> date:
    """The date the form must give in `field` (`iso_date`): InvalidValue naming the field otherwise, in the
    words of the desks' forms, which need no label (`form_date` names the field's label)."""
    try:
        return iso_date(values.get(field, ""))
    except ValueError:
        raise InvalidValue("Date obligatoire (jj/mm/aaaa).", field=field) from None


def today() -> date:
    """The office's day: today in Paris time."""
    return to_paris(utcnow()).date()


def form_command(values: dict[str, str]) -> str:
    """The form's `command_id` (the page wrote a fresh one in it; sent twice, the form repeats it and the
    use case answers the first sending again); a missing or odd one is a fresh id (a command of its own)."""
    command = values.get("command_id", "")
    return command if 8 <= len(command) <= 64 and command.isascii() else uuid.uuid4().hex


def form_date(values: dict[str, str], field: str, label: str, *, required: bool = True) -> date | None:
    text = (values.get(field) or "").strip()
    if not text and not required:
        return None
    day = parse_date(text)
    if day is None:
        raise InvalidValue(f"{label} : une date entre {MIN_YEAR} et {MAX_YEAR} est attendue (jj/mm/aaaa).",
                           field=field)
    return day


def parse_time(text: str | None) -> time | None:
    """An hour as `<input type="time">` sends it (HH:MM or HH:MM:SS), or None."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?", text):
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None
