"""The printable catalogue of a sale, rendered once per content and kept on disk.

WeasyPrint needs about 15 ms per lot here (some 30 s for 2 000 lots), far too much to do for every
visitor of a public URL. The HTML is cheap, so it is rendered each time and its SHA-256 names the
PDF: the same content is served from the cache, any change (a lot, the sale, the tariff, the
template) makes a new PDF. Concurrent requests for a PDF not yet made share one rendering.
The cache lives under the data directory, outside the public media (a preview PDF is not public).

The rendering runs in a separate worker process, one catalogue at a time: in a thread, WeasyPrint
(mostly pure Python) would hold the GIL for seconds and slow every other request of the server,
the live room's included (measured: page p99 from 55 ms to 1 s during a 2 000-lot rendering).
"""
from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.documents import render_html, write_pdf
from auction.domain.increments import sale_increments

from .public_catalogue import printable_catalogue

TEMPLATE = "catalogue.html"
_pool: ProcessPoolExecutor | None = None


def _exit_with_parent(parent_pid: int) -> None:
    """In the worker: exit as soon as the server process is gone (even killed, mid-rendering)."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


async def in_worker(function, *args):
    """`function(*args)` in the documents' worker process (started on first use, started again if it
    died); `function` a module-level function, its arguments and result picklable."""
    global _pool
    for attempt in range(2):
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_exit_with_parent, initargs=(os.getpid(),))
        try:
            return await asyncio.get_running_loop().run_in_executor(_pool, function, *args)
        except BrokenProcessPool:
            _pool = None
            if attempt:
                raise
    raise AssertionError("unreachable")


async def pdf_from_html(html: str, writer=write_pdf):
    """WeasyPrint in the worker process; `writer` a module-level function of auction.documents."""
    return await in_worker(writer, html)


class CatalogueCache:
    """PDFs on disk under `directory`, and the renderings in progress (one per content)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._rendering: dict[str, asyncio.Future[bytes]] = {}

    def _path(self, sale_id: int, kind: str, digest: str) -> Path:
        return self.directory / f"catalogue-{sale_id}-{kind}-{digest}.pdf"

    async def get(self, sale_id: int, kind: str, html: str) -> bytes:
        digest = hashlib.sha256(html.encode()).hexdigest()[:32]
        path = self._path(sale_id, kind, digest)
        if path.is_file():
            return await asyncio.to_thread(path.read_bytes)
        pending = self._rendering.get(path.name)
        if pending is None:
            pending = asyncio.ensure_future(self._render(sale_id, kind, html, path))
            self._rendering[path.name] = pending
            pending.add_done_callback(lambda _done: self._rendering.pop(path.name, None))
        return await asyncio.shield(pending)

    async def _render(self, sale_id: int, kind: str, html: str, path: Path) -> bytes:
        pdf = await pdf_from_html(html)
        await asyncio.to_thread(self._store, sale_id, kind, path, pdf)
        return pdf

    def _store(self, sale_id: int, kind: str, path: Path, pdf: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pdf)
        temporary.replace(path)                     # atomic: a reader never sees half a file
        for older in self.directory.glob(f"catalogue-{sale_id}-{kind}-*.pdf"):
            if older != path:
                older.unlink(missing_ok=True)


async def catalogue_pdf(sessions: async_sessionmaker[AsyncSession], cache: CatalogueCache, sale_id: int, *,
                        preview: bool = False) -> tuple[bytes, str]:
    """The catalogue PDF of a sale (NotFound as for its public page) and its file name."""
    sale, found, lots, office = await printable_catalogue(sessions, sale_id, preview=preview)
    html = render_html(TEMPLATE, {"sale": sale, "tariff": found.tariff, "tariff_note": found.note, "lots": lots,
                                  "office": office, "preview": preview,
                                  "first_bid": sale_increments(sale.increments).first_bid})
    pdf = await cache.get(sale.id, "apercu" if preview else "public", html)
    return pdf, f"catalogue-{sale.reference}.pdf"
