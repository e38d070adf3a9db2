"""The sale notice (avis de vente): what it says, generated from the sale, its lots and the dated
rules. The poster, the press text, the public page and the feed all say the same thing from here.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from .catalogue import fold_text
from .errors import InvalidValue
from .money import format_euros, format_rate
from .solvency import SolvencyRule, cash_ceiling
from .tariff import Tariff

LEGAL_BASIS = ("Vente forcée aux enchères publiques de biens saisis, après saisie-vente (Code des procédures "
               "civiles d'exécution, articles L221-3 et R221-30 à R221-39).")
OTHER_CATEGORY = "Divers"
MAX_SUMMARY = 1500


@dataclass(frozen=True)
class NoticeSnapshot:
    """What a notice fixes when issued; changing any of it after announcement issues a new notice."""
    title: str
    starts_at: datetime          # aware, UTC
    place_kind: str
    place_name: str
    address: str
    postcode: str
    city: str
    viewing: str
    conditions: str
    goods_summary: str

    @property
    def place(self) -> str:
        return f"{self.place_name}, {self.address}, {self.postcode} {self.city}"

    def digest(self) -> str:
        """SHA-256 of the notice's content: the system's own record of what was published."""
        data = asdict(self)
        data["starts_at"] = self.starts_at.isoformat()
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def differs_in(self, other: "NoticeSnapshot") -> list[str]:
        return [name for name in asdict(self) if getattr(self, name) != getattr(other, name)]


def goods_summary(lots: Iterable[tuple[str, bool]]) -> str:
    """A summary by category of the lots on offer ((category, withdrawn) pairs): the nature of the goods
    the posters must give (R221-34). `Machines (5 lots), Outillage (3 lots) et Divers (1 lot).`"""
    counts = Counter((category.strip() or OTHER_CATEGORY) for category, withdrawn in lots if not withdrawn)
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], fold_text(item[0])))
    parts = [f"{category} ({count} lot{'s' if count > 1 else ''})" for category, count in ordered]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return text + "."


def clean_goods_summary(text: str) -> str:
    text = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines()).strip()
    if not text:
        raise InvalidValue("Nature des biens : champ obligatoire (les affiches doivent l'indiquer, CPCE R221-34).",
                           field="goods_summary")
    if len(text) > MAX_SUMMARY:
        raise InvalidValue(f"Nature des biens : {MAX_SUMMARY} caractères au plus.", field="goods_summary")
    return text


def conditions_lines(sale_day: date, tariff: Tariff | None, solvency: SolvencyRule | None,
                     registration_url: str, *, tariff_note: str | None = None) -> list[str]:
    """The conditions every notice states: payment, cash ceilings (CMF D112-3), buyer's fees from the
    tariff in force on the sale's day, identity, and how to bid online."""
    ceiling = cash_ceiling("france", "person", sale_day)
    lines = ["Paiement comptant, au prononcé de l'adjudication ; à défaut, le lot est remis en vente "
             "(réitération des enchères, CPCE R221-38) aux frais de l'adjudicataire défaillant."]
    if tariff is not None:
        lines.append(f"Frais acheteur en sus du prix d'adjudication : {format_rate(tariff.buyer_fee_rate_incl_vat)} TTC "
                     f"({format_rate(tariff.buyer_fee_rate)} HT, TVA {format_rate(tariff.vat_rate)}), tarif réglementé "
                     "(C. com. A444-3).")
    else:   # no rate presented as in force: say why (they await the officer's confirmation)
        lines.append("Frais acheteur en sus du prix d'adjudication, au tarif réglementé (C. com. A444-3)."
                     + (f" {tariff_note}" if tariff_note else ""))
    lines.append(f"Paiement en espèces limité à {format_euros(ceiling.resident_or_business_cents, with_cents=False)} "
                 f"(domicile fiscal en France ou achat professionnel) et à "
                 f"{format_euros(ceiling.non_resident_private_cents, with_cents=False)} pour un particulier domicilié "
                 f"fiscalement à l'étranger ({ceiling.reference}).")
    lines.append("Une pièce d'identité en cours de validité est exigée de tout enchérisseur.")
    if solvency is not None and solvency.kind != "none":
        lines.append(f"Garantie demandée pour enchérir : {solvency.label}.")
    lines.append(f"Enchères en ligne et ordres d'achat : inscription préalable sur {registration_url}.")
    return lines
