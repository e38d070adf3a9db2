"""SEPA credit-transfer files (ISO 20022 pain.001) for the distribution's payouts.

The document is built by the maintained `sepaxml` library (it transliterates names and references
to the SEPA character set and cuts them to their lengths); the identifiers it would draw at random
and its creation time are then set from the caller's values, so that the same payout run gives the
same file, and the result is validated against the pain.001 schema shipped with `sepaxml` (with
lxml) before it is returned: an invalid file is never handed to the office.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import sepaxml
from lxml import etree
from sepaxml import SepaTransfer

from auction.domain.bank_accounts import clean_bic, clean_payee_iban
from auction.domain.errors import DomainError, InvalidValue

SCHEMAS = ("pain.001.001.09", "pain.001.001.03")
DEFAULT_SCHEMA = "pain.001.001.09"       # the EPC 2019 rulebook's version, accepted by French banks
MAX_AMOUNT_CENTS = 99_999_999_999        # 999 999 999,99 €: the rulebook's ceiling for one transfer
ID = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")   # the SEPA character set, 35 at most


class SepaFileRefused(DomainError):
    code = "sepa_file_refused"


@dataclass(frozen=True)
class OrderingAccount:
    """The office's client account (compte affecté) the payouts are paid from."""
    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True)
class Transfer:
    name: str                 # the payee
    iban: str
    amount_cents: int
    reference: str            # remittance information, 140 characters at most
    end_to_end_id: str        # our reference, returned on the payee's statement (35 at most)
    bic: str | None = None


def schema_path(schema: str) -> Path:
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema}")
    return Path(sepaxml.__file__).parent / "schemas" / f"{schema}.xsd"


@lru_cache(maxsize=len(SCHEMAS))
def _schema(schema: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_path(schema))))


def validate_file(document: bytes, schema: str = DEFAULT_SCHEMA) -> None:
    """Raise SepaFileRefused unless `document` is valid against the pain.001 schema."""
    xsd = _schema(schema)
    try:
        tree = etree.fromstring(document)
    except etree.XMLSyntaxError as exc:
        raise SepaFileRefused(f"Fichier de virement illisible : {exc}") from None
    if not xsd.validate(tree):
        raise SepaFileRefused(f"Fichier de virement non conforme au schéma {schema} : {xsd.error_log.last_error}")


def credit_transfer_file(account: OrderingAccount, transfers: Sequence[Transfer], *, execution_date: date,
                         message_id: str, now: datetime, schema: str = DEFAULT_SCHEMA) -> bytes:
    """One pain.001 file paying every transfer from `account` on `execution_date`."""
    if not transfers:
        raise InvalidValue("Aucun virement à émettre.", field="transfers")
    if not ID.match(message_id):
        raise InvalidValue("Référence du fichier invalide (35 caractères au plus, sans accents).", field="message_id")
    debtor_iban = clean_payee_iban(account.iban, field="client_account_iban")
    debtor_bic = clean_bic(account.bic or "", debtor_iban, field="client_account_bic")
    config = {"name": account.name, "IBAN": debtor_iban, "batch": True, "currency": "EUR"}
    if debtor_bic:
        config["BIC"] = debtor_bic
    builder = SepaTransfer(config, schema=schema, clean=True)
    seen: set[str] = set()
    for transfer in transfers:
        payment = _payment(transfer, execution_date)
        if transfer.end_to_end_id in seen:
            raise InvalidValue(f"La référence {transfer.end_to_end_id} figure deux fois.", field="end_to_end_id")
        seen.add(transfer.end_to_end_id)
        builder.add_payment(payment)
    tree = etree.fromstring(builder.export(validate=False))
    _set_identifiers(tree, message_id, now)
    document = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    validate_file(document, schema)
    return document


def _payment(transfer: Transfer, execution_date: date) -> dict:
    if not transfer.name.strip():
        raise InvalidValue("Le nom du bénéficiaire manque.", field="name")
    if not (0 < transfer.amount_cents <= MAX_AMOUNT_CENTS):
        raise InvalidValue(f"Montant du virement à {transfer.name} invalide.", field="amount_cents")
    if not ID.match(transfer.end_to_end_id):
        raise InvalidValue("Référence de virement invalide (35 caractères au plus, sans accents).",
                           field="end_to_end_id")
    iban = clean_payee_iban(transfer.iban)
    payment = {"name": transfer.name.strip(), "IBAN": iban, "amount": transfer.amount_cents,
               "execution_date": execution_date, "description": transfer.reference.strip() or transfer.end_to_end_id,
               "endtoend_id": transfer.end_to_end_id}
    bic = clean_bic(transfer.bic or "", iban)
    if bic:
        payment["BIC"] = bic
    return payment


def _set_identifiers(tree: etree._Element, message_id: str, now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    ns = {"p": tree.nsmap[None]}
    tree.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", ns).text = message_id
    tree.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", ns).text = (
        now.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z")
    for number, node in enumerate(tree.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", ns), start=1):
        node.text = f"{message_id[:31]}-{number}"
