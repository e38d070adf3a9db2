"""In Chromium: a bidder registers online from a phone and confirms the e-mail address; the clerk checks
the registration, gives a paddle and prints its card; then the clerk selects that bidder on the tablet
by scanning the card, the way a USB scanner does (it types the QR code's content, then Enter).
A failing test leaves a screenshot of each page it opened (tests/browser/conftest.py); with CRIEE_SHOTS
set, the steps worth looking at are shot there too."""
from __future__ import annotations

import io
import re
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS
from tests.browser.conftest import shot
from tests.mailbox import dev_mails_to

pytestmark = pytest.mark.browser

CLERK = next(login for login in DEMO_LOGINS if login.role is Role.CLERK)
SALE_ID = 1
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
CONFIRMATION = re.compile(r"/inscription/confirmer/(\d+\.\d+\.[A-Za-z0-9_-]{43})")


def scan_image() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (210, 220, 235)).save(buffer, "JPEG")
    return {"name": "ma-piece.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def confirmation_link(live_server, email: str, timeout: float = 10.0) -> str:
    """Development mode writes the confirmation e-mail to the server's development mailbox instead of
    sending it; the server's log has nothing of it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = dev_mails_to(live_server, email)
        if mails and (match := CONFIRMATION.search(mails[-1].body)):
            assert email not in live_server.logs()
            return f"/inscription/confirmer/{match.group(1)}"
        time.sleep(0.2)
    raise AssertionError(f"no confirmation e-mail for {email} in the development mailbox")


def log_in(page: Page) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(CLERK.email)
    page.get_by_label("Mot de passe").fill(CLERK.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def register_online(page: Page) -> None:
    page.goto(f"/ventes/{SALE_ID}/inscription")
    expect(page.get_by_role("heading", level=1)).to_have_text("S'inscrire pour enchérir")
    for name, value in (("first_name", "Élodie"), ("last_name", "Fontaine"), ("birth_date", "1988-06-03"),
                        ("email", "elodie.fontaine@exemple.fr"), ("phone", "06 77 88 99 00"),
                        ("address", "12 rue Auguste-Comte"), ("postcode", "69002"), ("city", "Lyon"),
                        ("document_number", "F8K3LQ2ZP"), ("document_expires_on", "2032-03-01")):
        page.locator(f"#f-{name}").fill(value)
    page.get_by_label("Copie de la pièce (photo ou PDF)").set_input_files(scan_image())
    page.get_by_label("En salle").check()
    page.get_by_text("Ordres d'achat et enchères par téléphone").click()
    page.locator("#f-request_lot_1").fill("5")
    page.locator("#f-request_max_1").fill("450")
    page.get_by_label("J'ai lu et j'accepte les conditions de la vente.").check()
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription envoyée")


def test_online_registration_verified_at_the_desk_then_selected_on_the_tablet_by_scan(new_context, live_server):
    errors: list[str] = []

    # The bidder, on a phone.
    phone = new_context(**PHONE).new_page()
    phone.on("pageerror", lambda error: errors.append(str(error)))
    register_online(phone)
    phone.goto(confirmation_link(live_server, "elodie.fontaine@exemple.fr"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Adresse confirmée")

    # The clerk checks the registration and gives a paddle.
    clerk_context = new_context(**TABLET)
    clerk = clerk_context.new_page()
    clerk.on("pageerror", lambda error: errors.append(str(error)))
    log_in(clerk)
    clerk.goto(f"/bureau/ventes/{SALE_ID}/inscriptions")
    row = clerk.locator("tr", has_text="Élodie FONTAINE")
    expect(row).to_contain_text("••••••Q2ZP")            # the list masks the document number
    expect(row).to_contain_text("À vérifier")
    row.get_by_role("link", name="Élodie FONTAINE").click()
    expect(clerk.locator("#checks li[data-kind='identity']")).to_have_class(re.compile("check-ko"))
    clerk.get_by_label("Pièce d'identité vue").check()
    clerk.get_by_label("Prénoms, tels qu'écrits sur la pièce").fill("Élodie")
    clerk.get_by_label("Nom, tel qu'écrit sur la pièce").fill("FONTAINE")
    clerk.get_by_label("Garantie reçue").select_option("deposit")
    clerk.get_by_label("Montant (€)").fill("300")
    clerk.get_by_label("Mode de versement du dépôt").select_option("transfer")
    clerk.get_by_label("Référence (reçu").fill("VIR-2026-0999")
    clerk.get_by_role("button", name="Vérifier et attribuer un panneau").click()
    expect(clerk.get_by_role("status")).to_contain_text("attribué")
    paddle = clerk.locator("#paddle-number").inner_text().strip()
    assert paddle == "4", "room paddles 1 to 3 are the demo's: the next one"
    expect(clerk.locator("#checks li.check-ko")).to_have_count(0)

    # The card prints: the PDF and the PNG answer; a real decoder reads the PNG's QR code.
    pdf = clerk_context.request.get(clerk.locator("#card-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    png = clerk_context.request.get(clerk.locator("#card-png").get_attribute("href"))
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())).convert("RGB"))
    token = code.text
    assert token.startswith(f"P1-{SALE_ID}-")

    # The tablet: the USB scanner types the card's token and Enter.
    clerk.goto(f"/bureau/ventes/{SALE_ID}/salle")
    expect(clerk.locator("#clerk")).to_have_attribute("data-state", "ready")
    scan = clerk.locator("#scan-input")
    scan.click()
    clerk.keyboard.type(token)
    clerk.keyboard.press("Enter")
    expect(clerk.locator("#paddle-display")).to_have_text(paddle)
    expect(clerk.locator("#room-notice")).to_contain_text(f"Carte lue : panneau {paddle} (Élodie FONTAINE)")
    expect(scan).to_have_value("")

    # An altered card is refused with the server's message, and the paddle is not changed.
    clerk.locator("[data-key='clear']").click()
    scan.click()
    clerk.keyboard.type(token.replace(f"-{paddle}-", "-3-"))
    clerk.keyboard.press("Enter")
    expect(clerk.locator("#room-alert-text")).to_contain_text("signature est invalide")
    expect(clerk.locator("#paddle-display")).to_have_text("—")
    assert errors == []


def test_a_second_registration_offers_the_resend_and_the_clerk_resends_from_the_tablet(
        new_context, live_server):
    """The same e-mail posted twice: the phone is pointed to the waiting registration and asks for its
    e-mail again; the clerk, on the tablet (1180×820), sends it once more from the registration's page."""
    errors: list[str] = []
    email = "hugo.lambert@exemple.fr"
    phone = new_context(**PHONE).new_page()
    phone.on("pageerror", lambda error: errors.append(str(error)))

    def fill_and_send() -> None:
        phone.goto(f"/ventes/{SALE_ID}/inscription")
        for name, value in (("first_name", "Hugo"), ("last_name", "Lambert"), ("birth_date", "1979-02-11"),
                            ("email", email), ("phone", "06 55 44 33 22"), ("address", "3 place Bellecour"),
                            ("postcode", "69002"), ("city", "Lyon"), ("document_number", "H7Q2LM4KD"),
                            ("document_expires_on", "2033-09-01")):
            phone.locator(f"#f-{name}").fill(value)
        phone.get_by_label("Copie de la pièce (photo ou PDF)").set_input_files(scan_image())
        phone.get_by_label("En salle").check()
        phone.get_by_label("J'ai lu et j'accepte les conditions de la vente.").check()
        phone.get_by_role("button", name="Envoyer mon inscription").click()

    fill_and_send()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Inscription envoyée")
    first_link = confirmation_link(live_server, email)
    fill_and_send()                                       # sent again, as a double tap or a reload would
    notice = phone.locator("#inscription-en-attente")
    expect(notice).to_contain_text("Demande déjà reçue")
    expect(notice).to_contain_text("rien n'a été enregistré de ce nouvel envoi")
    shot(phone, "phone-duplicate")
    phone.get_by_role("button", name="Renvoyer le courriel de confirmation").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Courriel de confirmation renvoyé")
    # A second e-mail, with a confirmation link (the same one when it is sent within the second of the
    # first: the link's signature is timed to the second).
    deadline = time.monotonic() + 10
    while len(dev_mails_to(live_server, email)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(dev_mails_to(live_server, email)) == 2, "a second e-mail"
    assert confirmation_link(live_server, email).startswith("/inscription/confirmer/")
    assert first_link.startswith("/inscription/confirmer/")

    clerk = new_context(viewport={"width": 1180, "height": 820}, has_touch=True).new_page()
    clerk.on("pageerror", lambda error: errors.append(str(error)))
    log_in(clerk)
    clerk.goto(f"/bureau/ventes/{SALE_ID}/inscriptions")
    rows = clerk.locator("tr", has_text="Hugo LAMBERT")
    expect(rows).to_have_count(1)                         # one registration, not two
    rows.get_by_role("link", name="Hugo LAMBERT").click()
    history = clerk.locator("#mail-history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("à la demande de l'inscrit")
    clerk.get_by_role("button", name="Renvoyer le courriel de confirmation").click()
    expect(clerk).to_have_url(re.compile(r"\?ok=courriel-non-envoye#courriel$"))   # development: to the log
    expect(clerk.get_by_role("status")).to_contain_text("n'est pas parti")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("renvoyé par l'étude")
    shot(clerk, "tablet-resend")
    width = clerk.evaluate("document.documentElement.scrollWidth")
    assert width <= 1180, f"the page scrolls sideways ({width} px)"
    assert errors == []
