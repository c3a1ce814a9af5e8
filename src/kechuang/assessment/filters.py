"""The results list's filters, declared once for the page and the export (core/filters.py)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.assessment import selectors
from kechuang.assessment.models import EvaluationResult, Rule
from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.orgs import facts
from kechuang.orgs import selectors as org_selectors
from kechuang.orgs.forms import SEARCH_HINT

ELIGIBLE_CHOICES = [("", _("全部")), ("1", _("符合")), ("0", _("不符合"))]


class _FlagFilter(django_filters.Filter):
    field_class = forms.BooleanField


class _WholeNumberFilter(django_filters.Filter):
    field_class = forms.IntegerField


class _YearFilter(django_filters.Filter):
    """A select of the years with results: a value outside them is "不在可用的选项中"."""

    field_class = forms.TypedChoiceField


class ResultFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100,
                                  widget=forms.TextInput(attrs={"placeholder": SEARCH_HINT,
                                                                "type": "search"}))
    year = _YearFilter(label=_("数据年度"), coerce=int, empty_value=None)
    rule = SelectFilter(label=_("规则"), choices=[("", _("全部规则")), *Rule.choices])
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    eligible = SelectFilter(label=_("结论"), choices=ELIGIBLE_CHOICES)
    near = _WholeNumberFilter(label=_("高企候选：差距 N 分以内"), min_value=0, max_value=100,
                              widget=forms.NumberInput(attrs={"placeholder": "5"}))
    unregistered = _FlagFilter(label=_("符合科技型中小企业条件但未入库"))

    class Meta(ListFilter.Meta):
        model = EvaluationResult

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = org_selectors.counties_in_scope(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.result_years(user=self.user)]
        if not facts.registered_tech_smes.available:
            del form.fields["unregistered"]
