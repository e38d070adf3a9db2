"""The demo's claims register, on the held sale (demo.HELD_SALE_HOOKS), through the contest services:

- the office's delays for contests of an adjudication (its own rule, from 1 January 2026): the evidence
  sent within 8 days of the reception, the answer within 15 days; none for the other procedures, whose
  contests show "délai non configuré";
- the bidder outbid after lot 9 was put up again (the room's re-offer after the contested hammer, in
  session 2) contests the re-offer by e-mail this morning, her letter attached (a PDF); the clerk sends
  the lot's log extract at once;
- the debtor of Mr Blanc's case contests the sale itself, in a letter handed in yesterday evening.

Everything happens before the seed's `now`.
"""
from __future__ import annotations

import io
import textwrap
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.contests import Contestant, ContestDelay, Step, Subject, Unit
from auction.domain.roles import Role
from auction.fonts import font
from auction.formats import to_paris
from auction.models import Bidder, Case, Registration

from . import contest_delays, contests
from .contest_documents import store_document
from .demo_held_sale import KNOWN_BIDDERS, HeldSale

DELAYS_FROM = date(2026, 1, 1)
DELAYS_REFERENCE = "Démonstration : règle de l'étude de démonstration pour les contestations d'une adjudication"
LETTER = ("Maître, lors de la séance d'hier, le lot 9 m'a été adjugé à 1 000 € au troisième coup de marteau. "
          "Il a ensuite été remis en vente et adjugé à un autre enchérisseur. Je conteste cette remise en vente : "
          "aucune enchère n'a été portée avant le coup de marteau. Je vous prie de me communiquer l'extrait du "
          "journal des enchères du lot 9.")


def letter_pdf(name: str, body: str) -> bytes:
    """A one-page scan-like PDF of a letter (Pillow writes a complete PDF)."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.text((120, 140), name, font=font(36, bold=True), fill="black")
    for i, line in enumerate(textwrap.wrap(body, 62)):
        draw.text((120, 300 + 52 * i), line, font=font(32), fill="black")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


async def seed_contests(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    before = held.now - timedelta(hours=2)
    for step, days in ((Step.EVIDENCE_SENT, 8), (Step.ANSWERED, 15)):
        await contest_delays.add_delay(sessions, ContestDelay(Subject.LOTS, step, Step.RECEIVED, days, Unit.DAYS,
                                                              DELAYS_FROM, DELAYS_REFERENCE),
                                       author_id=held.officer_id, now=before)
    async with sessions() as session:
        bidder = await session.scalar(select(Bidder).where(Bidder.email == KNOWN_BIDDERS["haddad"][0]))
        paddle = await session.scalar(select(Registration.paddle_number).where(      # her contest is hers
            Registration.sale_id == held.sale_id, Registration.bidder_id == bidder.id))
        debtor = await session.get(Case, held.cases["blanc"])
    evening = held.sessions[1] + timedelta(hours=4)
    await contests.record_contest(
        sessions, held.sale_id,
        contests.NewContest(Subject.SALE, Contestant.DEBTOR, debtor.debtor_name,
                            f"{debtor.debtor_address}, {debtor.debtor_postcode} {debtor.debtor_city}",
                            to_paris(evening).date(), "lettre remise à l'étude",
                            "Le débiteur soutient que la vente n'aurait pas dû avoir lieu : il dit avoir trouvé un "
                            "acheteur amiable pour la montre et la commode, sans en avoir informé l'étude."),
        [], user_id=held.clerk_id, now=evening)
    morning = held.now - timedelta(minutes=30)
    today = to_paris(morning).date()
    documents = []
    if held.private_dir is not None:
        stored = await store_document(letter_pdf(bidder.full_name, LETTER), held.private_dir)
        documents.append(contests.NewDocument("Courriel de contestation (imprimé).pdf", stored))
    contest = await contests.record_contest(
        sessions, held.sale_id,
        contests.NewContest(Subject.LOTS, Contestant.BIDDER, bidder.full_name, bidder.email, today, "courriel",
                            "L'enchérisseuse dit que le lot 9 lui avait été adjugé à 1 000 € et conteste sa remise "
                            "en vente (« aucune enchère n'a été portée avant le coup de marteau »).",
                            (held.lots[9],), paddle=paddle),
        documents, user_id=held.clerk_id, now=morning)
    await contests.add_step(sessions, held.sale_id, contest.id, Step.EVIDENCE_SENT, today,
                            "Extrait du journal des enchères du lot 9 (séance 2) envoyé par courriel.",
                            user_id=held.clerk_id, role=Role.CLERK, now=morning + timedelta(minutes=15))
