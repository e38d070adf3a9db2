"""PDF documents (WeasyPrint), rendered in a worker thread: a 200-row table takes about 0.6 s."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from auction.domain.evidence import paris_text, utc_text
from auction.domain.roles import Role
from auction.formats import FILTERS

DOCUMENTS = Path(__file__).resolve().parent.parent / "frontend" / "templates" / "documents"
_env = Environment(loader=FileSystemLoader(DOCUMENTS), autoescape=select_autoescape(["html"]))
_env.filters.update(FILTERS)
_env.filters.update(evidence_paris=paris_text, evidence_utc=utc_text)   # to the millisecond
_env.globals["Role"] = Role


def render_html(template: str, context: dict[str, Any]) -> str:
    return _env.get_template(template).render(**context)


def write_pdf(html: str) -> bytes:
    """The PDF of a rendered document, synchronously: run it in a thread or another process."""
    from weasyprint import HTML   # imported lazily: it loads Pango
    return HTML(string=html, base_url=str(DOCUMENTS)).write_pdf()


def write_archival_pdf(html: str) -> tuple[bytes, int]:
    """A PDF/A-3b (archival) of a rendered document and its page count, synchronously."""
    from weasyprint import HTML
    document = HTML(string=html, base_url=str(DOCUMENTS)).render(pdf_variant="pdf/a-3b")
    return document.write_pdf(pdf_variant="pdf/a-3b"), len(document.pages)


async def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    html = render_html(template, context)
    return await asyncio.to_thread(write_pdf, html)
