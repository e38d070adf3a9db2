"""Identity: names folded for comparison, identity documents and their validity, age of majority.

The identity, age and names checks before a paddle live here; every refusal is a `CheckFailed`."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import CheckFailed

MAJORITY_AGE = 18
DOCUMENT_TYPES = {"id_card": "Carte nationale d'identité", "passport": "Passeport",
                  "residence_permit": "Titre de séjour"}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold_name(text: str) -> str:
    """`Lefèvre-Dupré` → `lefevre dupre`: lower case, no accents, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def name_key(first_name: str, last_name: str) -> str:
    """What a bidder is searched by: folded last name then first name."""
    return f"{fold_name(last_name)} {fold_name(first_name)}".strip()


def normalise_document_number(number: str) -> str:
    return re.sub(r"[\s.-]+", "", number or "").upper()


def mask_document_number(number: str) -> str:
    """`AB1234567` → `••••••4567`: lists never show a whole document number."""
    number = normalise_document_number(number)
    if not number:
        return ""
    return "••••••" + (number[-4:] if len(number) > 4 else "")


@dataclass(frozen=True)
class IdentityDocument:
    type: str
    number: str
    expires_on: date
    country: str


class DocumentMissing(CheckFailed):
    kind = "identity"


class DocumentNotSeen(CheckFailed):
    kind = "identity"


class DocumentExpired(CheckFailed):
    kind = "identity"


class BirthDateMissing(CheckFailed):
    kind = "age"


class Underage(CheckFailed):
    kind = "age"


class NamesNotRead(CheckFailed):
    kind = "names"


class NamesMismatch(CheckFailed):
    kind = "names"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_of_age(birth_date: date | None, sale_day: date) -> None:
    if birth_date is None:
        raise BirthDateMissing("Date de naissance inconnue : relevez-la sur la pièce d'identité.")
    if age_on(birth_date, sale_day) < MAJORITY_AGE:
        raise Underage(f"Mineur le jour de la vente ({age_on(birth_date, sale_day)} ans) : "
                       f"il faut avoir {MAJORITY_AGE} ans pour enchérir.")


# French identity cards issued to adults from 2 January 2004 to 31 December 2013 are valid 15 years,
# five more than the date printed on them (décret n° 2013-1188 du 18 décembre 2013).
CNI_EXTENSION_PRINTED_EXPIRY = (date(2014, 1, 2), date(2023, 12, 31))
CNI_EXTENSION_YEARS = 5


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # 29 February
        return day.replace(year=day.year + years, day=28)


def effective_expiry(document: IdentityDocument, birth_date: date | None) -> date:
    """The document's real end of validity (the printed date, or later for the extended French cards)."""
    first, last = CNI_EXTENSION_PRINTED_EXPIRY
    if (document.type == "id_card" and document.country == "FR" and first <= document.expires_on <= last
            and birth_date is not None):
        issued = _plus_years(document.expires_on, -10)
        if age_on(birth_date, issued) >= MAJORITY_AGE:
            return _plus_years(document.expires_on, CNI_EXTENSION_YEARS)
    return document.expires_on


def check_document_valid(document: IdentityDocument | None, sale_day: date, birth_date: date | None) -> None:
    if document is None or not document.number:
        raise DocumentMissing("Aucune pièce d'identité enregistrée pour cette inscription.")
    valid_until = effective_expiry(document, birth_date)
    if valid_until < sale_day:
        raise DocumentExpired(f"La pièce d'identité expire le {valid_until:%d/%m/%Y}, avant la vente du "
                              f"{sale_day:%d/%m/%Y} : demandez une pièce en cours de validité.")


def check_identity(document: IdentityDocument | None, seen: bool, sale_day: date, birth_date: date | None) -> None:
    check_document_valid(document, sale_day, birth_date)
    if not seen:
        raise DocumentNotSeen("La pièce d'identité n'a pas été examinée : cochez « pièce vue » "
                              "après l'avoir eue en main ou examiné sa copie.")


def _first_names(text: str) -> list[str]:
    """First names as units: split on commas when the document uses them, else on spaces; a compound
    name (`Jean-Pierre`, or `Jean Pierre` between commas) stays one unit, folded as `jean-pierre`."""
    parts = text.split(",") if "," in text else text.split()
    return [fold_name(part).replace(" ", "-") for part in parts if fold_name(part)]


def check_names_match(first_name: str, last_name: str, document_first_names: str, document_last_name: str) -> None:
    """The declared last name is the document's; the declared first name is one of its first names (or
    several of them, in their order)."""
    if not fold_name(document_last_name) or not fold_name(document_first_names):
        raise NamesNotRead("Recopiez le nom et les prénoms tels qu'ils figurent sur la pièce d'identité.")
    units = _first_names(document_first_names)
    declared = fold_name(first_name).replace(" ", "-")
    tokens = fold_name(first_name).split()
    first_ok = declared in units or any(units[i:i + len(tokens)] == tokens for i in range(len(units)))
    if fold_name(last_name) != fold_name(document_last_name) or not first_ok:
        raise NamesMismatch(f"Le nom déclaré ({first_name} {last_name.upper()}) ne correspond pas à celui de la "
                            f"pièce ({document_first_names} {document_last_name.upper()}).")
