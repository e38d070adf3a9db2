"""An invoice or credit note as an EN 16931 e-invoice: the business terms (BT-…, BG-…) that the
`factur-x` library turns into CII XML (Factur-X profile EN 16931), for buyers with a SIREN.

Plain data only: the XML is built, validated and embedded in the PDF by `auction.invoice_documents`.

Each lot makes two invoice lines, one per VAT treatment: its hammer price (standard rate when the
case's seller charges VAT, otherwise category E with the reason: the officer sells as an
intermediary, in the seller's name) and its buyer's fees (standard rate). The VAT breakdown sums the
lines' VAT as rounded per lot, as the bordereau does (EN 16931 BR-CO-17 allows the one-unit gap).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .invoice_lines import InvoiceLine
from .invoice_numbers import format_number
from .invoices import CreditNote, Invoice, vat_breakdown

INVOICE_TYPE = "380"        # commercial invoice (UNTDID 1001)
CREDIT_NOTE_TYPE = "381"    # credit note
if TYPE_CHECKING:
    from .storage_invoices import StorageInvoice

SIREN_SCHEME = "0002"       # ISO 6523 ICD of the French SIREN
SIRET_SCHEME = "0009"       # ISO 6523 ICD of the French SIRET
SEPA_TRANSFER = "58"        # UNTDID 4461
EXEMPTION_REASON = ("Prix d'adjudication : le commissaire de justice agit en qualité d'intermédiaire, au nom et "
                    "pour le compte du vendeur ; la TVA ne s'applique qu'aux frais acheteur.")


def amount(cents: int) -> str:
    """Cents as the decimal string EN 16931 expects (`123456` → `1234.56`), never through a float."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def percent(rate: Decimal | None) -> str:
    return f"{(rate or Decimal(0)) * 100:.2f}"


def _lines(lines: tuple[InvoiceLine, ...] | list[InvoiceLine], fee_vat_rate: Decimal, fee_rate_label: str) -> list[dict]:
    out = []
    for line in lines:
        hammer_taxed = line.hammer_vat_rate is not None
        out.append({"BT-126": f"{line.label}-A", "BT-153": f"Lot {line.label} — {line.title}"[:200],
                    "BT-127-00": [{"BT-127": "Prix d'adjudication"}], "BT-129": "1", "BT-130": "C62",
                    "BT-146": amount(line.hammer_cents), "BT-131": amount(line.hammer_cents),
                    "BT-151": "S" if hammer_taxed else "E", "BT-152": percent(line.hammer_vat_rate)})
        out.append({"BT-126": f"{line.label}-F", "BT-153": f"Lot {line.label} — frais acheteur"[:200],
                    "BT-127-00": [{"BT-127": f"Frais acheteur {fee_rate_label} HT (C. com. A444-3)"}], "BT-129": "1",
                    "BT-130": "C62", "BT-146": amount(line.fees_cents), "BT-131": amount(line.fees_cents),
                    "BT-151": "S", "BT-152": percent(fee_vat_rate)})
    return out


def _breakdown(lines, fee_vat_rate: Decimal) -> list[dict]:
    groups = []
    for group in vat_breakdown(lines, fee_vat_rate):
        entry = {"BT-116": amount(group["base_cents"]), "BT-117": amount(group["vat_cents"]),
                 "BT-118": "E" if group["rate"] is None else "S", "BT-119": percent(group["rate"])}
        if group["rate"] is None:
            entry["BT-120"] = EXEMPTION_REASON
        groups.append(entry)
    return groups


def _seller(office: Mapping[str, Any]) -> dict[str, Any]:
    siren = "".join(ch for ch in office.get("siret", "") if ch in "0123456789")[:9]
    seller = {"name": office["name"], "identifiers": {SIRET_SCHEME: office["siret"]}, "legal_identifier": siren,
              "legal_identifier_schemeid": SIREN_SCHEME, "addr_l1": office["address"], "city": office["city"],
              "postcode": office["postcode"], "country_code": "FR",
              "legal_info": "Commissaire de justice, officier public ministériel"}
    if office.get("vat_number"):
        seller["vat_identifier"] = office["vat_number"]
    if office.get("email"):
        seller.update(einvoicing_addr=office["email"], einvoicing_addr_schemeid="EM")
    return seller


def _buyer(buyer: Mapping[str, Any]) -> dict[str, Any]:
    party = {"name": buyer["name"], "addr_l1": buyer.get("street") or buyer["address"],
             "city": buyer.get("city", ""), "postcode": buyer.get("postcode", ""),
             "country_code": buyer.get("country") or "FR"}
    if buyer.get("siren"):
        party.update(legal_identifier=buyer["siren"], legal_identifier_schemeid=SIREN_SCHEME)
    if buyer.get("vat_number"):
        party["vat_identifier"] = buyer["vat_number"]
    return {key: value for key, value in party.items() if value != ""}


def _document(number_label: str, type_code: str, issued_on: date, payload: Mapping[str, Any], lines,
              totals: Mapping[str, int], notes: list[str]) -> dict[str, Any]:
    fee_vat_rate = Decimal(payload.get("fee_vat_rate") or "0.20")
    excl = totals["hammer_cents"] + totals["fees_cents"]
    vat = totals["hammer_vat_cents"] + totals["fees_vat_cents"]
    office = payload.get("office") or {}
    data = {"BT-1": number_label, "BT-2": issued_on, "BT-3": type_code, "BT-5": "EUR",
            "BG-4": _seller(office), "BG-7": _buyer(payload["buyer"]),
            "BG-1": [{"BT-22": note} for note in notes if note],
            "BG-23": _breakdown(lines, fee_vat_rate),
            "BG-25": _lines(lines, fee_vat_rate, payload.get("fee_rate_label", "")),
            "BT-106": amount(excl), "BT-109": amount(excl), "BT-110": amount(vat), "BT-112": amount(excl + vat),
            "BT-115": amount(excl + vat)}
    sale = payload.get("sale") or {}
    data["BT-72"] = date.fromisoformat(sale["date"]) if sale.get("date") else issued_on   # the day of the sale
    if office.get("iban"):
        data.update({"BT-81": SEPA_TRANSFER, "BT-82": "Virement sur le compte affecté de l'étude",
                     "BT-84": office["iban"].replace(" ", ""), "BT-85": office["name"]})
    return data


def invoice_terms(invoice: Invoice) -> dict[str, Any]:
    """The business terms of an invoice (type 380)."""
    payload = invoice.payload
    data = _document(invoice.label, INVOICE_TYPE, invoice.issued_on, payload, invoice.lines, invoice.totals,
                     [payload.get("vat_mention", ""), f"Tarif : {invoice.tariff_reference}"])
    data["BT-9"] = invoice.due_on
    data["BT-20"] = ("Prix payable comptant (CPCE R221-38), au plus tard le "
                     f"{invoice.due_on:%d/%m/%Y} ; délivrance des lots après encaissement.")
    sale = payload.get("sale") or {}
    if sale.get("reference"):
        data["BT-10"] = sale["reference"][:60]   # buyer reference: the sale
    return data


def credit_note_terms(note: CreditNote, invoice: Invoice) -> dict[str, Any]:
    """The business terms of a credit note (type 381) referring to its invoice (BG-3)."""
    data = _document(note.label, CREDIT_NOTE_TYPE, note.issued_on, {**invoice.payload, "buyer": invoice.payload["buyer"]},
                     note.lines, note.totals, [f"Avoir sur la facture {invoice.label} : {note.reason}"])
    data["BG-3"] = [{"BT-25": invoice.label, "BT-26": invoice.issued_on}]
    data["BT-20"] = f"Avoir imputé sur la facture {format_number(invoice.number, invoice.issued_on)}."
    return data


def storage_invoice_terms(invoice: "StorageInvoice") -> dict[str, Any]:
    """The business terms of a storage invoice (type 380): one line per lot, the days charged as the
    quantity at the rate per day, VAT at the standard rate rounded per line; it refers to the
    bordereaux of its lots (BG-3)."""
    payload = invoice.payload
    rate = percent(invoice.vat_rate)
    lines = [{"BT-126": f"{line.label}-M", "BT-153": f"Lot {line.label} — magasinage"[:200],
              "BT-127-00": [{"BT-127": f"Magasinage du {line.first_day:%d/%m/%Y} au {line.last_day:%d/%m/%Y}"
                                       f" ({line.days} j), bordereau {line.invoice_label}"}],
              "BT-129": str(line.days), "BT-130": "DAY", "BT-146": amount(line.fee_cents),
              "BT-131": amount(line.amount_cents), "BT-151": "S", "BT-152": rate} for line in invoice.lines]
    t = invoice.totals
    office = payload.get("office") or {}
    data = {"BT-1": invoice.label, "BT-2": invoice.issued_on, "BT-3": INVOICE_TYPE, "BT-5": "EUR",
            "BG-4": _seller(office), "BG-7": _buyer(payload["buyer"]),
            "BG-1": [{"BT-22": "Frais de magasinage selon les conditions de la vente (jours gratuits, puis un "
                               "montant par jour et par lot)."}],
            "BG-3": [{"BT-25": label} for label in invoice.invoice_labels],
            "BG-23": [{"BT-116": amount(t["amount_cents"]), "BT-117": amount(t["vat_cents"]), "BT-118": "S",
                       "BT-119": rate}],
            "BG-25": lines, "BT-106": amount(t["amount_cents"]), "BT-109": amount(t["amount_cents"]),
            "BT-110": amount(t["vat_cents"]), "BT-112": amount(t["total_cents"]), "BT-115": amount(t["total_cents"]),
            "BT-9": invoice.issued_on,
            "BT-20": "Payable comptant ; les lots ne sont délivrés qu'après paiement des frais de magasinage."}
    last = max((line.last_day for line in invoice.lines), default=invoice.issued_on)
    data["BT-72"] = last
    sale = payload.get("sale") or {}
    if sale.get("reference"):
        data["BT-10"] = sale["reference"][:60]
    if office.get("iban"):
        data.update({"BT-81": SEPA_TRANSFER, "BT-82": "Virement sur le compte affecté de l'étude",
                     "BT-84": office["iban"].replace(" ", ""), "BT-85": office["name"]})
    return data
