"""The verification act before the sale (CPCE R221-36).

Before the sale the officer checks the seized goods and draws up an act of it, listing only the items
missing or damaged; their lots are withdrawn or described again. The sale of a case opens only once its
act is signed, dated on or before the sale's day. Only the creditors who came forward (seizure or
opposition act) on or before that act's day share the proceeds (L221-5, R221-41; see `is_admitted`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .errors import InvalidValue
from .inventory import FINDINGS
from .room_errors import RoomError

LOT_ACTIONS = {"withdrawn": "lot retiré de la vente", "redescribed": "lot décrit à nouveau"}
DESCRIPTION_MAX = 5000
WITHDRAWAL_REASON = {"missing": "Bien manquant à la vérification avant la vente (CPCE R221-36)",
                     "damaged": "Bien détérioré constaté à la vérification avant la vente (CPCE R221-36)"}


class VerificationMissing(RoomError):
    """Opening the sale needs the verification act of every case it sells."""

    code = "verification_missing"


@dataclass(frozen=True)
class Finding:
    """A lot whose goods are missing or damaged, and what becomes of the lot."""

    lot_id: int
    finding: str                 # "missing" or "damaged"
    action: str                  # "withdrawn" or "redescribed"
    new_description: str = ""    # the lot's new description, when re-described


@dataclass(frozen=True)
class VerificationInput:
    act_date: date
    place: str
    present_persons: str
    findings: tuple[Finding, ...] = ()


def check_verification(verification: VerificationInput, *, sale_day: date, seizure_day: date | None,
                       today: date | None = None) -> None:
    """The act's own rules: drawn up before the sale (its day at the latest), after the seizure, and
    not dated ahead of `today` (an act records what was done)."""
    if verification.act_date > sale_day:
        raise InvalidValue("La vérification a lieu avant la vente (CPCE R221-36) : sa date ne peut pas "
                           "suivre le jour de la vente.", field="act_date")
    if today is not None and verification.act_date > today:
        raise InvalidValue("L'acte constate une vérification faite : sa date ne peut pas être à venir.",
                           field="act_date")
    if seizure_day is not None and verification.act_date < seizure_day:
        raise InvalidValue("La vérification ne peut pas précéder la saisie.", field="act_date")
    if not verification.place.strip():
        raise InvalidValue("Indiquez le lieu de la vérification.", field="place")
    if not verification.present_persons.strip():
        raise InvalidValue("Indiquez les personnes présentes à la vérification.", field="present_persons")
    seen: set[int] = set()
    for finding in verification.findings:
        if finding.lot_id in seen:
            raise InvalidValue("Un lot figure deux fois dans les constats.", field=f"finding_{finding.lot_id}")
        seen.add(finding.lot_id)
        if finding.finding not in FINDINGS:
            raise InvalidValue("Constat : manquant ou détérioré.", field=f"finding_{finding.lot_id}")
        if finding.action not in LOT_ACTIONS:
            raise InvalidValue("Un bien manquant ou détérioré : son lot est retiré ou décrit à nouveau.",
                               field=f"action_{finding.lot_id}")
        if finding.action == "redescribed":
            if not finding.new_description.strip():
                raise InvalidValue("Indiquez la nouvelle description du lot.", field=f"description_{finding.lot_id}")
            if len(finding.new_description) > DESCRIPTION_MAX:
                raise InvalidValue(f"Description : {DESCRIPTION_MAX} caractères au plus.",
                                   field=f"description_{finding.lot_id}")


def clean_verification_form(form: Mapping[str, str], lot_ids: list[int]
                            ) -> tuple[VerificationInput | None, dict[str, str]]:
    """The staff form: date, place, persons present; per lot `finding_<id>` ('' when the goods are as
    seized), `action_<id>` and `description_<id>`."""
    errors: dict[str, str] = {}
    try:
        act_date = date.fromisoformat((form.get("act_date") or "").strip())
    except ValueError:
        errors["act_date"] = "Date de la vérification invalide."
        act_date = None
    findings = []
    for lot_id in lot_ids:
        finding = (form.get(f"finding_{lot_id}") or "").strip()
        if not finding:
            continue
        if finding not in FINDINGS:
            errors[f"finding_{lot_id}"] = "Constat : manquant ou détérioré."
            continue
        action = (form.get(f"action_{lot_id}") or "").strip()
        if action not in LOT_ACTIONS:
            errors[f"action_{lot_id}"] = "Choisissez : retirer le lot ou le décrire à nouveau."
            continue
        description = (form.get(f"description_{lot_id}") or "").strip()
        findings.append(Finding(lot_id, finding, action, description if action == "redescribed" else ""))
    if errors:
        return None, errors
    return VerificationInput(act_date, " ".join((form.get("place") or "").split())[:300],
                             (form.get("present_persons") or "").strip()[:2000], tuple(findings)), {}


def missing_verifications(cases: Mapping[int, str], verified_on: Mapping[int, date], sale_day: date) -> list[str]:
    """The references of the cases (id -> reference) without a signed verification act dated on or
    before the sale's day."""
    return [reference for case_id, reference in sorted(cases.items(), key=lambda c: c[1])
            if case_id not in verified_on or verified_on[case_id] > sale_day]


def is_admitted(came_forward_on: date | None, verification_on: date | None) -> bool:
    """L221-5, R221-41: a creditor shares the proceeds when it came forward on or before the
    verification act's day (an act of the same day counts as before it). Without a recorded day it is
    not known to be admitted."""
    return came_forward_on is not None and verification_on is not None and came_forward_on <= verification_on
