"""The checks before a bidder gets a paddle, run together: identity, age, names, solvency, not barred
(C. civ. 1596, blocked after a default), no duplicate in the sale.

`run_checks` turns each named `CheckFailed` into a result the clerk sees and the database records.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from .barred_names import may_be
from .errors import CheckFailed, DomainError
from .identity import (DOCUMENT_TYPES, IdentityDocument, age_on, check_identity, check_names_match, check_of_age,
                       fold_name, mask_document_number, normalise_document_number)
from .money import format_euros
from .solvency import (DEPOSIT_METHODS, SOLVENCY_KINDS, SolvencyProof, SolvencyRule, cash_ceiling_cents,
                       check_solvency)

CHECK_KINDS = {
    "identity": "Pièce d'identité vue et valide le jour de la vente",
    "age": "Majeur le jour de la vente",
    "names": "Noms conformes à la pièce d'identité",
    "solvency": "Garantie de solvabilité",
    "not_barred": "Ni exclu (C. civ. 1596) ni bloqué après un défaut de paiement",
    "duplicates": "Pas de doublon dans la vente",
}


class PersonBarred(CheckFailed):
    """The bidder matches an entry of the barred list; `entry_name` says which."""

    kind = "not_barred"

    def __init__(self, message: str, entry_name: str):
        super().__init__(message)
        self.entry_name = entry_name


class BlockedBidder(CheckFailed):
    kind = "not_barred"


class DuplicateDocument(CheckFailed):
    kind = "duplicates"


class DuplicatePerson(CheckFailed):
    kind = "duplicates"


class EmailNotConfirmed(DomainError):
    """An online registration whose registrant has not yet followed the confirmation link: no check
    is run and nothing is recorded until they have (the address is how the office reaches them)."""

    code = "email_not_confirmed"


def check_email_confirmed(registered_via: str, email_confirmed: bool) -> None:
    """Before any check: a registration made on the web needs its e-mail address confirmed; one taken
    at the desk does not (the clerk has the bidder in front of them)."""
    if registered_via == "web" and not email_confirmed:
        raise EmailNotConfirmed("L'enchérisseur n'a pas encore confirmé son adresse électronique : une inscription "
                                "faite en ligne ne peut être vérifiée qu'après la confirmation. Demandez-lui de "
                                "suivre le lien reçu par courriel.")


@dataclass(frozen=True)
class BarredEntry:
    """Someone who may not buy in this sale (C. civ. 1596), or a bidder blocked after a default."""

    name: str
    reason: str
    birth_date: date | None = None
    email: str = ""
    document_number: str = ""


def email_key(email: str) -> str:
    """An address as compared with the barred list: case and a `+tag` of the local part do not count
    (`Officier+ventes@Etude.fr` is `officier@etude.fr`)."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


def _matches(entry: BarredEntry, names: Iterable[tuple[str, str]], birth_date: date | None, email: str,
             document_number: str) -> bool:
    """By e-mail (the office's staff) or document number; else by name (`barred_names.may_be`, for every
    way the bidder's name is known: as declared, as on the document) unless the birth dates differ."""
    if entry.email and email and email_key(entry.email) == email_key(email):
        return True
    if entry.document_number and document_number and \
            normalise_document_number(entry.document_number) == normalise_document_number(document_number):
        return True
    if not any(may_be(entry.name, first, last) for first, last in names):
        return False
    return entry.birth_date is None or birth_date is None or entry.birth_date == birth_date


def check_not_barred(first_name: str, last_name: str, birth_date: date | None, email: str, document_number: str,
                     barred: Iterable[BarredEntry], blocked_reason: str = "", cleared: Collection[str] = (),
                     *, document_names: tuple[str, str] = ("", "")) -> None:
    """Refuses a blocked bidder, or one who may be a barred person (C. civ. 1596) — except the entries
    named in `cleared`, which the officer has found to be homonyms of this bidder (a block after a
    default is never cleared here). `document_names`: the first names and last name read on the
    identity document, compared too (they may hold first names the bidder did not declare)."""
    if blocked_reason:
        raise BlockedBidder(f"Enchérisseur bloqué : {blocked_reason}")
    names = [(first_name, last_name)]
    if any(document_names):
        names.append((document_names[0], document_names[1] or last_name))
    for entry in barred:
        if entry.name not in cleared and _matches(entry, names, birth_date, email, document_number):
            raise PersonBarred(f"Ne peut pas enchérir dans cette vente : {entry.name} — {entry.reason}.", entry.name)


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


def _comes_first(other: OtherRegistration, registration_id: int, paddle: int | None) -> bool:
    """Whether `other` stands before this registration: one holding a paddle before one still waiting,
    otherwise the earlier one. The later registration is the one flagged, never a bidder already checked
    because someone registered after them with the same document or name."""
    if (other.paddle is not None) != (paddle is not None):
        return other.paddle is not None
    return other.registration_id < registration_id


def check_no_duplicate(registration_id: int, first_name: str, last_name: str, birth_date: date | None,
                       document_number: str, others: Iterable[OtherRegistration], paddle: int | None = None) -> None:
    """DuplicateDocument / DuplicatePerson when a registration standing before this one (`_comes_first`)
    has the same document number, or the same names with a birth date that does not tell them apart."""
    number = normalise_document_number(document_number)
    for other in others:
        if other.registration_id == registration_id or not _comes_first(other, registration_id, paddle):
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
    cleared_homonyms: tuple[str, ...] = ()     # barred entries the officer found to be someone else
    paddle: int | None = None                  # this registration's paddle, once it has one


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
                                                number, facts.barred, facts.blocked_reason, facts.cleared_homonyms,
                                                document_names=(facts.document_first_names,
                                                                facts.document_last_name)),
                       lambda: "Aucune exclusion ni blocage." + (
                           f" Homonymie levée par le commissaire de justice : {', '.join(facts.cleared_homonyms)}."
                           if facts.cleared_homonyms else "")),
        "duplicates": (lambda: check_no_duplicate(facts.registration_id, facts.first_name, facts.last_name,
                                                  facts.birth_date, number, facts.others, facts.paddle),
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
