"""The buyer an invoice names (auction.domain.invoices), as declared at registration: a private
person, or a company with its SIREN and its French intra-community VAT number."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren


@dataclass(frozen=True)
class Buyer:
    """The buyer as declared at registration: a private person, or a company with its SIREN."""

    name: str
    address: str
    is_company: bool = False
    siren: str = ""
    vat_number: str = ""
    # The address's parts, for the e-invoice (`address` is them on one line).
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"

    def to_payload(self) -> dict[str, Any]:
        return {"name": self.name, "address": self.address, "is_company": self.is_company,
                "siren": self.siren, "vat_number": self.vat_number, "street": self.street,
                "postcode": self.postcode, "city": self.city, "country": self.country}

    @classmethod
    def from_payload(cls, p: Mapping[str, Any]) -> "Buyer":
        return cls(p["name"], p["address"], bool(p.get("is_company")), p.get("siren", ""), p.get("vat_number", ""),
                   p.get("street", ""), p.get("postcode", ""), p.get("city", ""), p.get("country", "FR"))


def siren_of(company_number: str) -> str:
    """The SIREN (9 digits) of a SIREN or SIRET as registered; '' when none is valid."""
    digits = "".join(ch for ch in company_number or "" if ch in "0123456789")[:9]
    try:
        return stdnum_siren.validate(digits)
    except ValidationError:
        return ""


def vat_number_of(siren: str) -> str:
    """The French intra-community VAT number of a SIREN (`FR` + key + SIREN)."""
    return f"FR{stdnum_siren.to_tva(siren)}" if siren else ""
