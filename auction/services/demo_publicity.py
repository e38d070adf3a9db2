"""The demo sale's publicity, complete: the seizure acts' notification, an amicable-sale offer with its
letters, the notice, its web publication, the posters with their photos, the debtors told. The sale can
go live at once, and the certificate of publicity has something to list."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession

from auction.fonts import font
from auction.formats import PARIS
from auction.models import AmicableOffer, Case, DebtorNotice, OfferLetter, PublicationAct, Sale, SaleNotice

from . import audit
from .publication import draft_summary, public_record, snapshot_of

PROOF_DIR = "publicity"
DEMO_BASE_URL = "http://127.0.0.1:8000"      # when the caller gives none (criee demo gives its own)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _poster_photo(private_dir: Path, name: str, where: str, day: date) -> tuple[str, str]:
    """A made-up photo of a poster on a notice board, marked as a demonstration."""
    relative = f"{PROOF_DIR}/demo-{name}.jpg"
    image = Image.new("RGB", (900, 675), (120, 110, 95))
    draw = ImageDraw.Draw(image)
    big, small = font(44, bold=True), font(28)
    draw.rectangle((220, 60, 680, 620), fill=(250, 248, 240), outline=(40, 40, 40), width=3)
    draw.text((450, 130), "VENTE AUX ENCHÈRES", font=big, fill=(20, 20, 20), anchor="mm")
    draw.text((450, 190), "PUBLIQUES", font=big, fill=(20, 20, 20), anchor="mm")
    for i, line in enumerate((where, f"photo du {day:%d/%m/%Y}", "DÉMONSTRATION")):
        draw.text((450, 420 + 50 * i), line, font=small, fill=(90, 20, 20) if i == 2 else (30, 30, 30), anchor="mm")
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    image.save(target, "JPEG", quality=80)
    return relative, hashlib.sha256(target.read_bytes()).hexdigest()


async def seed_publicity(session: AsyncSession, sale: Sale, cases: list[Case], clerk_id: int, today: date,
                         private_dir: Path | None, base_url: str = DEMO_BASE_URL) -> None:
    for case in cases:
        case.seizure_notified_on = case.seizure_date          # the debtor was there: the act was handed over
    household = cases[-1]
    offer = AmicableOffer(case_id=household.id, reported_on=household.seizure_date + timedelta(days=10),
                          offeror="M. Alain Petit, brocanteur", amount_cents=1_500_00,
                          description="Offre globale pour le mobilier du salon, refusée par les créanciers.")
    offer.letters = [OfferLetter(creditor_id=creditor.id, sent_on=offer.reported_on + timedelta(days=1),
                                 received_on=offer.reported_on + timedelta(days=3)) for creditor in household.creditors]
    session.add(offer)

    await seed_sale_publicity(session, sale, cases, clerk_id, issued_on=today - timedelta(days=3),
                              posted_on=today - timedelta(days=2), private_dir=private_dir, base_url=base_url)


async def seed_sale_publicity(session: AsyncSession, sale: Sale, cases: list[Case], clerk_id: int, *, issued_on: date,
                              posted_on: date, private_dir: Path | None, photo_prefix: str = "affiche",
                              base_url: str = DEMO_BASE_URL) -> None:
    """A sale's notice (issued, published on the web the same morning), its posters with their photos at
    each debtor's town hall and at the sale's place, and each debtor told on the day of the notice."""
    issued = _at(issued_on, 10)
    snapshot = snapshot_of(sale, await draft_summary(session, sale))
    notice = SaleNotice(sale_id=sale.id, version=1, digest=snapshot.digest(), issued_at=issued,
                        issued_by_id=clerk_id, change_note="première annonce", **snapshot.__dict__)
    session.add(notice)
    await session.flush()
    sale.goods_summary = snapshot.goods_summary
    web = PublicationAct(sale_id=sale.id, notice_id=notice.id, kind="web", done_at=issued, recorded_at=issued,
                         recorded_by_id=clerk_id, place=f"{base_url}/ventes/{sale.id}",
                         system_record=public_record(base_url, sale.id, notice))
    session.add(web)

    places = [("poster_town_hall", f"Mairie de {case.debtor_city}", case) for case in cases]
    places.append(("poster_sale_place", sale.place_name, None))
    seen = set()
    for index, (kind, where, case) in enumerate(places):
        if where in seen:
            continue
        seen.add(where)
        photo = _poster_photo(private_dir, f"{photo_prefix}-{index}", where, posted_on) if private_dir else None
        session.add(PublicationAct(
            sale_id=sale.id, notice_id=notice.id, kind=kind, done_at=_at(posted_on, 9, 30 + 10 * index), place=where,
            commune_postcode=case.debtor_postcode if case else "", commune_city=case.debtor_city if case else "",
            proof_path=photo[0] if photo else None, proof_content_type="image/jpeg" if photo else None,
            proof_sha256=photo[1] if photo else None,
            system_record="" if photo else "Démonstration : affichage simulé, sans photo.",
            recorded_at=_at(posted_on, 18), recorded_by_id=clerk_id))
    for case in cases:
        session.add(DebtorNotice(sale_id=sale.id, case_id=case.id, notice_id=notice.id,
                                 told_on=issued_on, means="served_act",
                                 reference=f"Signification du {issued_on:%d/%m/%Y}, {case.reference}",
                                 recorded_at=_at(issued_on, 17), recorded_by_id=clerk_id))
    audit.record(session, at=issued, user_id=clerk_id, sale_id=sale.id, action="sale_announced",
                 summary=f"Vente {sale.reference} annoncée (avis n° 1) — données de démonstration.")
