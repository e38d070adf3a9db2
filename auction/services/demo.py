"""A realistic demo office: an officer, a clerk, two seizure cases, a sale of 40 lots, a few bidders;
and, with `held_sale`, a second sale held in the past with its after-the-hammer story
(demo_held_sale.py, demo_checkout.py, then the steps of `HELD_SALE_HOOKS`).

Later features extend this data; they do not replace it.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.office import OfficeDetails
from auction.domain.roles import Role
from auction.fonts import font
from auction.formats import PARIS
from auction.domain.bidder_checks import run_checks
from auction.domain.solvency import SolvencyRule
from auction.domain.tariff import DEFAULT_TARIFF, renewal_of
from auction.models import (BarredPerson, BidRequest, Bidder, Case, Claim, Creditor, Lot,
                            LotItem, LotPhoto, Office, Registration, RegistrationCheck, RegistrationRules, Sale, TariffPeriod,
                            utcnow)

from .accounts import NewUser, add_user
from .demo_checkout import checkout_session_one, checkout_session_two
from .demo_default import default_between_sessions, statement_after_resale
from .demo_contests import seed_contests
from .demo_distribution import seed_distribution
from .demo_vigilance import seed_vigilance
from .demo_held_sale import HELD_REFERENCE, HeldSale, hold_session_one, hold_session_two, prepare_held_sale
from .demo_inventory import lot_image, signed_inventory
from .demo_publicity import DEMO_BASE_URL, seed_publicity
from .id_scans import SCAN_DIR
from .verification import add_signed_verification
from .office import period_row
from .passwords import hash_password
from .bidder_checks import facts_for


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    full_name: str


DEMO_LOGINS = (
    DemoLogin(Role.OFFICER, "officier@etude-demo.fr", "demo-officier", "Me Claire LEFÈVRE"),
    DemoLogin(Role.CLERK, "clerc@etude-demo.fr", "demo-clerc-2026", "Thomas MOREL"),
    DemoLogin(Role.BIDDER, "encherisseur@exemple.fr", "demo-encherisseur", "Sophie DURAND"),
)

DEMO_OFFICE = OfficeDetails(
    name="Étude Lefèvre & Associés, commissaires de justice",
    address="12 rue de la République", postcode="69002", city="Lyon",
    phone="04 78 00 00 00", email="contact@etude-demo.fr",
    siret="81234567600017", client_account_iban="FR7630006000011234567890189",
)

# (title, description, category, low estimate €, high estimate €)
WORKSHOP_LOTS = [
    ("Scie à format Altendorf F45", "Scie circulaire à format, chariot 3,20 m, moteur triphasé 5,5 kW. Bon état de fonctionnement, traces d'usage.", "Machines", 4000, 6000),
    ("Dégauchisseuse-raboteuse Felder AD 741", "Largeur de rabotage 410 mm, table fonte, année 2015. Fonctionne.", "Machines", 2500, 3500),
    ("Toupie SCM T130", "Toupie d'atelier avec entraîneur 4 galets, arbre 30 mm. Usure normale.", "Machines", 1500, 2500),
    ("Compresseur Atlas Copco 270 L", "Compresseur à piston 10 bars, cuve 270 litres, contrôle de cuve à refaire.", "Machines", 400, 700),
    ("Aspirateur à copeaux Felder AF 22", "Deux sacs, tuyauterie non comprise.", "Machines", 300, 500),
    ("Lot de serre-joints", "Environ 40 serre-joints à pompe et à vis, longueurs 30 à 150 cm.", "Outillage", 100, 200),
    ("Coffret de défonceuses Festool", "Défonceuse OF 1400 et OF 1010 en Systainer, avec jeu de fraises.", "Outillage", 400, 600),
    ("Scie plongeante Festool TS 55", "Avec deux rails de guidage 1,40 m et aspiration. Bon état.", "Outillage", 250, 400),
    ("Établi de menuisier en hêtre", "Établi 2 m avec presse avant et arrière, plateau marqué.", "Outillage", 150, 300),
    ("Lot de visseuses sans fil Makita", "Trois visseuses 18 V, quatre batteries, deux chargeurs.", "Outillage", 150, 250),
    ("Bureau direction en chêne", "Bureau 180 × 90 cm avec caisson trois tiroirs, quelques rayures.", "Mobilier de bureau", 200, 400),
    ("Six fauteuils de bureau Steelcase", "Modèle Leap, tissu gris, accoudoirs réglables.", "Mobilier de bureau", 300, 600),
    ("Armoire forte Fichet", "Coffre-fort d'environ 300 kg, avec clés, sans code.", "Mobilier de bureau", 400, 800),
    ("Deux ordinateurs portables Dell Latitude", "Latitude 5520, i5, 16 Go, disques effacés, sans chargeur.", "Informatique", 200, 400),
    ("Imprimante multifonction Canon", "imageRUNNER A3, compteur environ 85 000 pages.", "Informatique", 150, 300),
    ("Fourgon Renault Master", "Renault Master L2H2 dCi 135, 2019, 142 000 km, carte grise présente. Vendu en l'état.", "Véhicules", 9000, 13000),
    ("Remorque plateau Lider", "Remorque 750 kg, plateau 2,50 × 1,30 m, 2017.", "Véhicules", 400, 700),
    ("Transpalette manuel", "Capacité 2 500 kg, fourches 1,15 m.", "Outillage", 80, 150),
    ("Stock de panneaux de contreplaqué", "Environ 25 panneaux 250 × 122 cm, épaisseurs 15 et 18 mm.", "Outillage", 200, 400),
    ("Rayonnages métalliques", "Cinq travées de rayonnage à charge lourde, démontées.", "Mobilier de bureau", 150, 300),
]

HOUSEHOLD_LOTS = [
    ("Canapé d'angle en cuir", "Canapé d'angle cinq places, cuir cognac, usures aux accoudoirs.", "Mobilier", 300, 600),
    ("Table de salle à manger en noyer", "Table 200 × 100 cm et six chaises assorties.", "Mobilier", 400, 800),
    ("Buffet Louis-Philippe", "Buffet deux portes en acajou, XIXe siècle, dessus marbre gris.", "Mobilier", 300, 500),
    ("Commode de style Louis XV", "Commode galbée trois tiroirs, placage de bois de rose, bronzes.", "Mobilier", 500, 900),
    ("Téléviseur Samsung 65 pouces", "QLED 4K, 2022, avec télécommande et pied.", "Électronique", 300, 500),
    ("Console de jeux et jeux", "Console PlayStation 5 avec deux manettes et huit jeux.", "Électronique", 250, 400),
    ("Réfrigérateur américain LG", "Réfrigérateur-congélateur 600 L, distributeur d'eau, bon état.", "Électroménager", 300, 500),
    ("Lave-linge Miele", "Lave-linge 9 kg, 2021, fonctionne.", "Électroménager", 250, 450),
    ("Huile sur toile, paysage de Provence", "Huile sur toile signée en bas à droite, 60 × 80 cm, cadre doré.", "Tableaux", 300, 600),
    ("Lithographie numérotée", "Lithographie en couleurs numérotée 45/150, encadrée sous verre.", "Tableaux", 150, 300),
    ("Paire de lampes en bronze", "Paire de lampes de salon en bronze doré, abat-jour crème.", "Objets d'art", 150, 250),
    ("Service de table en porcelaine de Limoges", "Environ 60 pièces, décor filet or.", "Objets d'art", 150, 300),
    ("Pendule en marbre noir", "Pendule borne fin XIXe, mouvement à revoir.", "Objets d'art", 100, 200),
    ("Vélo électrique Moustache", "Samedi 27 Xroad, 2021, batterie 500 Wh, taille M.", "Véhicules", 1200, 1800),
    ("Piano droit Yamaha", "Piano droit U1, noir brillant, accordé en 2023.", "Mobilier", 1500, 2500),
    ("Bibliothèque en chêne", "Bibliothèque à quatre portes vitrées, 220 cm de haut.", "Mobilier", 200, 400),
    ("Tapis persan", "Tapis en laine fait main, 300 × 200 cm.", "Objets d'art", 300, 600),
    ("Machine à café Jura", "Machine à expresso automatique E8, détartrée.", "Électroménager", 200, 350),
    ("Appareil photo Nikon D750", "Boîtier avec objectif 24-120 mm, deux batteries.", "Électronique", 400, 700),
    ("Montre Tissot", "Montre automatique Tissot Le Locle, bracelet cuir, boîte et papiers.", "Objets d'art", 200, 350),
]


# Steps appended to the held sale's story once its sessions and checkout are seeded (the distribution
# of its proceeds): each is called with the sessions and the HeldSale (its id, its lots and paddles, and
# `now`, the seed's present: whatever a step records happens before it).
HeldSaleHook = Callable[[async_sessionmaker[AsyncSession], HeldSale], Awaitable[None]]
HELD_SALE_HOOKS: tuple[HeldSaleHook, ...] = (seed_distribution, seed_vigilance, seed_contests)


async def seed_demo(sessions: async_sessionmaker[AsyncSession], media_dir: Path, today: date,
                    private_dir: Path | None = None, base_url: str = DEMO_BASE_URL, *,
                    held_sale: bool = False) -> bool:
    """Seed the demo office once; returns False when the installation already has an office.

    With `private_dir`, the pending online registration gets a specimen identity scan there (and the
    held sale's closed sessions are sealed there, then signed). `base_url` is the public address the
    seeded web publications name (the one `criee demo` serves on). With `held_sale`, sale 2 is the sale
    held before `today` (`criee demo` seeds it; the tests of sale 1 do without it)."""
    hashes = {login.email: await hash_password(login.password) for login in DEMO_LOGINS}
    async with sessions() as session, session.begin():
        if await session.scalar(select(Office.id).limit(1)) is not None:
            return False
        users = {}
        for login in DEMO_LOGINS:
            users[login.role] = await add_user(
                session, NewUser(login.email, login.full_name, login.role, login.password), hashes[login.email])
        session.add(Office(**DEMO_OFFICE.__dict__, officer_id=users[Role.OFFICER].id))
        if await session.scalar(select(TariffPeriod.id).where(TariffPeriod.effective_from == DEMO_TARIFF_FROM)) is None:
            session.add(_demo_tariff_confirmation(users[Role.OFFICER].id))

        workshop = _workshop_case(today)
        household = _household_case(today)
        session.add_all([workshop, household])
        sale = _sale(today)
        session.add(sale)
        await session.flush()
        officer = users[Role.OFFICER]
        acts = {case.id: await signed_inventory(session, case, specs, officer.id, users[Role.CLERK].id)
                for case, specs in ((workshop, WORKSHOP_LOTS), (household, HOUSEHOLD_LOTS))}

        for position, (case, index, spec) in enumerate(
                [(workshop, i, s) for i, s in enumerate(WORKSHOP_LOTS)]
                + [(household, i, s) for i, s in enumerate(HOUSEHOLD_LOTS)], start=1):
            title, description, category, low, high = spec
            photo = f"demo/lot-{position:02d}.jpg"
            lot_image(media_dir / photo, position, title, category)
            lot = Lot(sale_id=sale.id, case_id=case.id, number=position, position=position, title=title,
                      description=description, category=category, estimate_low_cents=low * 100,
                      estimate_high_cents=high * 100, opening_bid_cents=(low // 2) * 100)
            lot.photos.append(LotPhoto(position=0, path=photo, alt_text=f"Photo du lot {position} : {title}"))
            session.add(lot)
            await session.flush()
            session.add(LotItem(lot_id=lot.id, item_id=acts[case.id].items[index].id))

        # CPCE R221-36: the officer checked the goods before the sale (all there, as seized); without
        # the act the sale does not open.
        checked_at = datetime.combine(today, time(9, 30), tzinfo=PARIS).astimezone(timezone.utc)
        for case in (workshop, household):
            await add_signed_verification(session, case, acts[case.id], officer.id, today, checked_at)
        await _bidders(session, sale, users[Role.BIDDER].id, users[Role.CLERK].id, today, private_dir)
        await seed_publicity(session, sale, [workshop, household], users[Role.CLERK].id, today, private_dir,
                             base_url.rstrip("/"))
    if held_sale:
        await seed_held_sale(sessions, media_dir, private_dir, today, base_url.rstrip("/"))
    return True


async def held_sale_id(sessions: async_sessionmaker[AsyncSession]) -> int | None:
    """The held sale's id, if the demo has it."""
    async with sessions() as session:
        return await session.scalar(select(Sale.id).where(Sale.reference == HELD_REFERENCE))


def held_sale_now(today: date) -> datetime:
    """The held sale's present: eight in the morning of `today` in Paris, or the real time if earlier."""
    return min(datetime.combine(today, time(8, 0), tzinfo=PARIS).astimezone(timezone.utc), utcnow())


async def seed_held_sale(sessions: async_sessionmaker[AsyncSession], media_dir: Path, private_dir: Path | None,
                         today: date, base_url: str = DEMO_BASE_URL) -> HeldSale:
    """The held sale: its catalogue and bidders, session 1, the checkout and the default between the
    sessions, session 2 (the lot in default put up again), the checkout after it, then each hook."""
    held = await prepare_held_sale(sessions, media_dir, private_dir, today, held_sale_now(today), base_url)
    await hold_session_one(sessions, private_dir, held)
    await checkout_session_one(sessions, held)
    await default_between_sessions(sessions, held)
    await hold_session_two(sessions, private_dir, held)
    await checkout_session_two(sessions, held)
    await statement_after_resale(sessions, held)
    for hook in HELD_SALE_HOOKS:
        await hook(sessions, held)
    return held


# The shipped rates ran to 28 February 2026 and no renewal text is confirmed (C. com. A444-3): the demo
# office's officer confirms their renewal from 1 March 2026, as a real officer does on the Tarif page.
DEMO_TARIFF_REFERENCE = ("Démonstration : confirmation par le commissaire de justice de l'étude de démonstration "
                         "de la reconduction des taux du 1er mars 2024 à compter du 1er mars 2026 "
                         "(C. com. A444-3 à A444-8)")


DEMO_TARIFF_FROM = date(2026, 3, 1)


def _demo_tariff_confirmation(officer_id: int) -> TariffPeriod:
    return period_row(renewal_of(DEFAULT_TARIFF[-1], DEMO_TARIFF_FROM, None, DEMO_TARIFF_REFERENCE), officer_id)


def _workshop_case(today: date) -> Case:
    case = Case(
        reference="SV-2026-0142", debtor_name="SARL Atelier Marchand", debtor_is_company=True,
        debtor_address="4 chemin des Tanneurs", debtor_postcode="69100", debtor_city="Villeurbanne",
        title_nature="Jugement du tribunal de commerce", title_court="Tribunal de commerce de Lyon",
        title_date=today - timedelta(days=240), seizure_date=today - timedelta(days=75),
    )
    bank = Creditor(name="Banque Rhodanienne de Crédit", address="40 cours Lafayette, 69003 Lyon",
                    role="seizing", represented_by="Me Paul Vernet, avocat au barreau de Lyon",
                    came_forward_on=case.seizure_date)
    bank.claims.append(Claim(description="Solde débiteur de compte courant et prêt professionnel",
                             principal_cents=3_845_000, interest_cents=211_450, costs_cents=98_630,
                             as_of=today - timedelta(days=30)))
    lessor = Creditor(name="Société Lyonnaise de Crédit-Bail", address="2 place Bellecour, 69002 Lyon",
                      role="opposing", came_forward_on=today - timedelta(days=40))
    lessor.claims.append(Claim(description="Loyers de crédit-bail impayés", principal_cents=1_260_000,
                               interest_cents=48_220, costs_cents=35_000, as_of=today - timedelta(days=30)))
    case.creditors.extend([bank, lessor])
    return case


def _household_case(today: date) -> Case:
    case = Case(
        reference="SV-2026-0187", debtor_name="M. Julien ROCHE", debtor_is_company=False,
        debtor_address="27 rue Victor-Hugo", debtor_postcode="69006", debtor_city="Lyon",
        title_nature="Jugement", title_court="Tribunal judiciaire de Lyon",
        title_date=today - timedelta(days=300), seizure_date=today - timedelta(days=60),
    )
    garnier = Creditor(name="Mme Hélène GARNIER", address="9 rue Sala, 69002 Lyon", role="seizing",
                       came_forward_on=case.seizure_date,
                       is_private_person=True, represented_by="Me Inès Benali, avocate au barreau de Lyon")
    garnier.claims.append(Claim(description="Remboursement de prêt entre particuliers et dommages-intérêts",
                                principal_cents=1_850_000, interest_cents=96_300, costs_cents=74_510,
                                as_of=today - timedelta(days=30)))
    treasury = Creditor(name="Trésor public — SIP de Lyon 6e", address="3 rue Juliette-Récamier, 69006 Lyon",
                        role="opposing", came_forward_on=today - timedelta(days=35))
    treasury.claims.append(Claim(description="Impôt sur le revenu 2024 et majorations", principal_cents=412_700,
                                 interest_cents=41_270, costs_cents=0, as_of=today - timedelta(days=30)))
    case.creditors.extend([garnier, treasury])
    return case


def _sale(today: date) -> Sale:
    day = today + timedelta(days=20)
    starts_local = datetime.combine(day, time(14, 0), tzinfo=PARIS)
    return Sale(
        reference="VJ-2026-12", title="Vente judiciaire : machines à bois, véhicule utilitaire, mobilier et objets d'art",
        starts_at=starts_local.astimezone(timezone.utc), place_kind="room",
        place_name="Hôtel des ventes judiciaires de Lyon", address="8 quai de Saône", postcode="69009", city="Lyon",
        viewing="Exposition publique le matin de la vente, de 10 h à 12 h.",
        conditions=("Vente aux enchères publiques après saisie-vente (CPCE R221-30 et suivants). "
                    "Paiement comptant, frais en sus des enchères. Pièce d'identité exigée. "
                    "Les lots sont vendus en l'état, sans garantie ; l'exposition permet de les examiner."),
        status="announced",
    )


# (first, last, born, email, phone, address, postcode, city, channel, account?, document type, number, deposit ref)
DEMO_BIDDERS = [
    ("Sophie", "Durand", date(1984, 5, 17), "encherisseur@exemple.fr", "06 12 34 56 78",
     "15 rue Mercière", "69002", "Lyon", "online", True, "id_card", "X4RTBPFW4", "VIR-2026-0412"),
    ("Marc", "Bertin", date(1971, 11, 2), "marc.bertin@exemple.fr", "06 98 76 54 32",
     "3 avenue Jean-Jaurès", "69007", "Lyon", "room", False, "passport", "18CV42817", "CHQ-0087311"),
    ("Nadia", "Haddad", date(1990, 2, 24), "n.haddad@exemple.fr", "07 11 22 33 44",
     "21 rue de Marseille", "69007", "Lyon", "room", False, "id_card", "T7K2MW9LQ", "VIR-2026-0415"),
    ("Louis", "Perrin", date(1966, 8, 9), "louis.perrin@exemple.fr", "06 55 44 33 22",
     "8 place Carnot", "69002", "Lyon", "room", False, "id_card", "P3HZ8RX2N", "REC-2026-0031"),
]
DEMO_DEPOSIT_CENTS = 300_00


def _specimen_scan(private_dir: Path, first: str, last: str) -> str:
    """A made-up identity document, clearly marked as a specimen, for the demo's pending registration."""
    relative = f"{SCAN_DIR}/demo-{last.lower()}.jpg"
    image = Image.new("RGB", (1000, 630), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    big, small = font(54, bold=True), font(34)
    draw.rectangle((20, 20, 980, 610), outline=(40, 60, 120), width=6)
    draw.text((500, 90), "SPÉCIMEN — DÉMONSTRATION", font=big, fill=(160, 20, 20), anchor="mm")
    draw.rectangle((60, 170, 330, 520), fill=(180, 190, 205))
    for i, line in enumerate((f"Nom : {last.upper()}", f"Prénoms : {first}", "Passeport n° 19AB12345",
                              "Pièce fictive, sans valeur")):
        draw.text((380, 210 + 70 * i), line, font=small, fill="black")
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    image.save(target, "JPEG", quality=80)
    return relative


async def _bidders(session: AsyncSession, sale: Sale, bidder_user_id: int, clerk_id: int, today: date,
                   private_dir: Path | None) -> None:
    """Four verified bidders (paddles 1, 2, 3 in the room, 501 online) with their documents, deposits and
    recorded checks; one online registration waiting for the clerk, with an absentee order and a phone bid."""
    rules = RegistrationRules(sale_id=sale.id, solvency_rule="any", deposit_minimum_cents=DEMO_DEPOSIT_CENTS)
    session.add(rules)
    household = await session.scalar(select(Case).where(Case.reference == "SV-2026-0187"))
    session.add(BarredPerson(case_id=household.id, full_name="Julien ROCHE", birth_date=date(1979, 3, 30),
                             reason="débiteur saisi : ne peut se porter adjudicataire de ses propres biens (règle de l'étude)",
                             created_by_id=clerk_id))
    next_paddle = {"room": 1, "online": 501}
    now = utcnow()
    for (first, last, born, email, phone, address, postcode, city, channel, account, doc_type, doc_number,
         deposit_ref) in DEMO_BIDDERS:
        bidder = Bidder(first_name=first, last_name=last, birth_date=born, email=email, phone=phone,
                        address=address, postcode=postcode, city=city, user_id=bidder_user_id if account else None,
                        email_confirmed_at=now if account else None)
        session.add(bidder)
        await session.flush()
        registration = Registration(
            sale_id=sale.id, bidder_id=bidder.id, channel=channel, registered_via="web" if account else "desk",
            paddle_number=next_paddle[channel], verified_at=now, verified_by_id=clerk_id, conditions_accepted_at=now,
            document_type=doc_type, document_number=doc_number, document_expires_on=today + timedelta(days=1500),
            document_country="FR", document_seen=True, document_first_names=first, document_last_name=last.upper(),
            solvency_kind="deposit", solvency_amount_cents=DEMO_DEPOSIT_CENTS,
            solvency_method="transfer" if deposit_ref.startswith("VIR") else "cheque" if deposit_ref.startswith("CHQ")
            else "card", solvency_reference=deposit_ref)
        session.add(registration)
        next_paddle[channel] += 1
    await session.flush()
    for registration in await session.scalars(select(Registration).where(Registration.sale_id == sale.id)):
        for result in run_checks(await facts_for(session, sale, registration, rules_of(rules))):
            session.add(RegistrationCheck(registration_id=registration.id, kind=result.kind, passed=result.passed,
                                          detail=result.detail, checked_at=now, checked_by_id=clerk_id))

    # Waiting for the clerk: registered online, e-mail confirmed, document to check, deposit to record.
    pending = Bidder(first_name="Camille", last_name="Roux", birth_date=date(1988, 9, 12),
                     email="camille.roux@exemple.fr", phone="06 40 50 60 70", address="5 rue Sainte-Catherine",
                     postcode="69001", city="Lyon", email_confirmed_at=now)
    session.add(pending)
    await session.flush()
    scan = _specimen_scan(private_dir, "Camille", "Roux") if private_dir is not None else None
    registration = Registration(
        sale_id=sale.id, bidder_id=pending.id, channel="online", registered_via="web", conditions_accepted_at=now,
        document_type="passport", document_number="19AB12345", document_expires_on=today + timedelta(days=2000),
        document_country="FR", scan_path=scan, scan_content_type="image/jpeg" if scan else None,
        scan_uploaded_at=now if scan else None)
    session.add(registration)
    await session.flush()
    lots = {lot.number: lot for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale.id))}
    session.add_all([
        BidRequest(registration_id=registration.id, lot_id=lots[3].id, kind="absentee", max_amount_cents=1_400_00,
                   received_at=now),
        BidRequest(registration_id=registration.id, lot_id=lots[16].id, kind="phone", phone="06 40 50 60 70",
                   received_at=now),
    ])


def rules_of(rules: RegistrationRules) -> SolvencyRule:
    return SolvencyRule(rules.solvency_rule, rules.deposit_minimum_cents)
