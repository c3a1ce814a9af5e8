"""Table definitions and the fast widget renderer: the same HTML as the templates they replace."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils import timezone

from kechuang.core.excel import Column as ExcelColumn
from kechuang.core.tables import Column, Table, date_text, datetime_text, esc, percent, wan
from kechuang.core.widgets import FastWidgetRenderer


class Row:
    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name


TABLE = Table([
    Column("名称", lambda r: r.name, sort="name", th_class="text-nowrap"),
    Column("编号", lambda r: r.pk, td_class="kc-mono", page=False, excel="number"),
    Column("说明", None, cell=lambda r, ctx: f"<b>{esc(r.name)}</b>", export=False),
], row_attrs='data-testid="row"')


def test_head_links_toggle_the_sort_and_drop_the_page():
    q = QueryDict("county=3&page=4&sort=name")
    head = TABLE.head(q, "name")
    assert 'href="?county=3&amp;sort=-name"' in head  # ascending → descending, page gone
    assert 'bi-caret-up-fill' in head and 'data-sort="name"' in head
    assert '<th scope="col" class="text-nowrap">' in head
    assert "<th scope=\"col\">说明</th>" in head and "编号" not in head  # export-only column
    assert 'href="?county=3&amp;sort=name"' in TABLE.head(q, "-name")
    assert "bi-chevron-expand" in TABLE.head(QueryDict(""), "")


def test_body_escapes_values_and_keeps_html_cells():
    html = TABLE.body([Row(1, "<甲&乙>")])
    assert html == ('<tr data-testid="row"><td>&lt;甲&amp;乙&gt;</td>'
                    "<td><b>&lt;甲&amp;乙&gt;</b></td></tr>\n")


def test_excel_columns_are_the_export_columns_with_their_formats():
    cols = TABLE.excel_columns()
    assert [c.header for c in cols] == ["名称", "编号"]
    assert isinstance(cols[0], ExcelColumn) and cols[1].kind == "number"
    assert cols[1].value(Row(7, "x")) == 7


def test_formats_match_the_template_filters(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert wan(30000000) == "3,000.00" and wan(None) == ""
    assert percent(1, 8) == "12.5%" and percent(1, 0) == ""
    assert date_text(dt.date(2025, 3, 1)) == "2025-03-01" and date_text(None) == ""
    moment = timezone.make_aware(dt.datetime(2025, 3, 1, 23, 30), dt.UTC)
    assert datetime_text(moment) == "2025-03-02 07:30"  # local time, as the template showed


class SampleForm(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                      "placeholder": 'a"b'}))
    n = forms.IntegerField(required=False)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(required=False, choices=[
        ("", "全部"), ("组一", [("a", "<甲>"), ("b", "乙")]), ("c", "丙")])
    flag = forms.BooleanField(required=False)  # a checkbox: left to the template engine
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


def test_fast_renderer_writes_the_same_html_as_the_templates():
    for data in (None, {"q": "<x>", "n": "3", "when": "2025-01-02", "kind": "b", "flag": "on",
                        "sort": "-name"}):
        slow, fast = SampleForm(data), SampleForm(data)
        slow.renderer, fast.renderer = DjangoTemplates(), FastWidgetRenderer()
        for name in slow.fields:
            assert str(fast[name]) == str(slow[name]), name


def test_static_choices_select_keeps_the_html_per_value_and_language():
    from django.utils import translation

    from kechuang.core.widgets import StaticChoicesSelect

    choices = [("", "全部"), ("组", [("a", "甲"), ("b", "乙")])]
    cached = StaticChoicesSelect(choices=choices, choices_key="test.static")
    plain = forms.Select(choices=choices)
    for value in ("a", "b", None):
        assert cached.render("k", value, {"id": "id_k"}) == plain.render("k", value, {"id": "id_k"})
    assert 'value="b" selected' in cached.render("k", "b", {"id": "id_k"})
    with translation.override("en"):
        cached.render("k", "a", {"id": "id_k"})
    assert {key[1] for key in StaticChoicesSelect._cache if key[0] == "test.static"} >= {
        translation.get_language(), "en"}
