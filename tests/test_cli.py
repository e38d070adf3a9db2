"""The `criee` command: bad set-ups end with one clear line and a non-zero exit, never a traceback."""
import os
import subprocess
import sys



def criee(*args, env=None, input=None, timeout=60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CRIEE_", "DATABASE_URL"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "auction.cli", *args], env=full_env, capture_output=True,
                          text=True, input=input, timeout=timeout)


def one_line_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("criee: ")
    return lines[0]


def test_wrong_database_url(tmp_path):
    line = one_line_error(criee("db", "upgrade", env={"DATABASE_URL": "mysql://root@localhost/criee",
                                                       "CRIEE_DATA_DIR": str(tmp_path)}))
    assert "PostgreSQL" in line


def test_unreachable_postgresql(tmp_path):
    line = one_line_error(criee("serve", env={"DATABASE_URL": "postgresql://criee:criee@127.0.0.1:9/criee",
                                              "CRIEE_DATA_DIR": str(tmp_path)}))
    assert "Cannot reach the database" in line and "start PostgreSQL or fix DATABASE_URL" in line
    assert "criee:criee@" not in line  # no password in messages


def test_missing_secret_in_production(tmp_path):
    line = one_line_error(criee("serve", env={"CRIEE_ENV": "production", "CRIEE_DATA_DIR": str(tmp_path)}))
    assert "CRIEE_SECRET_KEY" in line and "criee secret" in line


def test_schema_behind_the_code(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    line = one_line_error(criee("serve", env=env))
    assert "criee db upgrade" in line
    upgraded = criee("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = criee("db", "current", env=env)
    assert "à jour" in current.stdout


def test_office_create_then_refuse_a_second(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path),
           "CRIEE_OFFICER_PASSWORD": "un-mot-de-passe-solide"}
    assert criee("db", "upgrade", env=env).returncode == 0
    args = ["office", "create", "--name", "Étude Test", "--address", "1 rue du Palais", "--postcode", "69005",
            "--city", "Lyon", "--siret", "81234567600017", "--iban", "FR7630006000011234567890189",
            "--officer-email", "me@etude.fr", "--officer-name", "Me Jeanne Test"]
    created = criee(*args, env=env)
    assert created.returncode == 0, created.stderr
    assert "Étude créée" in created.stdout
    assert "déjà son étude" in one_line_error(criee(*args, env=env))


def test_office_create_reports_bad_siret_and_creates_nothing(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path),
           "CRIEE_OFFICER_PASSWORD": "un-mot-de-passe-solide"}
    assert criee("db", "upgrade", env=env).returncode == 0
    line = one_line_error(criee("office", "create", "--name", "Étude", "--address", "1 rue", "--postcode", "69005",
                                "--city", "Lyon", "--siret", "123", "--iban", "FR76", "--officer-email", "me@etude.fr",
                                "--officer-name", "Me Test", env=env))
    assert "SIRET" in line and "IBAN" in line


def test_office_create_without_password_in_a_pipe(fresh_database_url, tmp_path):
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path)}
    line = one_line_error(criee("office", "create", "--name", "Étude", "--address", "1 rue", "--postcode", "69005",
                                "--city", "Lyon", "--siret", "81234567600017", "--iban", "FR7630006000011234567890189",
                                "--officer-email", "me@etude.fr", "--officer-name", "Me Test", env=env, input=""))
    assert "CRIEE_OFFICER_PASSWORD" in line


def test_secret_prints_a_usable_key():
    result = criee("secret", env={"CRIEE_ENV": "production"})
    assert result.returncode == 0
    assert len(result.stdout.strip()) >= 32


def test_purge_scans_deletes_the_scans_of_sales_settled_long_ago(fresh_database_url, tmp_path):
    import asyncio
    from datetime import date, timedelta

    from sqlalchemy import update

    from auction.db import Database
    from auction.migrations import upgrade
    from auction.models import Sale, utcnow
    from auction.services.demo import seed_demo

    upgrade(fresh_database_url)
    private = tmp_path / "private"

    async def seed(settled_days_ago):
        db = Database.connect(fresh_database_url)
        try:
            if settled_days_ago is None:
                await seed_demo(db.sessions, tmp_path / "media", date(2026, 11, 22), private)
            else:
                async with db.sessions() as session, session.begin():
                    await session.execute(update(Sale).values(
                        status="settled", settled_at=utcnow() - timedelta(days=settled_days_ago)))
        finally:
            await db.dispose()

    asyncio.run(seed(None))
    env = {"DATABASE_URL": fresh_database_url, "CRIEE_DATA_DIR": str(tmp_path), "CRIEE_SCAN_RETENTION_MONTHS": "6"}
    scans = list((private / "pieces-identite").iterdir())
    assert len(scans) == 1                                   # the demo's pending registration
    kept = criee("purge-scans", env=env)
    assert kept.returncode == 0 and "Aucune copie" in kept.stdout and "6 mois" in kept.stdout
    asyncio.run(seed(200))
    purged = criee("purge-scans", env=env)
    assert purged.returncode == 0, purged.stderr
    assert "1 copie de pièce d'identité supprimée" in purged.stdout
    assert not scans[0].exists()
    assert "Aucune copie" in criee("purge-scans", "--months", "1", env=env).stdout


def test_serve_refuses_several_processes_on_sqlite(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'criee.sqlite3'}", "CRIEE_DATA_DIR": str(tmp_path)}
    line = one_line_error(criee("serve", "--workers", "2", env=env))
    assert "SQLite runs a single server process" in line and "--workers" in line
    assert not (tmp_path / "criee.sqlite3").exists()      # refused before touching anything
    assert "1 or more" in one_line_error(criee("serve", "--workers", "0", env=env))
    assert "SQLite runs a single server process" in one_line_error(criee("serve", env={**env, "CRIEE_WORKERS": "3"}))
