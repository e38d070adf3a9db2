"""Every GET route of the route table answers with the security headers; uploaded files are
downloads with a sandboxing CSP; the camera is allowed to the pages that film a paddle card only."""
import re

from starlette.routing import Route

from auction.domain.roles import Role
from auction.web.headers import CSP, SANDBOX, SecurityHeaders

PARAM = re.compile(r"\{[^}]+\}")
HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
           "cross-origin-opener-policy": "same-origin"}


def check(response, where: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    csp = response.headers.get("content-security-policy", "")
    if "text/html" not in response.headers.get("content-type", "") and not csp:
        return   # a PDF, an image, JSON: no page to protect
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        assert directive in csp, f"{where}: {directive}"
    assert "unsafe-inline" not in csp or csp == SANDBOX, where
    assert "permissions-policy" in response.headers, where


async def test_every_get_route_sends_the_security_headers(app, client, users, login):
    checked = 0
    for role in (None, Role.OFFICER, Role.CLERK, Role.BIDDER):
        client.cookies.clear()
        if role is not None:
            await login(client, users[role])
        for route in app.routes:
            if isinstance(route, Route) and "GET" in route.methods:
                path = PARAM.sub("1", route.path)
                response = await client.get(path)
                check(response, f"{role} GET {path} ({response.status_code})")
                camera = "camera=(self)" in response.headers["permissions-policy"]
                assert camera == bool(re.fullmatch(r"/bureau/ventes/1/(salle|caisse)", path)), path
                checked += 1
    assert checked > 100
    check(await client.get("/nulle-part"), "404")
    check(await client.get("/static/css/criee.css"), "static")


async def test_an_identity_scan_is_a_download_with_a_sandboxing_csp():
    from auction.web.headers import upload_headers
    headers = upload_headers("piece-3.jpg")
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["content-security-policy"] == SANDBOX


async def test_html_pages_carry_no_inline_script_or_style(app, client, users, login):
    await login(client, users[Role.CLERK])
    for route in app.routes:
        if isinstance(route, Route) and "GET" in route.methods:
            response = await client.get(PARAM.sub("1", route.path))
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            for script in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, flags=re.S):
                attributes, body = script
                assert "src=" in attributes or 'type="application/' in attributes, f"{route.path}: inline script"
            assert "<style" not in response.text and " style=\"" not in response.text, route.path
            assert not re.search(r"\son[a-z]+=\"", response.text), f"{route.path}: inline handler"


def test_the_policy_is_strict():
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP and "'unsafe" not in CSP
    assert SANDBOX.startswith("sandbox")


async def test_hsts_in_production_behind_https_only():
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message):
        sent.append(dict(message["headers"]))

    for production, scheme in ((True, "https"), (True, "http"), (False, "https")):
        await SecurityHeaders(app, production=production)({"type": "http", "path": "/", "scheme": scheme}, None, send)
    assert b"strict-transport-security" in sent[0]
    assert b"strict-transport-security" not in sent[1] and b"strict-transport-security" not in sent[2]
