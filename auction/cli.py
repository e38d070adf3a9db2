"""The `criee` command: serve, migrate, create the office and users, seed the demo."""
from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys
from collections.abc import Callable

from auction import logs
from auction.config import ConfigError, Settings
from auction.db import Database, DatabaseError, check_reachable, describe
from auction.domain.errors import InvalidValue
from auction.domain.office import clean_office
from auction.domain.roles import Role
from auction.migrations import SchemaOutOfDate, check_at_head, current_revision, head_revision, upgrade

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WS_MAX_SIZE = 64 * 1024   # no screen sends more than a few KiB (auction.web.pages.room): bigger frames close the socket


class CommandError(Exception):
    """Stops the command with one line on stderr and exit status 1."""


def _run(coro_factory: Callable, settings: Settings):
    async def main():
        db = Database.connect(settings.database_url)
        try:
            await check_reachable(db.engine)
            return await coro_factory(db)
        finally:
            await db.dispose()
    return asyncio.run(main())


def _migrate(settings: Settings) -> None:
    _run(lambda db: asyncio.sleep(0), settings)  # reachable, or a clear error
    upgrade(settings.database_url)


def _preflight(settings: Settings) -> None:
    async def check(db: Database):
        await check_at_head(db.engine)
    _run(check, settings)


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn
    if workers < 1:
        raise CommandError("--workers: a number of server processes, 1 or more.")
    if settings.is_sqlite and workers > 1:
        raise CommandError("SQLite runs a single server process: use PostgreSQL (DATABASE_URL) for --workers > 1.")
    _preflight(settings)
    if settings.is_sqlite:
        print("Base SQLite embarquée : un seul processus serveur (PostgreSQL pour en faire tourner plusieurs).")
    elif workers > 1:
        print(f"{workers} processus serveurs ; PostgreSQL (LISTEN/NOTIFY) leur transmet les événements de la salle.")
    print(f"Criée sert sur http://{host}:{port}/ (base : {describe(settings.database_url)})", flush=True)
    # No permessage-deflate: the room's events go out as uncompressed frames written straight to
    # each socket (auction.web.live), so it would only compress snapshots and acks, for about 33 KiB
    # more memory per connection (measured with bench/live.py: 177 → 276 MiB at 3 000 displays).
    uvicorn.run("auction.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_config=logs.uvicorn_log_config(settings.log_level), ws="websockets-sansio",
                ws_per_message_deflate=False, ws_max_size=WS_MAX_SIZE)


def cmd_serve(args, settings):
    _serve(settings, args.host, args.port, args.workers)


def cmd_db_upgrade(args, settings):
    _migrate(settings)
    print(f"Base à jour (révision {head_revision()}) : {describe(settings.database_url)}")


def cmd_db_current(args, settings):
    async def show(db):
        return await current_revision(db.engine)
    current = _run(show, settings)
    head = head_revision()
    state = "à jour" if current == head else f"en retard, la version attendue est {head} : lancez `criee db upgrade`"
    print(f"Révision {current or 'aucune'} ({state})")


def _password(env_name: str, prompt: str) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CommandError(f"No password: set {env_name} or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if first != getpass.getpass("Confirmez : "):
        raise CommandError("Les deux mots de passe diffèrent.")
    return first


def cmd_office_create(args, settings):
    from auction.services.accounts import clean_new_user
    from auction.services.office import OfficeExists, create_office

    details, errors = clean_office({
        "name": args.name, "address": args.address, "postcode": args.postcode, "city": args.city,
        "phone": args.phone or "", "email": args.email or "", "siret": args.siret,
        "client_account_iban": args.iban,
    })
    password = _password("CRIEE_OFFICER_PASSWORD", "Mot de passe du commissaire de justice : ")
    officer, user_errors = clean_new_user({"email": args.officer_email, "full_name": args.officer_name,
                                           "role": Role.OFFICER.value, "password": password})
    errors.update(user_errors)
    if errors:
        raise CommandError("; ".join(f"{field}: {message}" for field, message in errors.items()))

    async def create(db):
        try:
            await create_office(db.sessions, details, officer)
        except OfficeExists as exc:
            raise CommandError(str(exc)) from None
    _preflight(settings)
    _run(create, settings)
    print(f"Étude créée : {details.name}. Connexion : {officer.email}")


def cmd_user_create(args, settings):
    from auction.services.accounts import EmailTaken, clean_new_user, create_user

    password = _password("CRIEE_USER_PASSWORD", "Mot de passe : ")
    new, errors = clean_new_user({"email": args.email, "full_name": args.name, "role": args.role,
                                  "password": password})
    if errors:
        raise CommandError("; ".join(f"{field}: {message}" for field, message in errors.items()))

    async def create(db):
        try:
            await create_user(db.sessions, new)
        except EmailTaken as exc:
            raise CommandError(exc.message) from None
    _preflight(settings)
    _run(create, settings)
    print(f"Compte créé : {new.email} ({new.role.label})")


# The held sale's pages (sale 2 of a new demo), as `criee demo` prints them and README lists them.
HELD_SALE_PAGES = (
    ("Procès-verbal", "/bureau/ventes/{sale}/proces-verbal"),
    ("Bordereaux", "/bureau/ventes/{sale}/factures"),
    ("Caisse", "/bureau/ventes/{sale}/caisse"),
    ("Défauts de paiement", "/bureau/ventes/{sale}/defauts"),
    ("Répartition", "/bureau/ventes/{sale}/repartition"),
    ("Contestations", "/bureau/ventes/{sale}/contestations"),
    ("Dossiers de preuve", "/bureau/ventes/{sale}/preuve"),
    ("Échéances de l'étude", "/bureau/echeances"),
    ("Vigilance (officier)", "/bureau/ventes/{sale}/vigilance"),
    ("Déclarations", "/bureau/declarations"),
)


def cmd_demo(args, settings):
    from auction.formats import PARIS
    from auction.models import utcnow
    from auction.services.demo import DEMO_LOGINS, held_sale_id, seed_demo

    _migrate(settings)

    base = f"http://{args.host}:{args.port}"

    async def seed(db):
        created = await seed_demo(db.sessions, settings.media_dir, utcnow().astimezone(PARIS).date(),
                                  settings.private_dir, base_url=settings.public_url or base, held_sale=True)
        return created, await held_sale_id(db.sessions)
    created, held = _run(seed, settings)
    print("Données de démonstration " + ("créées." if created else "déjà présentes."))
    print(f"  Tablette du clerc : {base}/bureau/ventes/1/salle")
    print(f"  Écran de salle    : {base}/salle/1")
    print(f"  Pupitre           : {base}/bureau/ventes/1/pupitre")
    print(f"  Page en direct    : {base}/ventes/1/direct")
    print(f"  Catalogue public  : {base}/ventes/1")
    if held is not None:     # a demo seeded before the held sale existed has none
        print(f"  Vente tenue (vente {held}, deux séances closes et signées, puis l'après-vente) :")
        for label, path in HELD_SALE_PAGES:
            print(f"    {label:<22} {base}{path.format(sale=held)}")
    print("  Comptes de démonstration :")
    for login in DEMO_LOGINS:
        print(f"    {login.role.label:<24} {login.email} / {login.password}")
    if args.simulate:
        os.environ["CRIEE_SIMULATE_SALE"] = "1"
        print("  Salle simulée : des enchérisseurs automatiques font avancer la vente 1.")
    if args.serve:
        _serve(settings, args.host, args.port)


def cmd_purge_scans(args, settings):
    from auction.models import utcnow
    from auction.services.id_scans import purge_scans

    months = settings.scan_retention_months if args.months is None else args.months
    if months < 0:
        raise CommandError("--months: a number of months, 0 or more.")

    async def purge(db):
        return await purge_scans(db.sessions, settings.private_dir, months, utcnow())
    _preflight(settings)
    count = _run(purge, settings)
    done = ("Aucune copie de pièce d'identité à supprimer" if count == 0 else
            f"{count} copie{'s' if count > 1 else ''} de pièce d'identité supprimée{'s' if count > 1 else ''}")
    print(f"{done} (conservation : {months} mois après le règlement de la vente).")


def cmd_secret(args, settings):
    print(secrets.token_urlsafe(48))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="criee", description="Criée, la salle des ventes judiciaires.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default=os.environ.get("CRIEE_HOST", DEFAULT_HOST))
    serve.add_argument("--port", type=int, default=int(os.environ.get("CRIEE_PORT", DEFAULT_PORT)))
    serve.add_argument("--workers", type=int, default=os.environ.get("CRIEE_WORKERS", "1"),
                       help="server processes (PostgreSQL only; they share the live rooms through LISTEN/NOTIFY); "
                            "default CRIEE_WORKERS or 1")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(func=cmd_db_upgrade)
    db.add_parser("current", help="show the schema revision").set_defaults(func=cmd_db_current)

    office = sub.add_parser("office", help="the office").add_subparsers(dest="office_command", required=True)
    create = office.add_parser("create", help="create the office and its first officer "
                                              "(password from CRIEE_OFFICER_PASSWORD or prompted)")
    for flag in ("--name", "--address", "--postcode", "--city", "--siret", "--iban",
                 "--officer-email", "--officer-name"):
        create.add_argument(flag, required=True)
    create.add_argument("--phone")
    create.add_argument("--email")
    create.set_defaults(func=cmd_office_create)

    user = sub.add_parser("user", help="accounts").add_subparsers(dest="user_command", required=True)
    user_create = user.add_parser("create", help="create an account (password from CRIEE_USER_PASSWORD or prompted)")
    user_create.add_argument("--email", required=True)
    user_create.add_argument("--name", required=True)
    user_create.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_create.set_defaults(func=cmd_user_create)

    demo = sub.add_parser("demo", help="seed the demo office and sale (and serve it with --serve)")
    demo.add_argument("--serve", action="store_true")
    demo.add_argument("--simulate", action="store_true", help="with --serve: robot bidders run the demo sale")
    demo.add_argument("--host", default=os.environ.get("CRIEE_HOST", DEFAULT_HOST))
    demo.add_argument("--port", type=int, default=int(os.environ.get("CRIEE_PORT", DEFAULT_PORT)))
    demo.set_defaults(func=cmd_demo)

    from auction.cli_verify_log import add_parsers as add_verify_log_parsers
    add_verify_log_parsers(sub)
    from auction.cli_evidence import add_parsers as add_evidence_parsers
    add_evidence_parsers(sub)
    from auction.cli_sale_record import add_parsers as add_sale_record_parsers
    add_sale_record_parsers(sub)

    purge = sub.add_parser("purge-scans", help="delete the identity scans of sales settled more than "
                                                "CRIEE_SCAN_RETENTION_MONTHS months ago, and say how many")
    purge.add_argument("--months", type=int, help="retention in months (default: CRIEE_SCAN_RETENTION_MONTHS)")
    purge.set_defaults(func=cmd_purge_scans)

    sub.add_parser("secret", help="print a new secret key").set_defaults(func=cmd_secret)
    from auction.cli_funds import add_parsers as add_funds_parsers
    add_funds_parsers(sub)
    from auction.cli_invoices import add_parsers as add_invoice_parsers
    add_invoice_parsers(sub)
    from auction.cli_distribution import add_parsers as add_distribution_parsers
    add_distribution_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "secret":
        cmd_secret(args, None)
        return 0
    if args.command == "verify-evidence":      # a file on its own: no settings, no database
        try:
            args.func(args, None)
        except (CommandError, InvalidValue) as exc:
            print(f"criee: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
            return 1
        return 0
    try:
        settings = Settings.from_env()
        logs.configure(settings.log_level)
        args.func(args, settings)
    except (ConfigError, DatabaseError, SchemaOutOfDate, CommandError, InvalidValue) as exc:
        print(f"criee: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
