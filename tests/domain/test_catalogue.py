"""The public catalogue's search rules: folded text, the visitor's filters read leniently, pages."""
from decimal import Decimal

import pytest

from auction.domain.catalogue import (CatalogueQuery, fold_text, lot_search_text, page_of, paginate,
                                      parse_query)
from auction.domain.tariff import DEFAULT_TARIFF


def test_fold_text_ignores_case_accents_ligatures_and_spacing():
    assert fold_text("  Réfrigérateur  AMÉRICAIN ") == "refrigerateur americain"
    assert fold_text("Œuvre, cœur et Ægée") == "oeuvre, coeur et aegee"
    assert fold_text("Établi d’atelier") == "etabli d'atelier"
    assert lot_search_text("Scie à format", "Chariot\n3,20 m") == "scie a format chariot 3,20 m"


def test_query_words_are_folded_and_deduplicated():
    query, messages = parse_query({"q": "Scie  scie ÉTABLI"})
    assert messages == [] and query.words == ["scie", "etabli"] and query.is_filtered
    assert CatalogueQuery(text="lot 12").lot_number == 12
    assert CatalogueQuery(text="12").lot_number == 12
    assert CatalogueQuery(text="12 bis chaises").lot_number is None
    assert not CatalogueQuery().is_filtered


def test_amounts_are_read_the_french_way():
    query, messages = parse_query({"min": "1 000", "max": "2500,50", "categorie": "Mobilier"})
    assert messages == []
    assert (query.min_cents, query.max_cents, query.category) == (100_000, 250_050, "Mobilier")
    assert query.params() == {"categorie": "Mobilier", "min": "1000", "max": "2500,50"}


@pytest.mark.parametrize("params, expected", [
    ({"page": "abc"}, "Numéro de page illisible : « abc ». La première page est affichée."),
    ({"page": "0"}, "Numéro de page illisible : « 0 »"),
    ({"page": "-3"}, "Numéro de page illisible"),
    ({"min": "xyz"}, "Estimation minimale non appliquée. Montant illisible : « xyz »"),
    ({"max": "12,345"}, "Estimation maximale non appliquée."),
    ({"min": "500", "max": "100"}, "L'estimation minimale dépasse l'estimation maximale"),
])
def test_unreadable_filters_are_left_out_with_a_french_message(params, expected):
    query, messages = parse_query(params)
    assert len(messages) == 1 and messages[0].startswith(expected)
    assert query.page == 1 and query.min_cents is None and query.max_cents is None


def test_what_was_typed_is_kept_to_show_it_back():
    query, _ = parse_query({"q": "piano", "min": "xyz"})
    assert query.typed["min"] == "xyz" and query.typed["q"] == "piano"
    assert query.params() == {"q": "piano"}     # links carry only what was applied


def test_pagination_bounds():
    pagination, message = paginate(312, 2, 24)
    assert (pagination.first, pagination.last, pagination.pages, message) == (25, 48, 13, None)
    assert pagination.has_previous and pagination.has_next and pagination.offset == 24
    last, message = paginate(312, 99, 24)
    assert (last.page, last.first, last.last, last.has_next) == (13, 289, 312, False)
    assert message == "La page 99 n'existe pas : voici la dernière page (13)."
    exact, _ = paginate(48, 2, 24)
    assert (exact.first, exact.last, exact.has_next) == (25, 48, False)
    empty, message = paginate(0, 1, 24)
    assert (empty.pages, empty.first, empty.last, empty.has_previous, empty.has_next, message) == (1, 0, 0, False, False, None)
    assert [page_of(rank, 24) for rank in (0, 23, 24, 47, 48)] == [1, 1, 2, 2, 3]


def test_buyer_cost_example_in_integer_cents():
    tariff = DEFAULT_TARIFF[0]
    cost = tariff.buyer_cost(100_000)
    assert (cost.fees_cents, cost.vat_cents, cost.total_cents) == (11_900, 2_380, 114_280)
    assert tariff.buyer_fee_rate_incl_vat == Decimal("0.1428")
    # Rounded half up at each named step: 11.90 % of 0,05 € is 0,595 c → 1 c, VAT on it 0,2 c → 0.
    assert tariff.buyer_cost(5).fees_cents == 1 and tariff.buyer_cost(5).vat_cents == 0
