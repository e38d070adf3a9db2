"""The paddle card: the paddle number in very large type and a QR code holding the signed card token
(auction.domain.signing) on the part the room sees; the bidder's name, the sale and the office on a stub
to tear off and keep, never raised in the room. As a PNG (Pillow) and a PDF. And the
reverse: a card scanned by the room's tablet, accepted while its paddle is still valid."""
from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass
from datetime import datetime

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_pdf
from auction.domain.registration import CHANNELS
from auction.domain.signing import TokenRefused, paddle_card_expiry, sign_paddle_token, verify_paddle_token
from auction.fonts import font
from auction.formats import long_datetime
from auction.models import Bidder, Office, Registration, Sale

from .catalogue import NotFound
from .registration import RegistrationRefused, registration_in_sale

CARD_SIZE = (1240, 1748)        # A6 portrait at 300 dpi
MARGIN = 70


@dataclass(frozen=True)
class Card:
    paddle: int
    bidder_name: str
    channel_label: str
    sale_reference: str
    sale_title: str
    sale_when: str
    office_name: str
    token: str


def qr_image(token: str, box_size: int = 12) -> Image.Image:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(token)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def qr_png(token: str) -> bytes:
    buffer = io.BytesIO()
    qr_image(token).save(buffer, "PNG")
    return buffer.getvalue()


_font = font


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits `width`."""
    while size > 12:
        font = _font(size, bold)
        if draw.textlength(text, font=font) <= width:
            return font
        size = int(size * 0.9)
    return _font(12, bold)


CARD_PART = 1200               # the part shown in the room; the stub below it is torn off and kept


def _card_png(card: Card) -> bytes:
    """The PDF's layout at 300 dpi: the number alone as large as it fits, the QR code under it; the
    bidder's name only on the stub below the dashed line."""
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width = CARD_SIZE[0] - 2 * MARGIN
    centre = CARD_SIZE[0] // 2
    draw.rectangle((20, 20, CARD_SIZE[0] - 20, CARD_PART), outline="black", width=12)
    meta = f"Vente {card.sale_reference} · {card.sale_when}"
    draw.text((centre, 50), meta, font=_fit(draw, meta, width, 30), fill="black", anchor="mt")
    number = str(card.paddle)
    number_font = _fit(draw, number, width - 40, 760, True)
    box = draw.textbbox((0, 0), number, font=number_font, anchor="ls")
    qr_side = 420
    middle = (110 + CARD_PART - qr_side - 60) // 2            # the number centred between the top line and the QR
    draw.text((centre, middle + (box[3] - box[1]) // 2), number, font=number_font, fill="black", anchor="ms")
    qr = qr_image(card.token, box_size=10).resize((qr_side, qr_side), Image.NEAREST)
    image.paste(qr, (centre - qr_side // 2, CARD_PART - qr_side - 40))
    for x in range(20, CARD_SIZE[0] - 20, 40):                 # the dashed line to tear along
        draw.line((x, CARD_PART + 50, x + 22, CARD_PART + 50), fill="black", width=4)
    draw.text((MARGIN, CARD_PART + 70), "✂ Talon à détacher et à garder : il ne se montre pas en salle.",
              font=_font(26), fill="black")
    y = CARD_PART + 130
    for text, size, bold in ((card.bidder_name, 44, True), (f"Panneau {card.paddle} · {card.channel_label}", 32, False),
                             (f"Vente {card.sale_reference}, {card.sale_title}", 32, False), (card.office_name, 32, False)):
        draw.text((MARGIN, y), text, font=_fit(draw, text, width, size, bold), fill="black")
        y += size + 24
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


async def card_png(card: Card) -> bytes:
    return await asyncio.to_thread(_card_png, card)


async def card_pdf(card: Card) -> bytes:
    qr = base64.b64encode(await asyncio.to_thread(qr_png, card.token)).decode()
    return await render_pdf("paddle_card.html", {"card": card, "qr_data_uri": f"data:image/png;base64,{qr}"})


# --- a registration's card, and a scanned card read back -----------------------------------------------

@dataclass(frozen=True)
class CardData:
    sale: Sale
    registration: Registration
    bidder: Bidder
    office_name: str
    token: str


async def card_data(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                    secret: bytes) -> CardData:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_in_sale(session, sale_id, registration_id)
        if registration.paddle_number is None or registration.verified_at is None:
            raise RegistrationRefused("Pas encore de panneau : vérifiez d'abord l'inscription.")
        office = await session.scalar(select(Office).limit(1))
    token = sign_paddle_token(secret, sale_id, registration.id, registration.paddle_number,
                              paddle_card_expiry(sale.starts_at))
    return CardData(sale, registration, registration.bidder, office.name if office else "", token)


def card_of(data: CardData) -> Card:
    return Card(paddle=data.registration.paddle_number, bidder_name=data.bidder.full_name
                + (f" — {data.bidder.company_name}" if data.bidder.buyer_type == "company" else ""),
                channel_label=CHANNELS[data.registration.channel], sale_reference=data.sale.reference,
                sale_title=data.sale.title, sale_when=long_datetime(data.sale.starts_at),
                office_name=data.office_name, token=data.token)


@dataclass(frozen=True)
class CardRead:
    paddle: int
    name: str
    channel: str


async def read_card(sessions: async_sessionmaker[AsyncSession], sale_id: int, token: str, secret: bytes,
                    now: datetime) -> CardRead:
    """A scanned card, for the tablet: signed, for this sale, not expired, and its paddle still valid."""
    card = verify_paddle_token(secret, token, sale_id, now)
    async with sessions() as session:
        registration = await session.get(Registration, card.registration_id)
    if (registration is None or registration.sale_id != sale_id or registration.verified_at is None
            or registration.paddle_number != card.paddle):
        raise TokenRefused("Carte refusée : ce panneau n'est plus valable (inscription annulée ou panneau "
                           "réattribué). Vérifiez l'inscription.")
    return CardRead(registration.paddle_number, registration.bidder.full_name, registration.channel)
