"""Certified copies and extracts of the sale record (expéditions, C. com. A444-6), pure.

A copy is of the record as closed (its sealed sessions only: what is not closed is not yet a record),
whole or as an extract for one lot or one buyer. It carries "copie certifiée conforme" ("extrait
certifié conforme" for an extract, with what the extract contains), its page count and its fee: the pages times the per-page amount of the tariff in force on the day it is
issued. It is recorded in the sale's settlement log (`record_copy_issued`, append-only); when it is
charged to a case, its fee joins that case's costs statement (R251-11) in the distribution.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .bidlog import Event
from .errors import InvalidValue
from .money import format_euros
from .sale_record import SaleRecord, extract
from .tariff import Tariff

SCOPES = {"whole": "Copie certifiée conforme", "lot": "Extrait — un lot", "buyer": "Extrait — un adjudicataire"}
ARTICLE = "C. com. A444-6"
KIND = "record_copy_issued"


@dataclass(frozen=True)
class CopyRequest:
    """What to copy and who bears its fee (`case_id` None: the person asking pays it directly)."""
    scope: str
    lot_id: int | None = None
    registration_id: int | None = None
    case_id: int | None = None


@dataclass(frozen=True)
class IssuedCopy:
    seq: int
    scope: str
    title: str
    lot_id: int | None
    registration_id: int | None
    case_id: int | None
    pages: int
    page_cents: int
    fee_cents: int
    tariff_reference: str
    sessions_upto: int
    head_seq: int
    pdf_sha256: str
    pdf_path: str
    on: date
    user_id: int | None

    @property
    def scope_label(self) -> str:
        return SCOPES.get(self.scope, self.scope)


def closed_sessions(record: SaleRecord) -> tuple[int, int]:
    """The last closed session in an unbroken run from the first, and the log's seq at its closing:
    what a copy may cover. InvalidValue when no session is closed yet."""
    last = None
    for part in record.sessions:
        if not part.closed:
            break
        last = part
    if last is None:
        raise InvalidValue("Aucune séance n'est close : le procès-verbal n'est pas encore arrêté, "
                           "il ne peut pas en être délivré de copie.", field="scope")
    return last.number, last.closed_seq


def check_request(record: SaleRecord, request: CopyRequest) -> SaleRecord:
    """The part of the record the copy shows (an extract keeps only its lot's or its buyer's
    entries); InvalidValue (in French, naming the field) when the request does not fit the sale."""
    facts = record.facts
    if request.scope not in SCOPES:
        raise InvalidValue("Choisissez une copie entière ou un extrait.", field="scope")
    if request.case_id is not None and request.case_id not in {c.id for c in facts.cases}:
        raise InvalidValue("Ce dossier n'a pas de lot dans cette vente.", field="case_id")
    if request.scope == "lot":
        lot = next((lot for lot in facts.lots if lot.id == request.lot_id), None)
        if lot is None:
            raise InvalidValue("Choisissez un lot de cette vente.", field="lot_id")
        part = extract(record, lot_id=lot.id)
        if not part.withdrawn_before and not any(s.entries for s in part.sessions):
            raise InvalidValue(f"Le lot {lot.label} ne figure pas dans la partie close du procès-verbal.",
                               field="lot_id")
        return part
    if request.scope == "buyer":
        buyer = facts.buyers.get(request.registration_id) if request.registration_id is not None else None
        if buyer is None:
            raise InvalidValue("Choisissez un adjudicataire de cette vente.", field="registration_id")
        part = extract(record, registration_id=buyer.registration_id)
        if not any(s.entries for s in part.sessions):
            raise InvalidValue(f"Le panneau {buyer.paddle} n'a rien acheté dans la partie close du procès-verbal.",
                               field="registration_id")
        return part
    return record


def copy_title(record: SaleRecord, request: CopyRequest) -> str:
    if request.scope == "lot":
        lot = next(lot for lot in record.facts.lots if lot.id == request.lot_id)
        return f"Extrait du procès-verbal de vente — lot {lot.label}"
    if request.scope == "buyer":
        buyer = record.facts.buyers[request.registration_id]
        return f"Extrait du procès-verbal de vente — adjudicataire, panneau {buyer.paddle}"
    return "Procès-verbal de vente"


def extract_contents(record: SaleRecord, request: CopyRequest) -> str:
    """What an extract contains and leaves out, as it says under its title ("" for a whole copy). An
    extract for one lot keeps that lot's entries, its withdrawal before the sale if it was withdrawn;
    an extract for one buyer keeps his adjudications only, and leaves out the lots withdrawn before
    the sale (none is his)."""
    if request.scope == "lot":
        lot = next(lot for lot in record.facts.lots if lot.id == request.lot_id)
        withdrawn = " et son retrait avant la vente" if lot.withdrawn_before else ""
        return (f"Extrait limité au lot {lot.label} : les mentions du procès-verbal le concernant{withdrawn}. "
                "Les autres lots et les autres mentions n'y figurent pas.")
    if request.scope == "buyer":
        buyer = record.facts.buyers[request.registration_id]
        return (f"Extrait limité aux adjudications prononcées au profit de l'adjudicataire au panneau {buyer.paddle}. "
                "Les autres lots, dont les lots retirés avant la vente, et les autres mentions n'y figurent pas.")
    return ""


def certified_as(scope: str) -> str:
    return "Copie certifiée conforme" if scope == "whole" else "Extrait certifié conforme"


def certification(*, officer: str, day: date, pages: int, tariff: Tariff, scope: str = "whole") -> str:
    """The mention a copy carries: certified (a copy, or an extract), its pages, its fee (A444-6)."""
    fee = tariff.copies_cents(pages)
    by = f" par {officer}, commissaire de justice," if officer else ""
    return (f"{certified_as(scope)} à l'original{by} le {day:%d/%m/%Y}, comprenant {pages} "
            f"page{'s' if pages > 1 else ''}. Coût : {pages} × {format_euros(tariff.copy_page_cents)} = "
            f"{format_euros(fee)} ({ARTICLE}).")


def payload(request: CopyRequest, *, title: str, pages: int, tariff: Tariff, sessions_upto: int, head_seq: int,
            pdf_sha256: str, pdf_path: str, on: date) -> dict[str, Any]:
    if pages < 1:
        raise InvalidValue("Une copie a au moins une page.", field="pages")
    return {"scope": request.scope, "title": title, "lot_id": request.lot_id,
            "registration_id": request.registration_id, "case_id": request.case_id, "pages": pages,
            "page_cents": tariff.copy_page_cents, "fee_cents": tariff.copies_cents(pages),
            "tariff_reference": tariff.reference, "sessions_upto": sessions_upto, "head_seq": head_seq,
            "pdf_sha256": pdf_sha256, "pdf_path": pdf_path, "on": on.isoformat()}


def fold(events: Iterable[Event]) -> list[IssuedCopy]:
    """The copies issued, in order, from a sale's settlement log."""
    return [IssuedCopy(e.seq, p["scope"], p["title"], p["lot_id"], p["registration_id"], p["case_id"], p["pages"],
                       p["page_cents"], p["fee_cents"], p["tariff_reference"], p["sessions_upto"], p["head_seq"],
                       p["pdf_sha256"], p["pdf_path"], date.fromisoformat(p["on"]), e.user_id)
            for e in events if e.kind == KIND for p in (e.payload,)]


def cost_label(p: dict[str, Any]) -> str:
    """The line of the costs statement (R251-11) for a copy charged to a case."""
    pages = p["pages"]
    what = "Copie certifiée conforme du procès-verbal de vente" if p["scope"] == "whole" else p["title"]
    return f"{what} ({pages} page{'s' if pages > 1 else ''} × {format_euros(p['page_cents'])})"
