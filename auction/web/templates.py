"""Jinja2 rendering with the context every page needs (user, CSRF token, formats)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from auction.domain.roles import Role
from auction.formats import FILTERS

from .error_summary import summary_lines
from .static import static_url

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
templates = Jinja2Templates(directory=str(FRONTEND / "templates"))
templates.env.filters.update(FILTERS)
templates.env.globals["Role"] = Role
templates.env.globals["summary_lines"] = summary_lines
templates.env.globals["static"] = static_url   # {{ static("js/clerk.js") }}: the versioned URL (static.py)


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    from .access import csrf_token

    user = getattr(request.state, "user", None)
    full = {"user": user, "csrf_token": csrf_token(request)}
    full.update(context or {})
    return templates.TemplateResponse(request, name, full, status_code=status_code)
