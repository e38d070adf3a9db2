"""In Chromium: a clerk builds a new sale, announces it, downloads its poster, records a poster put up
with its photo, and downloads the certificate of publicity; both PDFs are read back with pypdf."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from auction.domain.roles import Role
from auction.formats import PARIS, long_date
from auction.services.demo import DEMO_LOGINS

pytestmark = pytest.mark.browser

LOGINS = {login.role: login for login in DEMO_LOGINS}
CSV = ("Désignation;Quantité;État;Estimation;Catégorie\n"
       "Tour à bois Record Power;1;bon état;900;Machines\n")


def log_in(page: Page, role: Role) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(LOGINS[role].email)
    page.get_by_label("Mot de passe").fill(LOGINS[role].password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def pdf_text(path) -> str:
    with open(path, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def signed_inventory_item(page: Page, csv_file) -> None:
    """The officer imports one more seized item in the workshop case and signs the act."""
    page.get_by_role("link", name="SV-2026-0142").click()
    page.get_by_role("button", name="Nouveau procès-verbal de saisie").click()
    page.get_by_label("Fichier").set_input_files(str(csv_file))
    page.get_by_role("button", name="Aperçu de l'import").click()
    page.get_by_role("button", name="Importer 1 bien").click()
    expect(page.get_by_role("status")).to_contain_text("Biens importés.")
    page.get_by_label("Date de l'acte").fill((datetime.now(PARIS).date() - timedelta(days=60)).isoformat())
    page.get_by_label("Lieu des opérations").fill("4 chemin des Tanneurs, 69100 Villeurbanne")
    page.get_by_label("Personnes présentes (une par ligne)").fill("M. Paul Marchand, gérant")
    page.get_by_label("Déclaration du débiteur sur les saisies antérieures").fill("Aucune.")
    page.get_by_label("Juge de l'exécution compétent").fill("juge de l'exécution du tribunal judiciaire de Lyon")
    page.get_by_role("button", name="Enregistrer l'en-tête").click()
    page.get_by_role("button", name="Signer l'acte").click()
    expect(page.get_by_role("status")).to_contain_text("Acte signé.")


def test_clerk_announces_a_sale_and_downloads_the_poster_and_the_certificate(new_context, tmp_path):
    csv_file = tmp_path / "inventaire.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    photo = tmp_path / "affiche.jpg"
    Image.new("RGB", (640, 480), (230, 230, 220)).save(photo, "JPEG")
    officer = new_context().new_page()
    log_in(officer, Role.OFFICER)
    signed_inventory_item(officer, csv_file)

    clerk = new_context(accept_downloads=True).new_page()
    log_in(clerk, Role.CLERK)
    sale_day = datetime.now(PARIS).date() + timedelta(days=30)
    clerk.goto("/bureau/ventes/nouvelle")
    clerk.get_by_label("Référence").fill("VJ-2027-TOUR")
    clerk.get_by_label("Intitulé").fill("Vente judiciaire : tour à bois")
    clerk.get_by_label("Date (heure de Paris)").fill(sale_day.isoformat())
    clerk.get_by_label(re.compile(r"^Heure")).fill("10:30")
    clerk.get_by_label("Nom du lieu").fill("Hôtel des ventes judiciaires de Lyon")
    clerk.get_by_label(re.compile(r"^Adresse")).fill("8 quai de Saône")
    clerk.get_by_label("Code postal").fill("69009")
    clerk.get_by_label("Commune").fill("Lyon")
    clerk.get_by_role("button", name="Enregistrer").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("Vente judiciaire : tour à bois")
    sale_url = clerk.url
    clerk.get_by_role("link", name="Nouveau lot depuis l'inventaire").click()
    clerk.get_by_label(re.compile("Tour à bois Record Power")).check()
    clerk.get_by_label("Estimation haute (€)").fill("1 200")
    clerk.get_by_label("Mise à prix (€)").fill("400")
    clerk.get_by_role("button", name="Créer le lot").click()
    expect(clerk.get_by_role("status")).to_contain_text("Lot créé.")

    clerk.goto(sale_url)
    clerk.get_by_role("link", name="Publicité et annonce").click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("Publicité de la vente VJ-2027-TOUR")
    checks = clerk.get_by_role("table").first
    expect(checks).to_contain_text("CPCE L221-3")
    expect(checks).to_contain_text("Affiche à la mairie de Villeurbanne (69100)")
    clerk.get_by_role("button", name="Annoncer la vente").click()
    expect(clerk.get_by_role("status")).to_contain_text("Vente annoncée")
    expect(clerk.get_by_role("heading", name="Avis de vente n° 1")).to_be_visible()

    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="Affiche A4 (PDF)").click()
    assert download.value.suggested_filename == "affiche-VJ-2027-TOUR-avis-1-A4.pdf"
    poster = pdf_text(download.value.path())
    assert "VENTE AUX ENCHÈRES PUBLIQUES" in poster.upper() and f"{long_date(sale_day)} à 10 h 30" in poster
    assert "Machines (1 lot)" in poster and "SARL Atelier Marchand" not in poster

    clerk.get_by_label("Lieu de l'affichage").select_option(label="Lieu de la vente : Hôtel des ventes judiciaires de Lyon")
    clerk.get_by_label("Date de l'affichage").fill(datetime.now(PARIS).date().isoformat())
    clerk.get_by_label(re.compile(r"^Heure")).fill("00:05")
    clerk.get_by_label("Photo de l'affiche apposée (JPEG, PNG ou PDF)").set_input_files(str(photo))
    clerk.get_by_role("button", name="Enregistrer l'affichage").click()
    expect(clerk.get_by_role("status")).to_contain_text("Affichage enregistré.")
    expect(clerk.get_by_role("link", name="Voir la preuve")).to_be_visible()

    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="Certificat de publicité (PDF)").click()
    assert download.value.suggested_filename == "certificat-publicite-VJ-2027-TOUR.pdf"
    certificate = pdf_text(download.value.path())
    assert "CERTIFICAT DE PUBLICITÉ" in certificate.upper()
    assert "Affiche au lieu de la vente" in certificate and "Publication sur le site" in certificate
    assert "R221-34" in certificate and "R221-35" in certificate

    clerk.goto("/")
    expect(clerk.get_by_role("link", name="Vente judiciaire : tour à bois")).to_be_visible()
