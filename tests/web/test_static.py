"""The static files under a versioned path (auction/web/static.py): the pages name the current
version, every module the tablet imports resolves under it and is cached for a year; the unversioned
URLs and an earlier version still get the current file, revalidated at each use."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from auction.services.demo import DEMO_LOGINS
from auction.web.static import STATIC, content_version, static_url, static_version

from .sockets import session_cookie

CLERK = next(login for login in DEMO_LOGINS if login.role.value == "clerk")
MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"></script>')
# `import "./x.js";`, `import { a } from "../y.js";` (the modules' only imports: relative, static)
IMPORT = re.compile(r'^(?:import|export)\s[^;]*?["\'](\.{1,2}/[^"\']+)["\'];', re.MULTILINE)
YEAR = "public, max-age=31536000, immutable"
TEMPLATES = STATIC.parent / "templates"


async def module_graph(client, entry: str) -> dict[str, str]:
    """Every module reached from `entry` by its imports, each URL with the body served."""
    seen: dict[str, str] = {}
    waiting = [entry]
    while waiting:
        url = waiting.pop()
        if url in seen:
            continue
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith(("text/javascript", "application/javascript")), url
        assert response.headers["cache-control"] == YEAR, url
        seen[url] = response.text
        waiting.extend(urljoin(url, path) for path in IMPORT.findall(response.text))
    return seen


async def test_the_tablet_and_every_module_it_imports_carry_the_version(client, sale_id):
    await session_cookie(client, CLERK.email, CLERK.password)
    page = (await client.get(f"/bureau/ventes/{sale_id}/salle")).text
    prefix = f"/static/v/{static_version()}/"
    assert MODULE_SCRIPT.findall(page) == [f"{prefix}js/clerk.js"]
    assert f'<link rel="stylesheet" href="{prefix}css/room.css">' in page
    graph = await module_graph(client, f"http://testserver{prefix}js/clerk.js")
    # The relative imports resolve under the same prefix: the whole graph, read from disk.
    on_disk = {f"http://testserver{prefix}js/{path.relative_to(STATIC / 'js').as_posix()}"
               for path in (STATIC / "js" / "clerk").glob("*.js")}
    assert on_disk <= set(graph), sorted(on_disk - set(graph))
    assert f"http://testserver{prefix}js/room-socket.js" in graph
    assert f"http://testserver{prefix}js/card-camera.js" in graph
    assert all(url.startswith(f"http://testserver{prefix}") for url in graph)
    for url, body in graph.items():
        assert body == (STATIC / url.removeprefix(f"http://testserver{prefix}")).read_text(), url


async def test_old_urls_get_the_current_file_revalidated(client):
    current = await client.get(static_url("js/room-socket.js"))
    assert current.status_code == 200 and current.headers["cache-control"] == YEAR
    # Unversioned (a page from before) and an earlier version (a page rendered before the deploy): the
    # current file, never kept without asking again, and a 304 while it has not changed.
    for url in ("/static/js/room-socket.js", "/static/v/0123456789abcdef/js/room-socket.js"):
        old = await client.get(url)
        assert old.status_code == 200, url
        assert old.text == current.text, url
        assert old.headers["cache-control"] == "no-cache", url
        again = await client.get(url, headers={"if-none-match": old.headers["etag"]})
        assert again.status_code == 304, url
        assert again.headers["cache-control"] == "no-cache", url
    # A file that is not there, under any prefix: a 404, not an error.
    for url in (static_url("js/gone.js"), "/static/js/gone.js", "/static/v/0123456789abcdef/js/gone.js"):
        assert (await client.get(url)).status_code == 404, url


async def test_public_pages_name_their_styles_and_scripts_under_the_version(client):
    page = (await client.get("/connexion")).text
    assert f'<link rel="stylesheet" href="{static_url("css/criee.css")}">' in page
    assert 'href="/static/css/' not in page and 'src="/static/js/' not in page


def test_no_template_names_an_unversioned_script_or_stylesheet():
    unversioned = re.compile(r'(?:src|href)="/static/(?:js|css)/')
    found = [f"{path.relative_to(TEMPLATES)}:{number}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if unversioned.search(line)]
    assert found == []


def test_the_version_changes_with_any_file(tmp_path: Path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 1;\n")
    (tmp_path / "css.css").write_text("body {}\n")
    first = content_version(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert content_version(tmp_path) == first                 # the same files, the same version
    (tmp_path / "js" / "a.js").write_text("export const a = 2;\n")
    changed = content_version(tmp_path)
    assert changed != first
    (tmp_path / "js" / "a.js").rename(tmp_path / "js" / "b.js")
    renamed = content_version(tmp_path)
    assert renamed not in (first, changed)
    (tmp_path / "js" / "c.js").write_text("")
    assert content_version(tmp_path) not in (first, changed, renamed)
