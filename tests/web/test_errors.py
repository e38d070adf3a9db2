"""Users never see a stack trace: French error pages instead."""

import html
import re

from auction.domain.roles import Role
from auction.web.access import PUBLIC, page


async def test_unknown_page_is_a_french_404(client):
    response = await client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert '<html lang="fr">' in response.text


async def test_unannounced_or_missing_sale_is_not_public(client):
    response = await client.get("/ventes/999999")
    assert response.status_code == 404
    response = await client.get("/ventes/abc")
    assert response.status_code == 404


async def test_a_crash_shows_a_french_page_and_logs_the_traceback(settings, db, caplog):
    import httpx

    from auction.web.app import create_app

    async def boom(request):
        raise RuntimeError("secret internal detail")

    app = create_app(settings, database=db)
    app.router.routes.append(page("/boom", boom, access=PUBLIC))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            response = await c.get("/boom")
    assert response.status_code == 500
    assert "Erreur interne" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert any("secret internal detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


async def test_a_get_on_any_post_only_address_shows_a_french_page_with_a_link_up(app, client, users, login):
    """Every route of the table that takes only POST: opened as a link, it answers 405 with the form
    address page (French, Allow header, a link to the nearest page above it), never a bare refusal."""
    from starlette.routing import Route

    from .test_access import concrete

    def served_by_get(path: str) -> bool:
        return any(isinstance(r, Route) and "GET" in r.methods and r.path_regex.match(path) for r in app.routes)

    post_only = [concrete(route.path) for route in app.routes if isinstance(route, Route)
                 and "GET" not in route.methods and not served_by_get(concrete(route.path))]
    assert len(post_only) > 50
    await login(client, users[Role.OFFICER])
    for path in post_only:
        response = await client.get(path)
        assert response.status_code == 405, path
        assert "POST" in response.headers["allow"], path
        body = html.unescape(response.text)
        assert "Adresse d'un formulaire" in body and "rien n'a été fait ni enregistré" in body, path
        assert "Action impossible" not in body, path
        back = re.search(r'<a href="([^"]+)" id="error-back">← Revenir à la page</a>', body)
        if back:
            target = back.group(1)
            assert path.startswith(target + "/"), (path, target)
            assert served_by_get(target), (path, target)
    head = await client.head(post_only[0])
    assert head.status_code == 405


async def test_the_link_up_names_the_page_the_form_belongs_to(client, users, login):
    await login(client, users[Role.CLERK])
    response = await client.get("/bureau/ventes/1/inscriptions/5/verifier")
    assert response.status_code == 405
    assert '<a href="/bureau/ventes/1/inscriptions/5" id="error-back">' in response.text
    assert users[Role.CLERK].full_name in response.text, "signed in, the header as on any page"
    other = await client.put("/bureau/ventes/1/inscriptions/5")
    assert other.status_code == 405 and "Action impossible" in other.text
