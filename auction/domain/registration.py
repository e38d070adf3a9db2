"""Bidder registration: the form's rules, the checks before a paddle is given, paddle numbers.

Plain functions over plain data. Every refusal is a named error carrying a French message; the
checks (`run_checks`) turn them into results the clerk sees and the database records.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from .countries import COUNTRIES
from .errors import DomainError, InvalidValue
from .lots import LotNumber, parse_lot_number
from .money import format_euros, parse_euros
from .office import clean_email, required_text

MAJORITY_AGE = 18
CHANNELS = {"room": "En salle", "online": "En ligne"}
TAX_RESIDENCES = {"france": "En France", "abroad": "À l'étranger"}
BUYER_TYPES = {"person": "Particulier", "company": "Société (représentant légal)"}
DOCUMENT_TYPES = {"id_card": "Carte nationale d'identité", "passport": "Passeport",
                  "residence_permit": "Titre de séjour"}
REQUEST_KINDS = {"absentee": "Ordre d'achat", "phone": "Enchère par téléphone"}
REQUEST_ROWS = 5      # rows of absentee orders / phone bids offered by the form
SOLVENCY_KINDS = {"deposit": "Dépôt de garantie", "bank_letter": "Lettre de banque",
                  "card_preauth": "Pré-autorisation bancaire"}
SOLVENCY_RULES = {"none": "Aucune garantie exigée",
                  "any": "Dépôt de garantie, lettre de banque ou pré-autorisation bancaire",
                  "deposit": "Dépôt de garantie", "bank_letter": "Lettre de banque",
                  "card_preauth": "Pré-autorisation bancaire"}
DEPOSIT_METHODS = {"transfer": "Virement", "cheque": "Chèque de banque", "card": "Carte bancaire",
                   "cash": "Espèces"}
MAX_PADDLE = 999_999   # the clerk's tablet takes up to six digits

NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.-])*$")
PHONE = re.compile(r"^\+?\d{6,15}$")
DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
FOREIGN_POSTCODE = re.compile(r"^[A-Za-z0-9 -]{1,10}$")


# --- cash ceilings (Code monétaire et financier, art. D112-3) -----------------------------------

@dataclass(frozen=True)
class CashCeiling:
    """The most a buyer may pay in cash, from `effective_from` (configurable: set by decree)."""

    effective_from: date
    resident_or_business_cents: int     # tax home in France, or buying for a business
    non_resident_private_cents: int     # private person whose tax home is abroad
    reference: str


CASH_CEILINGS = (
    CashCeiling(date(2015, 9, 1), 1_000_00, 15_000_00, "CMF art. D112-3 (décret n° 2015-741 du 24 juin 2015)"),
)


def cash_ceiling(tax_residence: str, buyer_type: str, on: date) -> CashCeiling:
    rows = [c for c in CASH_CEILINGS if c.effective_from <= on]
    if not rows:
        raise ValueError(f"no cash ceiling in force on {on}")
    return max(rows, key=lambda c: c.effective_from)


def cash_ceiling_cents(tax_residence: str, buyer_type: str, on: date) -> int:
    ceiling = cash_ceiling(tax_residence, buyer_type, on)
    if tax_residence == "abroad" and buyer_type == "person":
        return ceiling.non_resident_private_cents
    return ceiling.resident_or_business_cents


# --- names -------------------------------------------------------------------------------------

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
class IdentityDocument:
    type: str
    number: str
    expires_on: date
    country: str


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
    for row in range(1, REQUEST_ROWS + 1):
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
                errors[f"request_max_{row}"] = "Le montant maximum doit être positif."
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


def check_bid_request(request: BidRequestInput, lot: LotFacts | None) -> None:
    """An absentee order or phone bid against the lot it names (in this sale, not withdrawn)."""
    field_name = f"request_lot_{request.row}"
    if lot is None:
        raise InvalidValue(f"Le lot {request.lot.label} n'existe pas dans cette vente.", field=field_name)
    if lot.withdrawn:
        raise InvalidValue(f"Le lot {lot.label} est retiré de la vente.", field=field_name)
    if request.kind == "absentee" and (request.max_amount_cents or 0) < lot.opening_bid_cents:
        raise InvalidValue(f"Le montant maximum doit atteindre au moins la mise à prix du lot {lot.label} "
                           f"({format_euros(lot.opening_bid_cents, with_cents=False)}).",
                           field=f"request_max_{request.row}")


# --- the checks before a paddle ------------------------------------------------------------------

CHECK_KINDS = {
    "identity": "Pièce d'identité vue et valide le jour de la vente",
    "age": "Majeur le jour de la vente",
    "names": "Noms conformes à la pièce d'identité",
    "solvency": "Garantie de solvabilité",
    "not_barred": "Ni exclu (C. civ. 1596) ni bloqué après un défaut de paiement",
    "duplicates": "Pas de doublon dans la vente",
}


class CheckFailed(DomainError):
    """A check refused; `kind` says which."""

    code = "check_failed"
    kind = ""


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


class SolvencyMissing(CheckFailed):
    kind = "solvency"


class SolvencyWrongKind(CheckFailed):
    kind = "solvency"


class SolvencyIncomplete(CheckFailed):
    kind = "solvency"


class DepositTooLow(CheckFailed):
    kind = "solvency"


class CashAboveCeiling(CheckFailed):
    kind = "solvency"


class PersonBarred(CheckFailed):
    kind = "not_barred"


class BlockedBidder(CheckFailed):
    kind = "not_barred"


class DuplicateDocument(CheckFailed):
    kind = "duplicates"


class DuplicatePerson(CheckFailed):
    kind = "duplicates"


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


@dataclass(frozen=True)
class SolvencyRule:
    """What the office requires of bidders in one sale."""

    kind: str = "none"                 # a key of SOLVENCY_RULES
    deposit_minimum_cents: int = 0

    @property
    def label(self) -> str:
        text = SOLVENCY_RULES[self.kind]
        if self.kind != "none" and self.deposit_minimum_cents:
            text += f", d'au moins {format_euros(self.deposit_minimum_cents, with_cents=False)}"
        return text


@dataclass(frozen=True)
class SolvencyProof:
    kind: str                          # a key of SOLVENCY_KINDS
    amount_cents: int | None = None
    method: str | None = None          # deposits: a key of DEPOSIT_METHODS
    reference: str = ""


def check_solvency_rule(rule: SolvencyRule) -> None:
    if rule.kind not in SOLVENCY_RULES:
        raise InvalidValue("Choisissez la garantie exigée.", field="solvency_rule")
    if rule.deposit_minimum_cents < 0:
        raise InvalidValue("Le montant minimum ne peut pas être négatif.", field="deposit_minimum")


def check_solvency(rule: SolvencyRule, proof: SolvencyProof | None, cash_ceiling: int) -> None:
    if rule.kind == "none":
        return
    if proof is None or proof.kind not in SOLVENCY_KINDS:
        raise SolvencyMissing(f"Garantie exigée pour cette vente : {rule.label}.")
    if rule.kind != "any" and proof.kind != rule.kind:
        raise SolvencyWrongKind(f"Cette vente exige : {rule.label} (reçu : {SOLVENCY_KINDS[proof.kind].lower()}).")
    if not proof.reference.strip():
        what = {"deposit": "la référence du dépôt (n° de reçu, de virement ou de chèque)",
                "bank_letter": "la banque et la date de la lettre",
                "card_preauth": "la référence de la pré-autorisation"}[proof.kind]
        raise SolvencyIncomplete(f"Indiquez {what}.")
    if proof.kind == "deposit":
        if proof.method not in DEPOSIT_METHODS:
            raise SolvencyIncomplete("Indiquez le mode de versement du dépôt.")
        if not proof.amount_cents:
            raise SolvencyIncomplete("Indiquez le montant du dépôt.")
    elif proof.kind == "card_preauth" and not proof.amount_cents and rule.deposit_minimum_cents:
        raise SolvencyIncomplete("Indiquez le montant de la pré-autorisation.")
    if rule.deposit_minimum_cents and proof.amount_cents is not None and proof.amount_cents < rule.deposit_minimum_cents:
        raise DepositTooLow(f"Garantie de {format_euros(proof.amount_cents)} : la vente exige au moins "
                            f"{format_euros(rule.deposit_minimum_cents, with_cents=False)}.")
    if proof.kind == "deposit" and proof.method == "cash" and proof.amount_cents > cash_ceiling:
        raise CashAboveCeiling(f"Dépôt en espèces de {format_euros(proof.amount_cents)} : au-delà du plafond de "
                               f"{format_euros(cash_ceiling, with_cents=False)} pour cet enchérisseur "
                               "(CMF D112-3). Demandez un autre moyen de paiement.")


@dataclass(frozen=True)
class BarredEntry:
    """Someone who may not buy in this sale (C. civ. 1596), or a bidder blocked after a default."""

    name: str
    reason: str
    birth_date: date | None = None
    email: str = ""
    document_number: str = ""


def _tokens(text: str) -> set[str]:
    return set(fold_name(text).split())


def _matches(entry: BarredEntry, first_name: str, last_name: str, birth_date: date | None, email: str,
             document_number: str) -> bool:
    if entry.email and email and entry.email.strip().lower() == email.strip().lower():
        return True
    if entry.document_number and document_number and \
            normalise_document_number(entry.document_number) == normalise_document_number(document_number):
        return True
    person = _tokens(first_name) | _tokens(last_name)
    if not _tokens(last_name) or not person <= _tokens(entry.name):
        return False
    return entry.birth_date is None or birth_date is None or entry.birth_date == birth_date


def check_not_barred(first_name: str, last_name: str, birth_date: date | None, email: str, document_number: str,
                     barred: Iterable[BarredEntry], blocked_reason: str = "") -> None:
    if blocked_reason:
        raise BlockedBidder(f"Enchérisseur bloqué : {blocked_reason}")
    for entry in barred:
        if _matches(entry, first_name, last_name, birth_date, email, document_number):
            raise PersonBarred(f"Ne peut pas enchérir dans cette vente : {entry.name} — {entry.reason}.")


@dataclass(frozen=True)
class OtherRegistration:
    registration_id: int
    paddle: int | None
    first_name: str
    last_name: str
    birth_date: date | None
    document_number: str

    @property
    def label(self) -> str:
        return f"panneau {self.paddle}" if self.paddle else f"inscription n° {self.registration_id} en attente"


def check_no_duplicate(registration_id: int, first_name: str, last_name: str, birth_date: date | None,
                       document_number: str, others: Iterable[OtherRegistration]) -> None:
    number = normalise_document_number(document_number)
    for other in others:
        if other.registration_id == registration_id:
            continue
        if number and normalise_document_number(other.document_number) == number:
            raise DuplicateDocument(f"La même pièce d'identité est déjà inscrite à cette vente ({other.label}).")
        same_name = (fold_name(other.first_name) == fold_name(first_name)
                     and fold_name(other.last_name) == fold_name(last_name))
        if same_name and (other.birth_date is None or birth_date is None or other.birth_date == birth_date):
            raise DuplicatePerson(f"{first_name} {last_name.upper()} est déjà inscrit à cette vente ({other.label}).")


@dataclass(frozen=True)
class CheckFacts:
    """Everything the checks of one registration look at."""

    registration_id: int
    sale_day: date
    first_name: str
    last_name: str
    birth_date: date | None
    email: str
    tax_residence: str
    buyer_type: str
    document: IdentityDocument | None
    document_seen: bool
    document_first_names: str
    document_last_name: str
    solvency_rule: SolvencyRule
    solvency: SolvencyProof | None
    barred: tuple[BarredEntry, ...] = ()
    blocked_reason: str = ""
    others: tuple[OtherRegistration, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CheckResult:
    kind: str
    passed: bool
    detail: str

    @property
    def label(self) -> str:
        return CHECK_KINDS[self.kind]


def run_checks(facts: CheckFacts) -> list[CheckResult]:
    """Every check, in order; each passes or says why not."""
    number = facts.document.number if facts.document else ""
    ceiling = cash_ceiling_cents(facts.tax_residence, facts.buyer_type, facts.sale_day)
    checks = {
        "identity": (lambda: check_identity(facts.document, facts.document_seen, facts.sale_day, facts.birth_date),
                     lambda: f"{DOCUMENT_TYPES.get(facts.document.type, 'Pièce')} n° {mask_document_number(number)}, "
                             f"valable le jour de la vente."),
        "age": (lambda: check_of_age(facts.birth_date, facts.sale_day),
                lambda: f"{age_on(facts.birth_date, facts.sale_day)} ans le jour de la vente."),
        "names": (lambda: check_names_match(facts.first_name, facts.last_name, facts.document_first_names,
                                            facts.document_last_name),
                  lambda: f"{facts.document_first_names} {facts.document_last_name.upper()}, comme déclaré."),
        "solvency": (lambda: check_solvency(facts.solvency_rule, facts.solvency, ceiling),
                     lambda: _solvency_detail(facts.solvency_rule, facts.solvency)),
        "not_barred": (lambda: check_not_barred(facts.first_name, facts.last_name, facts.birth_date, facts.email,
                                                number, facts.barred, facts.blocked_reason),
                       lambda: "Aucune exclusion ni blocage."),
        "duplicates": (lambda: check_no_duplicate(facts.registration_id, facts.first_name, facts.last_name,
                                                  facts.birth_date, number, facts.others),
                       lambda: "Ni la même personne ni la même pièce sous un autre panneau."),
    }
    results = []
    for kind, (run, detail) in checks.items():
        try:
            run()
        except CheckFailed as exc:
            results.append(CheckResult(kind, False, exc.message))
        else:
            results.append(CheckResult(kind, True, detail()))
    return results


def _solvency_detail(rule: SolvencyRule, proof: SolvencyProof | None) -> str:
    if rule.kind == "none" or proof is None:
        return "Aucune garantie exigée pour cette vente."
    parts = [SOLVENCY_KINDS[proof.kind]]
    if proof.amount_cents:
        parts.append(format_euros(proof.amount_cents))
    if proof.kind == "deposit" and proof.method:
        parts.append(DEPOSIT_METHODS[proof.method].lower())
    parts.append(f"réf. {proof.reference.strip()}")
    return ", ".join(parts) + "."


# --- paddle numbers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaddleRanges:
    """The paddle numbers given to room and to online bidders in one sale (inclusive ranges)."""

    room_first: int = 1
    room_last: int = 499
    online_first: int = 501
    online_last: int = 999

    def of(self, channel: str) -> range:
        if channel == "room":
            return range(self.room_first, self.room_last + 1)
        return range(self.online_first, self.online_last + 1)


class PaddlesExhausted(DomainError):
    code = "paddles_exhausted"


def check_paddle_ranges(ranges: PaddleRanges) -> None:
    for channel, first, last in (("room", ranges.room_first, ranges.room_last),
                                 ("online", ranges.online_first, ranges.online_last)):
        if not 1 <= first <= last <= MAX_PADDLE:
            raise InvalidValue(f"Numéros {CHANNELS[channel].lower()} : de 1 à {MAX_PADDLE}, le premier avant le dernier.",
                               field=f"{channel}_first")
    if ranges.room_first <= ranges.online_last and ranges.online_first <= ranges.room_last:
        raise InvalidValue("Les numéros en salle et en ligne ne doivent pas se chevaucher.", field="online_first")


def next_paddle(channel: str, ranges: PaddleRanges, taken: Iterable[int]) -> int:
    """The next number of the channel's range, after the highest already given in it."""
    numbers = ranges.of(channel)
    used = [n for n in taken if n in numbers]
    candidate = max(used) + 1 if used else numbers.start
    if candidate not in numbers:
        raise PaddlesExhausted(f"Plus de numéro de panneau libre {CHANNELS[channel].lower()} "
                               f"({numbers.start} à {numbers.stop - 1}) : élargissez la plage dans les règles "
                               "d'inscription de la vente.")
    return candidate


# --- identity scans ---------------------------------------------------------------------------------

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff_scan(content: bytes) -> str:
    """The type of an uploaded identity scan, from its first bytes (never from its name)."""
    if not content:
        raise InvalidValue("Joignez la copie de votre pièce d'identité.", field="scan")
    if len(content) > MAX_SCAN_BYTES:
        raise InvalidValue("Copie trop lourde : 10 Mo au plus.", field="scan")
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-2048:]:
        return "application/pdf"
    raise InvalidValue("Format refusé : la copie doit être une photo JPEG ou PNG, ou un PDF.", field="scan")


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def scan_due_for_deletion(settled_at: datetime | None, retention_months: int, now: datetime) -> bool:
    """Scans are kept `retention_months` after the sale is settled, then deleted."""
    return settled_at is not None and now >= add_months(settled_at, retention_months)



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


def clean_rules(form: Mapping[str, str]) -> tuple[tuple[PaddleRanges, SolvencyRule] | None, dict[str, str]]:
    """The sale's registration rules: paddle ranges, solvency required."""
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("room_first", "room_last", "online_first", "online_last"):
        raw = (form.get(name) or "").strip()
        if not raw.isdigit() or len(raw) > 7:
            errors[name] = "Un numéro entier positif."
        else:
            numbers[name] = int(raw)
    minimum = 0
    if (form.get("deposit_minimum") or "").strip():
        try:
            minimum = parse_euros(form["deposit_minimum"], field="deposit_minimum")
        except InvalidValue as exc:
            errors["deposit_minimum"] = exc.message
    rule = SolvencyRule(form.get("solvency_rule") or "", minimum)
    try:
        check_solvency_rule(rule)
    except InvalidValue as exc:
        errors[exc.field or "solvency_rule"] = exc.message
    if errors:
        return None, errors
    ranges = PaddleRanges(**numbers)
    try:
        check_paddle_ranges(ranges)
    except InvalidValue as exc:
        return None, {exc.field or "room_first": exc.message}
    return (ranges, rule), {}
