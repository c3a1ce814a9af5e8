"""Shared check for list pages rendered from a table definition: the queries of a page do not
grow with its rows (no query per row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client: Any, url: str, testid: str) -> tuple[int, int]:
    """(queries, rows) of one GET of a list page; rows counted by their data-testid."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode().count(f'data-testid="{testid}"')


def assert_flat(client: Any, url: str, testid: str, add: Callable[[int, int], None],
                few: int = 2, many: int = 20) -> None:
    """``add(start, n)`` creates n more rows; the page's queries stay the same from ``few``
    rows to ``many``."""
    add(0, few)
    page_queries(client, url, testid)  # the first request also sets up the session
    q_few, rows_few = page_queries(client, url, testid)
    add(few, many - few)
    q_many, rows_many = page_queries(client, url, testid)
    assert (rows_few, rows_many) == (few, many)
    assert q_many == q_few, f"{url}: {q_few} queries for {few} rows, {q_many} for {many}"
