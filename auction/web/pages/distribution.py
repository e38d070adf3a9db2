"""The distribution of the proceeds (staff): the sale's cases and their plans, one case's page (its
inputs, ranks, costs, the plan, the letters and their receipts, contests, conciliation, deposits,
payouts with the SEPA file), the plan's PDF with its costs statement, and the office's deadlines
board. Decisions (ranks, drafting, notifying, conciliation, payouts) are the officer's; the clerk
records costs, receipts, contests and bank details."""
from __future__ import annotations

import uuid
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.distribution import KIND_LABELS, RankKind
from auction.domain.distribution_procedure import DEBTOR
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.money import parse_euros, parse_rate
from auction.models import utcnow
from auction.services import distribution as service
from auction.services import distribution_steps as steps
from auction.services import payouts
from auction.services.catalogue import NotFound
from auction.domain.legal_interest import LegalRate, half_year_label, missing_half_years, rate_table
from auction.services.distribution_claims import (
    INTEREST_BASES, ClaimRank, add_legal_rate, set_claim_rank, set_creditor_details, set_debtor_details,
)
from auction.services.distribution_documents import conciliation_pdf, plan_pdf, report_pdf, send_reports
from auction.services.contests import open_contest_deadlines
from auction.services.deadlines_board import deadlines_board

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import form_command, form_day, form_dict, parse_int, path_id, today
from ..templates import render

NOTICES = {
    "frais": "Frais enregistrés : ils figureront à l'état des frais du projet.",
    "rang": "Rang de la créance enregistré.",
    "coordonnees": "Coordonnées enregistrées.",
    "projet": "Projet de répartition établi.",
    "notification": "Notification du projet enregistrée : saisissez la réception de chaque lettre.",
    "reception": "Réception enregistrée : le délai de 15 jours court de ce jour.",
    "contestation": "Contestation enregistrée.",
    "conciliation": "Réunion de conciliation convoquée.",
    "issue": "Issue de la conciliation enregistrée.",
    "prorogation": "Prorogation des délais enregistrée.",
    "consignation": "Consignation à la Caisse des dépôts enregistrée.",
    "paiement": "Paiements enregistrés.",
    "conversion": "Acte de conversion enregistré : la part consignée est payée au créancier par la Caisse des dépôts.",
    "comptes-rendus": "Comptes rendus établis ; envoyés par courriel aux destinataires dont l'adresse est connue.",
}


def _base(sale_id: int, case_id: int | None = None) -> str:
    return f"/bureau/ventes/{sale_id}/repartition" + (f"/{case_id}" if case_id else "")


def recipients(view) -> list[tuple[str, str]]:
    found = [(DEBTOR, f"{view.case.debtor_name} (débiteur)")]
    found += [(f"creditor:{c.id}", c.name) for c in view.case.creditors]
    return found


async def overview(request: Request) -> Response:
    try:
        sale_id = path_id(request, "sale_id")
        distribution = await service.load(request.app.state.db.sessions, sale_id, today())
    except (NotFound, service.DistributionNotFound):
        return error_page(request, 404)
    return render(request, "staff/distribution.html", {"distribution": distribution, "today": today()})


async def _case_page(request: Request, sale_id: int, case_id: int, *, errors=None, values=None,
                     status_code: int = 200) -> Response:
    distribution = await service.load(request.app.state.db.sessions, sale_id, today())
    view = distribution.case(case_id)
    return render(request, "staff/distribution_case.html", {
        "distribution": distribution, "view": view, "plan": view.shown_plan, "today": today(),
        "recipients": recipients(view), "names": dict(recipients(view)), "kinds": KIND_LABELS,
        "bases": INTEREST_BASES, "errors": errors or {}, "values": values or {}, "command_id": uuid.uuid4().hex,
        "notice": NOTICES.get(request.query_params.get("fait", "")),
    }, status_code=status_code)


async def case_page(request: Request) -> Response:
    try:
        return await _case_page(request, path_id(request, "sale_id"), path_id(request, "case_id"))
    except (NotFound, service.DistributionNotFound):
        return error_page(request, 404)


def _action(run, notice: str):
    """A case-page form: run the use case, back to the case's page with a notice or the error."""
    async def handler(request: Request) -> Response:
        try:
            sale_id, case_id = path_id(request, "sale_id"), path_id(request, "case_id")
            (await service.load(request.app.state.db.sessions, sale_id, today())).case(case_id)
        except (NotFound, service.DistributionNotFound):
            return error_page(request, 404)
        values = await form_dict(request)
        try:
            await run(request, sale_id, case_id, values)
        except DomainError as exc:
            return await _case_page(request, sale_id, case_id, values=values, status_code=400,
                                    errors={"action": exc.message, exc.field or "action": exc.message})
        return RedirectResponse(f"{_base(sale_id, case_id)}?fait={notice}", status_code=303)
    handler.__name__ = f"distribution_{notice}"
    return handler


def _who(request: Request, values: dict) -> dict:
    return {"user_id": request.state.user.id, "now": utcnow(), "command_id": form_command(values)}


def _int(text: str, field: str) -> int:
    number = parse_int(text)
    if number is None:
        raise InvalidValue("Choix invalide.", field=field)
    return number


async def _cost(request, sale_id, case_id, values):
    await steps.record_cost(request.app.state.db.sessions, sale_id, case_id, label=values.get("label", ""),
                            cents=parse_euros(values.get("amount", ""), field="amount"),
                            reference=values.get("reference", ""), **_who(request, values))


async def _rank(request, sale_id, case_id, values):
    view = (await service.load(request.app.state.db.sessions, sale_id, today())).case(case_id)
    claim_id = _int(values.get("claim_id", ""), "claim_id")
    if claim_id not in {claim.claim_id for claim in view.funds.claims}:
        raise InvalidValue("Cette créance n'est pas de ce dossier.", field="claim_id")
    try:
        kind = RankKind(values.get("rank_kind", ""))
    except ValueError:
        raise InvalidValue("Choisissez le rang.", field="rank_kind") from None
    order = _int(values.get("rank_order", "") or "1", "rank_order")
    basis = values.get("interest_basis", "none")
    rate = parse_rate(values["interest_rate"], field="interest_rate") if values.get("interest_rate") else None
    enforceable = form_day(values, "enforceable_on") if values.get("enforceable_on") else None
    await set_claim_rank(request.app.state.db.sessions, claim_id, ClaimRank(
        kind, order, values.get("conservatory") == "1", basis, rate, enforceable))
    await request.app.state.rooms.refresh_claims(case_id)    # its interest: the room's stop threshold


async def _creditor(request, sale_id, case_id, values):
    view = (await service.load(request.app.state.db.sessions, sale_id, today())).case(case_id)
    creditor_id = _int(values.get("creditor_id", ""), "creditor_id")
    if creditor_id not in {c.id for c in view.case.creditors}:
        raise InvalidValue("Ce créancier n'est pas de ce dossier.", field="creditor_id")
    came = form_day(values, "came_forward_on") if values.get("came_forward_on") else None
    await set_creditor_details(request.app.state.db.sessions, creditor_id, came_forward_on=came,
                               iban=values.get("iban", ""), bic=values.get("bic", ""), email=values.get("email", ""))
    await request.app.state.rooms.refresh_claims(case_id)    # admitted or not: the room's stop threshold


async def _debtor(request, sale_id, case_id, values):
    await set_debtor_details(request.app.state.db.sessions, case_id, iban=values.get("iban", ""),
                             bic=values.get("bic", ""), email=values.get("email", ""))


async def _draft(request, sale_id, case_id, values):
    await steps.draft(request.app.state.db.sessions, sale_id, case_id, **_who(request, values))


async def _send(request, sale_id, case_id, values):
    await steps.send_plan(request.app.state.db.sessions, sale_id, case_id,
                          sent_on=form_day(values, "sent_on"), **_who(request, values))


async def _receipt(request, sale_id, case_id, values):
    await steps.record_receipt(request.app.state.db.sessions, sale_id, case_id, recipient=values.get("recipient", ""),
                               received_on=form_day(values, "received_on"), **_who(request, values))


async def _contest(request, sale_id, case_id, values):
    await steps.record_contest(request.app.state.db.sessions, sale_id, case_id, recipient=values.get("recipient", ""),
                               on=form_day(values, "on"), reasons=values.get("reasons", ""),
                               documents=values.get("documents", ""), **_who(request, values))


async def _convene(request, sale_id, case_id, values):
    await steps.convene(request.app.state.db.sessions, sale_id, case_id, on=form_day(values, "on"),
                        meeting_on=form_day(values, "meeting_on"), place=values.get("place", ""),
                        **_who(request, values))


async def _conclude(request, sale_id, case_id, values):
    if values.get("outcome") not in ("agreed", "disagreement"):
        raise InvalidValue("Choisissez l'issue de la réunion.", field="outcome")
    await steps.conclude(request.app.state.db.sessions, sale_id, case_id, agreed=values["outcome"] == "agreed",
                         on=form_day(values, "on"), note=values.get("note", ""), **_who(request, values))


async def _extend(request, sale_id, case_id, values):
    form = await request.form()
    await steps.extend_delays(request.app.state.db.sessions, sale_id, case_id,
                              until=form_day(values, "until"),
                              agreed_by=[str(v) for v in form.getlist("agreed_by")], note=values.get("note", ""),
                              **_who(request, values))


async def _deposit(request, sale_id, case_id, values):
    await payouts.deposit_disputed(request.app.state.db.sessions, sale_id, case_id,
                                   on=form_day(values, "on"), reference=values.get("reference", ""),
                                   **_who(request, values))


async def _conversion(request, sale_id, case_id, values):
    await payouts.record_conversion(request.app.state.db.sessions, sale_id, case_id,
                                    recipient=values.get("conversion_recipient", ""),
                                    on=form_day(values, "conversion_on"),
                                    reference=values.get("conversion_reference", ""), **_who(request, values))


async def _pay(request, sale_id, case_id, values):
    cheques = {key.removeprefix("cheque_"): value for key, value in values.items() if key.startswith("cheque_")}
    await payouts.pay(request.app.state.db.sessions, sale_id, case_id,
                      paid_on=form_day(values, "paid_on"), cheques=cheques, **_who(request, values))


async def transfers(request: Request) -> Response:
    try:
        sale_id, case_id = path_id(request, "sale_id"), path_id(request, "case_id")
        document = await payouts.transfer_file(request.app.state.db.sessions, sale_id, case_id)
    except NotFound:
        return error_page(request, 404)
    except DomainError:
        return error_page(request, 404)
    return Response(document, media_type="application/xml", headers={
        "content-disposition": f'attachment; filename="virements-vente-{sale_id}-dossier-{case_id}.xml"'})


async def plan_document(request: Request) -> Response:
    letters = request.url.path.endswith("/lettres.pdf")
    try:
        sale_id, case_id = path_id(request, "sale_id"), path_id(request, "case_id")
        pdf = await plan_pdf(request.app.state.db.sessions, sale_id, case_id, today(), letters=letters)
    except (NotFound, service.DistributionNotFound):
        return error_page(request, 404)
    except DomainError:
        return error_page(request, 404)
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="{"lettres" if letters else "repartition"}-vente-{sale_id}-dossier-{case_id}.pdf"'})


async def conciliation_document(request: Request) -> Response:
    try:
        sale_id, case_id = path_id(request, "sale_id"), path_id(request, "case_id")
        pdf = await conciliation_pdf(request.app.state.db.sessions, sale_id, case_id, today())
    except (NotFound, DomainError):
        return error_page(request, 404)
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="conciliation-vente-{sale_id}-dossier-{case_id}.pdf"'})


async def report_document(request: Request) -> Response:
    try:
        sale_id, case_id = path_id(request, "sale_id"), path_id(request, "case_id")
        recipient = request.path_params["recipient"]
        pdf = await report_pdf(request.app.state.db.sessions, sale_id, case_id, recipient, today())
    except (NotFound, DomainError):
        return error_page(request, 404)
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="compte-rendu-vente-{sale_id}-dossier-{case_id}.pdf"'})


async def _reports(request, sale_id, case_id, values):
    await send_reports(request.app.state.db.sessions, request.app.state.settings, sale_id, case_id,
                       user_id=request.state.user.id, now=utcnow())


async def legal_rates(request: Request, *, values=None, errors=None, status_code: int = 200) -> Response:
    async with request.app.state.db.sessions() as session:
        office_rows = await service.office_legal_rates(session)
    table = rate_table(office_rows)
    return render(request, "staff/legal_rates.html", {
        "rows": [table[key] for key in sorted(table, reverse=True)], "values": values or {}, "errors": errors or {},
        "missing": list(reversed(missing_half_years(table, today()))),
        "notice": "Taux enregistrés." if request.query_params.get("fait") == "taux" else None,
        "label": half_year_label}, status_code=status_code)


async def add_rates(request: Request) -> Response:
    values = await form_dict(request)
    try:
        half = values.get("half_year", "")
        if len(half) != 7 or half[4] != "-" or half[5:] not in ("01", "07") or not (half[:4].isascii() and half[:4].isdigit()):
            raise InvalidValue("Choisissez le semestre (1er janvier ou 1er juillet).", field="half_year")
        row = LegalRate(date(int(half[:4]), int(half[5:]), 1),
                        parse_rate(values.get("private_rate", ""), field="private_rate"),
                        parse_rate(values.get("other_rate", ""), field="other_rate"), values.get("reference", ""))
        await add_legal_rate(request.app.state.db.sessions, row, request.state.user.id)
    except DomainError as exc:
        return await legal_rates(request, values=values, errors={exc.field or "form": exc.message}, status_code=400)
    await request.app.state.rooms.refresh_claims()      # interest at the legal rate: every stop threshold
    return RedirectResponse("/bureau/etude/interet-legal?fait=taux", status_code=303)


async def board(request: Request) -> Response:
    rows = await deadlines_board(request.app.state.db.sessions, today())
    contests = await open_contest_deadlines(request.app.state.db.sessions, today())
    return render(request, "staff/deadlines.html", {"rows": rows, "contests": contests, "today": today()})


CASE = "/bureau/ventes/{sale_id}/repartition/{case_id}"
routes = [
    page("/bureau/echeances", board, access=STAFF),
    page("/bureau/etude/interet-legal", legal_rates, access=STAFF),
    page("/bureau/etude/interet-legal", add_rates, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/repartition", overview, access=STAFF),
    page(CASE, case_page, access=STAFF),
    page(CASE + "/projet.pdf", plan_document, access=STAFF),
    page(CASE + "/lettres.pdf", plan_document, access=STAFF),
    page(CASE + "/conciliation.pdf", conciliation_document, access=STAFF),
    page(CASE + "/comptes-rendus/{recipient:str}.pdf", report_document, access=STAFF),
    page(CASE + "/comptes-rendus", _action(_reports, "comptes-rendus"), access=OFFICER, methods=("POST",)),
    page(CASE + "/virements.xml", transfers, access=OFFICER),
    page(CASE + "/frais", _action(_cost, "frais"), access=STAFF, methods=("POST",)),
    page(CASE + "/creancier", _action(_creditor, "coordonnees"), access=STAFF, methods=("POST",)),
    page(CASE + "/debiteur", _action(_debtor, "coordonnees"), access=STAFF, methods=("POST",)),
    page(CASE + "/reception", _action(_receipt, "reception"), access=STAFF, methods=("POST",)),
    page(CASE + "/contestation", _action(_contest, "contestation"), access=STAFF, methods=("POST",)),
    page(CASE + "/rang", _action(_rank, "rang"), access=OFFICER, methods=("POST",)),
    page(CASE + "/projet", _action(_draft, "projet"), access=OFFICER, methods=("POST",)),
    page(CASE + "/notification", _action(_send, "notification"), access=OFFICER, methods=("POST",)),
    page(CASE + "/conciliation", _action(_convene, "conciliation"), access=OFFICER, methods=("POST",)),
    page(CASE + "/issue", _action(_conclude, "issue"), access=OFFICER, methods=("POST",)),
    page(CASE + "/prorogation", _action(_extend, "prorogation"), access=OFFICER, methods=("POST",)),
    page(CASE + "/consignation", _action(_deposit, "consignation"), access=OFFICER, methods=("POST",)),
    page(CASE + "/paiement", _action(_pay, "paiement"), access=OFFICER, methods=("POST",)),
    page(CASE + "/conversion", _action(_conversion, "conversion"), access=OFFICER, methods=("POST",)),
]
