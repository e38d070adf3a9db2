"""The seizure inventory (procès-verbal de saisie / d'inventaire) as a legal record.

CPCE R221-16 lists what the act must contain on pain of nullity; `missing_mentions()` names what
is missing before the officer may sign. Once signed, the act's canonical content gets a SHA-256
digest and the act never changes: corrections and the pre-sale verification (R221-36) are new acts
linked to it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from .errors import DomainError

ACT_KINDS = {
    "seizure": "Procès-verbal de saisie-vente",
    "correction": "Procès-verbal rectificatif",
    "verification": "Procès-verbal de vérification avant la vente (CPCE R221-36)",
}
FINDINGS = {"missing": "manquant", "damaged": "détérioré"}

CUSTODY_NOTICE = (
    "LES BIENS SAISIS SONT INDISPONIBLES. ILS SONT PLACÉS SOUS LA GARDE DU DÉBITEUR, QUI NE PEUT NI LES "
    "ALIÉNER NI LES DÉPLACER, SAUF CAS PRÉVU PAR LA LOI, SOUS PEINE DES SANCTIONS PÉNALES PRÉVUES À "
    "L'ARTICLE 314-6 DU CODE PÉNAL."
)
AMICABLE_SALE_NOTICE = (
    "Le débiteur dispose d'un délai d'un mois à compter de la signification du présent acte pour procéder "
    "lui-même à la vente amiable des biens saisis, dans les conditions des articles R221-30 à R221-32 du "
    "code des procédures civiles d'exécution."
)


class ActSigned(DomainError):
    code = "act_signed"


class MentionsMissing(DomainError):
    code = "mentions_missing"


@dataclass(frozen=True)
class Item:
    position: int
    description: str
    quantity: int
    condition: str
    estimate_cents: int | None = None
    category: str = ""
    refers_to_position: int | None = None   # verification/correction: the item of the first act
    finding: str | None = None              # verification: "missing" or "damaged"


@dataclass(frozen=True)
class TitleReference:
    nature: str
    court: str
    date: date | None


@dataclass(frozen=True)
class ActContent:
    """Everything the signed act says; the digest is computed over this."""

    kind: str
    case_reference: str
    debtor_name: str
    title: TitleReference
    act_date: date | None
    place: str
    present_persons: str
    prior_seizures_statement: str
    custody_notice: str
    amicable_sale_notice: str
    enforcement_court: str
    parent_digest: str | None = None
    correction_note: str = ""
    items: tuple[Item, ...] = field(default_factory=tuple)

    def canonical(self) -> bytes:
        document = {
            "kind": self.kind, "case_reference": self.case_reference, "debtor_name": self.debtor_name,
            "title": {"nature": self.title.nature, "court": self.title.court,
                      "date": self.title.date.isoformat() if self.title.date else None},
            "act_date": self.act_date.isoformat() if self.act_date else None, "place": self.place,
            "present_persons": self.present_persons, "prior_seizures_statement": self.prior_seizures_statement,
            "custody_notice": self.custody_notice, "amicable_sale_notice": self.amicable_sale_notice,
            "enforcement_court": self.enforcement_court, "parent_digest": self.parent_digest,
            "correction_note": self.correction_note,
            "items": [{"position": i.position, "description": i.description, "quantity": i.quantity,
                       "condition": i.condition, "estimate_cents": i.estimate_cents, "category": i.category,
                       "refers_to_position": i.refers_to_position, "finding": i.finding}
                      for i in sorted(self.items, key=lambda i: i.position)],
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def missing_mentions(act: ActContent) -> list[str]:
    """The mandatory mentions (CPCE R221-16) the act lacks, in French; empty when it may be signed."""
    missing: list[str] = []
    if act.kind == "seizure":
        if not (act.title.nature.strip() and act.title.court.strip() and act.title.date):
            missing.append("la référence au titre exécutoire (nature, juridiction, date)")
    if not act.act_date:
        missing.append("la date de l'acte")
    if not act.place.strip():
        missing.append("le lieu des opérations")
    if act.kind == "seizure":
        if not act.items:
            missing.append("l'inventaire détaillé des biens (aucun bien)")
        for item in act.items:
            if not item.description.strip() or item.quantity < 1 or not item.condition.strip():
                missing.append(f"la désignation détaillée du bien n° {item.position} (description, quantité, état)")
        if not act.prior_seizures_statement.strip():
            missing.append("la déclaration du débiteur sur les saisies antérieures")
        if not act.custody_notice.strip():
            missing.append("la mention, en caractères très apparents, de l'indisponibilité des biens et de leur garde")
        if not act.amicable_sale_notice.strip():
            missing.append("la mention du délai d'un mois pour la vente amiable")
        if not act.enforcement_court.strip():
            missing.append("la désignation du juge de l'exécution compétent")
    else:
        if act.parent_digest is None:
            missing.append("le procès-verbal d'origine, signé, auquel cet acte se rattache")
        if act.kind == "verification":
            for item in act.items:
                if item.finding not in FINDINGS or item.refers_to_position is None:
                    missing.append(f"le constat (manquant ou détérioré) et le bien d'origine de la ligne {item.position}")
        if act.kind == "correction" and not act.correction_note.strip():
            missing.append("l'objet de la rectification")
    if not act.present_persons.strip():
        missing.append("les noms des personnes présentes aux opérations")
    return missing


def check_can_sign(act: ActContent, already_signed: bool) -> str:
    """The digest to record at signing, or a named error."""
    if already_signed:
        raise ActSigned("Cet acte est déjà signé.")
    missing = missing_mentions(act)
    if missing:
        raise MentionsMissing("Signature impossible, mentions obligatoires manquantes (CPCE R221-16) : "
                              + " ; ".join(missing) + ".")
    return act.digest()


def refuse_if_signed(signed_at: datetime | None) -> None:
    if signed_at is not None:
        raise ActSigned("Acte signé : il ne peut plus être modifié. Établissez un procès-verbal rectificatif.")
