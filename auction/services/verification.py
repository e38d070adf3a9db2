"""The verification act before the sale (CPCE R221-36), recorded from the sale's page.

The officer records, per case of the sale, the act of the check of the seized goods: its day, place
and persons present, and only the goods missing or damaged, each with its lot withdrawn or described
again. The act is an inventory act of kind "verification", linked to the case's signed seizure act and
signed by the officer as it is recorded (digest and all, auction/domain/inventory.py). Opening the sale
requires the act of every case it sells (`require_verification_before_opening`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from auction.domain.errors import InvalidValue
from auction.domain.inventory import FINDINGS, check_can_sign
from auction.domain.lots import require_editable
from auction.domain.roles import Role
from auction.domain.verification import (LOT_ACTIONS, WITHDRAWAL_REASON, VerificationInput, VerificationMissing,
                                         check_verification, missing_verifications)
from auction.formats import to_paris
from auction.models import Case, InventoryAct, InventoryItem, Lot, LotItem, Sale, User

from . import audit
from .catalogue import NotFound
from .inventory import NotOfficer, content_of


@dataclass(frozen=True)
class CaseVerification:
    case: Case
    lots: list[Lot]                       # the case's lots in this sale, in catalogue order
    acts: list[InventoryAct]              # its signed verification acts, latest first
    signers: dict[int, str]               # user id -> name, for the acts' officers
    lot_labels: dict[int, str]            # lot id -> label, for the acts' lines

    @property
    def verified_on(self) -> date | None:
        return self.acts[0].act_date if self.acts else None


async def verified_days(session: AsyncSession, case_ids: set[int], sale_day: date) -> dict[int, date]:
    """Each case's latest signed verification act dated on or before `sale_day`."""
    rows = await session.execute(
        select(InventoryAct.case_id, InventoryAct.act_date)
        .where(InventoryAct.case_id.in_(case_ids), InventoryAct.kind == "verification",
               InventoryAct.signed_at.is_not(None), InventoryAct.act_date.is_not(None),
               InventoryAct.act_date <= sale_day))
    found: dict[int, date] = {}
    for case_id, day in rows:
        found[case_id] = max(day, found.get(case_id, day))
    return found


def sale_day(sale: Sale) -> date:
    return to_paris(sale.starts_at).date()


async def sale_verifications(sessions: async_sessionmaker[AsyncSession], sale_id: int
                             ) -> tuple[Sale, list[CaseVerification]]:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        lots = (await session.scalars(select(Lot).where(Lot.sale_id == sale_id).order_by(Lot.position))).all()
        case_ids = {lot.case_id for lot in lots}
        cases = (await session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.reference))).all()
        acts = (await session.scalars(
            select(InventoryAct).where(InventoryAct.case_id.in_(case_ids), InventoryAct.kind == "verification",
                                       InventoryAct.signed_at.is_not(None))
            .order_by(InventoryAct.act_date.desc(), InventoryAct.id.desc())
            .options(selectinload(InventoryAct.items)))).all()
        signer_ids = {act.signed_by_id for act in acts if act.signed_by_id}
        signers = dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(signer_ids)))).all()) \
            if signer_ids else {}
        lot_ids = {item.lot_id for act in acts for item in act.items if item.lot_id}
        labels = {lot.id: lot.label for lot in (await session.scalars(select(Lot).where(Lot.id.in_(lot_ids)))).all()} \
            if lot_ids else {}
    return sale, [CaseVerification(case, [lot for lot in lots if lot.case_id == case.id],
                                   [act for act in acts if act.case_id == case.id], signers, labels)
                  for case in cases]


async def record_verification(sessions: async_sessionmaker[AsyncSession], sale_id: int, case_id: int,
                              verification: VerificationInput, officer_id: int, role: Role, now: datetime) -> int:
    """Record and sign the verification act of one case of the sale, and withdraw or re-describe the
    lots of its findings, in one transaction; the act's id."""
    if role is not Role.OFFICER:
        raise NotOfficer("Seul le commissaire de justice dresse et signe l'acte de vérification (CPCE R221-36).",
                         field="sign")
    async with sessions() as session, session.begin():
        sale = await session.scalar(select(Sale).where(Sale.id == sale_id).with_for_update())
        if sale is None:
            raise NotFound()
        require_editable(sale.status)
        case = await session.get(Case, case_id)
        lots = {lot.id: lot for lot in await session.scalars(
            select(Lot).where(Lot.sale_id == sale_id, Lot.case_id == case_id))}
        if case is None or not lots:
            raise NotFound()
        seizure = await session.scalar(
            select(InventoryAct).where(InventoryAct.case_id == case_id, InventoryAct.kind == "seizure",
                                       InventoryAct.signed_at.is_not(None))
            .order_by(InventoryAct.act_date.desc(), InventoryAct.id.desc()).options(selectinload(InventoryAct.items)))
        if seizure is None:
            raise InvalidValue("Le dossier n'a pas de procès-verbal de saisie signé : la vérification s'y rattache.",
                               field="act_date")
        check_verification(verification, sale_day=sale_day(sale), seizure_day=seizure.act_date,
                           today=to_paris(now).date())
        for finding in verification.findings:
            lot = lots.get(finding.lot_id)
            if lot is None:
                raise InvalidValue("Ce lot n'est pas un lot de ce dossier dans cette vente.",
                                   field=f"finding_{finding.lot_id}")
            if lot.status == "withdrawn":
                raise InvalidValue(f"Le lot {lot.label} est déjà retiré de la vente.", field=f"finding_{finding.lot_id}")
        items_of = {}
        for lot_id, item in (await session.execute(
                select(LotItem.lot_id, InventoryItem).join(InventoryItem, InventoryItem.id == LotItem.item_id)
                .where(LotItem.lot_id.in_([f.lot_id for f in verification.findings])))).all():
            items_of.setdefault(lot_id, []).append(item)

        act = InventoryAct(case_id=case_id, kind="verification", parent_id=seizure.id,
                           act_date=verification.act_date, place=verification.place,
                           present_persons=verification.present_persons, created_by_id=officer_id)
        position = 0
        for finding in verification.findings:
            lot = lots[finding.lot_id]
            # The line says which lot and what became of it: the act's digest covers it.
            outcome = (f"lot {lot.label} : {LOT_ACTIONS[finding.action]}"
                       + (f" — {finding.new_description}" if finding.new_description else ""))
            for item in items_of.get(lot.id) or [None]:
                position += 1
                act.items.append(InventoryItem(
                    position=position, description=item.description if item else f"Lot {lot.label} — {lot.title}",
                    quantity=item.quantity if item else 1, condition=f"{FINDINGS[finding.finding]} ; {outcome}"[:300],
                    category=item.category if item else lot.category, refers_to_item_id=item.id if item else None,
                    finding=finding.finding, lot_id=lot.id, lot_action=finding.action))
            if finding.action == "withdrawn":
                lot.status, lot.withdrawal_reason = "withdrawn", WITHDRAWAL_REASON[finding.finding]
            else:
                lot.description = finding.new_description
        if any(item.refers_to_item_id is None for item in act.items):
            raise InvalidValue("Un lot sans bien de l'inventaire ne peut pas figurer dans la vérification.",
                               field="findings")
        session.add(act)
        await session.flush()
        act.digest = check_can_sign(content_of(act, case, seizure), already_signed=False)
        act.signed_at, act.signed_by_id = now, officer_id
        audit.record(session, at=now, user_id=officer_id, sale_id=sale_id, case_id=case_id,
                     action="verification_recorded",
                     summary=(f"Acte de vérification avant la vente (CPCE R221-36) du dossier {case.reference}, "
                              f"du {verification.act_date.strftime('%d/%m/%Y')} : "
                              + (", ".join(f"lot {lots[f.lot_id].label} {FINDINGS[f.finding]}, {LOT_ACTIONS[f.action]}"
                                           for f in verification.findings) or "aucun bien manquant ni détérioré")
                              + "."),
                     details={"act_id": act.id, "findings": [f.__dict__ for f in verification.findings]})
        return act.id


async def require_verification_before_opening(sessions: async_sessionmaker[AsyncSession], sale_id: int,
                                              user_id: int, now: datetime) -> None:
    """R221-36: the sale opens only once every case it sells has its signed verification act, dated on
    or before the sale's day; refused (and the refusal logged) with code verification_missing."""
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        cases = dict((await session.execute(
            select(Case.id, Case.reference).join(Lot, Lot.case_id == Case.id)
            .where(Lot.sale_id == sale_id, Lot.status != "withdrawn").distinct())).all())
        missing = missing_verifications(cases, await verified_days(session, set(cases), sale_day(sale)), sale_day(sale))
    if missing:
        message = ("La vente ne peut pas être ouverte : l'acte de vérification des biens avant la vente (CPCE R221-36) "
                   f"manque pour le{'s' if len(missing) > 1 else ''} dossier{'s' if len(missing) > 1 else ''} "
                   f"{', '.join(missing)}. Le commissaire de justice l'établit depuis la page Vérification de la vente.")
        await audit.record_alone(sessions, at=now, user_id=user_id, sale_id=sale_id, action="opening_refused",
                                 summary=message, details={"verification_missing": missing})
        raise VerificationMissing(message)


async def add_signed_verification(session: AsyncSession, case: Case, seizure: InventoryAct, officer_id: int,
                                  act_date: date, signed_at: datetime, *, place: str | None = None,
                                  present_persons: str | None = None) -> InventoryAct:
    """A signed verification act finding every seized good present and as seized (no line), in the
    caller's transaction: for seeding (the demo, a held sale) and fixtures."""
    act = InventoryAct(case_id=case.id, kind="verification", parent_id=seizure.id, act_date=act_date,
                       place=place or seizure.place,
                       present_persons=present_persons or "Me Claire Lefèvre, commissaire de justice",
                       created_by_id=officer_id)
    session.add(act)
    await session.flush()
    await session.refresh(act, ["items"])
    act.digest = check_can_sign(content_of(act, case, seizure), already_signed=False)
    act.signed_at, act.signed_by_id = signed_at, officer_id
    return act
