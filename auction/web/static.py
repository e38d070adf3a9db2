"""The static files (frontend/static) under a path that names their version, so that a browser never
mixes the modules of two deploys.

The pages ask for `/static/v/<version>/js/clerk.js` (the `static` template function), `<version>` a
hash of every file under frontend/static. An ES module's relative imports (`./clerk/state.js`,
`../room-socket.js`) resolve under the same prefix, so the whole module graph carries the version
without a build step or an import map (an inline import map would need the CSP to allow an inline
script). A deploy that changes any file changes the version: the pages then name new URLs, and the
files of the current version can be cached for a year (`immutable`).

The unversioned `/static/...` (pages cached before this scheme, bookmarks) and a version that is not
the current one (a page rendered before the deploy, still loading) get the current file with
`no-cache`: the browser keeps it only as long as its ETag still matches, never under a URL whose
content may change.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).resolve().parents[2] / "frontend" / "static"
VERSIONED_PREFIX = "/static/v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def content_version(directory: Path) -> str:
    """A short hash of every file under `directory`, its path and its bytes: the same in every server
    process serving the same files, another as soon as one file changes, is added or goes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@functools.cache
def static_version() -> str:
    """The version of the files this process serves (read once: a deploy restarts the process)."""
    return content_version(STATIC)


def static_url(path: str) -> str:
    """The versioned URL of a file under frontend/static (`js/clerk.js`)."""
    return f"{VERSIONED_PREFIX}/{static_version()}/{path.lstrip('/')}"


class CachedStaticFiles(StaticFiles):
    """StaticFiles with the cache header of the URL asked for: a year for the current version, else
    revalidated at each use (the 304s answered from the ETag)."""

    def file_response(self, full_path, stat_result, scope: Scope, status_code: int = 200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        current = scope.get("path_params", {}).get("static_version") == static_version()
        response.headers["cache-control"] = IMMUTABLE if current else REVALIDATE
        return response

