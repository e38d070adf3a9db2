"""The Starlette application: routes, error pages, and the database opened at start-up."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from auction.config import Settings
from auction.db import Database, check_reachable
from auction.migrations import check_at_head
from auction.services.appends import Appends
from auction.services.appends_sqlite import SqliteAppends, file_url
from auction.services.rate_limits import limit_store, sweep_forever
from auction.services.online_refusals import RefusalRecorder
from auction.models import utcnow
from auction.services.screens import ScreenRecorder, close_stopped
from auction.services.relay import Relay, listener_dsn
from auction.services.room import RoomRegistry
from auction.services.simulation import simulate_sale as simulate_sale_task

from . import errors
from .access import PUBLIC, Access, page, public_mount
from .direct_writes import DirectWrites
from .headers import SecurityHeaders
from .live import Hubs
from .pages import (audit, auth, barred_persons, bidder_accounts, bidder_checks, cards, cases, catalogue, feed,
                    id_scans, inventory, lots, office, online, personal_data, publicity, registration,
                    registration_rules, room, room_settings, sale_forms, sales, verification)
from .pages import registration_mail
from .pages import rostrum
from .pages import sale_record
from .pages import record_copies
from .pages import evidence as evidence_pages
from .pages import record_register
from .pages import record_signing
from .pages import checkout
from .pages import defaults as default_pages
from .pages import invoices as invoice_pages
from .pages import distribution as distribution_pages
from .pages import vigilance as vigilance_pages
from .pages import declarations as declaration_pages
from .pages import contests as contest_pages
from .static import STATIC, VERSIONED_PREFIX, CachedStaticFiles

log = logging.getLogger("criee.web")


async def health(request: Request) -> Response:
    await check_reachable(request.app.state.db.engine)
    return JSONResponse({"status": "ok"})


def build_routes(settings: Settings) -> list:
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    routes = [
        *auth.routes,
        *cases.routes,
        *sale_forms.routes,   # before sales.routes: /bureau/ventes/nouvelle is not a sale id
        *sales.routes,
        *catalogue.routes,
        *office.routes,
        *inventory.routes,
        *lots.routes,
        *registration_rules.routes,   # before registration.routes: /inscriptions/regles is not a registration id
        *barred_persons.routes,
        *registration.routes,
        *bidder_checks.routes,   # after registration.routes: /inscriptions/nouvelle is not a registration id
        *registration_mail.routes,
        *id_scans.routes,
        *cards.routes,
        *personal_data.routes,
        *bidder_accounts.routes,
        *room.routes,
        *rostrum.routes,
        *online.routes,
        *room_settings.routes,
        *verification.routes,
        *publicity.routes,
        *default_pages.routes,
        *feed.routes,
        *audit.routes,
        *record_register.routes,
        *record_signing.routes,
        *record_copies.routes,    # before sale_record.routes: /copies is not a session
        *evidence_pages.routes,
        *sale_record.routes,
        *checkout.routes,
        *invoice_pages.routes,
        *distribution_pages.routes,
        *vigilance_pages.routes,
        *declaration_pages.routes,
        *contest_pages.routes,
        page("/sante", health, access=PUBLIC),
        # The versioned URLs the pages name first: "/static" would take them for a folder "v" (static.py).
        public_mount(f"{VERSIONED_PREFIX}/{{static_version}}", CachedStaticFiles(directory=STATIC),
                     name="static_versioned"),
        public_mount("/static", CachedStaticFiles(directory=STATIC), name="static"),
        public_mount("/medias", StaticFiles(directory=settings.media_dir), name="media"),
    ]
    require_access_rules(routes)
    return routes


def require_access_rules(routes: list) -> None:
    """Refuse to build an app in which a route has not declared who may call it."""
    missing = [getattr(r, "path", repr(r)) for r in routes if not isinstance(getattr(r, "access", None), Access)]
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")


def middleware(settings: Settings) -> list[Middleware]:
    """The app's middleware, outermost first.

    DirectWrites: the room's fan-out writes frames to uvicorn's sockets. It must come first: it finds
    uvicorn's protocol object as the `send` it is given, so any middleware before it that wraps a
    websocket's `send` (ErrorPages does) would hide it, and every screen would fall back to a queue
    and a task of its own (about ten times the fan-out's CPU: bench/live.py).
    SecurityHeaders: CSP and the other security headers on every response (auction.web.headers).
    ErrorPages: a request id, and every unhandled error logged once and answered in French.
    """
    return [Middleware(DirectWrites), Middleware(SecurityHeaders, production=settings.production),
            Middleware(errors.ErrorPages)]


def create_app(settings: Settings | None = None, database: Database | None = None,
               simulate_sale: int | None = None) -> Starlette:
    """The app. Given a `database`, it uses it as is (tests); otherwise it opens and checks its own.
    `simulate_sale` (or CRIEE_SIMULATE_SALE) runs robot bidders in that sale, for the demo."""
    settings = settings or Settings.from_env()
    if simulate_sale is None and os.environ.get("CRIEE_SIMULATE_SALE", "").isdigit():
        simulate_sale = int(os.environ["CRIEE_SIMULATE_SALE"])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        own = database is None
        db = database or Database.connect(settings.database_url)
        relay = app.state.relay = None
        appends = limits = sweeper = None
        try:
            if own:
                await check_reachable(db.engine)
                await check_at_head(db.engine)
            app.state.db = db
            app.state.rooms = RoomRegistry(db.sessions)
            app.state.hubs = Hubs()
            limits = app.state.limit_store = limit_store(db, own)    # PostgreSQL's table, or memory on SQLite
            rooms = app.state.rooms.rooms
            # Online bids refused: recorded after the bidder's answer, waiting for the room's commands.
            busy = lambda sale_id: sale_id in rooms and rooms[sale_id].commands_in_flight > 0  # noqa: E731
            app.state.refusals = RefusalRecorder(db.sessions, busy=busy)
            # The screens connected to each room: recorded likewise, off the socket's accept.
            app.state.screens = ScreenRecorder(db.sessions, busy=busy)
            try:    # the screens a killed process of this host left connected: closed now, their end unknown
                await close_stopped(db.sessions, utcnow())
            except Exception:   # noqa: BLE001 - the record stays as it was; the sale must still open
                log.exception("screens left by a stopped server process not closed")
            if db.dialect == "postgresql":       # other server processes may share the database
                relay = app.state.relay = Relay(db.engine.url, app.state.rooms)
                await relay.start()              # listening before any log is replayed
                if own:                          # the room's appends in one round trip
                    appends = Appends(listener_dsn(db.engine.url))
            elif own and (database_file := file_url(db.engine.url)) is not None:
                appends = SqliteAppends(database_file)    # in one hop to a thread of their own
            if appends is not None:
                app.state.rooms.opened.append(lambda room: setattr(room, "append", appends.append))
            live = await app.state.rooms.load_live_sales()   # replay the log of every sale in progress
            if own:
                # What start-up made lives as long as the process: keep it out of every later full
                # collection (about 100 000 objects, ~0.1 s per collection on this hardware).
                gc.collect()
                gc.freeze()
            log.info("ready", extra={"database": db.dialect, "live_sales": live})
            simulation = (asyncio.create_task(simulate_sale_task(app.state.rooms, simulate_sale))
                          if simulate_sale else None)
            sweeper = asyncio.create_task(sweep_forever(limits, time.time))
            yield
            if simulation is not None:
                simulation.cancel()
        finally:
            if sweeper is not None:
                sweeper.cancel()
            if limits is not None:
                await limits.close()
            if getattr(app.state, "refusals", None) is not None:
                await app.state.refusals.close()
            if getattr(app.state, "screens", None) is not None:
                await app.state.screens.close()
            if relay is not None:
                await relay.close()
            if appends is not None:
                await appends.close()
            if own:
                await db.dispose()

    app = Starlette(
        debug=False,
        routes=build_routes(settings),
        middleware=middleware(settings),
        exception_handlers={HTTPException: errors.http_exception},
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
