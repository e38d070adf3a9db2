"""A payee's bank account for a SEPA credit transfer: IBAN (ISO 13616, with the national check
digits where the country has them) and BIC (ISO 9362), checked with the maintained `schwifty`."""
from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .errors import InvalidValue


def clean_payee_iban(text: str, *, field: str = "iban") -> str:
    """The IBAN in compact form, refused unless valid and in the SEPA zone."""
    try:
        iban = IBAN(text or "")
    except SchwiftyException:
        raise InvalidValue("IBAN invalide : vérifiez le pays, la clé et le nombre de caractères.", field=field) from None
    if not iban.in_sepa_zone:
        raise InvalidValue("Ce compte n'est pas dans la zone SEPA : payez par chèque ou par virement international.",
                           field=field)
    return str(iban.compact)


def clean_bic(text: str, iban: str | None = None, *, field: str = "bic") -> str | None:
    """The BIC typed (checked), else the one the IBAN's bank code gives, else None (optional in SEPA)."""
    text = (text or "").strip().replace(" ", "").upper()
    if not text:
        return bic_of(iban) if iban else None
    try:
        bic = BIC(text)
    except SchwiftyException:
        raise InvalidValue("BIC invalide : 8 ou 11 caractères (banque, pays, place, agence).", field=field) from None
    if iban and bic.country_code != iban[:2] and not _same_sepa_area(bic.country_code, iban[:2]):
        raise InvalidValue("Le BIC n'est pas celui d'une banque du pays de l'IBAN.", field=field)
    return str(bic.compact)


def bic_of(iban: str) -> str | None:
    try:
        bic = IBAN(iban).bic
    except SchwiftyException:
        return None
    return str(bic.compact) if bic is not None else None


def format_iban(iban: str) -> str:
    return IBAN(iban).formatted


# Territories whose IBANs carry the FR prefix but banks may carry their own country code (and back).
_FR_AREA = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "MC", "NC", "PF", "WF"}


def _same_sepa_area(bic_country: str, iban_country: str) -> bool:
    return bic_country in _FR_AREA and iban_country in _FR_AREA
