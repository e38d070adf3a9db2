"""The distribution's documents: the plan (projet de répartition) with its detailed costs statement
(R251-11) and the notice of the 15 days to contest (R251-3 to R251-5), one PDF per case, rendered
off the event loop."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_pdf
from auction.models import Office
from auction.services.distribution import load

COSTS_NOTICE = ("TOUTE PERSONNE INTÉRESSÉE PEUT FAIRE VÉRIFIER CET ÉTAT DES FRAIS PAR LE GREFFE DU JUGE DE "
                "L'EXÉCUTION DU LIEU DE LA VENTE (CPCE R251-11).")
CONTEST_NOTICE = ("Vous disposez d'un délai de quinze jours à compter de la réception de la présente lettre pour "
                  "contester ce projet, par lettre recommandée avec demande d'avis de réception adressée au "
                  "commissaire de justice, en indiquant vos motifs et en joignant les pièces justificatives, "
                  "à peine d'irrecevabilité. À défaut de contestation dans ce délai, le projet devient définitif "
                  "(CPCE R251-3 à R251-5, R251-10).")


async def plan_context(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, today: date) -> dict:
    distribution = await load(sessions, sale_id, today)
    view = distribution.case(case_id)
    async with sessions() as session:
        office = await session.scalar(select(Office).order_by(Office.id).limit(1))
    plan = view.shown_plan if view.shown_plan is not None else view.provisional_payload()
    return {"sale": distribution.sale, "sale_day": distribution.sale_day, "case": view.case, "plan": plan,
            "drafted": view.drafted is not None, "office": office, "costs_notice": COSTS_NOTICE,
            "contest_notice": CONTEST_NOTICE, "single": view.state.single_creditor, "today": today}


async def plan_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, today: date) -> bytes:
    return await render_pdf("distribution_plan.html", await plan_context(sessions, sale_id, case_id, today))
