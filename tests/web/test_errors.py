"""Users never see a stack trace: French error pages instead."""

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
