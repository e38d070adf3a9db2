import pytest

from auction.domain.errors import InvalidValue
from auction.domain.increments import DEFAULT_INCREMENTS, IncrementTable


@pytest.mark.parametrize("current, step", [
    (0, 5_00), (19_99, 5_00), (20_00, 10_00), (199_99, 10_00), (200_00, 50_00), (499_00, 50_00),
    (500_00, 100_00), (999_00, 100_00), (1_000_00, 200_00), (4_999_00, 200_00), (5_000_00, 500_00),
    (9_999_00, 500_00), (10_000_00, 1_000_00), (20_000_00, 2_000_00), (50_000_00, 5_000_00),
    (99_999_00, 5_000_00), (100_000_00, 10_000_00), (2_000_000_00, 10_000_00),
])
def test_default_table_of_the_house(current, step):
    assert DEFAULT_INCREMENTS.step(current) == step


def test_next_minimum():
    assert DEFAULT_INCREMENTS.next_minimum(None, 150_00) == 150_00
    assert DEFAULT_INCREMENTS.next_minimum(150_00, 150_00) == 160_00


def test_c_civ_1591_a_lot_without_opening_bid_starts_at_the_first_step():
    assert DEFAULT_INCREMENTS.first_bid(0) == 5_00
    assert DEFAULT_INCREMENTS.next_minimum(None, 0) == 5_00
    assert DEFAULT_INCREMENTS.first_bid(1) == 1          # any opening bid above 0 stands as it is
    assert DEFAULT_INCREMENTS.next_minimum(None, 1) == 1
    assert IncrementTable.from_json([[0, 100], [10_000, 1_000]]).next_minimum(None, 0) == 100


def test_a_sale_may_have_its_own_table():
    table = IncrementTable.from_json([[0, 100], [10_000, 1_000]])
    assert table.next_minimum(9_999, 0) == 10_099
    assert table.to_json() == [[0, 100], [10_000, 1_000]]


@pytest.mark.parametrize("rows", [[], [[100, 5]], [[0, 5], [0, 10]], [[0, 0]], [[0, 5], [10, -1]]])
def test_bad_tables_are_refused(rows):
    with pytest.raises(InvalidValue):
        IncrementTable.from_json(rows)
