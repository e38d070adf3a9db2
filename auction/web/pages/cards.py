"""Paddle cards, as a PDF and a PNG, and the tablet's card reader."""
from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auction.domain.signing import TokenRefused
from auction.models import utcnow
from auction.services import cards, catalogue
from auction.services import registration as service
from auction.services.cards import Card, card_pdf, card_png

from ..access import STAFF, page, signing_secret
from ..errors import error_page
from ..forms import path_id


async def _card(request: Request) -> Card:
    data = await cards.card_data(request.app.state.db.sessions, path_id(request, "sale_id"),
                                 path_id(request, "registration_id"), signing_secret(request))
    return cards.card_of(data)


async def _card_file(request: Request, render, media_type: str, extension: str) -> Response:
    try:
        card = await _card(request)
    except catalogue.NotFound:
        return error_page(request, 404)
    except service.RegistrationRefused as exc:
        return error_page(request, 409, exc.message)
    return Response(await render(card), media_type=media_type, headers={
        "content-disposition": f'inline; filename="panneau-{card.paddle}-{card.sale_reference}.{extension}"'})


async def card_as_pdf(request: Request) -> Response:
    return await _card_file(request, card_pdf, "application/pdf", "pdf")


async def card_as_png(request: Request) -> Response:
    return await _card_file(request, card_png, "image/png", "png")


async def read_card(request: Request) -> Response:
    """The tablet's scanner: a card token in, the paddle out (JSON), or the refusal in French."""
    try:
        sale_id = path_id(request, "sale_id")
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise orjson.JSONDecodeError("not JSON", "", 0)   # a form's body is read already (CSRF)
        body = orjson.loads(await request.body())
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or len(token) > 200:
            raise orjson.JSONDecodeError("no token", "", 0)
        card = await cards.read_card(request.app.state.db.sessions, sale_id, token, signing_secret(request), utcnow())
    except catalogue.NotFound:
        return JSONResponse({"message": "Vente introuvable."}, status_code=404)
    except orjson.JSONDecodeError:
        return JSONResponse({"message": "Carte illisible : scannez-la de nouveau."}, status_code=400)
    except TokenRefused as exc:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=400)
    return JSONResponse({"paddle": card.paddle, "name": card.name, "channel": card.channel})


routes = [
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/carte.pdf", card_as_pdf, access=STAFF),
    page("/bureau/ventes/{sale_id}/inscriptions/{registration_id}/carte.png", card_as_png, access=STAFF),
    page("/bureau/ventes/{sale_id}/panneaux/lire", read_card, access=STAFF, methods=("POST",)),
]
