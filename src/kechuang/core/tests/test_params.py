"""Whole numbers from user text: ASCII digits within bounds, None for anything else."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.core.params import MAX_ID, is_digits, parse_id, parse_int, parse_year


@pytest.mark.parametrize("text", ["²9", "٣", "１２", "", " 1", "1 ", "-1", "+1", "1.0", None, 7])
def test_not_ascii_digits_is_none(text):
    assert not is_digits(text)
    assert parse_id(text) is None and parse_year(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("0", None), ("007", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
    ("9" * 40, None),
])
def test_parse_id_bounds(text, expected):
    assert parse_id(text) == expected


def test_parse_year_bounds():
    assert parse_year("2025") == 2025 and parse_year("9999") == 9999
    assert parse_year("10000") is None and parse_year("0") is None


@given(st.text(max_size=25))
def test_never_raises_and_agrees_with_int(text):
    n = parse_int(text, 0, 10**30)
    if n is not None:
        assert str(n) == text.lstrip("0") or (n == 0 and set(text) == {"0"})
    else:
        assert not (text.isascii() and text.isdigit() and len(text) <= 20)


ODD = ["²9", "１２", "99999999999999999999"]


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(("path", "param"), [
    ("/plan/", "year"), ("/kpi/", "year"), ("/kpi/", "county"), ("/cultivation/", "year"),
    ("/assessment/results/", "year"), ("/reported/add/", "indicator"),
    ("/cultivation/registrations/add/", "enterprise"), ("/cultivation/candidates/add/",
                                                        "enterprise"),
])
def test_pages_ignore_numbers_that_are_not_numbers(client_for, users, path, param, odd):
    """A parameter that passes str.isdigit() but not int(), or overflows the column, is
    ignored — the page is the page without it — never a 500."""
    client = client_for(users["city_staff"])
    response = client.get(path, {param: odd})
    assert response.status_code == 200, (path, param, response.status_code)
    if path in FILTER_FORMS:  # a list's filter form says what is wrong with the field
        assert "不在可用的选项中" in response.content.decode(), (path, param)
        return
    default = client.get(path)
    assert _page(response) == _page(default), (path, param)


FILTER_FORMS = {"/assessment/results/"}


def _page(response) -> str:
    """The page's HTML without what differs between two requests (CSRF tokens, CSP nonces)
    and without the language switcher's return URL, which echoes the query string."""
    html = response.content.decode()
    html = re.sub(r'("X-CSRFToken": |nonce=|name="csrfmiddlewaretoken" value=)"[^"]*"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)
