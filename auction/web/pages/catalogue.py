"""The public catalogue: a sale's page with search and filters, a page per lot, the printable PDF.

The same pages, under /bureau/ventes/{id}/apercu, are the staff's preview of a sale not yet
announced (a banner says so). Public URLs answer 404 until the sale is announced.
"""
from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from auction.domain.catalogue import CatalogueQuery, parse_query
from auction.domain.increments import sale_increments
from auction.domain.lot_states import UPCOMING
from auction.models import utcnow
from auction.services import public_catalogue
from auction.services.catalogue import NotFound
from auction.services.catalogue_pdf import CatalogueCache, catalogue_pdf
from auction.services.photos import thumbnail_of

from auction.services.publicity_view import public_notice

from ..access import PUBLIC, STAFF, page
from ..feeds import event_json_ld, json_ld_script
from ..errors import error_page
from ..forms import path_id
from ..templates import render
from .publicity import base_url


RESULTS = "#lots-titre"   # pages of results open on the results, not on the sale's details


def _base(sale_id: int, preview: bool) -> str:
    return f"/bureau/ventes/{sale_id}/apercu" if preview else f"/ventes/{sale_id}"


def _link(path: str, query: CatalogueQuery, **extra) -> str:
    """`path` with the visitor's filters (and `extra`, e.g. the page) as its query string."""
    params = query.params()
    params.update({key: str(value) for key, value in extra.items() if value is not None})
    return f"{path}?{urlencode(params)}" if params else path


def _thumbnail(request: Request):
    media_dir = request.app.state.settings.media_dir

    def thumbnail(path: str) -> str:
        """The photo's thumbnail when the upload made one (demo photos have none)."""
        small = thumbnail_of(path)
        return small if small != path and (media_dir / small).is_file() else path
    return thumbnail


async def _sale_page(request: Request, preview: bool) -> Response:
    query, messages = parse_query(request.query_params)
    try:
        sale_id = path_id(request, "sale_id")
        view = await public_catalogue.sale_catalogue(request.app.state.db.sessions, sale_id, query, preview=preview)
    except NotFound:
        return error_page(request, 404)
    if view.page_message:
        messages.append(view.page_message)
    base = _base(sale_id, preview)
    pagination = view.pagination
    notice = await public_notice(request.app.state.db.sessions, view.sale, base_url(request))
    # The lots' states from the room (live and after); the staff's preview stays the catalogue as printed.
    live = None if preview else await public_catalogue.live_catalogue(request.app.state.rooms, view.sale, utcnow())
    return render(request, "public/sale.html", {
        "notice": notice, "live": live, "json_ld": json_ld_script(event_json_ld(view.sale, notice)),
        "sale": view.sale, "tariff": view.tariff, "tariff_note": view.tariff_note, "categories": view.categories, "lots": view.lots,
        "pagination": pagination, "query": query, "messages": messages, "preview": preview, "base": base,
        "lot_link": lambda lot: _link(f"{base}/lots/{lot.id}", query),
        "previous_link": _link(base, query, page=pagination.page - 1) + RESULTS if pagination.has_previous else None,
        "next_link": _link(base, query, page=pagination.page + 1) + RESULTS if pagination.has_next else None,
        "thumbnail": _thumbnail(request), "first_bid": sale_increments(view.sale.increments).first_bid,
    })


async def _lot_page(request: Request, preview: bool) -> Response:
    query, _messages = parse_query(request.query_params)   # a bad filter here is simply left out
    try:
        sale_id, lot_id = path_id(request, "sale_id"), path_id(request, "lot_id")
        view = await public_catalogue.lot_view(request.app.state.db.sessions, sale_id, lot_id, query,
                                               preview=preview)
    except NotFound:
        return error_page(request, 404)
    base = _base(sale_id, preview)
    if not view.in_results:
        query = CatalogueQuery()
    example = view.tariff.buyer_cost(view.lot.estimate_low_cents) if view.tariff else None
    # An order is left for a lot still to come: not one on the block, sold, passed or withdrawn.
    takes_orders = not preview and view.sale.status in ("announced", "live") and view.lot.status != "withdrawn"
    if takes_orders and view.sale.status == "live":
        live = await public_catalogue.live_catalogue(request.app.state.rooms, view.sale, utcnow())
        takes_orders = live is None or live.states[view.lot.id].state == UPCOMING
    return render(request, "public/lot.html", {
        "sale": view.sale, "tariff": view.tariff, "tariff_note": view.tariff_note, "lot": view.lot, "example": example, "preview": preview,
        "takes_orders": takes_orders,
        "base": base, "query": query,
        "back_link": _link(base, query, page=view.page if view.page > 1 else None) + f"#lot-{view.lot.id}",
        "previous": view.previous, "next": view.next,
        "lot_link": lambda lot: _link(f"{base}/lots/{lot.id}", query),
        "first_bid": sale_increments(view.sale.increments).first_bid,
    })


def _pdf_cache(request: Request) -> CatalogueCache:
    """One cache per app, under the data directory (made on first use)."""
    state = request.app.state
    if getattr(state, "catalogue_pdfs", None) is None:
        state.catalogue_pdfs = CatalogueCache(state.settings.data_dir / "cache" / "catalogues")
    return state.catalogue_pdfs


async def _catalogue_pdf(request: Request, preview: bool) -> Response:
    try:
        pdf, filename = await catalogue_pdf(request.app.state.db.sessions, _pdf_cache(request),
                                            path_id(request, "sale_id"), preview=preview)
    except NotFound:
        return error_page(request, 404)
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{filename}"'})


async def public_sale(request: Request) -> Response:
    return await _sale_page(request, preview=False)


async def public_lot(request: Request) -> Response:
    return await _lot_page(request, preview=False)


async def public_catalogue_pdf(request: Request) -> Response:
    return await _catalogue_pdf(request, preview=False)


async def preview_sale(request: Request) -> Response:
    return await _sale_page(request, preview=True)


async def preview_lot(request: Request) -> Response:
    return await _lot_page(request, preview=True)


async def preview_catalogue_pdf(request: Request) -> Response:
    return await _catalogue_pdf(request, preview=True)


routes = [
    page("/ventes/{sale_id}", public_sale, access=PUBLIC),
    page("/ventes/{sale_id}/lots/{lot_id}", public_lot, access=PUBLIC),
    page("/ventes/{sale_id}/catalogue.pdf", public_catalogue_pdf, access=PUBLIC),
    page("/bureau/ventes/{sale_id}/apercu", preview_sale, access=STAFF),
    page("/bureau/ventes/{sale_id}/apercu/lots/{lot_id}", preview_lot, access=STAFF),
    page("/bureau/ventes/{sale_id}/apercu/catalogue.pdf", preview_catalogue_pdf, access=STAFF),
]
