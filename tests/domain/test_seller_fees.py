"""Seller's fees charged to the proceeds (C. com. A444-3): per lot, and the sale's shared minimum."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from auction.domain.errors import InvalidValue
from auction.domain.seller_fees import SoldLot, lot_seller_fees, seller_fees, share_minimum
from auction.domain.tariff import tariff_on

TARIFF = tariff_on(date(2025, 6, 1))   # 4.96 % excl. VAT, VAT 20 %, minimum 45.63 € excl. VAT


def test_a444_3_fees_of_one_lot_each_rounded():
    # 6 000 €: 4.96 % = 297.60 € excl. VAT, 5.952 % incl. VAT = 357.12 €
    assert lot_seller_fees(600_000, TARIFF) == (29_760, 5_952)
    # 123.45 €: 612.312 → 6.12 € excl. VAT; 734.77… → 7.35 € incl. VAT: VAT 1.23 €
    assert lot_seller_fees(12_345, TARIFF) == (612, 123)
    with pytest.raises(InvalidValue):
        lot_seller_fees(-1, TARIFF)


def test_a444_3_a_cases_fees_are_the_sum_of_its_lots():
    fees = seller_fees([SoldLot(1, 10, 600_000), SoldLot(1, 11, 400_000), SoldLot(2, 12, 12_345)], TARIFF)
    assert fees[1].hammer_cents == 1_000_000
    assert (fees[1].fees_cents, fees[1].vat_cents, fees[1].total_cents) == (49_600, 9_920, 59_520)
    assert (fees[2].fees_cents, fees[2].vat_cents) == (612, 123)
    assert not fees[1].minimum_applied


def test_a444_3_the_sales_minimum_is_shared_among_the_sellers_pro_rata_to_their_hammer_totals():
    # 300 € and 200 €: 14.88 + 9.92 = 24.80 € excl. VAT, below 45.63 €: 45.63 shared 3:2 →
    # 27.378 and 18.252 → 27.37 and 18.25 (27.37 + 18.25 = 45.62), the cent to the larger remainder
    fees = seller_fees([SoldLot(1, 1, 30_000), SoldLot(2, 2, 10_000), SoldLot(2, 3, 10_000)], TARIFF)
    assert (fees[1].fees_cents, fees[2].fees_cents) == (2_738, 1_825)
    assert fees[1].fees_cents + fees[2].fees_cents == 4_563
    assert (fees[1].vat_cents, fees[2].vat_cents) == (548, 365)      # 547.6 and 365.0
    assert fees[1].minimum_applied and fees[2].minimum_applied


def test_nothing_sold_no_fees():
    assert seller_fees([], TARIFF) == {}
    fees = seller_fees([SoldLot(1, 1, 0)], TARIFF)
    assert fees[1].total_cents == 0 and not fees[1].minimum_applied


@given(st.dictionaries(st.integers(1, 20), st.integers(1, 10**9), min_size=1))
def test_the_minimum_shares_add_up_to_the_minimum(hammer_by_case):
    assert sum(share_minimum(4_563, hammer_by_case).values()) == 4_563
