"""Reading HTML forms: plain strings by field, trimmed."""
from __future__ import annotations

from starlette.requests import Request

from .access import CSRF_FIELD


async def form_dict(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items()
            if key != CSRF_FIELD and isinstance(value, str)}
