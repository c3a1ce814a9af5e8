"""The lists' filters, declared once for the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.rdinput import selectors
from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsResult, RdReserveFund


def _years(form: FilterForm, years: list[int]) -> None:
    form.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]


class FiscalFilter(ListFilter):
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)
    status = SelectFilter(label=_("状态"),
                          choices=[("", _("全部状态")), *FiscalReport.Status.choices])
    api_help = {"county": _("县区编号"), "year": _("年度")}

    class Meta(ListFilter.Meta):
        model = FiscalReport

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        _years(form, selectors.fiscal_years(user=self.user))


class ReserveFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("企业名称或统一社会信用代码")}))
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)
    anchor = SelectFilter(label=_("链主/链核"), choices=[("", _("全部企业")),
                                                          ("yes", _("链主、链核企业")),
                                                          ("no", _("其他企业"))])
    api_help = {"q": _("企业名称或统一社会信用代码"), "anchor": _("yes：链主、链核企业")}

    class Meta(ListFilter.Meta):
        model = RdReserveFund

    def setup_form(self, form: FilterForm) -> None:
        _years(form, selectors.reserve_years(user=self.user))


class ResultFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("企业名称或统一社会信用代码")}))
    stage = django_filters.CharFilter(label=_("阶段"), max_length=40)
    tier = django_filters.CharFilter(label=_("榜单"), max_length=40)
    run = IntChoiceFilter(label=_("测算编号"))
    page_only = ()
    api_help = {"run": _("测算编号"), "stage": _("阶段代码"), "tier": _("榜单代码")}

    class Meta(ListFilter.Meta):
        model = PointsResult

    def setup_form(self, form: FilterForm) -> None:
        form.fields["run"].widget = forms.HiddenInput()
        form.fields["run"].strict_choices = False  # the page's run is the one in its URL


class IntensityFilter(ListFilter):
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    class Meta(ListFilter.Meta):
        model = IntensityFigure

    def setup_form(self, form: FilterForm) -> None:
        _years(form, list(selectors.intensity_list(user=self.user).values_list(
            "year", flat=True)))
