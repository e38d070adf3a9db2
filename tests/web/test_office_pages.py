"""The officer's back office: office settings, tariff periods, staff accounts."""
from decimal import Decimal

from sqlalchemy import func, select

from auction.domain.roles import Role
from auction.models import Office, TariffPeriod, User

from ..conftest import confirm_rates, csrf_from

OFFICE_FORM = {
    "name": "Étude Garnier", "address": "3 place du Palais", "postcode": "69005", "city": "Lyon",
    "phone": "04 72 00 00 00", "email": "etude@exemple.fr", "siret": "81234567600017",
    "client_account_iban": "FR7630006000011234567890189",
}


async def _office(db, officer):
    async with db.sessions() as session, session.begin():
        office = Office(name="Étude", address="1 rue", postcode="69001", city="Lyon", siret="81234567600017",
                        client_account_iban="FR7630006000011234567890189", officer_id=officer.id)
        session.add(office)
    return office


async def test_officer_updates_the_office(client, db, users, login):
    await _office(db, users[Role.OFFICER])
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/etude")
    response = await client.post("/bureau/etude", data={
        **OFFICE_FORM, "siret": "812 345 676 00017", "officer_id": str(users[Role.OFFICER].id), "csrf_token": token})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Paramètres enregistrés." in page.text
    async with db.sessions() as session:
        office = await session.scalar(select(Office))
    assert office.name == "Étude Garnier"
    assert office.siret == "81234567600017"


async def test_bad_siret_and_iban_rerender_in_french_and_save_nothing(client, db, users, login):
    await _office(db, users[Role.OFFICER])
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/etude")
    response = await client.post("/bureau/etude", data={
        **OFFICE_FORM, "siret": "81234567600018", "client_account_iban": "FR7630006000011234567890188",
        "officer_id": str(users[Role.OFFICER].id), "csrf_token": token})
    assert response.status_code == 400
    assert "Numéro SIRET invalide" in response.text
    assert "IBAN invalide" in response.text
    assert 'value="Étude Garnier"' in response.text  # what was typed is kept
    async with db.sessions() as session:
        assert (await session.scalar(select(Office))).name == "Étude"


async def test_the_officer_in_charge_must_be_an_officer(client, db, users, login):
    await _office(db, users[Role.OFFICER])
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/etude")
    response = await client.post("/bureau/etude", data={
        **OFFICE_FORM, "officer_id": str(users[Role.CLERK].id), "csrf_token": token})
    assert response.status_code == 400
    assert "Choisissez un commissaire de justice actif." in response.text


async def test_clerk_sees_settings_read_only(client, db, users, login):
    await _office(db, users[Role.OFFICER])
    await login(client, users[Role.CLERK])
    page = await client.get("/bureau/etude")
    assert page.status_code == 200
    assert "Seul le commissaire de justice peut modifier" in page.text
    assert "<fieldset disabled>" in page.text


async def test_a444_3_tariff_page_after_the_term_says_the_rates_await_confirmation(client, users, login):
    await login(client, users[Role.CLERK])
    page = await client.get("/bureau/tarif")
    assert "attendent la confirmation du commissaire de justice" in page.text
    assert "Tarif en vigueur au" not in page.text
    assert "Reconduire la dernière période" not in page.text     # the officer's form only


async def test_a444_3_tariff_page_shows_the_confirmed_rates_in_force(client, db, users, login):
    await confirm_rates(db)
    await login(client, users[Role.CLERK])
    page = await client.get("/bureau/tarif")
    assert "attendent la confirmation" not in page.text
    for amount in ("14,28\u00a0%", "11,90\u00a0%", "45,63\u00a0€", "0,68\u00a0€ la page", "6,85\u00a0€ chacune",
                   "68,45\u00a0€", "22,88\u00a0€ par demi-heure commencée"):
        assert amount in page.text


async def test_a444_3_the_officer_confirms_the_renewal_of_the_last_period(client, db, users, login):
    await login(client, users[Role.OFFICER])
    page = await client.get("/bureau/tarif")
    assert 'name="renewal_from" type="date" value="2026-03-01"' in page.text
    missing = await client.post("/bureau/tarif/reconduction", data={
        "renewal_from": "2026-03-01", "renewal_reference": " ", "csrf_token": await csrf_from(client, "/bureau/tarif")})
    assert missing.status_code == 400 and "Indiquez le texte qui fixe ces taux." in missing.text
    done = await client.post("/bureau/tarif/reconduction", data={
        "renewal_from": "2026-03-01", "renewal_reference": "Arrêté du … reconduisant les tarifs",
        "csrf_token": await csrf_from(client, "/bureau/tarif")})
    assert done.status_code == 303
    page = await client.get("/bureau/tarif")
    assert "attendent la confirmation" not in page.text and "Arrêté du … reconduisant les tarifs" in page.text
    async with db.sessions() as session:
        period = await session.scalar(select(TariffPeriod))
    assert (period.buyer_fee_rate, period.copy_page_cents, period.cancellation_cents) == (Decimal("0.119"), 68, 6845)


async def test_a444_3_only_the_officer_confirms_the_rates(client, users, login):
    await login(client, users[Role.CLERK])
    response = await client.post("/bureau/tarif/reconduction", data={
        "renewal_from": "2026-03-01", "renewal_reference": "Arrêté", "csrf_token": await csrf_from(client, "/bureau/tarif")})
    assert response.status_code == 403


async def test_officer_adds_a_tariff_period(client, db, users, login):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/tarif")
    form = {"effective_from": "2026-03-01", "term_ends": "2028-02-29", "buyer_fee_rate": "11,90",
            "seller_fee_rate": "4,96", "vat_rate": "20", "seller_fee_minimum_cents": "45,63",
            "vacation_half_hour_cents": "22,88", "withdrawn_lot_divisor": "6", "copy_page_cents": "0,68",
            "deposit_cents": "6,85", "postponement_cents": "6,85", "postponement_max": "5", "cancellation_cents": "68,45",
            "reference": "Arrêté de renouvellement du tarif", "csrf_token": token}
    response = await client.post("/bureau/tarif", data=form)
    assert response.status_code == 303
    page = await client.get("/bureau/tarif")
    assert "Arrêté de renouvellement du tarif" in page.text
    assert "attendent la confirmation" not in page.text  # the renewed period covers today
    again = await client.post("/bureau/tarif", data={**form, "csrf_token": await csrf_from(client, "/bureau/tarif")})
    assert again.status_code == 400
    assert "Une période commence déjà à cette date." in again.text
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TariffPeriod)) == 1


async def test_bad_tariff_input_is_reported_field_by_field(client, db, users, login):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/tarif")
    response = await client.post("/bureau/tarif", data={
        "effective_from": "hier", "buyer_fee_rate": "beaucoup", "seller_fee_rate": "4,96", "vat_rate": "20",
        "seller_fee_minimum_cents": "-3", "vacation_half_hour_cents": "22,88", "withdrawn_lot_divisor": "0",
        "reference": "x", "csrf_token": token})
    assert response.status_code == 400
    for message in ("Date invalide", "Taux illisible", "Le montant doit être positif.", "Un entier positif."):
        assert message in response.text
    assert 'value="beaucoup"' in response.text
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TariffPeriod)) == 0


async def test_officer_creates_a_clerk_account(client, db, users, login):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/utilisateurs")
    response = await client.post("/bureau/utilisateurs", data={
        "full_name": "Lucie Petit", "email": "Lucie.Petit@Exemple.fr", "role": "clerk",
        "password": "un-mot-de-passe-long", "csrf_token": token})
    assert response.status_code == 303
    async with db.sessions() as session:
        user = await session.scalar(select(User).where(User.email == "lucie.petit@exemple.fr"))
    assert user.role == "clerk"


async def test_account_form_errors(client, db, users, login):
    await login(client, users[Role.OFFICER])
    token = await csrf_from(client, "/bureau/utilisateurs")
    response = await client.post("/bureau/utilisateurs", data={
        "full_name": "", "email": users[Role.CLERK].email, "role": "admin", "password": "court", "csrf_token": token})
    assert response.status_code == 400
    for message in ("Nom complet : champ obligatoire.", "Choisissez un rôle.", "au moins 10 caractères"):
        assert message in response.text
    token = await csrf_from(client, "/bureau/utilisateurs")
    taken = await client.post("/bureau/utilisateurs", data={
        "full_name": "Double", "email": users[Role.CLERK].email, "role": "clerk",
        "password": "un-mot-de-passe-long", "csrf_token": token})
    assert "Un compte existe déjà avec cette adresse." in taken.text
