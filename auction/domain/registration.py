"""Bidder registration: the form's rules (civil status, identity document, absentee orders and phone
bids) and what the clerk records when checking a registration.

Plain functions over plain data; a bad field raises or reports `InvalidValue` with a French message.
Identity rules are in identity.py, solvency in solvency.py, the checks before a paddle in
bidder_checks.py, paddle ranges in registration_rules.py.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from .countries import COUNTRIES
from .errors import CheckFailed, InvalidValue
from .identity import (DOCUMENT_TYPES, IdentityDocument, check_document_valid, check_of_age,
                       normalise_document_number)
from .lots import LotNumber, parse_lot_number
from .increments import DEFAULT_INCREMENTS, IncrementTable
from .money import format_euros, parse_euros
from .office import clean_email, required_text
from .solvency import DEPOSIT_METHODS, SOLVENCY_KINDS, SolvencyProof

CHANNELS = {"room": "En salle", "online": "En ligne"}
TAX_RESIDENCES = {"france": "En France", "abroad": "À l'étranger"}
BUYER_TYPES = {"person": "Particulier", "company": "Société (représentant légal)"}
REQUEST_KINDS = {"absentee": "Ordre d'achat", "phone": "Enchère par téléphone"}
REQUEST_ROWS = 5      # rows of absentee orders / phone bids the form shows (without script: all it offers)
REQUEST_MAX_ROWS = 20  # rows a form may send: the page's script adds rows past REQUEST_ROWS on demand
NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.-])*$")
PHONE = re.compile(r"^\+?\d{6,15}$")
DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
FOREIGN_POSTCODE = re.compile(r"^[A-Za-z0-9 -]{1,10}$")


# --- the registration form -----------------------------------------------------------------------


@dataclass(frozen=True)
class BidderDetails:
    first_name: str
    last_name: str
    birth_date: date
    nationality: str
    email: str
    phone: str
    address: str
    postcode: str
    city: str
    country: str
    tax_residence: str
    buyer_type: str
    company_name: str = ""
    company_number: str = ""
    representative_capacity: str = ""


@dataclass(frozen=True)
class BidRequestInput:
    lot: LotNumber
    kind: str
    max_amount_cents: int | None
    phone: str
    row: int


@dataclass(frozen=True)
class RegistrationInput:
    bidder: BidderDetails
    document: IdentityDocument
    channel: str
    requests: tuple[BidRequestInput, ...] = ()


def parse_date(text: str, field: str, label: str) -> date:
    """`2026-03-14` (a date input) or `14/03/2026`."""
    text = (text or "").strip()
    if not text:
        raise InvalidValue(f"{label} : champ obligatoire.", field=field)
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            day, month, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"{label} : date invalide (jj/mm/aaaa).", field=field) from None


def clean_name(value: str, field: str, label: str) -> str:
    value = required_text(value, field, label, 100)
    if not NAME.match(value):
        raise InvalidValue(f"{label} : lettres, espaces, tirets et apostrophes seulement.", field=field)
    return value


def clean_phone(value: str, field: str = "phone") -> str:
    compact = re.sub(r"[\s.()-]+", "", value or "")
    if not compact:
        raise InvalidValue("Téléphone : champ obligatoire.", field=field)
    if not PHONE.match(compact):
        raise InvalidValue("Téléphone invalide : de 6 à 15 chiffres, précédés au besoin de +.", field=field)
    return " ".join((value or "").split())[:30]


def clean_country(value: str, field: str, label: str) -> str:
    value = (value or "").strip().upper()
    if value not in COUNTRIES:
        raise InvalidValue(f"{label} : choisissez un pays de la liste.", field=field)
    return value


def clean_choice(value: str, choices: Mapping[str, str], field: str, label: str) -> str:
    if value not in choices:
        raise InvalidValue(f"{label} : choisissez une réponse.", field=field)
    return value


def clean_company_number(value: str) -> str:
    """A SIREN (9 digits) or SIRET (14 digits), checked by its Luhn key."""
    compact = re.sub(r"[\s.]+", "", value or "")
    try:
        if len(compact) == 9:
            return stdnum_siren.validate(compact)
        if len(compact) == 14:
            return stdnum_siret.validate(compact)
    except ValidationError:
        pass
    raise InvalidValue("SIREN (9 chiffres) ou SIRET (14 chiffres) invalide : vérifiez le numéro et sa clé.",
                       field="company_number")


def clean_postcode(value: str, country: str) -> str:
    value = " ".join((value or "").split())
    if country == "FR":
        if not re.fullmatch(r"\d{5}", value):
            raise InvalidValue("Code postal : cinq chiffres.", field="postcode")
    elif not FOREIGN_POSTCODE.match(value):
        raise InvalidValue("Code postal : dix lettres ou chiffres au plus.", field="postcode")
    return value


def clean_document_number(value: str) -> str:
    number = normalise_document_number(value)
    if not DOCUMENT_NUMBER.match(number):
        raise InvalidValue("Numéro de la pièce : de 5 à 20 lettres ou chiffres.", field="document_number")
    return number


def clean_registration(form: Mapping[str, str], sale_day: date, *, require_conditions: bool = True,
                       ) -> tuple[RegistrationInput | None, dict[str, str]]:
    """Every field of the registration form checked; the clean input, or the errors by field."""
    errors: dict[str, str] = {}
    values: dict = {}

    def check(name, fn):
        try:
            values[name] = fn(form.get(name, "") or "")
        except InvalidValue as exc:
            errors[exc.field or name] = exc.message

    check("first_name", lambda v: clean_name(v, "first_name", "Prénom"))
    check("last_name", lambda v: clean_name(v, "last_name", "Nom"))
    check("birth_date", lambda v: _birth_date(v, sale_day))
    check("nationality", lambda v: clean_country(v, "nationality", "Nationalité"))
    check("email", clean_email)
    check("phone", clean_phone)
    check("address", lambda v: required_text(v, "address", "Adresse"))
    check("country", lambda v: clean_country(v, "country", "Pays de résidence"))
    check("postcode", lambda v: clean_postcode(v, values.get("country", "FR")))
    check("city", lambda v: required_text(v, "city", "Commune", 100))
    check("tax_residence", lambda v: clean_choice(v, TAX_RESIDENCES, "tax_residence", "Résidence fiscale"))
    check("buyer_type", lambda v: clean_choice(v, BUYER_TYPES, "buyer_type", "Vous achetez"))
    if values.get("buyer_type") == "company":
        check("company_name", lambda v: required_text(v, "company_name", "Raison sociale"))
        check("company_number", clean_company_number)
        check("representative_capacity",
              lambda v: required_text(v, "representative_capacity", "Qualité du représentant légal", 100))
    check("document_type", lambda v: clean_choice(v, DOCUMENT_TYPES, "document_type", "Type de pièce"))
    check("document_number", clean_document_number)
    check("document_expires_on", lambda v: parse_date(v, "document_expires_on", "Date d'expiration de la pièce"))
    check("document_country", lambda v: clean_country(v, "document_country", "Pays de délivrance"))
    check("channel", lambda v: clean_choice(v, CHANNELS, "channel", "Vous enchérirez"))
    if require_conditions and form.get("conditions") not in ("1", "on", "oui"):
        errors["conditions"] = "Acceptez les conditions de vente pour vous inscrire."

    if "document_expires_on" in values and "document_type" in values and "document_country" in values:
        document = IdentityDocument(values["document_type"], values.get("document_number", ""),
                                    values["document_expires_on"], values["document_country"])
        try:
            check_document_valid(document, sale_day, values.get("birth_date"))
        except CheckFailed as exc:
            errors["document_expires_on"] = exc.message

    requests, request_errors = clean_bid_requests(form, values.get("phone", ""))
    errors.update(request_errors)
    if errors:
        return None, errors
    bidder = BidderDetails(**{name: values.get(name, "") for name in (
        "first_name", "last_name", "birth_date", "nationality", "email", "phone", "address", "postcode", "city",
        "country", "tax_residence", "buyer_type", "company_name", "company_number", "representative_capacity")})
    document = IdentityDocument(values["document_type"], values["document_number"], values["document_expires_on"],
                                values["document_country"])
    return RegistrationInput(bidder, document, values["channel"], requests), {}


def _birth_date(value: str, sale_day: date) -> date:
    born = parse_date(value, "birth_date", "Date de naissance")
    if born.year < 1900 or born > sale_day:
        raise InvalidValue("Date de naissance invalide.", field="birth_date")
    try:
        check_of_age(born, sale_day)
    except CheckFailed as exc:
        raise InvalidValue(exc.message, field="birth_date") from None
    return born


def clean_bid_requests(form: Mapping[str, str], default_phone: str,
                       ) -> tuple[tuple[BidRequestInput, ...], dict[str, str]]:
    """The absentee orders and phone-bid requests of the form's rows (empty rows are skipped)."""
    requests: list[BidRequestInput] = []
    errors: dict[str, str] = {}
    seen: dict[LotNumber, int] = {}
    for row in range(1, REQUEST_MAX_ROWS + 1):
        lot_text = (form.get(f"request_lot_{row}") or "").strip()
        kind = form.get(f"request_kind_{row}") or "absentee"
        amount_text = (form.get(f"request_max_{row}") or "").strip()
        phone_text = (form.get(f"request_phone_{row}") or "").strip()
        if not lot_text:
            if amount_text or phone_text:
                errors[f"request_lot_{row}"] = "Indiquez le numéro du lot."
            continue
        try:
            lot = parse_lot_number(lot_text)
        except InvalidValue as exc:
            errors[f"request_lot_{row}"] = exc.message
            continue
        if lot in seen:
            errors[f"request_lot_{row}"] = f"Le lot {lot.label} figure déjà à la ligne {seen[lot]}."
            continue
        seen[lot] = row
        if kind not in REQUEST_KINDS:
            errors[f"request_kind_{row}"] = "Choisissez ordre d'achat ou téléphone."
            continue
        amount = None
        if kind == "absentee" or amount_text:
            if not amount_text:
                errors[f"request_max_{row}"] = "Un ordre d'achat indique son montant maximum."
                continue
            try:
                amount = parse_euros(amount_text, field=f"request_max_{row}")
            except InvalidValue as exc:
                errors[f"request_max_{row}"] = exc.message
                continue
            if amount <= 0:
                errors[f"request_max_{row}"] = "Le montant maximum est un prix : supérieur à 0 € (C. civ. 1591)."
                continue
        phone = ""
        if kind == "phone":
            try:
                phone = clean_phone(phone_text or default_phone, field=f"request_phone_{row}")
            except InvalidValue as exc:
                errors[f"request_phone_{row}"] = exc.message
                continue
        requests.append(BidRequestInput(lot, kind, amount, phone, row))
    return tuple(requests), errors


@dataclass(frozen=True)
class LotFacts:
    label: str
    opening_bid_cents: int
    withdrawn: bool
    increments: IncrementTable = DEFAULT_INCREMENTS    # the sale's table: its first step opens a lot without an opening bid


def check_bid_request(request: BidRequestInput, lot: LotFacts | None) -> None:
    """An absentee order or phone bid against the lot it names (in this sale, not withdrawn)."""
    field_name = f"request_lot_{request.row}"
    if lot is None:
        raise InvalidValue(f"Le lot {request.lot.label} n'existe pas dans cette vente.", field=field_name)
    if lot.withdrawn:
        raise InvalidValue(f"Le lot {lot.label} est retiré de la vente.", field=field_name)
    if request.kind != "absentee":
        return
    first = lot.increments.first_bid(lot.opening_bid_cents)
    if (request.max_amount_cents or 0) < first:
        # C. civ. 1591: an order bids a price; a lot without an opening bid starts at the first step.
        what = "la mise à prix" if lot.opening_bid_cents > 0 else "la première enchère"
        raise InvalidValue(f"Le montant maximum doit atteindre au moins {what} du lot {lot.label} "
                           f"({format_euros(first, with_cents=False)}).",
                           field=f"request_max_{request.row}")


# --- what the clerk records when checking a registration -------------------------------------------


@dataclass(frozen=True)
class Attestation:
    """The clerk's reading of the identity document, and the solvency received."""

    document: IdentityDocument
    document_seen: bool
    document_first_names: str
    document_last_name: str
    solvency: SolvencyProof | None


def clean_attestation(form: Mapping[str, str]) -> tuple[Attestation | None, dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict = {}

    def check(name, fn):
        try:
            values[name] = fn(form.get(name, "") or "")
        except InvalidValue as exc:
            errors[exc.field or name] = exc.message

    check("document_type", lambda v: clean_choice(v, DOCUMENT_TYPES, "document_type", "Type de pièce"))
    check("document_number", clean_document_number)
    check("document_expires_on", lambda v: parse_date(v, "document_expires_on", "Date d'expiration de la pièce"))
    check("document_country", lambda v: clean_country(v, "document_country", "Pays de délivrance"))
    for name, label, limit in (("document_first_names", "Prénoms sur la pièce", 200),
                               ("document_last_name", "Nom sur la pièce", 100)):
        value = " ".join((form.get(name) or "").split())
        if len(value) > limit:
            errors[name] = f"{label} : {limit} caractères au plus."
        values[name] = value
    solvency = None
    kind = form.get("solvency_kind") or ""
    if kind:
        if kind not in SOLVENCY_KINDS:
            errors["solvency_kind"] = "Choisissez le type de garantie."
        else:
            amount = None
            if (form.get("solvency_amount") or "").strip():
                try:
                    amount = parse_euros(form["solvency_amount"], field="solvency_amount")
                except InvalidValue as exc:
                    errors["solvency_amount"] = exc.message
                else:
                    if amount <= 0:
                        errors["solvency_amount"] = "Le montant de la garantie doit être supérieur à 0 €."
            method = form.get("solvency_method") or None
            if method is not None and method not in DEPOSIT_METHODS:
                errors["solvency_method"] = "Choisissez le mode de versement."
            reference = " ".join((form.get("solvency_reference") or "").split())
            if len(reference) > 200:
                errors["solvency_reference"] = "Référence : 200 caractères au plus."
            solvency = SolvencyProof(kind, amount, method if kind == "deposit" else None, reference[:200])
    if errors:
        return None, errors
    document = IdentityDocument(values["document_type"], values["document_number"], values["document_expires_on"],
                                values["document_country"])
    return Attestation(document, form.get("document_seen") in ("1", "on", "oui"), values["document_first_names"],
                       values["document_last_name"], solvency), {}
