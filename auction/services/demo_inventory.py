"""Pieces the demo's sales share: a lot's generated photo and a case's signed seizure inventory."""
from __future__ import annotations

import textwrap
from datetime import datetime, time, timezone
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession

from auction.domain.inventory import AMICABLE_SALE_NOTICE, CUSTODY_NOTICE, check_can_sign
from auction.fonts import font
from auction.formats import PARIS
from auction.models import Case, InventoryAct, InventoryItem

from .inventory import content_of

CATEGORY_COLOURS = {
    "Outillage": (176, 96, 40), "Machines": (90, 98, 110), "Mobilier de bureau": (60, 100, 150),
    "Informatique": (40, 120, 130), "Véhicules": (150, 40, 40), "Mobilier": (120, 80, 50),
    "Électroménager": (70, 130, 90), "Tableaux": (120, 60, 120), "Objets d'art": (160, 130, 40),
    "Électronique": (50, 60, 140),
}


def lot_image(path: Path, number: int, title: str, category: str) -> None:
    colour = CATEGORY_COLOURS.get(category, (90, 90, 90))
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    big, small = font(120, bold=True), font(40)
    draw.rectangle((30, 30, 770, 570), outline=(255, 255, 255), width=4)
    draw.text((400, 220), f"Lot {number}", font=big, fill="white", anchor="mm")
    for i, line in enumerate(textwrap.wrap(title, 30)[:3]):
        draw.text((400, 360 + 50 * i), line, font=small, fill="white", anchor="mm")
    draw.text((400, 530), category, font=small, fill=(235, 235, 235), anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=80)


async def signed_inventory(session: AsyncSession, case: Case, specs, officer_id: int, clerk_id: int) -> InventoryAct:
    """The signed seizure inventory of a demo case, one item per lot, with its digest."""
    act = InventoryAct(
        case_id=case.id, kind="seizure", act_date=case.seizure_date, created_by_id=clerk_id,
        place=f"{case.debtor_address}, {case.debtor_postcode} {case.debtor_city}",
        present_persons=f"{case.debtor_name}, débiteur\nMe Claire Lefèvre, commissaire de justice",
        prior_seizures_statement="Le débiteur déclare qu'aucun de ces biens n'a fait l'objet d'une saisie antérieure.",
        custody_notice=CUSTODY_NOTICE, amicable_sale_notice=AMICABLE_SALE_NOTICE,
        enforcement_court="juge de l'exécution du tribunal judiciaire de Lyon")
    act.items = [InventoryItem(position=i, description=f"{title}. {description}", quantity=1,
                               condition=description.split(".")[-2].strip() if description.count(".") > 1 else "en l'état",
                               estimate_cents=low * 100, category=category)
                 for i, (title, description, category, low, _high) in enumerate(specs, start=1)]
    session.add(act)
    await session.flush()
    act.digest = check_can_sign(content_of(act, case, None), already_signed=False)
    act.signed_at = datetime.combine(case.seizure_date, time(16, 0), tzinfo=PARIS).astimezone(timezone.utc)
    act.signed_by_id = officer_id
    return act
