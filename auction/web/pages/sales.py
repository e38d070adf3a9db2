"""Sale pages: the list of public sales, the staff's views, the bidder's space.

A sale's public catalogue (search, lot pages, PDF) and the staff's preview of it are in catalogue.py."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from auction.domain.increments import sale_increments
from auction.formats import to_paris
from auction.models import utcnow
from auction.services import catalogue, invoices
from auction.services.cash_desk import banking_warnings

from ..access import BIDDER, PUBLIC, STAFF, page
from ..errors import error_page
from ..forms import path_id
from ..templates import render


async def _sale(request: Request, *, public: bool):
    return await catalogue.sale_with_lots(request.app.state.db.sessions, path_id(request, "sale_id"), public=public)


async def home(request: Request) -> Response:
    return render(request, "public/home.html", {"sales": await catalogue.public_sales(request.app.state.db.sessions)})


async def dashboard(request: Request) -> Response:
    sessions = request.app.state.db.sessions
    today = to_paris(utcnow()).date()
    return render(request, "staff/dashboard.html", {
        "sales": await catalogue.staff_sales(sessions), "cases": await catalogue.cases(sessions),
        "cash_warnings": await banking_warnings(sessions, today), "today": today,
    })


async def staff_sale(request: Request) -> Response:
    try:
        sale = await _sale(request, public=False)
    except catalogue.NotFound:
        return error_page(request, 404)
    sessions = request.app.state.db.sessions
    cases = {case.id: case for case in await catalogue.cases(sessions)}
    return render(request, "staff/sale.html", {
        "sale": sale, "cases": cases, "registrations": await catalogue.registrations(sessions, sale.id),
        "first_bid": sale_increments(sale.increments).first_bid,
    })


async def bidder_space(request: Request) -> Response:
    bidder, registrations = await catalogue.bidder_registrations(request.app.state.db.sessions, request.state.user.id)
    bordereaux = await invoices.buyer_invoices(request.app.state.db.sessions, [r for r, _ in registrations])
    return render(request, "bidder/space.html", {"bidder": bidder, "registrations": registrations,
                                                 "bordereaux": bordereaux})


routes = [
    page("/", home, access=PUBLIC),
    page("/bureau", dashboard, access=STAFF),
    page("/bureau/ventes/{sale_id}", staff_sale, access=STAFF),
    page("/mon-espace", bidder_space, access=BIDDER),
]
