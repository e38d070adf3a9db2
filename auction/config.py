"""Settings read from the environment, checked once at start-up.

Every mistake here is reported as one line that says what to do (`ConfigError`), never a traceback.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "production")
MIN_SECRET_LENGTH = 32
SMTP_SECURITY = ("starttls", "ssl", "none")
# Identity scans are kept this many months after a sale is settled, then `criee purge-scans` deletes
# them. Five years by default: the anti-money-laundering rules (CMF L561-12) keep identification
# records that long. The office sets its own period.
DEFAULT_SCAN_RETENTION_MONTHS = 60


class ConfigError(Exception):
    """A setting is missing or wrong; the message tells the operator what to do."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    data_dir: Path
    secret_key: str
    log_level: str = "INFO"
    smtp_host: str = ""           # no host: e-mails are written to the log instead of sent
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_security: str = "starttls"
    scan_retention_months: int = DEFAULT_SCAN_RETENTION_MONTHS
    public_url: str = ""          # e.g. https://ventes.etude.fr: links in e-mails (else the request's own host)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        """Files anyone may fetch (lot photos of published sales)."""
        return self.data_dir / "media"

    @property
    def private_dir(self) -> Path:
        """Files only staff may fetch, never served by the static mount (identity scans)."""
        return self.data_dir / "private"

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        env = environ.get("CRIEE_ENV", "development").strip().lower()
        if env not in ENVIRONMENTS:
            raise ConfigError(f"CRIEE_ENV must be one of {', '.join(ENVIRONMENTS)} (got {env!r}).")
        data_dir = Path(environ.get("CRIEE_DATA_DIR", "data")).expanduser().resolve()
        database_url = normalise_database_url(
            environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'criee.sqlite3'}"
        )
        secret_key = environ.get("CRIEE_SECRET_KEY", "")
        if secret_key and len(secret_key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"CRIEE_SECRET_KEY is too short ({len(secret_key)} characters, at least "
                f"{MIN_SECRET_LENGTH}): generate one with `criee secret`."
            )
        if not secret_key:
            if env == "production":
                raise ConfigError(
                    "CRIEE_SECRET_KEY is not set and CRIEE_ENV=production: generate one with "
                    "`criee secret` and put it in the environment."
                )
            secret_key = _development_secret(data_dir)
        log_level = environ.get("CRIEE_LOG_LEVEL", "INFO").upper()
        smtp_security = environ.get("CRIEE_SMTP_SECURITY", "starttls").strip().lower()
        if smtp_security not in SMTP_SECURITY:
            raise ConfigError(f"CRIEE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)} (got {smtp_security!r}).")
        smtp_host = environ.get("CRIEE_SMTP_HOST", "").strip()
        return cls(env=env, database_url=database_url, data_dir=data_dir,
                   secret_key=secret_key, log_level=log_level,
                   smtp_host=smtp_host,
                   smtp_port=_int_setting(environ, "CRIEE_SMTP_PORT", 465 if smtp_security == "ssl" else 587, 1, 65535),
                   smtp_user=environ.get("CRIEE_SMTP_USER", ""),
                   smtp_password=environ.get("CRIEE_SMTP_PASSWORD", ""),
                   smtp_from=environ.get("CRIEE_SMTP_FROM", "").strip() or (f"criee@{smtp_host}" if smtp_host else ""),
                   smtp_security=smtp_security,
                   scan_retention_months=_int_setting(environ, "CRIEE_SCAN_RETENTION_MONTHS",
                                                      DEFAULT_SCAN_RETENTION_MONTHS, 0, 1200),
                   public_url=_public_url(environ.get("CRIEE_PUBLIC_URL", "")))


def _public_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        raise ConfigError(f"CRIEE_PUBLIC_URL must start with https:// (got {url!r}).")
    return url


def _int_setting(environ, name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high} (got {raw!r}).")
    return int(raw)


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings and pin the async driver; refuse anything else."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or not rest:
        raise ConfigError(
            f"DATABASE_URL {url!r} is not a URL: use postgresql://user:password@host:5432/name "
            "or sqlite:///path/to/file.sqlite3."
        )
    scheme = scheme.lower()
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        if rest in ("/", "/:memory:"):
            raise ConfigError("DATABASE_URL: an in-memory SQLite database loses the sale; give a file path.")
        return f"sqlite+aiosqlite://{rest}"
    raise ConfigError(
        f"DATABASE_URL uses {scheme!r}: Criée runs on PostgreSQL (postgresql://…) "
        "or SQLite (sqlite:///path)."
    )


def _development_secret(data_dir: Path) -> str:
    """A per-installation secret kept in the data directory, so sessions survive a restart."""
    path = data_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value
    except OSError as exc:
        raise ConfigError(f"Cannot use the data directory {data_dir}: {exc.strerror}. "
                          "Set CRIEE_DATA_DIR to a writable directory.") from exc
