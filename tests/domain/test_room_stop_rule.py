"""The stop rule (CPCE L221-4): a case's net proceeds against its creditors' claims.

Net proceeds: each lot's hammer price less that lot's seller's fees incl. VAT, each rounded to the cent,
then summed per case; the sale's minimum seller's fees (45.63 € excl. VAT in the 2024 tariff) shared
among the sellers, as the distribution charges them (auction/domain/seller_fees.py).
"""
from dataclasses import replace

import pytest

from auction.domain.room import CaseInfo, StopRuleReached
from auction.domain.tariff import DEFAULT_TARIFF

from .room_fixtures import OFFICER, SETUP, Room

TARIFF = DEFAULT_TARIFF[0]          # seller's fees 4.96 % excl. VAT, 5.952 % incl. VAT; minimum 45.63 € excl. VAT


def room_with(claims_10: int, claims_20: int = 1_000_000_00) -> Room:
    setup = replace(SETUP, tariff=TARIFF,
                    cases={10: CaseInfo(10, "SV-1", claims_10), 20: CaseInfo(20, "SV-2", claims_20)})
    room = Room(setup)
    room.do("open_sale")
    return room


def test_l221_4_net_proceeds_round_each_lot_then_sum():
    # 610 € a lot: 36.3072 € of fees incl. VAT, 36.31 € each; on the total (1 220 €) it would be 72.61 €
    room = room_with(claims_10=10_000_000_00)
    room.sell(1, (1, 610_00))
    room.sell(2, (2, 610_00))
    assert room.state.net_proceeds_by_case(room.setup)[10] == 1_220_00 - 2 * 36_31


@pytest.mark.parametrize("claims, covered", [(1_147_38, True), (1_147_39, False)])
def test_l221_4_the_stop_threshold_on_both_sides_of_the_per_lot_net(claims, covered):
    room = room_with(claims_10=claims)
    room.sell(1, (1, 610_00))
    room.sell(2, (2, 610_00))
    assert room.state.case_covered(room.setup, 10) is covered


def test_l221_4_the_sale_minimum_is_shared_among_the_sellers():
    # 100 € + 300 €: 19.84 € of fees excl. VAT, under the 45.63 € minimum, shared 1:3 (largest remainder):
    # 11.41 € + 20 % VAT (2.28 €) for SV-1, 34.22 € + 6.84 € for SV-2
    room = room_with(claims_10=10_000_000_00)
    room.sell(1, (1, 100_00))
    room.sell(3, (1, 300_00))
    net = room.state.net_proceeds_by_case(room.setup)
    assert net == {10: 100_00 - (11_41 + 2_28), 20: 300_00 - (34_22 + 6_84)}


@pytest.mark.parametrize("hammer, net", [
    (919_00, 919_00 - (45_63 + 9_13)),    # 45.58 € of fees excl. VAT: the minimum applies
    (920_00, 920_00 - 54_76),             # 45.63 € excl. VAT (54.7584 € incl. VAT, rounded): the lot's own fees
])
def test_l221_4_the_minimum_on_both_sides_of_its_limit(hammer, net):
    room = room_with(claims_10=10_000_000_00)
    room.sell(1, (1, hammer))
    assert room.state.net_proceeds_by_case(room.setup)[10] == net


def test_l221_4_the_stop_rule_stops_the_next_lot_of_a_covered_case_only():
    room = room_with(claims_10=500_00)
    room.sell(1, (1, 610_00))              # 610 € less 36.31 €: 573.69 € covers 500 €
    with pytest.raises(StopRuleReached, match="L221-4"):
        room.do("open_lot", lot_id=2)
    room.do("open_lot", lot_id=3)          # the other case goes on
    room.do("pass_lot")
    event = room.do("open_lot", OFFICER, lot_id=2, override_stop_rule=True, reason="frais à couvrir")
    assert event.payload["stop_rule_override"] is True
