"""The demo's held sale: two more seizure cases, their lots sold over two past sessions of one sale.

Its bid log is made the way a real one is: the room's own commands, submitted through the room
service (auction/services/room.py) as the clerk, the officer and the online bidder would, at times in
the past (the domain takes `now`). Session 1 was held twelve days before the demo's day, session 2
the day before, so that a buyer of session 1 can default in between (demo_checkout.py) and his lot be
put up again in session 2. Each session is closed by the officer, sealed and signed.

The story of the room, lot by lot (`LOTS`): sold in the room, online (paddle 501, the demo bidder), by
phone and by absentee order; one passed, one withdrawn before the sale, one withdrawn after bidding,
a re-offer after a contested hammer, an announcement, a pause. Two online bids of the demo bidder
are refused, as the live page's would be: one arrives just after lot 10 was withdrawn (too late), one
covers a bid of lot 12 that the phone had already covered (outbid); both are in the record of
refusals, for the evidence file, as are the screens connected to session 2 (demo_screens.py).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.bidder_checks import run_checks
from auction.domain.roles import Role
from auction.domain.room import Actor, RoomError
from auction.domain.solvency import SolvencyRule
from auction.formats import PARIS
from auction.models import (BidRequest, Bidder, Case, Claim, Creditor, Lot, LotItem, LotPhoto, Registration,
                            RegistrationCheck, RegistrationRules, Sale, User)

from . import lots as lots_service
from . import demo_screens, online, online_refusals, screens
from . import room as room_service
from . import sale_record
from .demo_inventory import lot_image, signed_inventory
from .demo_publicity import seed_sale_publicity
from .bidder_checks import facts_for
from .verification import add_signed_verification

HELD_REFERENCE = "VJ-2026-11"
SESSION_1_DAYS_BEFORE, SESSION_2_DAYS_BEFORE = 12, 1
PAYMENT_DAYS = 0          # the held sale's conditions: the price payable at once (R221-38), due on the day of the hammer

# (number, case, title, description, category, low €, high €)
LOTS = [
    (1, "brasserie", "Piano de cuisson Charvet", "Piano six feux vifs, four gaz, plaque coup de feu, 2018. Bon état.", "Machines", 2000, 3000),
    (2, "brasserie", "Chambre froide positive", "Chambre froide démontable 2 × 2 m, groupe logé.", "Machines", 1500, 2500),
    (3, "brasserie", "Lave-vaisselle à capot Winterhalter", "Modèle PT-M, adoucisseur intégré, 2020.", "Machines", 800, 1200),
    (4, "brasserie", "Trancheuse Berkel", "Trancheuse à jambon électrique, lame de 30 cm. Fonctionne.", "Machines", 300, 500),
    (5, "brasserie", "Percolateur La Marzocco", "Machine à café deux groupes, moulin compris. Bon état.", "Machines", 500, 900),
    (6, "brasserie", "Mobilier de terrasse", "Vingt chaises et dix tables bistrot en aluminium, usures.", "Mobilier", 300, 600),
    (7, "brasserie", "Four mixte Rational", "Four mixte SelfCookingCenter 10 niveaux, 2019.", "Machines", 2500, 4000),
    (8, "blanc", "Peugeot 308 SW", "Peugeot 308 SW BlueHDi 130, 2020, 88 000 km, carte grise présente. Vendue en l'état.", "Véhicules", 6000, 8000),
    (9, "blanc", "Montre Omega Seamaster", "Montre automatique acier, boîte et papiers, 2016.", "Objets d'art", 1200, 1800),
    (10, "blanc", "Huile sur toile, bord de Saône", "Huile sur toile signée en bas à gauche, 50 × 65 cm.", "Tableaux", 400, 800),
    (11, "blanc", "Commode en merisier", "Commode trois tiroirs, style Directoire, XIXe siècle.", "Mobilier", 400, 700),
    (12, "blanc", "Scooter Piaggio Vespa", "Vespa Primavera 125, 2021, 6 500 km, carte grise présente.", "Véhicules", 1500, 2500),
]
WITHDRAWN_BEFORE = (2, "Revendiquée par le bailleur du local, qui justifie en être propriétaire (CPCE R221-50 et suivants).")

# The buyers of the held sale: (role in the story, paddle, channel) -> the bidder's details. The three
# room bidders of sale 1 are registered again (found by e-mail); the others come only to this sale.
# A new person defaults: a block after a default reaches every sale, and sale 1 must stay as it is.
KNOWN_BIDDERS = {"bertin": ("marc.bertin@exemple.fr", 1, "room"), "haddad": ("n.haddad@exemple.fr", 2, "room"),
                 "perrin": ("louis.perrin@exemple.fr", 3, "room"), "durand": ("encherisseur@exemple.fr", 501, "online")}
NEW_BIDDERS = {
    "company": (4, "room", dict(first_name="Julie", last_name="Martin", birth_date=date(1982, 6, 3),
                                email="contact@bistrot-canuts.fr", phone="04 78 28 00 11", address="6 rue d'Austerlitz",
                                postcode="69004", city="Lyon", buyer_type="company",
                                company_name="SAS Le Bistrot des Canuts", company_number="852147966",
                                representative_capacity="présidente")),
    "defaulter": (6, "room", dict(first_name="Kevin", last_name="Leroy", birth_date=date(1993, 1, 14),
                                  email="k.leroy@exemple.fr", phone="06 23 45 67 89", address="40 rue Garibaldi",
                                  postcode="69006", city="Lyon")),
    "phone": (7, "room", dict(first_name="Isabelle", last_name="Moreau", birth_date=date(1975, 10, 21),
                              email="i.moreau@exemple.fr", phone="06 77 88 99 00", address="2 place Sathonay",
                              postcode="69001", city="Lyon")),
    "absentee": (502, "online", dict(first_name="Aline", last_name="Fabre", birth_date=date(1968, 4, 8),
                                     email="aline.fabre@exemple.fr", phone="07 66 55 44 33",
                                     address="11 avenue Berthelot", postcode="69007", city="Lyon")),
}
ABSENTEE_ORDER = (4, 420_00)          # lot 4, up to 420 €


@dataclass(frozen=True)
class HeldSale:
    """What the held sale's seed leaves for the steps that follow it (checkout, default, distribution)."""
    sale_id: int
    today: date
    now: datetime                       # the seed's present: everything of the held sale is before it
    sessions: tuple[datetime, datetime]   # when each session opened (UTC)
    officer_id: int
    clerk_id: int
    bidder_user_id: int                 # the demo bidder's account (online paddle 501)
    paddles: dict[str, int]             # story role -> paddle (KNOWN_BIDDERS, NEW_BIDDERS)
    lots: dict[int, int]                # lot number -> lot id
    cases: dict[str, int]               # "brasserie" (a single creditor), "blanc" (three) -> case id
    resold: dict[int, int] = field(default_factory=dict)   # lot number put up again -> paddle it defaulted
    private_dir: Path | None = None     # where documents received are kept (None: the tests of sale 1 without it)


def session_start(today: date, days_before: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_before), time(14, 0), tzinfo=PARIS).astimezone(timezone.utc)


def _cases(today: date) -> dict[str, Case]:
    brasserie = Case(
        reference="SV-2026-0098", debtor_name="SAS Brasserie du Parc", debtor_is_company=True,
        debtor_address="18 boulevard des Belges", debtor_postcode="69006", debtor_city="Lyon",
        title_nature="Jugement du tribunal de commerce", title_court="Tribunal de commerce de Lyon",
        title_date=today - timedelta(days=260), seizure_date=today - timedelta(days=110),
        debtor_iban="FR7630002005505678901234577")
    bank = Creditor(name="Caisse régionale de Crédit Agricole Centre-Est", address="1 rue Pierre-de-Truchis, 69410 Champagne-au-Mont-d'Or",
                    role="seizing", represented_by="Me Paul Vernet, avocat au barreau de Lyon",
                    iban="FR7617806001001234567890141", email="contentieux@ca-demo.fr",
                    came_forward_on=today - timedelta(days=110))
    bank.claims.append(Claim(description="Prêt d'équipement professionnel impayé", principal_cents=1_840_000,
                             interest_cents=96_500, costs_cents=61_200, as_of=today - timedelta(days=40)))
    brasserie.creditors.append(bank)
    blanc = Case(
        reference="SV-2026-0121", debtor_name="M. Frédéric BLANC", debtor_is_company=False,
        debtor_address="9 rue Duquesne", debtor_postcode="69006", debtor_city="Lyon",
        title_nature="Jugement", title_court="Tribunal judiciaire de Lyon",
        title_date=today - timedelta(days=310), seizure_date=today - timedelta(days=95),
        debtor_iban="FR7620041010074567890123443")
    people = Creditor(name="Banque Populaire Auvergne Rhône Alpes", address="4 boulevard Eugène-Deruelle, 69003 Lyon",
                      role="seizing", represented_by="Me Inès Benali, avocate au barreau de Lyon",
                      iban="FR7616807000502345678901201", email="recouvrement@bpaura-demo.fr",
                      came_forward_on=today - timedelta(days=95))
    people.claims.append(Claim(description="Crédit à la consommation impayé", principal_cents=980_000,
                               interest_cents=54_300, costs_cents=38_900, as_of=today - timedelta(days=40)))
    treasury = Creditor(name="Trésor public — SIP de Lyon 3e", address="165 rue Garibaldi, 69003 Lyon", role="opposing",
                        iban="FR7630001000643456789012359", came_forward_on=today - timedelta(days=70))
    treasury.claims.append(Claim(description="Taxe d'habitation et impôt sur le revenu 2024", principal_cents=215_000,
                                 interest_cents=21_500, costs_cents=0, as_of=today - timedelta(days=40)))
    giraud = Creditor(name="M. Patrick GIRAUD", address="3 rue Sully, 69006 Lyon", role="opposing",
                      is_private_person=True, email="p.giraud@exemple.fr", came_forward_on=today - timedelta(days=60))
    giraud.claims.append(Claim(description="Reconnaissance de dette du 12 mars 2024", principal_cents=430_000,
                               interest_cents=12_900, costs_cents=15_000, as_of=today - timedelta(days=40)))
    blanc.creditors.extend([people, treasury, giraud])
    for case in (brasserie, blanc):
        case.seizure_notified_on = case.seizure_date
    return {"brasserie": brasserie, "blanc": blanc}


def _sale(today: date) -> Sale:
    return Sale(
        reference=HELD_REFERENCE, title="Vente judiciaire : matériel de brasserie, véhicules, montre et mobilier",
        starts_at=session_start(today, SESSION_1_DAYS_BEFORE), place_kind="room",
        place_name="Hôtel des ventes judiciaires de Lyon", address="8 quai de Saône", postcode="69009", city="Lyon",
        viewing="Exposition publique le matin de chaque séance, de 10 h à 12 h.",
        conditions=("Vente aux enchères publiques après saisie-vente (CPCE R221-30 et suivants), en deux séances. "
                    "Paiement comptant dans les deux jours, frais en sus des enchères. Pièce d'identité exigée."),
        status="announced", payment_days=PAYMENT_DAYS)


async def _catalogue(session: AsyncSession, media_dir: Path, today: date, officer_id: int, clerk_id: int) -> tuple[Sale, dict[str, Case], dict[int, Lot]]:
    cases = _cases(today)
    session.add_all(cases.values())
    sale = _sale(today)
    session.add(sale)
    await session.flush()
    lots = {}
    for key, case in cases.items():
        specs = [spec for spec in LOTS if spec[1] == key]
        act = await signed_inventory(session, case, [spec[2:] for spec in specs], officer_id, clerk_id)
        # CPCE R221-36: the goods checked on the morning of session 1 (all there); without it no opening.
        day = today - timedelta(days=SESSION_1_DAYS_BEFORE)
        await add_signed_verification(session, case, act, officer_id, day,
                                      datetime.combine(day, time(10, 30), tzinfo=PARIS).astimezone(timezone.utc))
        for item, (number, _, title, description, category, low, high) in zip(act.items, specs):
            photo = f"demo/vente-{HELD_REFERENCE}-lot-{number:02d}.jpg"
            lot_image(media_dir / photo, number, title, category)
            lot = Lot(sale_id=sale.id, case_id=case.id, number=number, position=number, title=title,
                      description=description, category=category, estimate_low_cents=low * 100,
                      estimate_high_cents=high * 100, opening_bid_cents=(low // 2) * 100)
            lot.photos.append(LotPhoto(position=0, path=photo, alt_text=f"Photo du lot {number} : {title}"))
            session.add(lot)
            await session.flush()
            session.add(LotItem(lot_id=lot.id, item_id=item.id))
            lots[number] = lot
    return sale, cases, lots


async def _registrations(session: AsyncSession, sale: Sale, lots: dict[int, Lot], clerk_id: int, today: date,
                         registered_at: datetime) -> dict[str, int]:
    """The held sale's verified bidders, their recorded checks, the absentee order and the phone request."""
    rules = RegistrationRules(sale_id=sale.id, solvency_rule="none")
    session.add(rules)
    bidders: dict[str, tuple[Bidder, int, str]] = {}
    for role, (email, paddle, channel) in KNOWN_BIDDERS.items():
        bidders[role] = (await session.scalar(select(Bidder).where(Bidder.email == email)), paddle, channel)
    for role, (paddle, channel, details) in NEW_BIDDERS.items():
        bidder = Bidder(**details, email_confirmed_at=registered_at)
        session.add(bidder)
        bidders[role] = (bidder, paddle, channel)
    await session.flush()
    registrations = {}
    for role, (bidder, paddle, channel) in bidders.items():
        registration = Registration(
            sale_id=sale.id, bidder_id=bidder.id, channel=channel,
            registered_via="web" if channel == "online" else "desk", paddle_number=paddle,
            verified_at=registered_at, verified_by_id=clerk_id, conditions_accepted_at=registered_at,
            document_type="id_card", document_number=f"D{bidder.id:03d}K{paddle:03d}Q",
            document_expires_on=today + timedelta(days=1200), document_country="FR", document_seen=True,
            document_first_names=bidder.first_name, document_last_name=bidder.last_name.upper())
        session.add(registration)
        registrations[role] = registration
    await session.flush()
    for registration in registrations.values():
        await session.refresh(registration, ["bidder"])
        for result in run_checks(await facts_for(session, sale, registration, SolvencyRule("none", 0))):
            session.add(RegistrationCheck(registration_id=registration.id, kind=result.kind, passed=result.passed,
                                          detail=result.detail, checked_at=registered_at, checked_by_id=clerk_id))
    number, max_cents = ABSENTEE_ORDER
    session.add_all([
        BidRequest(registration_id=registrations["absentee"].id, lot_id=lots[number].id, kind="absentee",
                   max_amount_cents=max_cents, received_at=registered_at),
        BidRequest(registration_id=registrations["phone"].id, lot_id=lots[8].id, kind="phone",
                   phone=NEW_BIDDERS["phone"][2]["phone"], received_at=registered_at),
        BidRequest(registration_id=registrations["phone"].id, lot_id=lots[12].id, kind="phone",
                   phone=NEW_BIDDERS["phone"][2]["phone"], received_at=registered_at),
    ])
    return {role: paddle for role, (_, paddle, _) in bidders.items()}


async def prepare_held_sale(sessions: async_sessionmaker[AsyncSession], media_dir: Path, private_dir: Path | None,
                            today: date, now: datetime, base_url: str) -> HeldSale:
    """The held sale as it stood before its first session: catalogue, publicity, registrations, and
    the lot withdrawn before the sale (with its reason, for the record)."""
    async with sessions() as session, session.begin():
        officer = await session.scalar(select(User).where(User.role == Role.OFFICER.value).order_by(User.id))
        clerk = await session.scalar(select(User).where(User.role == Role.CLERK.value).order_by(User.id))
        sale, cases, lots = await _catalogue(session, media_dir, today, officer.id, clerk.id)
        start = session_start(today, SESSION_1_DAYS_BEFORE)
        await seed_sale_publicity(session, sale, list(cases.values()), clerk.id,
                                  issued_on=(start - timedelta(days=24)).date(),
                                  posted_on=(start - timedelta(days=23)).date(), private_dir=private_dir,
                                  photo_prefix=f"affiche-{HELD_REFERENCE}", base_url=base_url)
        paddles = await _registrations(session, sale, lots, clerk.id, today, start - timedelta(days=5))
        bidder_user = await session.scalar(select(Bidder.user_id).where(Bidder.email == KNOWN_BIDDERS["durand"][0]))
        held = HeldSale(sale.id, today, now, (start, session_start(today, SESSION_2_DAYS_BEFORE)), officer.id,
                        clerk.id, bidder_user, paddles, {number: lot.id for number, lot in lots.items()},
                        {key: case.id for key, case in cases.items()}, private_dir=private_dir)
    number, reason = WITHDRAWN_BEFORE
    await lots_service.set_withdrawn(sessions, held.sale_id, held.lots[number], True, reason)
    return held


async def seal_and_sign(sessions: async_sessionmaker[AsyncSession], private_dir: Path | None, held: HeldSale,
                        number: int, at: datetime) -> None:
    """The closed session sealed (its PDF kept) and signed by the officer, as on the record page."""
    if private_dir is not None:
        await sale_record.seal_sessions(sessions, private_dir, held.sale_id, at)
        await sale_record.sign_session(sessions, held.sale_id, number, held.officer_id, at + timedelta(minutes=10))


class Auctioneer:
    """Runs the held sale's room through the room service, each command a little after the last."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], room: room_service.Room, held: HeldSale,
                 at: datetime):
        self.sessions, self.room, self.held, self.at = sessions, room, held, at
        self.clerk = Actor(held.clerk_id, Role.CLERK)
        self.officer = Actor(held.officer_id, Role.OFFICER)
        self.online = Actor(held.bidder_user_id, Role.BIDDER)

    async def run(self, command: str, *, by: Actor | None = None, seconds: int = 15, **args):
        self.at += timedelta(seconds=seconds)
        return await room_service.submit(self.sessions, self.room, uuid.uuid4().hex, command, args,
                                         by or self.clerk, self.at)

    async def bid(self, role: str, euros: int = 0, source: str = "room"):
        """A bid of `euros` (at least the next minimum) for the paddle of `role`; online ones from the
        bidder's own screen."""
        paddle = self.held.paddles[role]
        amount = max(euros * 100, self.room.state.next_minimum(self.room.setup))
        if source == "online":
            return await self.run("bid", by=self.online, seconds=8, paddle=paddle, amount_cents=amount)
        return await self.run("bid", seconds=10, paddle=paddle, amount_cents=amount, source=source)

    async def refused_online(self, number: int, euros: int, *, shown_seq: int, milliseconds: int) -> None:
        """An online bid of the demo bidder for lot `number`, against the bid his screen showed
        (`shown_seq`, current a moment ago), arriving `milliseconds` after the last command: refused by
        the room's service, and recorded as the live page records it."""
        at = self.at + timedelta(milliseconds=milliseconds)
        args = {"lot_id": self.held.lots[number], "amount_cents": euros * 100, "expected_bid_seq": shown_seq}
        command_id = uuid.uuid4().hex
        try:
            await online.submit_online_bid(self.sessions, self.room, command_id, self.held.bidder_user_id, args, at)
        except RoomError as exc:
            await online_refusals.write(self.sessions, [online_refusals.pending(
                self.held.sale_id, self.held.bidder_user_id, at, exc.code, exc.message, args,
                paddle=self.held.paddles["durand"], log_seq=self.room.state.seq, command_id=command_id)])
            return
        raise AssertionError("the demo's late online bid was accepted")

    async def knock_down(self):
        for _ in range(3):
            await self.run("call", seconds=5)
        return await self.run("hammer", seconds=4)

    async def sell(self, number: int, bids: list[tuple], *, put_up_again: bool = False):
        """Open the lot (or put it up again), take the bids in order, three calls, the hammer."""
        await self.run("put_up_again" if put_up_again else "open_lot", seconds=60, lot_id=self.held.lots[number])
        for bid in bids:
            await self.bid(*bid)
        return await self.knock_down()


async def hold_session_one(sessions: async_sessionmaker[AsyncSession], private_dir: Path | None,
                           held: HeldSale) -> None:
    """Session 1: an announcement, lots sold in the room, by absentee order, online and by phone, a pause,
    a lot passed; the officer closes the session, it is sealed and signed."""
    room = await room_service.open_room(sessions, held.sale_id)
    a = Auctioneer(sessions, room, held, held.sessions[0])
    await a.run("open_sale", seconds=0)
    await a.run("announce", text=(
        "La vente se tient en deux séances : les lots 1 à 8 aujourd'hui, les lots 9 à 12 le "
        f"{(held.sessions[1]).astimezone(PARIS):%d/%m/%Y} à 14 h. Le lot 2 est retiré de la vente. "
        "Les frais acheteur s'ajoutent aux enchères, au tarif réglementé affiché dans la salle."))
    await a.sell(1, [("bertin",), ("perrin", 1200), ("bertin", 1400), ("perrin", 1800), ("bertin", 2000)])
    await a.sell(3, [("company",), ("haddad",), ("company", 800), ("haddad", 900), ("company", 1000)])
    await a.sell(4, [("perrin",), ("perrin",), ("perrin",)])     # the absentee order answers each bid
    await a.run("pause", seconds=30, reason="Suspension de dix minutes")
    await a.run("resume", seconds=600)
    await a.sell(5, [("durand", 0, "online"), ("bertin", 400), ("durand", 500, "online"), ("bertin", 600),
                     ("durand", 700, "online")])
    await a.run("open_lot", seconds=60, lot_id=held.lots[6])
    await a.run("pass_lot", seconds=40)
    await a.sell(7, [("defaulter",), ("haddad", 2000), ("defaulter", 2400), ("haddad", 2600), ("defaulter", 3000)])
    await a.sell(8, [("phone", 3000, "phone"), ("perrin", 4000), ("phone", 5000, "phone"), ("perrin", 5500),
                     ("phone", 6200, "phone")])
    await a.run("close_session", by=a.officer, seconds=120)
    await seal_and_sign(sessions, private_dir, held, 1, a.at + timedelta(minutes=5))


async def hold_session_two(sessions: async_sessionmaker[AsyncSession], private_dir: Path | None,
                           held: HeldSale) -> None:
    """Session 2: a lot in default put up again (réitération des enchères) if one was declared since,
    a contested hammer and its re-offer, a lot withdrawn after bidding, lots sold online and by phone;
    the officer closes the sale, the session is sealed and signed."""
    room = await room_service.open_room(sessions, held.sale_id)
    a = Auctioneer(sessions, room, held, held.sessions[1])
    shown_screens = await demo_screens.before_session(sessions, held.sale_id, a.at, clerk_id=held.clerk_id,
                                                      officer_id=held.officer_id, paddle=held.paddles["durand"])
    await a.run("open_session", seconds=0)
    numbers = {lot_id: number for number, lot_id in held.lots.items()}
    for lot_id in room.setup.defaulted:
        await a.sell(numbers[lot_id], [("haddad",), ("bertin", 1600), ("haddad", 2000), ("bertin", 2200),
                                       ("haddad", 2400)], put_up_again=True)
        held.resold[numbers[lot_id]] = room.setup.defaulted[lot_id]
    await a.sell(9, [("haddad",), ("perrin", 800), ("haddad", 1000)])
    await a.run("reoffer_lot", seconds=20, lot_id=held.lots[9],
                reason="Contestation à l'adjudication : le panneau 3 enchérissait au moment du coup de marteau")
    for bid in [("perrin", 1100), ("haddad", 1400), ("perrin", 1800)]:
        await a.bid(*bid)
    await a.knock_down()
    await a.run("open_lot", seconds=60, lot_id=held.lots[10])
    arrived = await shown_screens.connect(a.at + timedelta(seconds=3), *[screens.Screen("viewer")] * 2)
    await shown_screens.disconnect(a.at + timedelta(seconds=9), arrived[0] - 1)   # one of the first three leaves
    for bid in [("bertin",), ("durand", 300, "online"), ("bertin", 350)]:
        await a.bid(*bid)
    shown = room.state.current_bid.seq
    await a.run("withdraw_lot", by=a.officer, seconds=45,
                reason="Doute sur l'authenticité de la signature, soulevé en cours d'enchères : retiré pour expertise")
    await a.refused_online(10, 400, shown_seq=shown, milliseconds=1_350)   # sent as the lot was withdrawn: too late
    await a.sell(11, [("durand", 0, "online"), ("haddad", 300), ("durand", 600, "online")])
    await a.run("open_lot", seconds=60, lot_id=held.lots[12])
    for bid in [("phone", 0, "phone"), ("bertin", 1200)]:
        await a.bid(*bid)
    shown = room.state.current_bid.seq
    await a.bid("phone", 1500, "phone")
    # The bidder's screen still showed the 1 200 € bid: his 1 300 € arrives 420 ms after the phone's 1 500 €.
    await a.refused_online(12, 1300, shown_seq=shown, milliseconds=420)
    await a.knock_down()
    await a.run("close_sale", by=a.officer, seconds=120)
    await shown_screens.disconnect(a.at + timedelta(minutes=1), *shown_screens.open)
    await seal_and_sign(sessions, private_dir, held, 2, a.at + timedelta(minutes=5))
