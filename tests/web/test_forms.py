"""Reading a request: the ids in its path, integers and dates of its forms, and what no field may hold."""
import re
from datetime import date, datetime, timezone

import pytest
from starlette.requests import Request

from auction.domain.errors import InvalidValue
from auction.models.limits import INT_MAX, text_limit
from auction.services.catalogue import NotFound
from auction.web.convertors import IdConvertor, at_most, with_ids
from auction.web import forms
from auction.web.forms import (form_command, form_date, form_day, form_int, form_ids, parse_date, parse_int, path_id,
                               text_problem, today)


def request_with(**path_params) -> Request:
    return Request({"type": "http", "path_params": path_params})


def test_an_id_in_the_path_is_a_number():
    assert path_id(request_with(sale_id=42, lot_id=7), "lot_id") == 7
    assert path_id(request_with(sale_id="2147483647"), "sale_id") == INT_MAX


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", " 1", "2147483648", "999999999999", "²", "١٢", 2**31])
def test_anything_else_is_not_found(value):
    with pytest.raises(NotFound):
        path_id(request_with(sale_id=value), "sale_id")


def test_the_id_convertor_matches_exactly_the_database_range():
    pattern = re.compile(f"(?:{IdConvertor.regex})")
    for number in (0, 1, 9, 10, 999_999_999, 1_000_000_000, 1_999_999_999, 2_047_483_648, INT_MAX - 1, INT_MAX):
        assert pattern.fullmatch(str(number)), number
    for text in (str(INT_MAX + 1), "2147483650", "2200000000", "3000000000", "9999999999", "10000000000",
                 "²", "١", "-1", "+1", "1 ", ""):
        assert not pattern.fullmatch(text), text
    assert re.fullmatch(f"(?:{at_most(305)})", "299") and not re.fullmatch(f"(?:{at_most(305)})", "306")


def test_every_parameter_is_an_id_unless_it_names_its_convertor():
    assert with_ids("/ventes/{sale_id}/lots/{lot_id}") == "/ventes/{sale_id:id}/lots/{lot_id:id}"
    assert with_ids("/inscription/confirmer/{token:str}") == "/inscription/confirmer/{token:str}"


@pytest.mark.parametrize("text, expected", [("0", 0), ("42", 42), (" 7 ", 7), (str(INT_MAX), INT_MAX),
                                            (str(INT_MAX + 1), None), ("²", None), ("1_000", None), ("-3", None),
                                            ("", None), (None, None), ("٣", None), ("1e3", None)])
def test_parse_int(text, expected):
    assert parse_int(text) == expected


def test_parse_int_with_a_sign_and_a_range():
    assert parse_int("-12", minimum=-100) == -12
    assert parse_int("--12", minimum=-100) is None
    assert parse_int("101", maximum=100) is None


def test_form_int_says_what_is_wrong_in_french():
    with pytest.raises(InvalidValue) as refused:
        form_int({"paddle": "2147483648"}, "paddle", "Panneau")
    assert refused.value.field == "paddle" and "Panneau" in refused.value.message
    assert form_int({"paddle": ""}, "paddle", "Panneau", required=False) is None
    assert form_ids(["1", "x", "²", str(INT_MAX + 1), "3"]) == [1, 3]


def test_dates_within_a_sane_range():
    assert parse_date("2026-12-02") == date(2026, 12, 2)
    for text in ("0001-01-01", "1899-12-31", "2201-01-01", "2026-02-30", "2026-1-1", "²026-01-01", ""):
        assert parse_date(text) is None, text
    with pytest.raises(InvalidValue):
        form_date({"on": "0001-01-01"}, "on", "Date")


def test_a_required_day_names_its_field():
    assert form_day({"paid_on": "2026-12-02"}, "paid_on") == date(2026, 12, 2)
    for values in ({"paid_on": ""}, {}, {"paid_on": "02/12/2026"}, {"paid_on": "1899-12-31"}):
        with pytest.raises(InvalidValue) as refused:
            form_day(values, "paid_on")
        assert refused.value.field == "paid_on" and refused.value.message == "Date obligatoire (jj/mm/aaaa)."


def test_the_day_is_the_office_s_in_paris(monkeypatch):
    monkeypatch.setattr(forms, "utcnow", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert today() == date(2027, 1, 1)
    monkeypatch.setattr(forms, "utcnow", lambda: datetime(2026, 6, 30, 21, 59, tzinfo=timezone.utc))
    assert today() == date(2026, 6, 30)


def test_a_form_s_command_id_is_kept_and_an_odd_one_replaced():
    assert form_command({"command_id": "a1b2c3d4"}) == "a1b2c3d4"
    fresh = [form_command(values) for values in ({}, {"command_id": "short"}, {"command_id": "x" * 65},
                                                  {"command_id": "é" * 10})]
    assert all(re.fullmatch("[0-9a-f]{32}", command) for command in fresh) and len(set(fresh)) == 4


def test_text_with_a_control_character_or_past_its_column_is_refused():
    assert text_problem("title", "Commode Louis XV", text_limit("title")) is None
    assert text_problem("description", "ligne 1\r\nligne 2\tfin", text_limit("description")) is None
    assert "caractère non permis" in text_problem("title", "a\x00b", 200)
    assert "caractère non permis" in text_problem("title", "a\x1bb", 200)
    assert text_limit("title") == 200 and text_limit("category") == 60
    assert "trop long" in text_problem("category", "x" * 61, text_limit("category"))
