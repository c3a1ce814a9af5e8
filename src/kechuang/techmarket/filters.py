"""The contract list's filters, declared once for the page and the export."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.orgs.models import Organisation
from kechuang.techmarket import selectors
from kechuang.techmarket.models import CountyGdp, EntityConversion, TechContract

STATUSES = [("", _("全部状态")), *TechContract.Status.choices,
            (selectors.OVERDUE, _("超期未认定"))]


class ContractFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("合同名称、登记编号或当事方")}))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    contract_type = SelectFilter(label=_("合同类型"),
                                 choices=[("", _("全部类型")), *TechContract.Type.choices])
    status = SelectFilter(label=_("状态"), choices=STATUSES)
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    api_help = {"q": _("合同名称、登记编号或当事方名称"), "county": _("县区编号"),
                "year": _("登记年度（未登记的按申请年度）")}

    class Meta(ListFilter.Meta):
        model = TechContract

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.contract_years(user=self.user)]


class GdpFilter(ListFilter):
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    class Meta(ListFilter.Meta):
        model = CountyGdp

    def setup_form(self, form: FilterForm) -> None:
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.gdp_years(user=self.user)]


class CandidateFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("企业名称或信用代码")}))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))

    api_help = {"q": _("企业名称或统一社会信用代码"), "county": _("县区编号")}

    class Meta(ListFilter.Meta):
        model = Organisation

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.candidate_counties(user=self.user)


class ConversionFilter(ListFilter):
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    class Meta(ListFilter.Meta):
        model = EntityConversion

    def setup_form(self, form: FilterForm) -> None:
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.conversion_years(user=self.user)]
