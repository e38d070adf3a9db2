"""axe-core (WCAG 2.1 A and AA rules): 0 violations on every main page of the app, with the demo data
(`criee demo`: sale 1 announced, sale 2 held and settled), as a visitor, the officer and the bidder.

The pages are found, not listed: from each role's start pages the test follows every same-site link of
every HTML page it opens (one page per address pattern, ids kept for the sales since sale 1 and sale 2
show different things), so a page added later and linked from anywhere is checked too. The room's
screens with a lot on the block are checked in tests/browser/test_screens.py. The pages a role must
reach are asserted to have been found, so the crawl cannot quietly shrink.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from auction.domain.roles import Role
from auction.services.demo import DEMO_LOGINS
from tests.browser.test_screens import TABLET, axe_violations, log_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LOGINS = {login.role: login for login in DEMO_LOGINS}
NUMBER = re.compile(r"/\d+(?=/|$)")
SALE = re.compile(r"^(/(?:bureau/)?(?:ventes|salle)/\d+)")
# Downloads (documents, exports, scans, proofs) and logging out are not pages.
NOT_PAGES = re.compile(r"[./](pdf|csv|xml|zip|json|txt|atom|png|jpe?g|svg|ics|fec|sepa)$|^/(medias|static)/|"
                       r"/deconnexion$|/piece$|/preuves/|/scan$")
MAX_PAGES = 160

# What each crawl must have found (patterns): the main pages of the brief.
PUBLIC_PAGES = {"/", "/ventes/1", "/ventes/1/lots/{n}", "/ventes/1/inscription", "/ventes/1/direct", "/salle/1",
                "/connexion", "/ventes/2", "/ventes/2/lots/{n}"}
# (the sale's lots and the cases are listed on the sale's page and the dashboard: /bureau/ventes/1/lots and
# /bureau/dossiers only take forms)
STAFF_PAGES = {"/bureau", "/bureau/ventes/1", "/bureau/ventes/1/salle", "/bureau/ventes/1/pupitre",
               "/bureau/ventes/1/lots/{n}", "/bureau/ventes/1/lots/nouveau", "/bureau/actes/{n}",
               "/bureau/ventes/1/publicite", "/bureau/ventes/1/inscriptions", "/bureau/ventes/1/inscriptions/{n}",
               "/bureau/ventes/1/reglages", "/bureau/ventes/2/proces-verbal", "/bureau/ventes/2/factures",
               "/bureau/ventes/2/factures/{n}", "/bureau/ventes/2/caisse", "/bureau/ventes/2/caisse/{n}",
               "/bureau/ventes/2/defauts", "/bureau/ventes/2/repartition", "/bureau/echeances",
               "/bureau/dossiers/{n}", "/bureau/etude", "/bureau/tarif", "/bureau/utilisateurs"}
BIDDER_PAGES = {"/mon-espace"}


def pattern(path: str) -> str:
    """/bureau/ventes/2/caisse/7 -> /bureau/ventes/2/caisse/{n}: one page per pattern, per sale."""
    found = SALE.match(path)
    head = found.group(1) if found else ""
    return head + NUMBER.sub("/{n}", path[len(head):])


def crawl(page: Page, starts: list[str], base: str, prefix: tuple[str, ...]) -> dict[str, list[str]]:
    """Every page reachable from `starts` by same-site links under `prefix` (and the home page, if
    "/" is among them): its axe violations."""
    host = urlsplit(base).netloc
    queue, seen, found = list(starts), set(), {}
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        inside = parts.path == "/" or parts.path.startswith(tuple(p for p in prefix if p != "/"))
        if parts.netloc not in ("", host) or NOT_PAGES.search(parts.path) or not inside:
            continue
        key = pattern(parts.path)
        if key in seen:
            continue
        seen.add(key)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = page.request.get(target, timeout=30_000)
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue
        page.goto(target)
        page.wait_for_load_state("networkidle")
        found[key] = axe_violations(page)
        print(f"axe: {key} {len(found[key])} violation(s)")
        links = page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)")
        queue.extend(link.split("#")[0] for link in links)
    return found


def failures(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {path: issues for path, issues in found.items() if issues}


def test_the_check_finds_a_violation_where_there_is_one(new_context):
    """Not a check that passes everything: an image without a text alternative and a field without
    a label are WCAG 2.1 A failures."""
    page = new_context().new_page()
    page.set_content('<!doctype html><html lang="fr"><title>t</title><main><img src="/x.png">'
                     '<input type="text"></main></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "label" in found, found


def test_every_public_page_passes_axe(new_context, live_server):
    page = new_context(**PHONE).new_page()
    found = crawl(page, ["/", "/ventes/1", "/ventes/1/direct", "/salle/1", "/connexion", "/ventes/2"],
                  live_server.base_url, ("/ventes", "/salle", "/connexion", "/inscription", "/"))
    assert failures(found) == {}
    assert PUBLIC_PAGES <= set(found), sorted(found)


def test_every_staff_page_passes_axe(new_context, live_server):
    page = new_context(**TABLET).new_page()
    log_in(page, LOGINS[Role.OFFICER])
    found = crawl(page, ["/bureau", "/bureau/ventes/1", "/bureau/ventes/2", "/bureau/echeances"],
                  live_server.base_url, ("/bureau",))
    assert failures(found) == {}
    assert STAFF_PAGES <= set(found), sorted(found)
    assert len(found) >= 40, sorted(found)


def test_the_bidders_space_passes_axe(new_context, live_server):
    from tests.browser.test_online import log_in as log_in_then

    page = new_context(**PHONE).new_page()
    log_in_then(page, LOGINS[Role.BIDDER], "/mon-espace")
    found = crawl(page, ["/mon-espace"], live_server.base_url, ("/mon-espace",))
    assert BIDDER_PAGES <= set(found), sorted(found)
    assert failures(found) == {}
