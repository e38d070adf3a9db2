"""Validation of the office's identity: SIRET (Luhn checksum) and client-account IBAN (ISO 13616)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

from .errors import InvalidValue

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class OfficeDetails:
    name: str
    address: str
    postcode: str
    city: str
    phone: str
    email: str
    siret: str
    client_account_iban: str


def clean_siret(value: str) -> str:
    try:
        return stdnum_siret.validate(value)
    except ValidationError:
        raise InvalidValue("Numéro SIRET invalide : 14 chiffres dont la clé de contrôle.", field="siret") from None


def clean_iban(value: str) -> str:
    try:
        return stdnum_iban.validate(value)
    except ValidationError:
        raise InvalidValue("IBAN invalide : vérifiez le pays, la clé et le nombre de caractères.",
                           field="client_account_iban") from None


def format_iban(value: str) -> str:
    return stdnum_iban.format(value)


def clean_email(value: str, field: str = "email", *, required: bool = True) -> str:
    value = (value or "").strip().lower()
    if not value and not required:
        return ""
    if not EMAIL.match(value) or len(value) > 254:
        raise InvalidValue("Adresse électronique invalide.", field=field)
    return value


def required_text(value: str, field: str, label: str, max_length: int = 200) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidValue(f"{label} : champ obligatoire.", field=field)
    if len(value) > max_length:
        raise InvalidValue(f"{label} : {max_length} caractères au plus.", field=field)
    return value


def clean_office(form: dict[str, str]) -> tuple[OfficeDetails | None, dict[str, str]]:
    """Validate every field; return the clean details and the errors by field (French)."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}

    def check(field, fn):
        try:
            values[field] = fn(form.get(field, ""))
        except InvalidValue as exc:
            errors[exc.field or field] = exc.message

    check("name", lambda v: required_text(v, "name", "Nom de l'étude"))
    check("address", lambda v: required_text(v, "address", "Adresse"))
    check("postcode", _clean_postcode)
    check("city", lambda v: required_text(v, "city", "Commune", 100))
    check("phone", lambda v: " ".join(v.split())[:30])
    check("email", lambda v: clean_email(v, required=False))
    check("siret", clean_siret)
    check("client_account_iban", clean_iban)
    if errors:
        return None, errors
    return OfficeDetails(**values), {}


def _clean_postcode(value: str) -> str:
    value = (value or "").strip()
    if not POSTCODE.match(value):
        raise InvalidValue("Code postal : cinq chiffres.", field="postcode")
    return value
