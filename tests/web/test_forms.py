"""Reading a request: the ids in its path."""
import pytest
from starlette.requests import Request

from auction.services.catalogue import NotFound
from auction.web.forms import path_id


def request_with(**path_params: str) -> Request:
    return Request({"type": "http", "path_params": path_params})


def test_an_id_in_the_path_is_a_number():
    assert path_id(request_with(sale_id="42", lot_id="7"), "lot_id") == 7
    assert path_id(request_with(sale_id="99999999999"), "sale_id") == 99_999_999_999


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", " 1", "999999999999", "²", "١٢"])
def test_anything_else_is_not_found(value):
    with pytest.raises(NotFound):
        path_id(request_with(sale_id=value), "sale_id")
