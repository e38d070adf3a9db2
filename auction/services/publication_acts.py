"""Recording what was done for a sale's publicity: posters put up, press insertions, debtors told; each
with its proof (a photo or a scan checked by content, kept in the private directory), and the case
data the amicable-sale window needs (notification of the seizure act, offers and their letters)."""
from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import publication as rules, publication_acts as act_rules
from auction.domain.errors import InvalidValue
from auction.domain.publication import PublicityError
from auction.domain.room import Actor
from auction.formats import long_datetime, short_date
from auction.models import AmicableOffer, Case, Creditor, DebtorNotice, OfferLetter, PublicationAct

from . import audit
from .catalogue import NotFound
from .publication import current_notice, sale_cases, sale_for_update

PROOF_DIR = "publicity"
POSTER_KINDS = ("poster_town_hall", "poster_sale_place")


# --- proofs on disk ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredProof:
    path: str              # relative to the private directory
    content_type: str
    sha256: str


def _write_proof(content: bytes, private_dir: Path) -> StoredProof:
    content_type = act_rules.sniff_proof(content)
    if content_type != "application/pdf":
        try:
            with Image.open(io.BytesIO(content)) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise InvalidValue("Cette image est illisible ou tronquée : reprenez la photo.", field="proof") from None
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[content_type]
    relative = f"{PROOF_DIR}/{uuid.uuid4().hex}.{extension}"
    target = private_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.write_bytes(content)
    target.chmod(0o600)
    return StoredProof(relative, content_type, hashlib.sha256(content).hexdigest())


async def store_proof(content: bytes, private_dir: Path) -> StoredProof:
    """Check an uploaded proof by its content and keep it in the private directory."""
    return await asyncio.to_thread(_write_proof, content, private_dir)


def remove_proof(private_dir: Path, relative: str | None) -> None:
    if relative:
        (private_dir / relative).unlink(missing_ok=True)


def proof_file(private_dir: Path, relative: str) -> Path:
    path = (private_dir / relative).resolve()
    if private_dir.resolve() not in path.parents:
        raise NotFound()
    return path


async def proof_of(sessions: async_sessionmaker[AsyncSession], sale_id: int, kind: str, record_id: int
                   ) -> tuple[str, str]:
    """The stored proof of a publication act (`actes`) or of a debtor's notice (`debiteurs`)."""
    model = {"actes": PublicationAct, "debiteurs": DebtorNotice}.get(kind)
    if model is None:
        raise NotFound()
    async with sessions() as session:
        row = await session.get(model, record_id)
    if row is None or row.sale_id != sale_id or not row.proof_path:
        raise NotFound()
    return row.proof_path, row.proof_content_type or "application/octet-stream"


# --- publication acts -------------------------------------------------------------------------------

async def _announced(session: AsyncSession, sale_id: int):
    sale = await sale_for_update(session, sale_id)
    notice = await current_notice(session, sale.id)
    if notice is None:
        raise PublicityError("Annoncez d'abord la vente : l'affiche et les notifications reprennent l'avis publié.")
    if sale.status not in ("announced", "live"):
        raise PublicityError("La vente est terminée : sa publicité ne change plus.")
    return sale, notice


async def record_poster(sessions: async_sessionmaker[AsyncSession], sale_id: int, where: str, done_at: datetime,
                        proof: StoredProof, actor: Actor, now: datetime, note: str = "") -> PublicationAct:
    """A poster of the current notice put up at `where`: `lieu-de-vente`, or a debtor's commune key."""
    act_rules.check_act_moment(done_at, now)
    async with sessions() as session, session.begin():
        sale, notice = await _announced(session, sale_id)
        if where == "lieu-de-vente":
            kind, place, commune = "poster_sale_place", f"Lieu de la vente : {notice.place}", None
        else:
            communes: dict[str, rules.Commune] = {}
            for case in await sale_cases(session, sale.id):
                commune = rules.Commune(case.debtor_postcode, case.debtor_city)
                communes.setdefault(commune.key, commune)
            commune = communes.get(where)
            if commune is None:
                raise InvalidValue("Choisissez le lieu de l'affichage dans la liste.", field="where")
            kind, place = "poster_town_hall", f"Mairie de {commune.label}"
        act = PublicationAct(sale_id=sale.id, notice_id=notice.id, kind=kind, done_at=done_at, place=place,
                             commune_postcode=commune.postcode if commune else "",
                             commune_city=commune.city if commune else "", proof_path=proof.path,
                             proof_content_type=proof.content_type, proof_sha256=proof.sha256, note=note[:1000],
                             recorded_at=now, recorded_by_id=actor.user_id)
        session.add(act)
        audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, action="poster_recorded",
                     summary=f"Affiche (avis n° {notice.version}) apposée — {place} — le {long_datetime(done_at)} ; "
                             f"preuve SHA-256 {proof.sha256[:16]}…",
                     details={"notice": notice.version, "kind": kind, "proof_sha256": proof.sha256})
    return act


async def record_press(sessions: async_sessionmaker[AsyncSession], sale_id: int, newspaper: str, published_at: datetime,
                       proof: StoredProof, actor: Actor, now: datetime) -> PublicationAct:
    act_rules.check_act_moment(published_at, now, field_name="published_on")
    newspaper = " ".join(newspaper.split())
    if not newspaper or len(newspaper) > 200:
        raise InvalidValue("Journal : champ obligatoire (200 caractères au plus).", field="newspaper")
    async with sessions() as session, session.begin():
        sale, notice = await _announced(session, sale_id)
        act = PublicationAct(sale_id=sale.id, notice_id=notice.id, kind="press", done_at=published_at, place=newspaper,
                             proof_path=proof.path, proof_content_type=proof.content_type, proof_sha256=proof.sha256,
                             recorded_at=now, recorded_by_id=actor.user_id)
        session.add(act)
        audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, action="press_recorded",
                     summary=f"Insertion presse (avis n° {notice.version}) — {newspaper} du {short_date(published_at)} ; "
                             f"preuve SHA-256 {proof.sha256[:16]}…",
                     details={"notice": notice.version, "proof_sha256": proof.sha256})
    return act


async def record_debtor_notice(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int, told_on: date,
                               means: str, reference: str, proof: StoredProof | None, actor: Actor,
                               now: datetime, detail: str = "") -> DebtorNotice:
    """The debtor of `case_id` told the place, day and time of the current notice (R221-35), by simple
    letter or any appropriate means (`detail` describes it)."""
    cleaned = act_rules.clean_debtor_notice_means(means, detail, reference, proof is not None)
    means, detail, reference = cleaned.means, cleaned.detail, cleaned.reference
    act_rules.check_day_not_future(told_on, now, "told_on", "Date de l'information")
    async with sessions() as session, session.begin():
        sale, notice = await _announced(session, sale_id)
        case = next((c for c in await sale_cases(session, sale.id) if c.id == case_id), None)
        if case is None:
            raise InvalidValue("Ce dossier n'a pas de lot dans la vente.", field="case_id")
        row = DebtorNotice(sale_id=sale.id, case_id=case.id, notice_id=notice.id, told_on=told_on, means=means,
                           means_detail=detail, reference=reference, proof_path=proof.path if proof else None,
                           proof_content_type=proof.content_type if proof else None,
                           proof_sha256=proof.sha256 if proof else None, recorded_at=now, recorded_by_id=actor.user_id)
        session.add(row)
        audit.record(session, at=now, user_id=actor.user_id, sale_id=sale.id, case_id=case.id,
                     action="debtor_notice_recorded",
                     summary=f"Débiteur du dossier {case.reference} informé le {told_on:%d/%m/%Y} "
                             f"({act_rules.DEBTOR_NOTICE_MEANS[means].removesuffix(' (à décrire)').lower()}) de la vente du "
                             f"{long_datetime(notice.starts_at)} (avis n° {notice.version}).",
                     details={"notice": notice.version, "means": means, "reference": reference,
                              "proof": proof is not None})
    return row


# --- the case: notification of the seizure act, amicable-sale offers ---------------------------------

async def _case(session: AsyncSession, case_id: int) -> Case:
    case = await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise NotFound()
    return case


async def set_seizure_notified(sessions: async_sessionmaker[AsyncSession], case_id: int, notified_on: date,
                               actor: Actor, now: datetime) -> None:
    act_rules.check_day_not_future(notified_on, now, "seizure_notified_on", "Signification de l'acte de saisie")
    async with sessions() as session, session.begin():
        case = await _case(session, case_id)
        if notified_on < case.seizure_date:
            raise InvalidValue("La signification ne peut pas précéder la saisie.", field="seizure_notified_on")
        before = case.seizure_notified_on
        case.seizure_notified_on = notified_on
        audit.record(session, at=now, user_id=actor.user_id, case_id=case.id, action="seizure_notified",
                     summary=f"Dossier {case.reference} : acte de saisie signifié le {notified_on:%d/%m/%Y}"
                             + (f" (au lieu du {before:%d/%m/%Y})" if before and before != notified_on else "") + ".")


async def add_offer(sessions: async_sessionmaker[AsyncSession], case_id: int, reported_on: date, offeror: str,
                    amount_cents: int, description: str, actor: Actor, now: datetime) -> AmicableOffer:
    act_rules.check_day_not_future(reported_on, now, "reported_on", "Date de l'offre")
    offeror = " ".join(offeror.split())
    if not offeror or len(offeror) > 200:
        raise InvalidValue("Auteur de l'offre : champ obligatoire (200 caractères au plus).", field="offeror")
    async with sessions() as session, session.begin():
        case = await _case(session, case_id)
        offer = AmicableOffer(case_id=case.id, reported_on=reported_on, offeror=offeror, amount_cents=amount_cents,
                              description=description.strip()[:2000])
        session.add(offer)
        audit.record(session, at=now, user_id=actor.user_id, case_id=case.id, action="amicable_offer",
                     summary=f"Dossier {case.reference} : offre de vente amiable signalée le {reported_on:%d/%m/%Y}.")
    return offer


async def record_offer_letter(sessions: async_sessionmaker[AsyncSession], case_id: int, offer_id: int,
                              creditor_id: int, sent_on: date, received_on: date | None, actor: Actor,
                              now: datetime) -> None:
    """The registered letter telling a creditor of the offer, and its receipt (set or corrected later)."""
    act_rules.check_day_not_future(sent_on, now, "sent_on", "Date d'envoi")
    if received_on is not None:
        act_rules.check_day_not_future(received_on, now, "received_on", "Date de réception")
        if received_on < sent_on:
            raise InvalidValue("La réception ne peut pas précéder l'envoi.", field="received_on")
    async with sessions() as session, session.begin():
        case = await _case(session, case_id)
        offer = await session.get(AmicableOffer, offer_id)
        creditor = await session.get(Creditor, creditor_id)
        if offer is None or offer.case_id != case.id or creditor is None or creditor.case_id != case.id:
            raise NotFound()
        if sent_on < offer.reported_on:
            raise InvalidValue("La lettre ne peut pas précéder l'offre.", field="sent_on")
        letter = await session.scalar(select(OfferLetter).where(OfferLetter.offer_id == offer.id,
                                                               OfferLetter.creditor_id == creditor.id))
        if letter is None:
            letter = OfferLetter(offer_id=offer.id, creditor_id=creditor.id, sent_on=sent_on)
            session.add(letter)
        letter.sent_on, letter.received_on = sent_on, received_on
        audit.record(session, at=now, user_id=actor.user_id, case_id=case.id, action="offer_letter",
                     summary=f"Dossier {case.reference} : offre du {offer.reported_on:%d/%m/%Y} envoyée à {creditor.name} "
                             f"le {sent_on:%d/%m/%Y}" + (f", reçue le {received_on:%d/%m/%Y}." if received_on
                                                          else ", réception non encore connue."))
