"""The claims register's pages: a sale's contests and the form to record one, a contest's steps and
documents, and the office's delays (office settings). Officer and clerk record contests, documents and
the evidence sent; answering, referring to the judge and closing are the officer's (the domain says so
again when the step is recorded). The delays are entered by the officer and shown to the staff."""
from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain.contests import (CONTESTANT_LABELS, DUE_LABELS, LATER_STEPS, OFFICER_STEPS, ORDER, STEP_LABELS,
                                     SUBJECT_LABELS, UNIT_LABELS, Contestant, ContestDelay, Step, Subject, Unit,
                                     delay_in_force)
from auction.domain.errors import DomainError, InvalidValue
from auction.domain.roles import Role
from auction.domain.uploads import MAX_DOCUMENT_BYTES
from auction.models import utcnow
from auction.services import contest_delays, contests as service
from auction.services.catalogue import NotFound
from auction.services.contest_documents import check_document, document_file, remove_document, store_document

from ..access import OFFICER, STAFF, page
from ..errors import error_page
from ..forms import CSRF_FIELD, form_date, form_ids, form_int, path_id, today
from ..headers import upload_headers
from ..templates import render

MAX_FILES = 10
NOTICES = {"enregistree": "Contestation enregistrée, avec sa réception.", "etape": "Étape enregistrée.",
           "piece": "Pièce enregistrée.", "delai": "Délai enregistré."}
LABELS = {"subject": "Objet", "lot_ids": "Lots", "case_id": "Dossier", "contestant_kind": "Qui conteste",
          "contestant_name": "Nom", "contestant_contact": "Adresse ou contact", "paddle": "Panneau",
          "received_on": "Reçue le",
          "means": "Reçue par", "grounds": "Motifs", "documents": "Pièces", "step": "Étape", "taken_on": "Date",
          "note": "Note", "counted_from": "À compter de", "amount": "Durée", "unit": "Unité",
          "effective_from": "En vigueur à partir du", "reference": "Origine du délai"}


async def _form(request: Request) -> tuple[dict[str, str], list[str], list[tuple[str, bytes]]]:
    """The form's text fields, its chosen lots, and the documents joined (name, first bytes up to the limit + 1)."""
    form = await request.form()
    values = {key: str(value).strip() for key, value in form.items() if key != CSRF_FIELD and isinstance(value, str)}
    files = []
    for upload in form.getlist("documents"):
        if isinstance(upload, UploadFile) and upload.filename:
            files.append((upload.filename, await upload.read(MAX_DOCUMENT_BYTES + 1)))
    return values, [str(v) for v in form.getlist("lot_ids")], files


def _check_files(files: list[tuple[str, bytes]], errors: dict[str, str]) -> None:
    if len(files) > MAX_FILES:
        errors["documents"] = f"{MAX_FILES} pièces au plus à la fois."
        return
    for name, content in files:
        try:
            check_document(content, "documents")
        except InvalidValue as exc:
            errors["documents"] = f"« {name} » : {exc.message}"
            return


def _title(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "Pièce jointe"


async def _store(files: list[tuple[str, bytes]], private_dir) -> list[service.NewDocument]:
    stored: list[service.NewDocument] = []
    try:
        for name, content in files:
            stored.append(service.NewDocument(_title(name), await store_document(content, private_dir, "documents")))
    except BaseException:
        for document in stored:
            remove_document(private_dir, document.stored.path)
        raise
    return stored


async def _list_context(request: Request, sale_id: int) -> dict:
    sessions = request.app.state.db.sessions
    sale, views = await service.sale_contests(sessions, sale_id)
    cases, lots = await service.register_inputs(sessions, sale_id)
    return {"sale": sale, "views": views, "cases": cases, "lots": lots,
            "today": today(), "contestants": CONTESTANT_LABELS, "subjects": SUBJECT_LABELS,
            "about": service.about, "Step": Step}


async def sale_contests(request: Request) -> Response:
    try:
        context = await _list_context(request, path_id(request, "sale_id"))
    except NotFound:
        return error_page(request, 404)
    values = {"received_on": today().isoformat(), "subject": Subject.LOTS.value}
    return render(request, "staff/contests.html", {**context, "values": values, "chosen": set(), "errors": {},
                                                   "labels": LABELS})


def _new_contest(values: dict[str, str], lot_texts: list[str], errors: dict[str, str]) -> service.NewContest | None:
    subject = kind = received_on = case_id = None
    try:
        subject = Subject(values.get("subject", ""))
    except ValueError:
        errors["subject"] = "Choisissez l'objet de la contestation."
    try:
        kind = Contestant(values.get("contestant_kind", ""))
    except ValueError:
        errors["contestant_kind"] = "Choisissez qui conteste."
    try:
        received_on = form_date(values, "received_on", "Reçue le")
    except InvalidValue as exc:
        errors["received_on"] = exc.message
    for field, message in (("contestant_name", "Indiquez qui conteste."),
                           ("means", "Indiquez comment la contestation est parvenue à l'étude."),
                           ("grounds", "Indiquez ce qui est contesté, et pourquoi.")):
        if not values.get(field):
            errors[field] = message
    lot_ids = tuple(form_ids(lot_texts))
    if subject is Subject.LOTS and not lot_ids:
        errors["lot_ids"] = "Choisissez le ou les lots dont l'adjudication est contestée."
    if subject is Subject.DISTRIBUTION:
        try:
            case_id = form_int(values, "case_id", "Dossier")
        except InvalidValue:
            errors["case_id"] = "Choisissez le dossier dont la répartition est contestée."
    paddle = None
    try:
        paddle = form_int(values, "paddle", "Panneau", minimum=1, required=False)
    except InvalidValue as exc:
        errors["paddle"] = exc.message
    if errors:
        return None
    return service.NewContest(subject, kind, values["contestant_name"], values.get("contestant_contact", ""),
                              received_on, values["means"], values["grounds"],
                              lot_ids if subject is Subject.LOTS else (), case_id, paddle)


async def record_contest(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        sale_id = path_id(request, "sale_id")
    except NotFound:
        return error_page(request, 404)
    values, lot_texts, files = await _form(request)
    errors: dict[str, str] = {}
    new = _new_contest(values, lot_texts, errors)
    _check_files(files, errors)
    if not errors:
        documents = await _store(files, settings.private_dir)
        try:
            contest = await service.record_contest(request.app.state.db.sessions, sale_id, new, documents,
                                                   user_id=request.state.user.id, now=utcnow())
        except BaseException as exc:      # nothing recorded: the files go too
            for document in documents:
                remove_document(settings.private_dir, document.stored.path)
            if isinstance(exc, NotFound):
                return error_page(request, 404)
            if not isinstance(exc, InvalidValue):
                raise
            errors[exc.field or "grounds"] = exc.message
        if not errors:
            return RedirectResponse(f"/bureau/ventes/{sale_id}/contestations/{contest.id}?fait=enregistree",
                                    status_code=303)
    if files and "documents" not in errors:
        errors["documents"] = "Joignez de nouveau les pièces : le navigateur ne les garde pas."
    try:
        context = await _list_context(request, sale_id)
    except NotFound:
        return error_page(request, 404)
    return render(request, "staff/contests.html", {**context, "values": values, "chosen": set(form_ids(lot_texts)),
                                                   "errors": errors, "labels": LABELS}, status_code=400)


async def _detail(request: Request, *, values: dict | None = None, errors: dict | None = None,
                  status_code: int = 200) -> Response:
    sessions = request.app.state.db.sessions
    try:
        sale_id, contest_id = path_id(request, "sale_id"), path_id(request, "contest_id")
        view = await service.contest_view(sessions, sale_id, contest_id)
        sale, _ = await service.sale_contests(sessions, sale_id)
        accesses = await service.document_accesses(sessions, contest_id)
    except NotFound:
        return error_page(request, 404)
    is_officer = request.state.user.role == Role.OFFICER
    current = view.status
    choices = [s for s in LATER_STEPS if s.rank > current.rank and (is_officer or s not in OFFICER_STEPS)]
    return render(request, "staff/contest.html", {
        "sale": sale, "view": view, "contest": view.contest, "about": service.about(view.contest, view.case_reference),
        "today": today(), "choices": choices, "officer_steps": OFFICER_STEPS, "is_officer": is_officer,
        "values": values or {"taken_on": today().isoformat()}, "errors": errors or {}, "labels": LABELS,
        "notice": NOTICES.get(request.query_params.get("fait", "")), "Step": Step,
        "contestants": CONTESTANT_LABELS, "accesses": accesses,
    }, status_code=status_code)


async def contest_page(request: Request) -> Response:
    return await _detail(request)


async def add_step(request: Request) -> Response:
    values, _, _ = await _form(request)
    errors: dict[str, str] = {}
    try:
        sale_id, contest_id = path_id(request, "sale_id"), path_id(request, "contest_id")
    except NotFound:
        return error_page(request, 404)
    try:
        step = Step(values.get("step", ""))
    except ValueError:
        errors["step"] = "Choisissez l'étape."
    try:
        taken_on = form_date(values, "taken_on", "Date")
    except InvalidValue as exc:
        errors["taken_on"] = exc.message
    if not errors:
        try:
            await service.add_step(request.app.state.db.sessions, sale_id, contest_id, step, taken_on,
                                   values.get("note", ""), user_id=request.state.user.id,
                                   role=request.state.user.role_enum, now=utcnow())
        except NotFound:
            return error_page(request, 404)
        except DomainError as exc:
            errors[exc.field or "step"] = exc.message
    if errors:
        return await _detail(request, values=values, errors=errors, status_code=400)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/contestations/{contest_id}?fait=etape", status_code=303)


async def add_documents(request: Request) -> Response:
    settings = request.app.state.settings
    values, _, files = await _form(request)
    errors: dict[str, str] = {}
    try:
        sale_id, contest_id = path_id(request, "sale_id"), path_id(request, "contest_id")
    except NotFound:
        return error_page(request, 404)
    if not files:
        errors["documents"] = "Joignez au moins une pièce (PDF, ou photo JPEG ou PNG)."
    _check_files(files, errors)
    if errors:
        return await _detail(request, values=values, errors=errors, status_code=400)
    for name, content in files:       # each stored, then recorded (or removed again)
        document = service.NewDocument(_title(name), await store_document(content, settings.private_dir, "documents"))
        try:
            await service.add_document(request.app.state.db.sessions, settings.private_dir, sale_id, contest_id,
                                       document, user_id=request.state.user.id, now=utcnow())
        except NotFound:
            return error_page(request, 404)
        except DomainError as exc:
            return await _detail(request, values=values, errors={"documents": exc.message}, status_code=400)
    return RedirectResponse(f"/bureau/ventes/{sale_id}/contestations/{contest_id}?fait=piece", status_code=303)


async def view_document(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        document = await service.document_for_staff(
            request.app.state.db.sessions, path_id(request, "sale_id"), path_id(request, "contest_id"),
            path_id(request, "document_id"), user_id=request.state.user.id, now=utcnow())
        content = document_file(settings.private_dir, document.path).read_bytes()
    except (NotFound, FileNotFoundError):
        return error_page(request, 404, "Cette pièce n'est pas conservée.")
    extension = document.path.rsplit(".", 1)[-1]
    name = f"contestation-{document.contest_id}-piece-{document.id}.{extension}"
    return Response(content, media_type=document.content_type,
                    headers={**upload_headers(name), "referrer-policy": "no-referrer"})


# --- the office's delays ----------------------------------------------------------------------------

async def _delays_context(request: Request, values: dict, errors: dict) -> dict:
    delays = await contest_delays.office_delays(request.app.state.db.sessions)
    day = today()
    in_force = {(subject, step): delay_in_force(delays, subject, step, day) for subject in Subject for step in LATER_STEPS}
    return {"delays": sorted(delays, key=lambda d: (d.effective_from, d.subject, d.step.rank), reverse=True),
            "in_force": in_force, "subjects": list(Subject), "steps": LATER_STEPS, "origins": ORDER[:-1],
            "units": UNIT_LABELS, "due_labels": DUE_LABELS, "step_labels": STEP_LABELS, "today": day,
            "values": values, "errors": errors, "labels": LABELS, "Subject": Subject,
            "notice": NOTICES.get(request.query_params.get("fait", ""))}


async def delays_page(request: Request) -> Response:
    values = {"effective_from": today().isoformat(), "counted_from": Step.RECEIVED.value, "unit": Unit.DAYS.value}
    return render(request, "office/contest_delays.html", await _delays_context(request, values, {}))


def _delay(values: dict[str, str], errors: dict[str, str]) -> ContestDelay | None:
    parsed: dict = {}
    for field, kind, message in (("subject", Subject, "Choisissez la procédure."),
                                 ("step", Step, "Choisissez l'étape."),
                                 ("counted_from", Step, "Choisissez l'étape d'où court le délai."),
                                 ("unit", Unit, "Choisissez jours ou mois.")):
        try:
            parsed[field] = kind(values.get(field, ""))
        except ValueError:
            errors[field] = message
    try:
        parsed["amount"] = form_int(values, "amount", "Durée", minimum=1, maximum=366)
    except InvalidValue as exc:
        errors["amount"] = exc.message
    try:
        parsed["effective_from"] = form_date(values, "effective_from", "En vigueur à partir du")
    except InvalidValue as exc:
        errors["effective_from"] = exc.message
    if errors:
        return None
    return ContestDelay(reference=values.get("reference", ""), **parsed)


async def add_delay(request: Request) -> Response:
    values, _, _ = await _form(request)
    errors: dict[str, str] = {}
    delay = _delay(values, errors)
    if delay is not None:
        try:
            await contest_delays.add_delay(request.app.state.db.sessions, delay, author_id=request.state.user.id,
                                           now=utcnow())
        except InvalidValue as exc:
            errors[exc.field or "reference"] = exc.message
    if errors:
        return render(request, "office/contest_delays.html", await _delays_context(request, values, errors),
                      status_code=400)
    return RedirectResponse("/bureau/etude/delais-contestations?fait=delai", status_code=303)


CONTEST = "/bureau/ventes/{sale_id}/contestations/{contest_id}"
routes = [
    page("/bureau/etude/delais-contestations", delays_page, access=STAFF),
    page("/bureau/etude/delais-contestations", add_delay, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/contestations", sale_contests, access=STAFF),
    page("/bureau/ventes/{sale_id}/contestations", record_contest, access=STAFF, methods=("POST",)),
    page(CONTEST, contest_page, access=STAFF),
    page(CONTEST + "/etapes", add_step, access=STAFF, methods=("POST",)),
    page(CONTEST + "/pieces", add_documents, access=STAFF, methods=("POST",)),
    page(CONTEST + "/pieces/{document_id}", view_document, access=STAFF),
]
