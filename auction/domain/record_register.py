"""The office's register of sale records (répertoire) and its quarterly declaration to the chamber
(C. com. R444-48), pure.

A record gets its register number when its first session is closed (one continuous series per year,
`auction/services/sale_record.py`). The register lists the records of a year in that order; the
declaration lists the sales held in a quarter (their first session opened in it, Paris time) with
their totals: lots offered, sold, passed and withdrawn, the total of the adjudications and the
buyer's fees excl. VAT at the tariff of the sale's day.

An adjudication annulled by a declared default of payment (réitération des enchères, CPCE R221-38:
the default act in the sale's settlement log, as it stands when the line is made) is not a sale: the
lot counts once, at its new price, in the sale where it is sold again (the same sale, after its
`put_up_again` entry, or a later one, where it is a lot of that sale's catalogue). Until it is sold
again it counts nowhere as sold. The lots withdrawn count both those withdrawn before the sale (not
offered) and those withdrawn after bidding.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .errors import InvalidValue
from .money import format_euros
from .sale_record import Entry, SaleRecord
from .tariff import Tariff

NATURE = "Vente judiciaire après saisie-vente (CPCE R221-30 s.)"
CSV_HEADER = ("repertoire", "vente", "intitule", "date", "lieu", "nature", "seances", "lots_presentes",
              "lots_adjuges", "lots_invendus", "lots_retires", "adjudications_cents", "frais_acheteur_ht_cents",
              "close")


@dataclass(frozen=True)
class RegisterLine:
    """One record of the register, or one sale of a declaration, with its totals."""
    year: int | None
    number: int | None
    sale_id: int
    reference: str
    title: str
    place: str
    held_on: date | None            # the day its first session opened (Paris)
    sessions: int
    sessions_closed: int
    sessions_signed: int
    offered: int
    sold: int
    passed: int
    withdrawn: int                  # before the sale and after bidding
    total_cents: int
    buyer_fees_cents: int | None    # None: the tariff of the sale's day is not confirmed
    closed: bool
    withdrawn_before: int = 0       # of `withdrawn`: withdrawn before the sale (never offered)
    annulled_by_default: int = 0    # adjudications annulled by a declared default (not counted as sold)

    @property
    def register_label(self) -> str:
        return f"{self.number} / {self.year}" if self.number is not None else "—"


def surviving_adjudications(record: SaleRecord, defaulted: Collection[int] = ()) -> tuple[list[Entry], list[Entry]]:
    """The record's adjudications that stand as sales, and those a default annulled.

    `defaulted`: this sale's lot ids whose default of payment is declared. A lot's adjudication is
    annulled by the default when a `put_up_again` entry refers to it, or when its lot is in default
    and it came before any `put_up_again` of that lot in this sale (the lot then sells again later,
    here or in another sale, and counts there)."""
    entries = [e for part in record.sessions for e in part.entries]
    resold_from = {e.refers_to_seq for e in entries if e.kind == "put_up_again"}
    put_up_at: dict[int, int] = {}
    for e in entries:
        if e.kind == "put_up_again" and e.lot is not None:
            put_up_at.setdefault(e.lot.id, e.seq)
    kept: list[Entry] = []
    annulled: list[Entry] = []
    for part in record.sessions:
        for e in part.sold:
            lot_id = e.lot.id if e.lot is not None else None
            first = e.seq in resold_from or (
                lot_id in defaulted and not (lot_id in put_up_at and put_up_at[lot_id] < e.seq))
            if first:
                annulled.append(e)
            else:
                kept.append(e)
    return kept, annulled


def register_line(record: SaleRecord, *, held_on: date | None, year: int | None, number: int | None,
                  signed_sessions: int, city: str, tariff: Tariff | None,
                  defaulted: Collection[int] = ()) -> RegisterLine:
    entries = [e for part in record.sessions for e in part.entries]
    sold, annulled = surviving_adjudications(record, defaulted)
    passed = sum(1 for e in entries if e.kind == "passed")
    withdrawn_after = sum(1 for e in entries if e.kind == "withdrawn")
    withdrawn_before = len(record.withdrawn_before)
    # a lot whose annulled adjudication is not followed by a new one here was still offered here
    offered_then_defaulted = {e.lot.id for e in annulled if e.lot} - {e.lot.id for e in sold if e.lot}
    fees = sum(tariff.buyer_fees_cents(e.amount_cents) for e in sold) if tariff is not None else None
    facts = record.facts
    return RegisterLine(year, number, facts.sale_id, facts.sale_reference, facts.sale_title, city, held_on,
                        len(record.sessions), sum(1 for p in record.sessions if p.closed), signed_sessions,
                        len(sold) + len(offered_then_defaulted) + passed + withdrawn_after, len(sold), passed, withdrawn_after + withdrawn_before,
                        sum(e.amount_cents for e in sold), fees, record.closed_at is not None,
                        withdrawn_before, len(annulled))


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first day of a quarter and the first day of the next one."""
    if not 1 <= quarter <= 4:
        raise InvalidValue("Choisissez un trimestre de 1 à 4.", field="trimestre")
    if not 2000 <= year <= 2100:
        raise InvalidValue("Choisissez une année entre 2000 et 2100.", field="annee")
    start = date(year, 3 * quarter - 2, 1)
    return start, (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1))


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def parse_quarter(year_text: str, quarter_text: str, today: date) -> tuple[int, int]:
    """The quarter a page asks for (the current one when nothing is given)."""
    if not year_text and not quarter_text:
        return quarter_of(today)
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        raise InvalidValue("L'année s'écrit sur quatre chiffres.", field="annee")
    if not (quarter_text.isascii() and quarter_text.isdigit() and len(quarter_text) == 1):
        raise InvalidValue("Choisissez un trimestre de 1 à 4.", field="trimestre")
    year, quarter = int(year_text), int(quarter_text)
    quarter_bounds(year, quarter)
    return year, quarter


@dataclass(frozen=True)
class Declaration:
    year: int
    quarter: int
    lines: tuple[RegisterLine, ...]
    made_at: datetime

    @property
    def start(self) -> date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return date.fromordinal(quarter_bounds(self.year, self.quarter)[1].toordinal() - 1)

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def sold(self) -> int:
        return sum(line.sold for line in self.lines)

    @property
    def offered(self) -> int:
        return sum(line.offered for line in self.lines)

    @property
    def buyer_fees_cents(self) -> int | None:
        if any(line.buyer_fees_cents is None for line in self.lines):
            return None
        return sum(line.buyer_fees_cents for line in self.lines)

    @property
    def withdrawn(self) -> int:
        return sum(line.withdrawn for line in self.lines)

    @property
    def annulled_by_default(self) -> int:
        return sum(line.annulled_by_default for line in self.lines)

    @property
    def all_closed(self) -> bool:
        return all(line.closed for line in self.lines)


def declaration(year: int, quarter: int, lines: Iterable[RegisterLine], made_at: datetime) -> Declaration:
    """The quarter's sales, in the order they were held (then by register number)."""
    start, end = quarter_bounds(year, quarter)
    kept = [line for line in lines if line.held_on is not None and start <= line.held_on < end]
    kept.sort(key=lambda line: (line.held_on, line.number or 0, line.sale_id))
    return Declaration(year, quarter, tuple(kept), made_at)


def declaration_csv(found: Declaration) -> str:
    """The declaration as CSV (semicolon-separated, amounts in cents, dates ISO), with a total row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in found.lines:
        writer.writerow((line.register_label if line.number is not None else "", line.reference, line.title,
                         line.held_on.isoformat() if line.held_on else "", line.place, NATURE, line.sessions,
                         line.offered, line.sold, line.passed, line.withdrawn, line.total_cents,
                         "" if line.buyer_fees_cents is None else line.buyer_fees_cents,
                         "oui" if line.closed else "non"))
    fees = found.buyer_fees_cents
    writer.writerow(("", f"TOTAL T{found.quarter} {found.year}", f"{len(found.lines)} vente(s)", "", "", "",
                     sum(line.sessions for line in found.lines), found.offered, found.sold,
                     sum(line.passed for line in found.lines), found.withdrawn,
                     found.total_cents, "" if fees is None else fees, "oui" if found.all_closed else "non"))
    return out.getvalue()


def euros_or_dash(cents: int | None) -> str:
    return "—" if cents is None else format_euros(cents)
