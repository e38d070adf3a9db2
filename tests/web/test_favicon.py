"""Every page names the site's icon (no browser asks for a missing /favicon.ico), served as a static file."""


async def test_pages_link_the_favicon_and_it_is_served(client):
    for path in ("/", "/connexion", "/salle/999999"):
        response = await client.get(path)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in response.text, path
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and "<title>Criée</title>" in icon.text
