"""The sale's journal as a FEC (fichier des écritures comptables, LPF A47 A-1) for the office's
certified accounting software: the 18 columns in their order, tab-separated, one line per journal
line, a header line, continuous entry numbers, dates YYYYMMDD, amounts with a comma decimal.
Criée keeps the sale's journal; the office's accounts are kept elsewhere (décret 2022-949 art. 62)."""
from __future__ import annotations

from .journal import ACCOUNTS, JOURNALS, Journal, aux_label

COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise")


def amount(cents: int) -> str:
    """`123456` → `1234,56` (no thousands separator, comma decimal)."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}"


def _clean(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


def rows(journal: Journal, *, prefix: str = "") -> list[list[str]]:
    """The FEC rows (without the header); `prefix` makes entry numbers unique across sales (V12-)."""
    found = []
    for entry in journal.entries:
        day = entry.on.strftime("%Y%m%d")
        for line in entry.lines:
            found.append([entry.journal, JOURNALS[entry.journal], f"{prefix}{entry.number}", day, line.account,
                          ACCOUNTS.get(line.account, line.account), line.aux,
                          _clean(aux_label(journal.names, line.aux)), entry.piece, day,
                          _clean(line.label or entry.label), amount(line.debit), amount(line.credit), "", "", day,
                          "", ""])
    return found


def write(journal: Journal, *, prefix: str = "") -> str:
    """The whole file, lines ended by CR LF."""
    return "".join("\t".join(row) + "\r\n" for row in [list(COLUMNS), *rows(journal, prefix=prefix)])
