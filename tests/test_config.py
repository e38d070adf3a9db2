import pytest

from auction.config import ConfigError, Settings, normalise_database_url


def test_default_is_an_sqlite_file_in_the_data_directory(tmp_path):
    settings = Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/criee.sqlite3"
    assert settings.is_sqlite and not settings.production


def test_development_secret_is_created_once_and_kept(tmp_path):
    first = Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path)}).secret_key
    second = Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db:5432/criee", "postgresql+asyncpg://u:p@db:5432/criee"),
    ("postgresql://u:p@db/criee", "postgresql+asyncpg://u:p@db/criee"),
    ("sqlite:////var/lib/criee/criee.sqlite3", "sqlite+aiosqlite:////var/lib/criee/criee.sqlite3"),
])
def test_database_urls_get_the_async_driver(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("url, words", [
    ("mysql://u@h/db", "PostgreSQL"), ("criee.db", "not a URL"), ("sqlite://", "not a URL"),
    ("sqlite:///:memory:", "in-memory"),
])
def test_bad_database_urls_say_what_to_do(url, words):
    with pytest.raises(ConfigError, match=words):
        normalise_database_url(url)


def test_production_needs_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="CRIEE_SECRET_KEY"):
        Settings.from_env({"CRIEE_ENV": "production", "CRIEE_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match="too short"):
        Settings.from_env({"CRIEE_ENV": "production", "CRIEE_SECRET_KEY": "court", "CRIEE_DATA_DIR": str(tmp_path)})
    settings = Settings.from_env({"CRIEE_ENV": "production", "CRIEE_SECRET_KEY": "s" * 40,
                                  "CRIEE_DATA_DIR": str(tmp_path)})
    assert settings.production


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="CRIEE_ENV"):
        Settings.from_env({"CRIEE_ENV": "staging"})


def test_mail_retention_and_public_url_settings(tmp_path):
    settings = Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path)})
    assert (settings.smtp_host, settings.scan_retention_months, settings.public_url) == ("", 60, "")
    settings = Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path), "CRIEE_SMTP_HOST": "smtp.etude.fr",
                                  "CRIEE_SMTP_SECURITY": "ssl", "CRIEE_SCAN_RETENTION_MONTHS": "12",
                                  "CRIEE_PUBLIC_URL": "https://ventes.etude.fr/"})
    assert (settings.smtp_port, settings.smtp_from, settings.scan_retention_months) == (465, "criee@smtp.etude.fr", 12)
    assert settings.public_url == "https://ventes.etude.fr"


@pytest.mark.parametrize("name, value, words", [
    ("CRIEE_SMTP_SECURITY", "tls13", "starttls, ssl, none"),
    ("CRIEE_SMTP_PORT", "port", "whole number"),
    ("CRIEE_SCAN_RETENTION_MONTHS", "-1", "whole number"),
    ("CRIEE_PUBLIC_URL", "ventes.etude.fr", "https://"),
])
def test_bad_mail_and_retention_settings_say_what_to_do(tmp_path, name, value, words):
    with pytest.raises(ConfigError, match=words):
        Settings.from_env({"CRIEE_DATA_DIR": str(tmp_path), name: value})
