"""What a sale's publicity checks (auction.domain.publication) stop, and the officer's override:
announcing is blocked by a failed check, going live by any check not passed, less the checks the
officer overrode, with a written reason."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from .errors import InvalidValue
from .publication import FAILED, PENDING, CheckResult, PublicityError
from .roles import Role
from .room import RoomError


class ChecksFailed(PublicityError):
    """The legal checks block the step; `results` are the blocking ones."""

    code = "publicity_checks_failed"

    def __init__(self, message: str, results: Sequence["CheckResult"]):
        super().__init__(message)
        self.results = tuple(results)


class OverrideRefused(PublicityError):
    code = "override_refused"


ANNOUNCE, GO_LIVE = "announce", "go_live"


def blocking(results: Iterable[CheckResult], overridden: Iterable[str], step: str) -> list[CheckResult]:
    """The checks that stop `step`: failed ones to announce; any not passed to go live; less those
    the officer overrode (by key)."""
    overridden = set(overridden)
    stop = {FAILED} if step == ANNOUNCE else {FAILED, PENDING}
    return [r for r in results if r.status in stop and r.key not in overridden]


def require_clear(results: Iterable[CheckResult], overridden: Iterable[str], step: str) -> None:
    stopping = blocking(results, overridden, step)
    if stopping:
        what = "annoncée" if step == ANNOUNCE else "ouverte"
        raise ChecksFailed(f"La vente ne peut pas être {what} : "
                           + " ".join(r.message for r in stopping)
                           + " Seul le commissaire de justice peut passer outre, par écrit et motivé.", stopping)


def clean_override_reason(role: Role, reason: str) -> str:
    """The officer alone overrides a failed check, and says why in writing."""
    if role is not Role.OFFICER:
        raise OverrideRefused("Seul le commissaire de justice peut passer outre un contrôle légal.")
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise InvalidValue("Motif de la dérogation : écrivez-le (dix caractères au moins).", field="reason")
    if len(reason) > 2000:
        raise InvalidValue("Motif de la dérogation : 2 000 caractères au plus.", field="reason")
    return reason


class PublicityIncomplete(RoomError):
    """Opening the sale is refused: a publicity check is not satisfied and the officer did not override it."""

    code = "publicity_incomplete"
