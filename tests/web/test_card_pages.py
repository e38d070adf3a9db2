"""Paddle cards over HTTP, decoded with a real QR decoder, and the tablet's card reader."""
import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from auction.domain.roles import Role
from auction.models import Registration, RegistrationCheck

from ..conftest import csrf_from
from ..services.test_registration import sale  # noqa: F401 - fixture
from .test_registration_pages import confirm_by_the_link, register_online, text


def decode_qr(png: bytes) -> str:
    """A real QR decoder (zxing-cpp) reads the card image."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))
    assert len(results) == 1, "one QR code on the card"
    return results[0].text


def card_lines(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Each text line of the card PDF: (its size in points, its height above the page's foot in points)."""
    lines = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            lines[text.strip()] = (size * abs(cm[3]), cm[3] * tm[5] + cm[5])
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return lines


async def test_the_clerk_checks_a_registration_and_prints_a_card_read_by_a_real_decoder(
        app, client, db, sale, users, login, settings):  # noqa: F811
    await register_online(client, sale.id)
    await confirm_by_the_link(app)
    client.cookies.clear()
    await login(client, users[Role.CLERK])
    listing = await client.get(f"/bureau/ventes/{sale.id}/inscriptions")
    assert "Léa MARTIN-DUPRÉ" in text(listing) and "••••••PFW4" in text(listing)
    assert "X4RTBPFW4" not in text(listing), "lists show masked document numbers"
    async with db.sessions() as session:
        registration = await session.scalar(select(Registration))
    path = f"/bureau/ventes/{sale.id}/inscriptions/{registration.id}"
    page = await client.get(path)
    assert "Vérifier et attribuer un panneau" in text(page) and "À vérifier" not in text(page)
    token = await csrf_from(client, path)
    attestation = {"csrf_token": token, "document_type": "id_card", "document_number": "X4RTBPFW4",
                   "document_expires_on": "2031-05-01", "document_country": "FR", "document_first_names": "Léa",
                   "document_last_name": "MARTIN-DUPRÉ"}
    refused = await client.post(f"{path}/verifier", data=attestation)           # document not ticked as seen
    assert refused.status_code == 400 and "aucun panneau n'a été attribué" in text(refused)
    assert "pièce vue" in text(refused)
    granted = await client.post(f"{path}/verifier", data={**attestation, "document_seen": "1"})
    assert granted.status_code == 303
    page = await client.get(granted.headers["location"])
    assert "panneau n° 1 attribué" in text(page) and 'id="paddle-number">1<' in text(page)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RegistrationCheck)) == 12

    pdf = await client.get(f"{path}/carte.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    # The room sees the number alone, as large as the card allows; the name is small, on the stub below
    # the line to tear along.
    lines = card_lines(pdf.content)
    number_size, number_height = lines["1"]
    cut_size, cut_height = lines["✂ Talon à détacher et à garder : il ne se montre pas en salle."]
    name_size, name_height = lines["Léa MARTIN-DUPRÉ"]
    assert number_size > 150 and number_size == max(size for size, _ in lines.values())
    assert name_size <= 11 and name_height < cut_height < number_height
    assert all(height < cut_height for text, (_, height) in lines.items() if "MARTIN" in text)
    assert any(sale.reference in text and height > cut_height for text, (_, height) in lines.items())
    (qr_in_pdf,) = PdfReader(io.BytesIO(pdf.content)).pages[0].images
    assert [r.text for r in zxingcpp.read_barcodes(qr_in_pdf.image.convert("RGB"))] == [decode_qr(
        (await client.get(f"{path}/carte.png")).content)]
    png = await client.get(f"{path}/carte.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    decoded = decode_qr(png.content)
    assert decoded.startswith(f"P1-{sale.id}-{registration.id}-1-")

    reader = f"/bureau/ventes/{sale.id}/panneaux/lire"
    headers = {"x-csrf-token": token}
    accepted = await client.post(reader, json={"token": decoded}, headers=headers)
    assert accepted.status_code == 200 and accepted.json() == {"paddle": 1, "name": "Léa MARTIN-DUPRÉ",
                                                               "channel": "room"}
    altered = decoded.replace(f"-{registration.id}-1-", f"-{registration.id}-2-")
    refused = await client.post(reader, json={"token": altered}, headers=headers)
    assert refused.status_code == 400 and "signature est invalide" in refused.json()["message"]
    other_sale = await client.post(f"/bureau/ventes/{sale.id + 1000}/panneaux/lire", json={"token": decoded},
                                   headers=headers)
    assert other_sale.status_code == 400 and "autre vente" in other_sale.json()["message"]
    no_csrf = await client.post(reader, json={"token": decoded})
    assert no_csrf.status_code == 403
