"""Security headers on every response (ASGI middleware).

- `Content-Security-Policy` (HTML pages): scripts, styles, images, sockets from this site only, no inline script
  or style (the pages' scripts are files under /static/js), no plugin (`object-src 'none'`), no
  `<base>` (`base-uri 'none'`), never framed (`frame-ancestors 'none'`), forms posted here only;
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
  `Cross-Origin-Opener-Policy: same-origin`;
- `Permissions-Policy`: no camera, microphone or location, but the camera for the pages that film a
  paddle card (the tablet, the checkout desk);
- `Strict-Transport-Security` in production when the request came over HTTPS (behind the proxy);
- an uploaded file (identity scans, publicity proofs, lot photos under /medias) is sent with a
  sandboxing CSP: opened on its own it can run nothing (`UPLOAD_HEADERS` for the pages that send
  one themselves).
"""
from __future__ import annotations

import re

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; object-src 'none'; base-uri 'none'")
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
NO_PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
CAMERA = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=63072000; includeSubDomains"
# The pages whose script films a paddle card (static/js/card-camera.js).
CAMERA_PAGES = re.compile(r"^/bureau/ventes/[0-9]+/(salle|caisse)$")
UPLOADS = ("/medias/",)


def upload_headers(filename: str) -> dict[str, str]:
    """Headers for a file someone uploaded: downloaded, never shown as a page of this site."""
    return {"content-disposition": f'attachment; filename="{filename}"', "content-security-policy": SANDBOX,
            "x-content-type-options": "nosniff", "cache-control": "no-store, private"}


class SecurityHeaders:
    def __init__(self, app, *, production: bool = False):
        self.app = app
        self.production = production

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}

                def add(name: str, value: str) -> None:
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))

                content_type = dict(headers).get(b"content-type", b"")
                if path.startswith(UPLOADS):
                    add("content-security-policy", SANDBOX)
                elif content_type.startswith(b"text/html"):
                    # HTML only: a PDF shown by the browser's viewer is left its own policy.
                    add("content-security-policy", CSP)
                add("x-content-type-options", "nosniff")
                add("referrer-policy", "same-origin")
                add("cross-origin-opener-policy", "same-origin")
                add("permissions-policy", CAMERA if CAMERA_PAGES.match(path) else NO_PERMISSIONS)
                if self.production and https:
                    add("strict-transport-security", HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
