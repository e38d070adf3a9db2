"""Solvency as the sale requires it, every refusal, and the cash ceilings of CMF D112-3."""
from datetime import date

import pytest

from auction.domain.solvency import (CASH_CEILINGS, CashAboveCeiling, DepositTooLow, SolvencyIncomplete,
                                     SolvencyMissing, SolvencyProof, SolvencyRule, SolvencyWrongKind,
                                     cash_ceiling_cents, check_solvency)

SALE_DAY = date(2026, 12, 12)


# --- solvency and cash ceilings -------------------------------------------------------------------------

ANY = SolvencyRule("any", 300_00)
DEPOSIT = SolvencyProof("deposit", 500_00, "transfer", "VIR-12")


def test_cash_ceilings_by_tax_residence():
    assert cash_ceiling_cents("france", "person", SALE_DAY) == 1_000_00
    assert cash_ceiling_cents("france", "company", SALE_DAY) == 1_000_00
    assert cash_ceiling_cents("abroad", "person", SALE_DAY) == 15_000_00
    assert cash_ceiling_cents("abroad", "company", SALE_DAY) == 1_000_00      # buying for a business
    assert "D112-3" in CASH_CEILINGS[0].reference
    with pytest.raises(ValueError):
        cash_ceiling_cents("france", "person", date(2014, 1, 1))


def test_solvency_as_the_sale_requires():
    check_solvency(SolvencyRule("none"), None, 1_000_00)
    check_solvency(ANY, DEPOSIT, 1_000_00)
    check_solvency(ANY, SolvencyProof("bank_letter", None, None, "BNP, lettre du 2 décembre"), 1_000_00)
    check_solvency(ANY, SolvencyProof("card_preauth", 300_00, None, "AUTH-88"), 1_000_00)
    check_solvency(SolvencyRule("deposit"), SolvencyProof("deposit", 1_000_00, "cash", "REC-1"), 1_000_00)
    check_solvency(SolvencyRule("deposit"), SolvencyProof("deposit", 15_000_00, "cash", "REC-2"), 15_000_00)


@pytest.mark.parametrize("rule, proof, error, message", [
    (ANY, None, SolvencyMissing, "Garantie exigée"),
    (SolvencyRule("deposit"), SolvencyProof("bank_letter", None, None, "BNP"), SolvencyWrongKind, "exige"),
    (ANY, SolvencyProof("bank_letter", None, None, " "), SolvencyIncomplete, "banque et la date"),
    (ANY, SolvencyProof("deposit", 500_00, None, "X"), SolvencyIncomplete, "mode de versement"),
    (ANY, SolvencyProof("deposit", None, "transfer", "X"), SolvencyIncomplete, "montant du dépôt"),
    (ANY, SolvencyProof("card_preauth", None, None, "AUTH"), SolvencyIncomplete, "montant de la pré-autorisation"),
    (ANY, SolvencyProof("deposit", 200_00, "transfer", "X"), DepositTooLow, "au moins 300"),
    (SolvencyRule("deposit"), SolvencyProof("deposit", 1_000_01, "cash", "REC"), CashAboveCeiling, "D112-3"),
])
def test_solvency_refusals(rule, proof, error, message):
    with pytest.raises(error, match=message):
        check_solvency(rule, proof, 1_000_00)
