"""The distribution pages over HTTP: the sale's cases, a case from costs and ranks to the plan, its
PDF with the costs statement, the letters and receipts, the payouts and their SEPA file; refusals in
French; the officer's decisions refused to the clerk; the deadlines board; the legal rates."""
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from auction.domain.deadlines import paris_day
from auction.domain.legal_interest import half_year_label, missing_half_years, rate_table
from auction.domain.payments import PaymentForm
from auction.domain.roles import Role
from auction.domain.room import Actor
from auction.models import Creditor, Sale, utcnow
from auction.sepa import DEFAULT_SCHEMA, schema_path
from auction.services import payments
from auction.services.demo import seed_demo
from tests.services.checkout_helpers import invoice, sell

from ..conftest import csrf_from


def text(response) -> str:
    return html.unescape(response.text)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def sold(db, tmp_path, users):
    """The demo sale held 40 days ago: two lots of the workshop case sold, invoiced and paid by card."""
    await seed_demo(db.sessions, tmp_path, paris_day(utcnow()) - timedelta(days=60))
    async with db.sessions() as session:
        sale = await session.scalar(select(Sale))
    clerk = Actor(users[Role.CLERK].id, Role.CLERK)
    lots = await sell(db, sale.id, clerk, [(1, 6_000_00), (2, 4_000_00)])
    for paddle, lot_id, amount in ((1, lots[0], 6_000_00), (2, lots[1], 4_000_00)):
        await invoice(db, sale.id, paddle, [lot_id], [amount])
        total = amount + round(amount * 0.1428)
        await payments.record_payment(db.sessions, sale.id, paddle, PaymentForm("card", total, reference="TPE"),
                                      user_id=clerk.user_id, now=utcnow(), command_id=f"pay-{paddle}")
    async with db.sessions() as session:
        from auction.models import Lot
        case_id = (await session.get(Lot, lots[0])).case_id
        creditors = (await session.scalars(select(Creditor).where(Creditor.case_id == case_id)
                                           .order_by(Creditor.id))).all()
    return {"sale_id": sale.id, "case_id": case_id, "day": paris_day(sale.starts_at),
            "creditors": [c.id for c in creditors]}


async def post(client, path, page, **data):
    return await client.post(path, data={"csrf_token": await csrf_from(client, page), **data})


async def test_from_costs_and_ranks_to_the_plan_its_letters_and_the_payouts(client, login, users, sold):
    sale_id, case_id, day = sold["sale_id"], sold["case_id"], sold["day"]
    base = f"/bureau/ventes/{sale_id}/repartition/{case_id}"
    await login(client, users[Role.OFFICER])

    overview = await client.get(f"/bureau/ventes/{sale_id}/repartition")
    assert overview.status_code == 200 and "Projet en préparation" in text(overview)
    page = await client.get(base)
    assert page.status_code == 200 and "Établir le projet de répartition" in text(page)
    assert "10 000,00" in text(page).replace("\u202f", " ")

    response = await post(client, base + "/frais", base, label="Acte de saisie", amount="120,00", reference="acte")
    assert response.status_code == 303
    bad = await post(client, base + "/frais", base, label="Publicité", amount="douze")
    assert bad.status_code == 400 and "Montant illisible" in text(bad)
    claim_id = re.search(r'name="claim_id" value="(\d+)"', page.text).group(1)
    bad = await post(client, base + "/rang", base, claim_id=claim_id, rank_kind="royal")
    assert bad.status_code == 400 and "Choisissez le rang" in text(bad)
    assert (await post(client, base + "/rang", base, claim_id=claim_id, rank_kind="unsecured", rank_order="1",
                       interest_basis="none")).status_code == 303

    assert (await post(client, base + "/projet", base)).status_code == 303
    page = await client.get(base)
    assert "Projet de répartition du" in text(page) and "Notifier le projet" in text(page)
    pdf = await client.get(base + "/projet.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    content = pdf_text(pdf.content)
    assert "PROJET DE RÉPARTITION" in content and "VÉRIFIER CET ÉTAT DES FRAIS" in content
    assert "quinze jours" in content.lower()

    sent = day + timedelta(days=2)
    future = await post(client, base + "/notification", base, sent_on=(paris_day(utcnow()) + timedelta(days=3)).isoformat())
    assert future.status_code == 400 and "futur" in text(future)
    assert (await post(client, base + "/notification", base, sent_on=sent.isoformat())).status_code == 303
    for recipient in ("debtor", *(f"creditor:{c}" for c in sold["creditors"])):
        response = await post(client, base + "/reception", base, recipient=recipient,
                              received_on=(sent + timedelta(days=2)).isoformat())
        assert response.status_code == 303, text(response)
    unknown = await post(client, base + "/reception", base, recipient="creditor:999999", received_on=sent.isoformat())
    assert unknown.status_code == 400 and "Aucune lettre" in text(unknown)

    page = await client.get(base)
    assert "Définitif, à payer" in text(page) and "Payer la répartition" in text(page)
    no_iban = await post(client, base + "/paiement", base, paid_on=paris_day(utcnow()).isoformat())
    assert no_iban.status_code == 400 and "IBAN" in text(no_iban)
    first, second = sold["creditors"]
    assert (await post(client, base + "/creancier", base, creditor_id=str(first), iban="DE89 3704 0044 0532 0130 00",
                       bic="", email="contentieux@banque.example", came_forward_on="")).status_code == 303
    bad_iban = await post(client, base + "/creancier", base, creditor_id=str(second), iban="FR76 1234", bic="",
                          email="", came_forward_on="")
    assert bad_iban.status_code == 400 and "IBAN invalide" in text(bad_iban)
    response = await post(client, base + "/paiement", base, paid_on=paris_day(utcnow()).isoformat(),
                          **{f"cheque_creditor:{second}": "0004567"})
    assert response.status_code == 303, text(response)
    page = await client.get(base)
    assert "Payé" in text(page) and "chèque n° 0004567" in text(page)

    letters = await client.get(base + "/lettres.pdf")
    assert letters.status_code == 200
    assert pdf_text(letters.content).count("Lettre recommandée avec demande d'avis de réception") == 3

    assert (await post(client, base + "/comptes-rendus", base)).status_code == 303
    page = await client.get(base)
    assert "établi le" in text(page)
    report = await client.get(f"{base}/comptes-rendus/creditor:{second}.pdf")
    assert report.status_code == 200
    content = pdf_text(report.content)
    assert "COMPTE RENDU AU CRÉANCIER" in content and "chèque n° 0004567" in content
    statement = pdf_text((await client.get(f"{base}/comptes-rendus/debtor.pdf")).content)
    assert "RELEVÉ DU DÉBITEUR" in statement and "Solde qui vous revient" in statement
    assert (await client.get(f"{base}/comptes-rendus/creditor:999999.pdf")).status_code == 404

    transfers = await client.get(base + "/virements.xml")
    assert transfers.status_code == 200
    xsd = etree.XMLSchema(etree.parse(str(schema_path(DEFAULT_SCHEMA))))
    assert xsd.validate(etree.fromstring(transfers.content))


async def test_the_clerk_records_but_does_not_decide(client, login, users, sold):
    sale_id, case_id = sold["sale_id"], sold["case_id"]
    base = f"/bureau/ventes/{sale_id}/repartition/{case_id}"
    await login(client, users[Role.CLERK])
    page = await client.get(base)
    assert page.status_code == 200 and "Établir le projet" not in text(page)
    assert (await post(client, base + "/frais", base, label="Vacation", amount="45,76")).status_code == 303
    assert (await post(client, base + "/projet", base)).status_code == 403
    assert (await client.get(base + "/virements.xml")).status_code == 403


async def test_deadlines_board_and_unknown_pages(client, login, users, sold, db):
    await login(client, users[Role.CLERK])
    board = await client.get("/bureau/echeances")
    assert board.status_code == 200
    assert "Projet de répartition à notifier" in text(board) and "Dépassée" in text(board)   # the month has run
    assert "Espèces à remettre en banque" not in text(board)
    await payments.record_payment(db.sessions, sold["sale_id"], 1, PaymentForm("cash", 10_00), user_id=users[Role.CLERK].id,
                                  now=utcnow(), command_id="cash-extra", confirm_refund=True)
    board = text(await client.get("/bureau/echeances")).replace("\u202f", " ")
    assert "Espèces à remettre en banque" in board and "10,00" in board
    assert f'href="/bureau/ventes/{sold["sale_id"]}/caisse"' in board
    assert (await client.get(f"/bureau/ventes/{sold['sale_id']}/repartition/999999")).status_code == 404
    assert (await client.get("/bureau/ventes/999999/repartition")).status_code == 404
    assert (await client.get(f"/bureau/ventes/{sold['sale_id']}/repartition/abc")).status_code == 404


async def test_cmf_l313_2_the_rates_page_names_the_half_years_to_enter_and_bad_input_is_refused_in_french(
        client, login, users, db):
    today = datetime.now(timezone.utc).date()
    missing = missing_half_years(rate_table(), today)
    assert missing                                    # the shipped rows stop at the first half of 2026
    await login(client, users[Role.CLERK])
    page = await client.get("/bureau/etude/interet-legal")
    assert page.status_code == 200 and "Taux non saisis" in text(page)
    assert half_year_label(missing[-1]) in text(page) and "Le commissaire de justice les saisit" in text(page)
    assert "jamais compté à 0" in text(page)
    clerk_post = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal",
                            half_year=f"{missing[0]:%Y-%m}", private_rate="6,5", other_rate="2,5", reference="Arrêté")
    assert clerk_post.status_code == 403
    client.cookies.clear()
    await login(client, users[Role.OFFICER])
    for fields, message in (({"private_rate": "six"}, "taux"), ({"other_rate": "55"}, "entre 0 et 50"),
                            ({"reference": ""}, "arrêté"), ({"half_year": "2026-13"}, "semestre")):
        data = {"half_year": f"{missing[0]:%Y-%m}", "private_rate": "6,5", "other_rate": "2,5",
                "reference": "Arrêté du 20 juin", **fields}
        bad = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal", **data)
        assert bad.status_code == 400 and message in text(bad).lower(), (fields, text(bad))
    for start in missing:
        done = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal",
                          half_year=f"{start:%Y-%m}", private_rate="6,50", other_rate="2,50",
                          reference="Arrêté publié au JO")
        assert done.status_code == 303
    page = await client.get("/bureau/etude/interet-legal")
    assert "Taux non saisis" not in text(page) and half_year_label(missing[-1]).capitalize() in text(page)


async def test_the_officer_enters_a_half_years_legal_rates(client, login, users, db):
    await login(client, users[Role.OFFICER])
    page = await client.get("/bureau/etude/interet-legal")
    assert page.status_code == 200 and "6,67" in text(page) and "Premier semestre 2026" in text(page)
    bad = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal", half_year="2026-04",
                     private_rate="6,5", other_rate="2,5", reference="Arrêté")
    assert bad.status_code == 400 and "semestre" in text(bad)
    done = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal", half_year="2026-07",
                      private_rate="6,50", other_rate="2,50", reference="Arrêté du 20 juin 2026")
    assert done.status_code == 303
    page = await client.get("/bureau/etude/interet-legal")
    assert "Second semestre 2026" in text(page) and "saisi par l'étude" in text(page)
    again = await post(client, "/bureau/etude/interet-legal", "/bureau/etude/interet-legal", half_year="2026-07",
                       private_rate="6,50", other_rate="2,50", reference="Arrêté")
    assert again.status_code == 400 and "déjà saisis" in text(again)


async def test_a_contest_the_conciliation_letters_the_disagreement_and_the_deposit(client, login, users, sold):
    sale_id, case_id, day = sold["sale_id"], sold["case_id"], sold["day"]
    base = f"/bureau/ventes/{sale_id}/repartition/{case_id}"
    first, second = sold["creditors"]
    await login(client, users[Role.OFFICER])
    assert (await post(client, base + "/projet", base)).status_code == 303
    assert (await client.get(base + "/conciliation.pdf")).status_code == 404        # nothing convened yet
    assert (await post(client, base + "/notification", base, sent_on=(day + timedelta(days=2)).isoformat())).status_code == 303
    assert (await post(client, base + "/reception", base, recipient=f"creditor:{second}",
                       received_on=(day + timedelta(days=3)).isoformat())).status_code == 303
    bad = await post(client, base + "/contestation", base, recipient=f"creditor:{second}",
                     on=(day + timedelta(days=5)).isoformat(), reasons="", documents="Contrat")
    assert bad.status_code == 400 and "Motifs de la contestation : champ obligatoire" in text(bad)
    assert (await post(client, base + "/contestation", base, recipient=f"creditor:{second}",
                       on=(day + timedelta(days=5)).isoformat(), reasons="Rang du bailleur contesté",
                       documents="Contrat de crédit-bail publié")).status_code == 303
    late = await post(client, base + "/conciliation", base, on=(day + timedelta(days=6)).isoformat(),
                      meeting_on=(day + timedelta(days=60)).isoformat(), place="À l'étude")
    assert late.status_code == 400 and "un mois après la première contestation" in text(late)
    meeting = day + timedelta(days=20)
    assert (await post(client, base + "/conciliation", base, on=(day + timedelta(days=6)).isoformat(),
                       meeting_on=meeting.isoformat(), place="à l'étude, 12 rue de la République, Lyon")).status_code == 303
    letters = await client.get(base + "/conciliation.pdf")
    assert letters.status_code == 200 and letters.headers["content-type"] == "application/pdf"
    content = pdf_text(letters.content)
    assert content.count("convocation à la réunion de conciliation") == 3       # the debtor and both creditors
    assert "Rang du bailleur contesté" in content
    assert "R251-6" in content
    assert (await post(client, base + "/issue", base, outcome="disagreement", on=meeting.isoformat(),
                       note="Les créanciers ne s'accordent pas sur le rang du crédit-bail.")).status_code == 303
    content = pdf_text((await client.get(base + "/conciliation.pdf")).content)
    assert "procès-verbal de désaccord (cpce r251-8)" in content.lower() and "ne s'accordent pas" in content
    assert (await post(client, base + "/consignation", base, on=meeting.isoformat(), reference="CDC-2026-0042")).status_code == 303
    page = text(await client.get(base)).replace("\u202f", " ").replace("\xa0", " ")
    assert "Consigné à la Caisse des dépôts" in page
    assert "frais de consignation (A444-7) retenus : 8,22 € TTC" in page
    # R251-11: the costs statement lists the deposit's fee as charged (from the sums deposited), the
    # notice unchanged; the sum to distribute is not reduced a second time
    assert "Frais de consignation à la Caisse des dépôts (A444-7) du" in page and "6,85 € HT et TVA 1,37 €" in page
    for document in ("/projet.pdf", f"/comptes-rendus/creditor:{first}.pdf"):
        content = pdf_text((await client.get(base + document)).content).replace("\u202f", " ").replace("\xa0", " ")
        assert "Frais de consignation à la Caisse des dépôts et consignations (C. com. A444-7)" in content, document
        assert "CDC-2026-0042" in content and "droit 6,85 € HT, TVA 1,37 €" in content and "8,22 €" in content
        assert "ne réduisent pas la somme à répartir" in content
        assert "VÉRIFIER CET ÉTAT DES FRAIS" in content
    assert "procès-verbal de désaccord (PDF)" in page


async def test_r251_5_the_officer_records_a_conservatory_creditors_conversion_act(client, login, users, sold, db):
    from auction.domain.distribution import RankKind
    from auction.models import Claim
    from auction.services.distribution_claims import ClaimRank, set_claim_rank

    sale_id, case_id, day = sold["sale_id"], sold["case_id"], sold["day"]
    base = f"/bureau/ventes/{sale_id}/repartition/{case_id}"
    first, second = sold["creditors"]
    async with db.sessions() as session:
        claim_id = await session.scalar(select(Claim.id).where(Claim.creditor_id == second))
    await set_claim_rank(db.sessions, claim_id, ClaimRank(RankKind.UNSECURED, conservatory=True))
    await login(client, users[Role.OFFICER])
    assert (await post(client, base + "/projet", base)).status_code == 303
    sent = day + timedelta(days=2)
    assert (await post(client, base + "/notification", base, sent_on=sent.isoformat())).status_code == 303
    for recipient in ("debtor", f"creditor:{first}", f"creditor:{second}"):
        assert (await post(client, base + "/reception", base, recipient=recipient,
                           received_on=sent.isoformat())).status_code == 303
    today = paris_day(utcnow())
    response = await post(client, base + "/paiement", base, paid_on=(today - timedelta(days=5)).isoformat(),
                          **{f"cheque_creditor:{first}": "11", "cheque_debtor": "12"})
    assert response.status_code == 303, text(response)
    page = text(await client.get(base)).replace("\u202f", " ").replace("\xa0", " ")
    assert "en attente de l'acte de conversion" in page and "Enregistrer l'acte de conversion" in page

    bad = await post(client, base + "/conversion", base, conversion_recipient=f"creditor:{second}",
                     conversion_on="", conversion_reference="Acte 1")
    assert bad.status_code == 400 and "Date obligatoire" in text(bad)
    bad = await post(client, base + "/conversion", base, conversion_recipient=f"creditor:{second}",
                     conversion_on=today.isoformat(), conversion_reference="")
    assert bad.status_code == 400 and "référence de l'acte de conversion" in text(bad)
    bad = await post(client, base + "/conversion", base, conversion_recipient=f"creditor:{first}",
                     conversion_on=today.isoformat(), conversion_reference="Acte 1")
    assert bad.status_code == 400 and "Aucune part consignée" in text(bad)
    no_csrf = await client.post(base + "/conversion", data={"conversion_recipient": f"creditor:{second}",
                                                           "conversion_on": today.isoformat(),
                                                           "conversion_reference": "Acte 1"})
    assert no_csrf.status_code == 403
    ok = await post(client, base + "/conversion", base, conversion_recipient=f"creditor:{second}",
                    conversion_on=today.isoformat(), conversion_reference="Conversion n° 2026-77")
    assert ok.status_code == 303, text(ok)
    page = text(await client.get(base))
    assert "acte de conversion Conversion n° 2026-77" in page and "payés par la Caisse des dépôts" in page
    assert "Enregistrer l'acte de conversion" not in page

    client.cookies.clear()
    await login(client, users[Role.CLERK])
    refused = await post(client, base + "/conversion", base, conversion_recipient=f"creditor:{second}",
                         conversion_on=today.isoformat(), conversion_reference="Acte 2")
    assert refused.status_code == 403
