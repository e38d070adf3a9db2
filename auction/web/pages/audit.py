"""The audit log, for the officer: every publicity step, who and when; all of it, or one sale's."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from auction.services import audit
from auction.services.publicity_view import sale_case_ids

from ..access import OFFICER, page
from ..forms import parse_int
from ..templates import render


async def audit_log(request: Request) -> Response:
    sale = request.query_params.get("vente", "")
    sale_id = parse_int(sale)
    sessions = request.app.state.db.sessions
    case_ids = await sale_case_ids(sessions, sale_id) if sale_id is not None else None
    entries = await audit.entries(sessions, sale_id=sale_id, case_ids=case_ids)
    return render(request, "office/audit.html", {"entries": entries, "sale_id": sale_id, "limit": audit.PAGE})


routes = [page("/bureau/journal", audit_log, access=OFFICER)]
