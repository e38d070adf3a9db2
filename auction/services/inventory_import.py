"""Reading an inventory spreadsheet (CSV or XLSX), previewing it, then importing it all or nothing."""
from __future__ import annotations

import csv
import io
import secrets
import zipfile
from pathlib import Path

from auction.domain.errors import InvalidValue
from auction.domain.inventory_import import RowResult, check_rows

MAX_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def read_table(content: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV (UTF-8 or Windows-1252, `;` or `,`) or XLSX file, judged by content."""
    if not content:
        raise InvalidValue("Le fichier est vide.", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidValue("Fichier trop volumineux (5 Mo au plus).", field="file")
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if b"\x00" in content[:4096]:
        raise InvalidValue("Format non reconnu : envoyez un fichier CSV ou XLSX.", field="file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise InvalidValue("Le fichier est vide.", field="file")
    return rows[0], rows[1:]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidValue("Fichier XLSX illisible.", field="file") from None
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise InvalidValue("Le fichier est vide.", field="file")
    return rows[0], rows[1:]


def preview(content: bytes) -> list[RowResult]:
    headers, rows = read_table(content)
    return check_rows(headers, rows)


def stash(private_dir: Path, content: bytes) -> str:
    """Keep an upload between the preview and the confirmation; returns its token."""
    token = secrets.token_urlsafe(16)
    folder = private_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / token).write_bytes(content)
    return token


def take(private_dir: Path, token: str) -> bytes:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        raise InvalidValue("Import expiré : envoyez le fichier de nouveau.", field="file")
    path = private_dir / "imports" / token
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidValue("Import expiré : envoyez le fichier de nouveau.", field="file") from None


def discard(private_dir: Path, token: str) -> None:
    (private_dir / "imports" / token).unlink(missing_ok=True)
