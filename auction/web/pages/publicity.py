"""The staff's publicity page of a sale: the legal checks, announcing, the notice and its poster, the
posters, press insertions and debtors' notices recorded with their proofs, the officer's overrides,
the certificate of publicity."""
from __future__ import annotations

from datetime import datetime, time, timezone

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.domain import publication_acts as act_rules
from auction.domain.errors import InvalidValue
from auction.domain.publication import PublicityError
from auction.domain.publication_gate import ChecksFailed
from auction.domain.room import Actor
from auction.formats import PARIS
from auction.models import utcnow
from auction.services import publication, publication_acts, publicity_documents
from auction.services.catalogue import NotFound
from auction.services.publicity_view import publicity_view

from ..access import CSRF_FIELD, OFFICER, STAFF, page
from ..errors import error_page
from ..forms import iso_date, parse_int, path_id
from ..headers import upload_headers
from ..templates import render

NOTICES = {
    "annoncee": "Vente annoncée : l'avis est publié sur le site et dans le flux.",
    "resume": "Nature des biens enregistrée.",
    "affiche": "Affichage enregistré.",
    "presse": "Insertion dans la presse enregistrée.",
    "debiteur": "Information du débiteur enregistrée.",
    "derogation": "Dérogation enregistrée au journal ; elle figurera sur le certificat.",
}


def base_url(request: Request) -> str:
    return request.app.state.settings.public_url or str(request.base_url)


def actor_of(request: Request) -> Actor:
    return Actor(request.state.user.id, request.state.user.role_enum)


async def _form(request: Request) -> tuple[dict[str, str], bytes | None]:
    form = await request.form()
    values = {key: str(value).strip() for key, value in form.items() if key != CSRF_FIELD and isinstance(value, str)}
    upload = form.get("proof")
    content = await upload.read(act_rules.MAX_PROOF_BYTES + 1) if isinstance(upload, UploadFile) else None
    return values, content or None


def _moment(values: dict[str, str], day_field: str, time_field: str | None, errors: dict[str, str]) -> datetime | None:
    try:
        day = iso_date(values.get(day_field, ""))
    except ValueError:
        errors[day_field] = "Date obligatoire."
        return None
    hour = time(0, 0)
    if time_field is not None:
        try:
            hour = time.fromisoformat(values.get(time_field, ""))
        except ValueError:
            errors[time_field] = "Heure obligatoire."
            return None
    return datetime.combine(day, hour, tzinfo=PARIS).astimezone(timezone.utc)


async def show(request: Request, *, form: str | None = None, values: dict | None = None,
               errors: dict | None = None, failures=None, status_code: int = 200) -> Response:
    try:
        view = await publicity_view(request.app.state.db.sessions, path_id(request, "sale_id"), utcnow(),
                                    base_url(request))
    except NotFound:
        return error_page(request, 404)
    press_text = None
    if view.notice is not None:
        press_text, _ = await publicity_documents.press_text(request.app.state.db.sessions, view.sale.id,
                                                             base_url(request))
    return render(request, "staff/publicity.html", {
        "view": view, "sale": view.sale, "form": form, "values": values or {}, "errors": errors or {},
        "failures": failures, "press_text": press_text, "act_kinds": act_rules.ACT_KINDS,
        "means": act_rules.DEBTOR_NOTICE_MEANS, "ok": NOTICES.get(request.query_params.get("ok", "")),
    }, status_code=status_code)


async def publicity_page(request: Request) -> Response:
    return await show(request)


def _done(request: Request, notice: str) -> Response:
    return RedirectResponse(f"/bureau/ventes/{request.path_params['sale_id']}/publicite?ok={notice}", status_code=303)


async def _attempt(request: Request, form: str, values: dict, call, success: str) -> Response:
    """Run a service call; errors re-render the page with the form as typed and nothing changed."""
    try:
        await call()
    except NotFound:
        return error_page(request, 404)
    except ChecksFailed as exc:
        return await show(request, form=form, values=values, errors={"checks": exc.message}, failures=exc.results,
                          status_code=409)
    except (PublicityError, InvalidValue) as exc:
        return await show(request, form=form, values=values, errors={getattr(exc, "field", None) or form: exc.message},
                          status_code=400 if isinstance(exc, InvalidValue) else 409)
    return _done(request, success)


async def announce(request: Request) -> Response:
    values, _ = await _form(request)
    reason = values.get("override_reason") or None
    return await _attempt(request, "announce", values, lambda: publication.announce(
        request.app.state.db.sessions, path_id(request, "sale_id"), actor_of(request), utcnow(), base_url(request),
        reason),
        "annoncee")


async def save_summary(request: Request) -> Response:
    values, _ = await _form(request)
    return await _attempt(request, "summary", values, lambda: publication.set_goods_summary(
        request.app.state.db.sessions, path_id(request, "sale_id"), values.get("goods_summary", ""), actor_of(request),
        utcnow(), base_url(request), values.get("override_reason") or None), "resume")


async def override(request: Request) -> Response:
    values, _ = await _form(request)
    return await _attempt(request, "override", values, lambda: publication.override_checks(
        request.app.state.db.sessions, path_id(request, "sale_id"), values.get("reason", ""), actor_of(request),
        utcnow()),
        "derogation")


async def _with_proof(request: Request, form: str, values: dict, content: bytes | None, errors: dict,
                      record, success: str, *, required: bool = True) -> Response:
    """Store the proof (checked by content) then record; a refusal removes the stored file."""
    settings = request.app.state.settings
    proof = None
    if content is not None or required:
        try:
            act_rules.sniff_proof(content or b"")
        except InvalidValue as exc:
            errors["proof"] = exc.message
    if errors:
        if "proof" not in errors and content is not None:
            errors["proof"] = "Joignez de nouveau la preuve (le navigateur ne la garde pas)."
        return await show(request, form=form, values=values, errors=errors, status_code=400)
    try:
        if content is not None:
            proof = await publication_acts.store_proof(content, settings.private_dir)
    except InvalidValue as exc:
        return await show(request, form=form, values=values, errors={"proof": exc.message}, status_code=400)
    try:
        response = await _attempt(request, form, values, lambda: record(proof), success)
    except BaseException:
        publication_acts.remove_proof(settings.private_dir, proof.path if proof else None)
        raise
    if response.status_code != 303:
        publication_acts.remove_proof(settings.private_dir, proof.path if proof else None)
    return response


async def add_poster(request: Request) -> Response:
    values, content = await _form(request)
    errors: dict[str, str] = {}
    done_at = _moment(values, "done_on", "done_time", errors)
    return await _with_proof(request, "poster", values, content, errors, lambda proof: publication_acts.record_poster(
        request.app.state.db.sessions, path_id(request, "sale_id"), values.get("where", ""), done_at, proof,
        actor_of(request), utcnow(), values.get("note", "")), "affiche")


async def add_press(request: Request) -> Response:
    values, content = await _form(request)
    errors: dict[str, str] = {}
    published_at = _moment(values, "published_on", None, errors)
    return await _with_proof(request, "press", values, content, errors, lambda proof: publication_acts.record_press(
        request.app.state.db.sessions, path_id(request, "sale_id"), values.get("newspaper", ""), published_at, proof,
        actor_of(request), utcnow()), "presse")


async def add_debtor_notice(request: Request) -> Response:
    values, content = await _form(request)
    errors: dict[str, str] = {}
    try:
        told_on = iso_date(values.get("told_on", ""))
    except ValueError:
        errors["told_on"], told_on = "Date obligatoire.", None
    case_id = parse_int(values.get("case_id")) or 0
    return await _with_proof(request, "debtor", values, content, errors,
                             lambda proof: publication_acts.record_debtor_notice(
                                 request.app.state.db.sessions, path_id(request, "sale_id"), case_id, told_on,
                                 values.get("means", ""), values.get("reference", ""), proof, actor_of(request),
                                 utcnow(), values.get("means_detail", "")), "debiteur", required=False)


# --- documents ------------------------------------------------------------------------------------

def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})


async def poster(request: Request) -> Response:
    version = request.query_params.get("version", "")
    try:
        content, filename = await publicity_documents.poster_pdf(
            request.app.state.db.sessions, path_id(request, "sale_id"), base_url(request),
            version=parse_int(version, maximum=99_999),
            paper=request.query_params.get("format", "A4"))
    except NotFound:
        return error_page(request, 404)
    return _pdf(content, filename)


async def certificate(request: Request) -> Response:
    try:
        content, filename = await publicity_documents.certificate_pdf(
            request.app.state.db.sessions, path_id(request, "sale_id"), utcnow(), base_url(request))
    except NotFound:
        return error_page(request, 404)
    return _pdf(content, filename)


async def press(request: Request) -> Response:
    try:
        text, filename = await publicity_documents.press_text(request.app.state.db.sessions,
                                                              path_id(request, "sale_id"), base_url(request))
    except NotFound:
        return error_page(request, 404)
    return Response(text, media_type="text/plain; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


async def proof(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        record_id = path_id(request, "record_id")
        path, content_type = await publication_acts.proof_of(
            request.app.state.db.sessions, path_id(request, "sale_id"), request.path_params["kind"], record_id)
        file = publication_acts.proof_file(settings.private_dir, path)
        content = file.read_bytes()
    except (NotFound, FileNotFoundError):
        return error_page(request, 404, "Aucune preuve n'est conservée pour cet enregistrement.")
    return Response(content, media_type=content_type, headers=upload_headers(f"preuve-{record_id}{file.suffix}"))


routes = [
    page("/bureau/ventes/{sale_id}/publicite", publicity_page, access=STAFF),
    page("/bureau/ventes/{sale_id}/publicite/annoncer", announce, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/resume", save_summary, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/affiches", add_poster, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/presse", add_press, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/debiteurs", add_debtor_notice, access=STAFF, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/derogation", override, access=OFFICER, methods=("POST",)),
    page("/bureau/ventes/{sale_id}/publicite/affiche.pdf", poster, access=STAFF),
    page("/bureau/ventes/{sale_id}/publicite/certificat.pdf", certificate, access=STAFF),
    page("/bureau/ventes/{sale_id}/publicite/presse.txt", press, access=STAFF),
    page("/bureau/ventes/{sale_id}/publicite/preuves/{kind:str}/{record_id}", proof, access=STAFF),
]
