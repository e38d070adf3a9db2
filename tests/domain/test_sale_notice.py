"""The sale notice's content: the nature of the goods by category, the conditions every notice states."""
from datetime import date, datetime, timezone

import pytest

from auction.domain.errors import InvalidValue
from auction.domain.solvency import SolvencyRule
from auction.domain.sale_notice import NoticeSnapshot, clean_goods_summary, conditions_lines, goods_summary
from auction.domain.tariff import DEFAULT_TARIFF

NBSP = "\u00a0"


def snapshot(**changes) -> NoticeSnapshot:
    values = dict(title="Vente", starts_at=datetime(2026, 12, 12, 13, tzinfo=timezone.utc), place_kind="room",
                  place_name="Hôtel des ventes", address="8 quai de Saône", postcode="69009", city="Lyon",
                  viewing="Le matin.", conditions="Comptant.", goods_summary="Machines (2 lots).")
    values.update(changes)
    return NoticeSnapshot(**values)


def test_the_goods_are_summed_up_by_category_largest_first_without_withdrawn_lots():
    lots = [("Machines", False), ("Outillage", False), ("Machines", False), ("", False), ("Véhicules", True),
            ("Électroménager", False)]
    assert goods_summary(lots) == "Machines (2 lots), Divers (1 lot), Électroménager (1 lot) et Outillage (1 lot)."
    assert goods_summary([("Mobilier", False)]) == "Mobilier (1 lot)."
    assert goods_summary([("Mobilier", True)]) == ""


def test_the_summary_is_required_and_tidied():
    assert clean_goods_summary("  Machines   à bois\n\n ") == "Machines à bois"
    with pytest.raises(InvalidValue, match="R221-34"):
        clean_goods_summary(" \n ")


def test_conditions_state_payment_fees_cash_ceilings_identity_and_online_registration():
    lines = conditions_lines(date(2026, 12, 12), DEFAULT_TARIFF[0], SolvencyRule("deposit", 300_00),
                             "https://ventes.exemple.fr/ventes/1/inscription")
    text = " ".join(lines)
    assert f"14,28{NBSP}% TTC" in text and f"11,90{NBSP}% HT" in text
    assert f"1{chr(0x202f)}000{NBSP}€" in text and f"15{chr(0x202f)}000{NBSP}€" in text and "D112-3" in text
    assert "comptant" in text and "pièce d'identité" in text
    assert "Dépôt de garantie, d'au moins 300" in text
    assert "https://ventes.exemple.fr/ventes/1/inscription" in text
    assert "Garantie" not in " ".join(conditions_lines(date(2026, 12, 12), None, SolvencyRule("none"), "x"))


def test_a_notice_digest_changes_with_its_content_and_names_what_changed():
    first = snapshot()
    assert first.digest() == snapshot().digest() and len(first.digest()) == 64
    moved = snapshot(starts_at=datetime(2026, 12, 19, 13, tzinfo=timezone.utc), city="Villeurbanne")
    assert moved.digest() != first.digest()
    assert first.differs_in(moved) == ["starts_at", "city"]
