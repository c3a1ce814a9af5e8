"""The lists' filters, declared once for the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.carriers import selectors
from kechuang.carriers.models import Evaluation, Level, Occupant, Platform
from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter, TriStateFilter
from kechuang.core.forms import FilterForm

LEVELS = [("", _("全部级别")), ("provincial_up", _("省级以上")), *Level.choices,
          ("none", _("未认定"))]


def _search(placeholder):
    return django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder}))


class PlatformFilter(ListFilter):
    q = _search(_("平台名称、依托单位或领域"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    kind = IntChoiceFilter(label=_("类别"), empty_label=_("全部类别"))
    level = SelectFilter(label=_("级别"), choices=LEVELS)
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")),
                                                  *Platform.Status.choices])
    jinchuanggu = TriStateFilter(label=_("晋创谷载体"), choices=[
        ("", _("全部")), ("1", _("是")), ("0", _("否"))])

    api_help = {"q": _("平台名称、依托单位或技术领域"), "county": _("县区编号"),
                "kind": _("平台类别编号"), "level": _("级别；provincial_up 为省级以上")}

    class Meta(ListFilter.Meta):
        model = Platform

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        form.fields["kind"].queryset = selectors.kinds()


class OccupantFilter(ListFilter):
    q = _search(_("名称、载体或领域"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    carrier = IntChoiceFilter(label=_("载体"), empty_label=_("全部载体"))
    kind = SelectFilter(label=_("类型"), choices=[("", _("全部类型")), *Occupant.Kind.choices])
    state = SelectFilter(label=_("状态"), choices=[
        ("", _("全部状态")), (selectors.PRESENT, _("在孵")),
        (selectors.GRADUATED, _("已毕业")), (selectors.LEFT, _("已迁出"))])

    api_help = {"county": _("县区编号"), "carrier": _("载体（平台）编号")}

    class Meta(ListFilter.Meta):
        model = Occupant

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        form.fields["carrier"].queryset = selectors.carriers_for(user=self.user)


class EvaluationFilter(ListFilter):
    q = _search(_("平台名称或依托单位"))
    campaign = IntChoiceFilter(label=_("评价"), empty_label=_("全部评价"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")),
                                                  *Evaluation.Status.choices])
    grade = SelectFilter(label=_("评价等级"), choices=[("", _("全部等级")),
                                                   *Evaluation.Grade.choices[1:]])

    api_help = {"campaign": _("绩效评价编号"), "county": _("县区编号")}

    class Meta(ListFilter.Meta):
        model = Evaluation

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        form.fields["campaign"].queryset = selectors.campaigns_for(user=self.user)
