"""The Starlette application: routes, error pages, and the database opened at start-up."""
from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from auction.config import Settings
from auction.db import Database, check_reachable
from auction.migrations import check_at_head

from . import errors
from .access import PUBLIC, Access, page, public_mount
from .pages import auth, office, sales
from .templates import FRONTEND

log = logging.getLogger("criee.web")


async def health(request: Request) -> Response:
    await check_reachable(request.app.state.db.engine)
    return JSONResponse({"status": "ok"})


def build_routes(settings: Settings) -> list:
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    routes = [
        *auth.routes,
        *sales.routes,
        *office.routes,
        page("/sante", health, access=PUBLIC),
        public_mount("/static", StaticFiles(directory=FRONTEND / "static"), name="static"),
        public_mount("/medias", StaticFiles(directory=settings.media_dir), name="media"),
    ]
    require_access_rules(routes)
    return routes


def require_access_rules(routes: list) -> None:
    """Refuse to build an app in which a route has not declared who may call it."""
    missing = [getattr(r, "path", repr(r)) for r in routes if not isinstance(getattr(r, "access", None), Access)]
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """The app. Given a `database`, it uses it as is (tests); otherwise it opens and checks its own."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        own = database is None
        db = database or Database.connect(settings.database_url)
        try:
            if own:
                await check_reachable(db.engine)
                await check_at_head(db.engine)
            app.state.db = db
            log.info("ready", extra={"database": db.dialect})
            yield
        finally:
            if own:
                await db.dispose()

    app = Starlette(
        debug=False,
        routes=build_routes(settings),
        exception_handlers={HTTPException: errors.http_exception, Exception: errors.server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
