"""What the publicity checks stop, and the officer's override (auction.domain.publication_gate)."""
import pytest

from auction.domain.errors import InvalidValue
from auction.domain.publication import PASSED, PENDING, evaluate
from auction.domain.publication_gate import (ANNOUNCE, GO_LIVE, ChecksFailed, OverrideRefused, blocking,
                                             clean_override_reason, require_clear)
from auction.domain.roles import Role

from .test_publication import facts, paris


def test_announcing_is_blocked_by_failures_going_live_also_by_what_is_still_to_do():
    sale = paris(2026, 12, 12)
    results = evaluate(facts(sale), now=paris(2026, 11, 20))       # nothing done yet, still time
    assert {r.status for r in results} == {PASSED, PENDING}
    assert blocking(results, (), ANNOUNCE) == []
    assert {r.key for r in blocking(results, (), GO_LIVE)} == {r.key for r in results if r.status == PENDING}
    with pytest.raises(ChecksFailed, match="R221-34") as refused:
        require_clear(results, (), GO_LIVE)
    assert "ouverte" in refused.value.message and len(refused.value.results) == 3
    require_clear(results, [r.key for r in results], GO_LIVE)      # the officer overrode them all


def test_only_the_officer_overrides_and_in_writing():
    with pytest.raises(OverrideRefused):
        clean_override_reason(Role.CLERK, "Le débiteur a été informé oralement à l'étude.")
    with pytest.raises(InvalidValue, match="Motif"):
        clean_override_reason(Role.OFFICER, "   ")
    assert clean_override_reason(Role.OFFICER, "  Affiche  apposée,\n photo perdue. ") == "Affiche apposée, photo perdue."
