"""Base of the named domain errors. Each carries a machine-readable code and a French message."""
from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    """A value given by a user is not acceptable; `field` names the form field."""

    code = "invalid_value"


class CheckFailed(DomainError):
    """A check before a paddle refused; `kind` says which (identity, age, names, solvency, ...)."""

    code = "check_failed"
    kind = ""
