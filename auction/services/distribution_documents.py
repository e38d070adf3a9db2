"""The distribution's documents, rendered off the event loop: the plan (projet de répartition) with
its detailed costs statement (R251-11) and the notice of the 15 days to contest (R251-3 to
R251-5); the conciliation's letters and its record of agreement or disagreement (R251-6 to
R251-8); each creditor's report and the debtor's statement, e-mailed where an address is known."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.config import Settings
from auction.documents import render_pdf
from auction.domain.deadlines import paris_day
from auction.domain.distribution_log import NO_PLAN, creditor_key
from auction.domain.distribution_procedure import DEBTOR, StepRefused
from auction.mail import Attachment, Mail, deliver
from auction.models import Office
from auction.services import settlement_log
from auction.services.distribution import DistributionNotFound, load

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
    names = {DEBTOR: f"{view.case.debtor_name} (débiteur)"} | {creditor_key(c.id): c.name for c in view.case.creditors}
    return {"sale": distribution.sale, "sale_day": distribution.sale_day, "case": view.case, "plan": plan,
            "drafted": view.drafted is not None, "office": office, "costs_notice": COSTS_NOTICE,
            "contest_notice": CONTEST_NOTICE, "single": view.state.single_creditor, "today": today,
            "deposit_fees": deposit_fees(view.log.deposits, names)}


def deposit_fees(deposits: list[dict], names: dict[str, str]) -> list[dict]:
    """The costs statement's lines for the Caisse des dépôts deposits (A444-7): each deposit's fee and
    its VAT, as charged, i.e. taken from the sums deposited and borne by their owners pro rata (not a
    cost deducted before the shares: the plan's sum to distribute is unchanged)."""
    return [{"on": date.fromisoformat(d["on"]), "reference": d.get("reference", ""), "reason": d["reason"],
             "fee_cents": d["fee_cents"], "fee_vat_cents": d["fee_vat_cents"],
             "total_cents": d["fee_cents"] + d["fee_vat_cents"],
             "borne": [(names.get(r, r), cents) for r, cents in sorted(d.get("fees_borne", {}).items())]}
            for d in deposits if d.get("fee_cents") or d.get("fee_vat_cents")]


async def plan_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, today: date, *,
                   letters: bool = False) -> bytes:
    """The plan; with `letters`, first one registered letter per recipient (the debtor and every
    creditor, late ones too), each followed by the plan it notifies."""
    context = await plan_context(sessions, sale_id, case_id, today)
    if letters:
        case = context["case"]
        context["letters"] = [(case.debtor_name, f"{case.debtor_address}, {case.debtor_postcode} {case.debtor_city}")]
        context["letters"] += [(c.name, c.address) for c in case.creditors]
    return await render_pdf("distribution_plan.html", context)


async def conciliation_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int,
                           today: date) -> bytes:
    """R251-6 to R251-8: one registered letter per recipient (the debtor and every creditor) convening
    the conciliation meeting, with the contests it is about; once it has been held, the record of the
    agreement (sent to all) or of the disagreement."""
    context = await plan_context(sessions, sale_id, case_id, today)
    distribution = await load(sessions, sale_id, today)
    case = context["case"]
    mine = [e for e in distribution.events if e.payload.get("case_id") == case_id]
    convened = next((e.payload for e in reversed(mine) if e.kind == "conciliation_convened"), None)
    if convened is None:
        raise StepRefused("Aucune réunion de conciliation n'est convoquée pour ce dossier.")
    names = {DEBTOR: f"{case.debtor_name} (débiteur)"} | {creditor_key(c.id): c.name for c in case.creditors}
    contests = [{"who": names.get(e.payload["recipient"], e.payload["recipient"]), "on": date.fromisoformat(e.payload["on"]),
                 "reasons": e.payload["reasons"], "documents": e.payload["documents"]}
                for e in mine if e.kind == "contest_recorded"]
    outcome = next(({"agreed": e.kind == "conciliation_agreed", "on": date.fromisoformat(e.payload["on"]),
                     "note": e.payload["note"]}
                    for e in reversed(mine) if e.kind in ("conciliation_agreed", "disagreement_recorded")), None)
    letters = [(case.debtor_name, f"{case.debtor_address}, {case.debtor_postcode} {case.debtor_city}")]
    letters += [(c.name, c.address) for c in case.creditors]
    return await render_pdf("distribution_conciliation.html", context | {
        "convened": {"on": date.fromisoformat(convened["on"]), "meeting_on": date.fromisoformat(convened["meeting_on"]),
                     "place": convened["place"]},
        "contests": contests, "outcome": outcome, "letters": letters})


async def report_context(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, recipient: str,
                         today: date) -> dict:
    """A creditor's report (compte rendu) or the debtor's statement (R251-11)."""
    context = await plan_context(sessions, sale_id, case_id, today)
    distribution = await load(sessions, sale_id, today)
    view = distribution.case(case_id)
    plan, case = context["plan"], view.case
    if recipient == DEBTOR:
        who, address, shares = case.debtor_name, f"{case.debtor_address}, {case.debtor_postcode} {case.debtor_city}", []
    else:
        creditor = next((c for c in case.creditors if creditor_key(c.id) == recipient), None)
        if creditor is None:
            raise DistributionNotFound("Ce destinataire n'est pas de ce dossier.")
        who, address = creditor.name, creditor.address
        shares = [s for s in plan["shares"] if creditor_key(s["creditor_id"]) == recipient]
    deposited = sum(d["shares"].get(recipient, 0) - d.get("fees_borne", {}).get(recipient, 0) for d in view.log.deposits)
    return context | {"who": who, "address": address, "debtor": recipient == DEBTOR, "shares": shares,
                      "proceeds": view.funds.proceeds, "status": view.state.label, "deposited": deposited,
                      "paid": [p for p in view.log.payouts if p["recipient"] == recipient]}


async def report_pdf(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, recipient: str,
                     today: date) -> bytes:
    return await render_pdf("distribution_report.html", await report_context(sessions, sale_id, case_id, recipient,
                                                                              today))


async def send_reports(sessions: async_sessionmaker[AsyncSession], settings: Settings, sale_id: int, case_id: int, *,
                       user_id: int, now: datetime) -> list[dict]:
    """Every creditor's report and the debtor's statement, e-mailed where an address is known; each
    one issued is recorded (`report_issued`) with whether it was e-mailed."""
    today = paris_day(now)
    view = (await load(sessions, sale_id, today)).case(case_id)
    if view.drafted is None:
        raise StepRefused(NO_PLAN)
    recipients = [(DEBTOR, view.case.debtor_email)] + [(creditor_key(c.id), c.email) for c in view.case.creditors]
    issued = []
    for recipient, email in recipients:
        pdf = await report_pdf(sessions, sale_id, case_id, recipient, today)
        sent = False
        if email:
            sent = await deliver(settings, Mail(
                email, f"Compte rendu de la vente — dossier {view.case.reference}",
                "Veuillez trouver ci-joint le compte rendu de la vente et de la répartition de son produit.",
                (Attachment(f"compte-rendu-{view.case.reference}.pdf", "application/pdf", pdf),)))
        issued.append({"case_id": case_id, "recipient": recipient, "on": today.isoformat(), "emailed": sent})
    async with settlement_log.transaction(sessions, sale_id) as tx:
        for payload in issued:
            tx.append("report_issued", payload, user_id=user_id, now=now)
    return issued
