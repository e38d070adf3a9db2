"""The bidders' personal data: the staff's look at an identity scan (logged before the file is served)
and the bidder's own export (their right of access): their registrations, the contests recorded as
theirs (by their paddle) with the documents received, and every logged access to any of it, the
staff's downloads of those documents included."""
from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.identity import DOCUMENT_TYPES
from auction.models import (BidRequest, Bidder, Contest, Lot, PersonalDataAccess, Registration, RegistrationCheck,
                            Sale)

from .catalogue import NotFound
from .registration import registration_in_sale


async def scan_for_staff(sessions: async_sessionmaker[AsyncSession], sale_id: int, registration_id: int,
                         user_id: int, now: datetime) -> tuple[str, str]:
    """The scan's path and type; the access is logged (committed) before the file is served."""
    async with sessions() as session, session.begin():
        registration = await registration_in_sale(session, sale_id, registration_id)
        if not registration.scan_path:
            raise NotFound()
        session.add(PersonalDataAccess(at=now, user_id=user_id, action="view_scan", bidder_id=registration.bidder_id,
                                       registration_id=registration.id,
                                       detail=f"Copie de la pièce, inscription {registration.id} à la vente {sale_id}"))
    return registration.scan_path, registration.scan_content_type or "application/octet-stream"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _file(private_dir: Path, relative: str) -> str | None:
    path = private_dir / relative
    return base64.b64encode(path.read_bytes()).decode() if path.exists() else None


def _contest(contest: Contest, sale: Sale, private_dir: Path) -> dict:
    """A contest recorded as the bidder's, with its steps and the documents received (their content)."""
    return {
        "sale": {"reference": sale.reference, "title": sale.title},
        "subject": contest.subject, "lots": [item.lot.label for item in contest.lots],
        "contestant_kind": contest.contestant_kind, "contestant_name": contest.contestant_name,
        "contestant_contact": contest.contestant_contact, "received_on": _iso(contest.received_on),
        "means": contest.means, "grounds": contest.grounds, "recorded_at": _iso(contest.recorded_at),
        "steps": [{"step": step.step, "taken_on": _iso(step.taken_on), "note": step.note} for step in contest.steps],
        "documents": [{"title": document.title, "content_type": document.content_type, "size": document.size,
                       "sha256": document.sha256, "received_at": _iso(document.added_at),
                       "base64": _file(private_dir, document.path)} for document in contest.documents],
    }


async def bidder_export(sessions: async_sessionmaker[AsyncSession], user_id: int, private_dir: Path,
                        now: datetime) -> dict:
    """Everything held about the bidder of this account (their right of access), as JSON data."""
    async with sessions() as session, session.begin():
        bidder = await session.scalar(select(Bidder).where(Bidder.user_id == user_id))
        if bidder is None:
            raise NotFound()
        registrations = []
        rows = await session.execute(select(Registration, Sale).join(Sale, Sale.id == Registration.sale_id)
                                     .where(Registration.bidder_id == bidder.id).order_by(Registration.id))
        for registration, sale in rows:
            checks = await session.scalars(select(RegistrationCheck).where(
                RegistrationCheck.registration_id == registration.id).order_by(RegistrationCheck.id))
            requests = await session.execute(select(BidRequest, Lot).join(Lot, Lot.id == BidRequest.lot_id)
                                             .where(BidRequest.registration_id == registration.id))
            scan = None
            if registration.scan_path:
                scan = {"content_type": registration.scan_content_type,
                        "uploaded_at": _iso(registration.scan_uploaded_at),
                        "base64": _file(private_dir, registration.scan_path)}
            registrations.append({
                "sale": {"reference": sale.reference, "title": sale.title, "starts_at": _iso(sale.starts_at)},
                "channel": registration.channel, "registered_via": registration.registered_via,
                "registered_at": _iso(registration.created_at),
                "conditions_accepted_at": _iso(registration.conditions_accepted_at),
                "paddle_number": registration.paddle_number, "verified_at": _iso(registration.verified_at),
                "identity_document": {
                    "type": DOCUMENT_TYPES.get(registration.document_type, registration.document_type),
                    "number": registration.document_number,
                    "expires_on": _iso(registration.document_expires_on),
                    "issuing_country": registration.document_country,
                    "names_read_by_the_office": f"{registration.document_first_names} {registration.document_last_name}".strip(),
                    "scan": scan, "scan_deleted_at": _iso(registration.scan_deleted_at)},
                "solvency": {"kind": registration.solvency_kind, "amount_cents": registration.solvency_amount_cents,
                             "method": registration.solvency_method, "reference": registration.solvency_reference},
                "checks": [{"kind": c.kind, "passed": c.passed, "detail": c.detail, "checked_at": _iso(c.checked_at)}
                           for c in checks],
                "bid_requests": [{"lot": lot.label, "kind": r.kind, "max_amount_cents": r.max_amount_cents,
                                  "phone": r.phone, "received_at": _iso(r.received_at)} for r, lot in requests],
            })
        contests = (await session.execute(select(Contest, Sale).join(Sale, Sale.id == Contest.sale_id)
                                          .where(Contest.bidder_id == bidder.id).order_by(Contest.id))).all()
        accesses = await session.scalars(select(PersonalDataAccess).where(or_(
            PersonalDataAccess.bidder_id == bidder.id,
            PersonalDataAccess.contest_id.in_([contest.id for contest, _ in contests])))
            .order_by(PersonalDataAccess.id))
        access_log = [{"at": _iso(a.at), "action": a.action, "detail": a.detail} for a in accesses]
        session.add(PersonalDataAccess(at=now, user_id=user_id, action="export", bidder_id=bidder.id,
                                       detail="Téléchargement de ses données par l'enchérisseur"))
        return {
            "generated_at": now.isoformat(),
            "bidder": {
                "first_name": bidder.first_name, "last_name": bidder.last_name,
                "birth_date": _iso(bidder.birth_date), "nationality": bidder.nationality, "email": bidder.email,
                "email_confirmed_at": _iso(bidder.email_confirmed_at), "phone": bidder.phone,
                "address": bidder.address, "postcode": bidder.postcode, "city": bidder.city,
                "country": bidder.country, "tax_residence": bidder.tax_residence, "buyer_type": bidder.buyer_type,
                "company_name": bidder.company_name, "company_number": bidder.company_number,
                "representative_capacity": bidder.representative_capacity,
                "blocked": bool(bidder.blocked_at), "blocked_reason": bidder.blocked_reason,
                "created_at": _iso(bidder.created_at)},
            "registrations": registrations,
            "contests": [_contest(contest, sale, private_dir) for contest, sale in contests],
            "access_log": access_log,
        }
