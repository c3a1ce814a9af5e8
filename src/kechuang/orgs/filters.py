"""The enterprise and annual-report lists' filters, declared once for the page, API and export
(core/filters.py says how each reads them)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter, TriStateFilter
from kechuang.core.forms import FilterForm
from kechuang.core.widgets import StaticChoicesSelect
from kechuang.orgs import selectors
from kechuang.orgs.forms import ABOVE_SCALE_CHOICES, SEARCH_HINT, industry_filter_choices
from kechuang.orgs.models import ChainMembership, Enterprise, EnterpriseAnnualReport, Organisation

TIER_CHOICES = [("", _("全部梯队")), *((v, label) for v, label in Organisation.Tier.choices if v),
                ("none", _("未入梯队"))]


def _search() -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("搜索"), max_length=100,
                                     widget=forms.TextInput(attrs={"placeholder": SEARCH_HINT,
                                                      "type": "search"}))


def _sort(sorts: dict) -> SelectFilter:
    return SelectFilter(label=_("排序"), widget=forms.HiddenInput, choices=[(k, k) for k in sorts])


class EnterpriseFilter(ListFilter):
    q = _search()
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    industry = SelectFilter(label=_("行业"), choices=industry_filter_choices,
                            widget=StaticChoicesSelect(choices_key="orgs.industry_filter"))
    chain = IntChoiceFilter(label=_("产业链"), empty_label=_("全部产业链"))
    chain_role = SelectFilter(label=_("链上角色"),
                              choices=[("", _("全部角色")), *ChainMembership.Role.choices])
    tier = SelectFilter(label=_("培育梯队"), choices=TIER_CHOICES)
    above_scale = TriStateFilter(label=_("规模"), choices=ABOVE_SCALE_CHOICES)
    sort = _sort(selectors.ENTERPRISE_SORTS)

    api_names = {"ordering": "sort"}
    api_help = {
        "q": _("按名称或统一社会信用代码查找"), "county": _("县区编号"),
        "industry": _("门类字母（如 C）或大类代码（如 C26）"), "chain": _("产业链编号"),
        "above_scale": _("规模以上"), "sort": _("字段名前加“-”表示倒序；默认按名称"),
    }

    class Meta(ListFilter.Meta):
        model = Enterprise

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.counties_in_scope(user=self.user)
        form.fields["chain"].queryset = selectors.industrial_chains(user=self.user)


class ReportFilter(ListFilter):
    q = _search()
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    enterprise = IntChoiceFilter(label=_("企业编号"))
    sort = _sort(selectors.REPORT_SORTS)

    api_names = {"ordering": "sort"}
    api_help = {
        "q": _("按企业名称或统一社会信用代码查找"), "county": _("县区编号"),
        "sort": _("字段名前加“-”表示倒序；默认按年度倒序，同一年度新登记的企业在前"),
    }
    api_only = ("enterprise",)

    class Meta(ListFilter.Meta):
        model = EnterpriseAnnualReport

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.counties_in_scope(user=self.user)
        years = selectors.report_years(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]
