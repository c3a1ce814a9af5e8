"""Table definitions: one list of columns per list, used by its page, its Excel export and the
KPI drill-down.

A column has a Chinese label, a plain value (what the export and the drill-down write), and
optionally an HTML cell for the page, a sort key, CSS classes and an Excel number format. The
page's header row and body rows are written here in Python rather than by per-row template
``{% include %}``s: the template engine spent ~90 % of a list request on them (see
docs/decisions.md, "List pages render their rows in Python").

No domain app is imported here; each app declares its tables in its own ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kechuang.core import excel

DASH = '<span class="text-body-tertiary">—</span>'
DASH_SMALL = '<span class="text-body-tertiary small">—</span>'


def esc(value: Any) -> str:
    """HTML-escaped text of a value ("" for None), as ``{{ value }}`` writes it."""
    return "" if value is None else str(conditional_escape(value))


def date_text(value: Any) -> str:
    """``{{ value|date:"Y-m-d" }}``; aware datetimes in local time."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


def datetime_text(value: Any) -> str:
    """``{{ value|date:"Y-m-d H:i" }}`` in local time."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


def wan(value: Any, places: int = 2) -> str:
    """Yuan → 万元 with thousands separators: 30000000 → "3,000.00"."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value) / Decimal(10000)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    q = Decimal(1).scaleb(-int(places))
    return f"{amount.quantize(q, rounding=ROUND_HALF_UP):,}"


def percent(part: Any, whole: Any) -> str:
    """part / whole as "12.3%" ("" when whole is 0 or missing)."""
    try:
        p, w = Decimal(part), Decimal(whole)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not w:
        return ""
    return f"{(p * 100 / w).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def yes_no(value: Any) -> str:
    return _("是") if value else _("否")


class Link:
    """A detail URL per row from one ``reverse()``: 50 rows, one URL resolution."""

    SENTINEL = 987654321

    def __init__(self, url_name: str) -> None:
        self.url_name = url_name

    def pattern(self) -> Callable[[Any], str]:
        head, _sentinel, tail = reverse(self.url_name, args=[self.SENTINEL]).partition(
            str(self.SENTINEL))
        return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class Column:
    """One column of a list.

    ``value`` is the plain value (Excel cell, drill-down text). ``cell`` writes the page's cell
    content as HTML (it must escape what it writes); without it the page shows the escaped
    ``value``. ``sort`` is the page's sort key ('' = not sortable). ``page``/``export`` say
    where the column appears; ``excel_label`` overrides the label in the workbook.
    """

    label: Any
    value: Callable[[Any], Any] | None = None
    cell: Callable[[Any, RenderContext], str] | None = None
    sort: str = ""
    th_class: str = ""
    td_class: str = ""
    excel: str = "text"  # text | wrap | number | money | date | datetime
    width: int = 14
    excel_label: Any = None
    page: bool = True
    export: bool = True
    key: str = ""  # names the column for another list that reuses it (``Table.column``)
    th_hidden: bool = False  # the header is for screen readers only (an actions column)


@dataclass
class RenderContext:
    """What cells may need once per page: detail-URL patterns resolved a single time and the
    view's flags (e.g. ``can_change``: whether to show a row's edit link)."""

    links: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)

    def url(self, url_name: str, pk: Any) -> str:
        fn = self.links.get(url_name)
        if fn is None:
            fn = self.links[url_name] = Link(url_name).pattern()
        return fn(pk)


def _querystring(query: QueryDict, **changes: Any) -> str:
    """``{% querystring key=value page=None %}``: the current query with changes."""
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    if not params and not query:
        return ""
    return f"?{params.urlencode()}"


def numbered_title(url_name: str) -> Callable[[Any, RenderContext], str]:
    """A cell: the row's ``title`` linking to its detail page, then its number ("#12")."""

    def cell(row: Any, ctx: RenderContext) -> str:
        return (f'<a class="fw-semibold text-decoration-none" href="{ctx.url(url_name, row.pk)}">'
                f'{esc(row.title)}</a> <span class="small text-body-secondary">#{row.pk}</span>')

    return cell


def badge(css: str, text: Any, testid: str = "") -> str:
    """A status badge: ``<span class="badge {css}">``, with a data-testid when given."""
    attr = f' data-testid="{testid}"' if testid else ""
    return f'<span class="badge {css}"{attr}>{esc(text)}</span>'


@dataclass(frozen=True)
class Table:
    """The columns of one list; ``head``/``body`` for the page, ``excel_columns`` for exports."""

    columns: Sequence[Column]
    row_attrs: str = ""  # static attributes of every <tr>, e.g. 'data-testid="value-row"'
    row_class: Callable[[Any], str] | None = None  # a row's CSS classes (e.g. unread), escaped

    def column(self, key: str) -> Column:
        """The column named ``key`` (LookupError when the table has none)."""
        for col in self.columns:
            if col.key == key:
                return col
        raise LookupError(f"no column {key!r}")

    def page_columns(self) -> list[Column]:
        return [c for c in self.columns if c.page]

    def excel_columns(self) -> list[excel.Column]:
        return [excel.Column(c.excel_label or c.label, c.value, kind=c.excel, width=c.width)
                for c in self.columns if c.export and c.value is not None]

    def context(self, query: QueryDict, rows: Iterable[Any], sort: str = "",
                **flags: Any) -> dict[str, SafeString]:
        """``table_head`` and ``table_body`` for a list page's template (web/list_page.html)."""
        return {"table_head": self.head(query, sort), "table_body": self.body(rows, **flags)}

    def head(self, query: QueryDict, sort: str) -> SafeString:
        """The header cells; sortable ones link to the toggled sort, as sort_header.html did."""
        out = []
        title = esc(_("点击排序"))
        for col in self.page_columns():
            cls = f' class="{col.th_class}"' if col.th_class else ""
            label = esc(col.label)
            if col.th_hidden:
                label = f'<span class="visually-hidden">{label}</span>'
            if col.sort:
                key, desc = col.sort, f"-{col.sort}"
                href = esc(_querystring(query, sort=desc if sort == key else key, page=None))
                if sort == key:
                    icon = f'<i class="bi bi-caret-up-fill ms-1" aria-label="{esc(_("升序"))}"></i>'
                elif sort == desc:
                    icon = (f'<i class="bi bi-caret-down-fill ms-1" '
                            f'aria-label="{esc(_("降序"))}"></i>')
                else:
                    icon = '<i class="bi bi-chevron-expand ms-1 opacity-50" aria-hidden="true"></i>'
                label = (f'<a class="kc-sort" href="{href}" data-sort="{esc(key)}" '
                         f'title="{title}">{label}{icon}</a>')
            out.append(f'<th scope="col"{cls}>{label}</th>')
        return mark_safe("".join(out))  # noqa: S308 (every part escaped above)

    def body(self, rows: Iterable[Any], **flags: Any) -> SafeString:
        """One ``<tr>`` per row; cells from ``cell`` (HTML) or the escaped ``value``."""
        ctx = RenderContext(flags=flags)
        cols = [(f'<td class="{c.td_class}">' if c.td_class else "<td>", c)
                for c in self.page_columns()]
        out = []
        tr = f"<tr {self.row_attrs}>" if self.row_attrs else "<tr>"
        for row in rows:
            css = self.row_class(row) if self.row_class else ""
            out.append(f'{tr[:-1]} class="{esc(css)}">' if css else tr)
            for td, col in cols:
                content = col.cell(row, ctx) if col.cell else esc(col.value(row))
                out.append(f"{td}{content}</td>")
            out.append("</tr>\n")
        return mark_safe("".join(out))  # noqa: S308 (cells escape what they write)


# --- tables by key ---------------------------------------------------------------------------
# A list of another app reuses a table's columns by key — the KPI drill-down lists enterprises
# with the enterprise list's own columns — without importing that app (the layer rule).

_TABLES: dict[str, Table] = {}


def register_table(key: str, table: Table) -> Table:
    """Make ``table`` reachable as ``key`` (e.g. "orgs.enterprise"); returns it."""
    _TABLES[key] = table
    return table


def registered_table(key: str) -> Table:
    """The table registered as ``key`` (LookupError when its app did not register it)."""
    try:
        return _TABLES[key]
    except KeyError:
        raise LookupError(f"no table registered as {key!r}") from None
