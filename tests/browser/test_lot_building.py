"""In Chromium: an inventory imported from a CSV file, signed by the officer, and the clerk
building a lot from the imported items."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS

pytestmark = pytest.mark.browser

LOGINS = {login.role: login for login in DEMO_LOGINS}
CSV = ("Désignation;Quantité;État;Estimation;Catégorie\n"
       "Ponceuse à bande Holz-Her;1;bon état de marche;650;Machines\n"
       "Lot de rabots Stanley;6;lames à affûter;120;Outillage\n")


def log_in(page: Page, role: Role) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(LOGINS[role].email)
    page.get_by_label("Mot de passe").fill(LOGINS[role].password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau$"))


def test_clerk_builds_a_lot_from_imported_items(new_context, tmp_path):
    csv_file = tmp_path / "inventaire.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    officer = new_context().new_page()
    log_in(officer, Role.OFFICER)
    officer.get_by_role("link", name="SV-2026-0142").click()
    officer.get_by_role("button", name="Nouveau procès-verbal de saisie").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Procès-verbal de saisie-vente")
    officer.get_by_label("Fichier").set_input_files(str(csv_file))
    officer.get_by_role("button", name="Aperçu de l'import").click()
    expect(officer.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    expect(officer.locator("table")).to_contain_text("Ponceuse à bande Holz-Her")
    officer.get_by_role("button", name="Importer 2 biens").click()
    expect(officer.get_by_role("status")).to_contain_text("Biens importés.")
    officer.get_by_label("Date de l'acte").fill("2026-11-02")
    officer.get_by_label("Lieu des opérations").fill("4 chemin des Tanneurs, 69100 Villeurbanne")
    officer.get_by_label("Personnes présentes (une par ligne)").fill("M. Paul Marchand, gérant")
    officer.get_by_label("Déclaration du débiteur sur les saisies antérieures").fill("Aucune.")
    officer.get_by_label("Juge de l'exécution compétent").fill("juge de l'exécution du tribunal judiciaire de Lyon")
    officer.get_by_role("button", name="Enregistrer l'en-tête").click()
    officer.get_by_role("button", name="Signer l'acte").click()
    expect(officer.get_by_role("status")).to_contain_text("Acte signé.")

    clerk = new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
    log_in(clerk, Role.CLERK)
    clerk.goto("/bureau/ventes/1")
    clerk.get_by_role("link", name="Nouveau lot depuis l'inventaire").click()
    clerk.get_by_label(re.compile("Ponceuse à bande Holz-Her")).check()
    clerk.get_by_label(re.compile("Lot de rabots Stanley")).check()
    expect(clerk.get_by_label("Titre")).to_have_value("Ponceuse à bande Holz-Her")
    expect(clerk.get_by_label("Estimation basse (€)")).to_have_value("770,00")
    clerk.get_by_label("Titre").fill("Ponceuse à bande et rabots")
    clerk.get_by_label("Estimation haute (€)").fill("1 200")
    clerk.get_by_label("Mise à prix (€)").fill("400")
    clerk.get_by_role("button", name="Créer le lot").click()
    expect(clerk.get_by_role("status")).to_contain_text("Lot créé.")
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("Lot 41")
    expect(clerk.locator("body")).to_contain_text("Lot de rabots Stanley")
