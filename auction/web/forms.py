"""Reading what a request sends: its HTML form (plain strings by field, trimmed), the ids in its path."""
from __future__ import annotations

from starlette.requests import Request

from auction.services.catalogue import NotFound

from .access import CSRF_FIELD


async def form_dict(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items()
            if key != CSRF_FIELD and isinstance(value, str)}


def path_id(request: Request, name: str) -> int:
    """The id named `name` in the path; NotFound (a 404) unless it is a number of at most 11 digits
    (ASCII ones: `int()` refuses some other digits, such as `²`)."""
    value = request.path_params[name]
    if not (value.isascii() and value.isdigit()) or len(value) > 11:
        raise NotFound()
    return int(value)
