"""Structured logs: one JSON object per line on stderr, for the app and for uvicorn."""
from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime, timezone

import orjson

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def stack(exc_info) -> str:
    """A traceback without the exception's message: the error's type and where it was raised, from
    each exception of its chain. A message may quote what a user typed (a driver quotes the value it
    refused), which is personal data; the type and the frames are enough to find the bug."""
    _, exc, _ = exc_info if isinstance(exc_info, tuple) else (None, exc_info, None)
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = "".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
                         for f in traceback.extract_tb(exc.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{type(exc).__module__}.{type(exc).__qualname__}")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n\nwhich led to:\n".join(reversed(parts)) if len(parts) > 1 else (parts[0] if parts else "")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,          # several server processes may share one log
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = stack(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Alembic tells its dialect at every schema check; the commands report what they did themselves.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    quiet_drivers()


DRIVERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine")


def quiet_drivers() -> None:
    """The database drivers log each statement with its parameters at DEBUG (aiosqlite): never kept,
    whatever CRIEE_LOG_LEVEL says, since those are names, e-mails and addresses."""
    for name in DRIVERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def uvicorn_log_config(level: str = "INFO") -> dict:
    """Hand uvicorn a config that routes its records through the root JSON handler. It sets up that
    handler too: each `--workers` process is a fresh interpreter that configures logging from it."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {**{name: {"handlers": [], "propagate": True}
                       for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
                    **{name: {"level": "WARNING"} for name in DRIVERS}},
    }
