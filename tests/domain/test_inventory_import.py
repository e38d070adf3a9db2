import pytest

from auction.domain.errors import InvalidValue
from auction.domain.inventory_import import check_rows, map_columns


def test_headers_are_matched_without_accents_or_case():
    assert map_columns(["DÉSIGNATION", "Quantité", "État", "Estimation (€)", "Catégorie"]) == {
        "description": 0, "quantity": 1, "condition": 2, "estimate": 3, "category": 4}


def test_missing_required_columns_are_named():
    with pytest.raises(InvalidValue, match="Désignation, État"):
        map_columns(["Quantité", "Prix"])


def test_every_faulty_row_is_named_with_its_line():
    rows = check_rows(["Désignation", "Quantité", "État", "Estimation"], [
        ["Scie", "1", "bon", "1 200,50"],
        ["", "2", "usé", ""],
        ["Chaise", "deux", "", "abc"],
        ["", "", "", ""],
        ["Table", "", "bon", ""],
    ])
    assert [r.line for r in rows] == [2, 3, 4, 6]
    assert rows[0].item.estimate_cents == 120050 and rows[0].errors == ()
    assert rows[1].errors == ("désignation manquante",)
    assert set(rows[2].errors) == {"quantité « deux » invalide (entier positif)", "état manquant",
                                   "montant illisible : « abc ». écrivez par exemple 1234,50"}
    assert rows[3].item.quantity == 1


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidValue, match="aucun bien"):
        check_rows(["Désignation", "État"], [["", ""]])
