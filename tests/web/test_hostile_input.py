"""No input gives a 500: every form of every page, posted with hostile values as each role.

The test seeds the demo office (cases, a sale of 40 lots, registrations, publicity), then enumerates
the app's route table: every GET route is loaded as each role with real ids, its forms (action,
method, fields) are read from the HTML, and every POST route nobody links to gets its own entry.
Then:

- a sweep posts every form once per hostile value (NUL byte, 2**31, `²`, text past its column, year 1,
  ...) in every field, and loads every route with a hostile id or query value;
- Hypothesis draws more combinations (a value per field, from the hostile ones and arbitrary text),
  bounded by `EXAMPLES`.

Each answer must be below 500, show no traceback and log no error; an answer that refuses (4xx)
must leave every table as it was (nothing half-written).
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select
from starlette.routing import Route

from auction.models import (AmicableOffer, Base, BarredPerson, Bidder, Case, InventoryAct, InventoryItem, Lot,
                            PublicationAct, Registration, Sale)
from auction.models.limits import INT_MAX
from auction.services.demo import DEMO_LOGINS, seed_demo

from ..services.test_registration import sale as sale_for_registration  # noqa: F401 - fixture

ANSWER_TIMEOUT = 20
EXAMPLES = int(os.environ.get("CRIEE_HOSTILE_EXAMPLES", "60"))

HOSTILE = [
    "\x00", "Commode\x00 Louis XV", "a\x1b[31mb", str(INT_MAX + 1), "99999999999999999999", "-2147483649",
    "²", "١٢", "x" * 301, "é" * 5000, "0001-01-01", "9999-12-31", "1-01-01", "2026-02-30", "25:99",
    "1e308", "NaN", "-1", "0", "", "<script>alert(1)</script>", "' OR 1=1 --", "1,5", "1 000 000 000 000 000,00",
]
PATH_HOSTILE = [str(INT_MAX + 1), "²", "-1", "1%00"]
FILES = (".pdf", ".png", ".zip", ".txt", ".xml", ".csv")   # documents: no forms, slow to make
SKIPPED = {"/deconnexion"}   # the role's session must outlive the test's posts
ROLES = ("anonymous", "officer", "clerk", "bidder")
# What records attempts and readings, refused ones included: the audit log (a refused announcement is
# audited) and the personal-data access log.
JOURNALS = {"audit_log", "personal_data_access_log"}
# On PostgreSQL the rate limits' counts (auction.services.rate_limits): a refused attempt counts, on purpose.
COUNTED = {"rate_limits"}


class Forms(HTMLParser):
    """The forms of a page: (action, method, {field: input type})."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.current = page, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = (attrs.get("action") or self.page, (attrs.get("method") or "get").lower(), {})
            self.forms.append(self.current)
        elif tag in ("input", "select", "textarea", "button") and self.current is not None and attrs.get("name"):
            kind = attrs.get("type", tag) if tag == "input" else tag
            if attrs["name"] != "csrf_token" and kind not in ("submit", "button", "hidden") or kind == "hidden":
                self.current[2].setdefault(attrs["name"], kind)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


async def _ids(db) -> dict[str, int | str]:
    async with db.sessions() as session:
        first = lambda column, *where: session.scalar(select(func.min(column)).where(*where))  # noqa: E731
        sale = await first(Sale.id)
        act = await first(InventoryAct.id)
        return {
            "sale_id": sale, "lot_id": await first(Lot.id, Lot.sale_id == sale), "case_id": await first(Case.id),
            "act_id": act, "item_id": await first(InventoryItem.id, InventoryItem.act_id == act),
            "registration_id": await first(Registration.id, Registration.sale_id == sale),
            "bidder_id": await first(Bidder.id), "offer_id": await first(AmicableOffer.id) or 1,
            "barred_id": await first(BarredPerson.id) or 1, "record_id": await first(PublicationAct.id) or 1,
            "paddle": await first(Registration.paddle_number, Registration.sale_id == sale) or 1,
            "kind": "affiche", "token": "jeton-inconnu",
        }


PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


def concrete(path: str, ids: dict, hostile: tuple[str, str] | None = None) -> str:
    def value(match):
        name = match.group(1)
        if hostile and hostile[0] == name:
            return hostile[1]
        return str(ids.get(name, 1))
    return PARAM.sub(value, path)


COUNTS = select(*(select(func.count()).select_from(table).scalar_subquery().label(name)
                  for name, table in Base.metadata.tables.items()))


async def _counts(db) -> dict[str, int]:
    """Every table's row count, in one query."""
    async with db.sessions() as session:
        return dict((await session.execute(COUNTS)).one()._mapping)


class Site:
    """The seeded app as each role sees it: a logged-in client, a CSRF token, the forms it can post."""

    def __init__(self, app, db):
        self.app, self.db = app, db
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.tokens: dict[str, str] = {}
        self.forms: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
        self.gets: list[str] = []
        self.posts: list[str] = []

    async def open(self, settings_) -> None:
        await seed_demo(self.db.sessions, settings_.media_dir, date.today(), settings_.private_dir)
        self.ids = await _ids(self.db)
        routes = self.routes = [r for r in self.app.routes if isinstance(r, Route) and r.path not in SKIPPED]
        self.first: dict[tuple[str, str], str] = {}
        self.gets = [r.path for r in routes if "GET" in r.methods]
        self.posts = [r.path for r in routes if "POST" in r.methods]
        logins = {login.role.value: login for login in DEMO_LOGINS}
        for role in ROLES:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver")
            self.clients[role] = client
            page = await client.get("/connexion")
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
            if role != "anonymous":
                login = logins[role]
                answer = await client.post("/connexion", data={"email": login.email, "password": login.password,
                                                                "csrf_token": token})
                assert answer.status_code == 303, answer.text
            forms = {}
            for path in self.gets:
                if path.endswith(FILES):
                    continue
                url = concrete(path, self.ids)
                answer = await client.get(url)
                assert answer.status_code < 500, f"{role} GET {url}: {answer.status_code}"
                found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', answer.text)
                if found:
                    self.tokens[role] = found.group(1)
                if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
                    continue
                parser = Forms(url)
                parser.feed(answer.text)
                for action, method, fields in parser.forms:
                    target = urlsplit(action)
                    if target.netloc or not target.path.startswith("/") or target.path in SKIPPED:
                        continue
                    template = self.template(target.path)   # one form per route (a sale's 40 lots share theirs)
                    if template is None and method == "post":
                        continue
                    key = (self.first.setdefault((template or target.path, method), target.path), method)
                    forms.setdefault(key, {}).update(fields)
            for path in self.posts:   # a POST route no page of this role links to is posted too
                url = self.first.setdefault((path, "post"), concrete(path, self.ids))
                forms.setdefault((url, "post"), {})
            self.forms[role] = [(path, method, fields) for (path, method), fields in sorted(forms.items())]
            self.tokens.setdefault(role, token)

    def template(self, path: str) -> str | None:
        for route in self.routes:
            if route.path_regex.match(path):
                return route.path
        return None

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def send(self, role: str, path: str, method: str, values: dict[str, str], caplog) -> httpx.Response:
        client = self.clients[role]
        before = await _counts(self.db) if method == "post" else None   # a page that only shows writes nothing
        caplog.clear()
        files = {name: (values.pop(name) or "x.pdf", b"%PDF-1.4\n%\xe2\xe3\n", "application/pdf")
                 for name, kind in self.field_kinds.items() if kind == "file" and name in values}
        where = f"{role} {method.upper()} {path} {values!r}"
        if method == "post":
            data = {**values, "csrf_token": self.tokens[role]}
            request = client.post(path, data=data, files=files or None)
        else:
            request = client.get(path, params=values)
        try:
            answer = await asyncio.wait_for(request, ANSWER_TIMEOUT)
        except TimeoutError:
            pytest.fail(f"{where}: no answer within {ANSWER_TIMEOUT} s")
        assert answer.status_code < 500, f"{where}: {answer.status_code}"
        assert "Traceback" not in answer.text, where
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, f"{where}: logged {[r.getMessage() for r in errors]}"
        if before is not None and 400 <= answer.status_code < 500:
            after = await _counts(self.db)
            changed = {name: (before[name], after[name]) for name in before
                       if before[name] != after[name] and name not in JOURNALS | COUNTED}
            assert not changed, f"{where}: refused ({answer.status_code}) but wrote {changed}"
        return answer

    field_kinds: dict[str, str] = {}


@pytest.fixture
async def site(app, db, settings):
    site = Site(app, db)
    await site.open(settings)
    yield site
    await site.close()


async def test_every_form_and_route_takes_hostile_values_without_a_500(site, caplog):
    caplog.set_level(logging.WARNING)
    posted = 0
    for role in ROLES:
        for index, (path, method, fields) in enumerate(site.forms[role]):
            site.field_kinds = fields
            # Each form gets hostile values in every field, rotated across fields (two rounds on SQLite,
            # one on PostgreSQL, where the table counts that check nothing was written cost more).
            for shift in range(2 if site.db.dialect == "sqlite" else 1):
                values = {name: HOSTILE[(index + shift * 7 + i) % len(HOSTILE)] for i, name in enumerate(fields)}
                await site.send(role, path, method, values, caplog)
                posted += 1
        for path in site.gets:
            for name in PARAM.findall(path) if role == "clerk" else ():   # the router answers, whoever asks
                for bad in PATH_HOSTILE:
                    url = concrete(path, site.ids, (name, bad))
                    answer = await site.send(role, url, "get", {}, caplog)
                    assert answer.status_code in (404, 303, 403, 401) or name in ("kind", "token"), \
                        f"{role} GET {url}: {answer.status_code}"
            if path.endswith(FILES):
                continue
            await site.send(role, concrete(path, site.ids), "get",
                            {"q": "\x00", "seq": str(INT_MAX + 1), "vente": "²", "page": "x" * 2000}, caplog)
    assert posted > 100


def hostile_text():
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                     st.integers(min_value=-2**70, max_value=2**70).map(str),
                     st.dates(min_value=date(1, 1, 1)).map(date.isoformat))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
async def test_generated_values_in_any_form_as_any_role(site, caplog, data):
    caplog.set_level(logging.WARNING)
    role = data.draw(st.sampled_from(ROLES), label="role")
    path, method, fields = data.draw(st.sampled_from(site.forms[role]), label="form")
    site.field_kinds = fields
    names = sorted(fields) + ["extra"]
    values = data.draw(st.fixed_dictionaries({}, optional={name: hostile_text() for name in names}), label="values")
    await site.send(role, path, method, values, caplog)


# --- the registration forms: bad text shows the form again --------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("last_name", "Martin\x00Dupré", "Le champ « Nom » contient un caractère non permis"),
    ("city", "Lyon\x1b[31m", "Le champ « Commune » contient un caractère non permis"),
    ("address", "x" * 5000, "Le champ « Adresse » est trop long"),
])
async def test_bad_text_in_the_public_registration_form_shows_the_form_again(
        client, db, sale_for_registration, settings, field, value, message):
    from .test_registration_pages import register_online, text
    before = await _counts(db)
    answer = await register_online(client, sale_for_registration.id, **{field: value})
    assert answer.status_code == 400
    page = text(answer)
    assert message in page and "S'inscrire pour enchérir" in page and "Rien n'a été enregistré" in page
    assert 'value="Léa"' in page and "\x00" not in page and "\x1b" not in page   # the rest comes back, cleaned
    assert "Joignez de nouveau la copie" in page
    assert await _counts(db) == before
    assert not settings.private_dir.exists() or not any(p.is_file() for p in settings.private_dir.rglob("*"))


async def test_bad_text_in_the_desk_registration_form_shows_the_form_again(
        client, db, sale_for_registration, users, login):
    from auction.domain.roles import Role

    from ..conftest import csrf_from
    from ..domain.test_registration import form
    from .test_registration_pages import text
    await login(client, users[Role.CLERK])
    url = f"/bureau/ventes/{sale_for_registration.id}/inscriptions"
    token = await csrf_from(client, f"{url}/nouvelle")
    before = await _counts(db)
    answer = await client.post(url, data={"csrf_token": token, **form(first_name="Léa\x00")})
    assert answer.status_code == 400
    page = text(answer)
    assert "Le champ « Prénom » contient un caractère non permis" in page and 'value="Martin-Dupré"' in page
    assert await _counts(db) == before
