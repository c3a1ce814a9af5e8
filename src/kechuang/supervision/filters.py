"""The supervision lists' filters, declared once for the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.supervision import selectors
from kechuang.supervision.models import (
    NOTICE_STATE_LABELS,
    STATUS_CHOICES,
    ReformMeasure,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
)


class ItemFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("任务或措施内容")}))
    kind = SelectFilter(label=_("类型"), choices=[("", _("全部类型")),
                                                *SupervisedItem.Kind.choices])
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")), *STATUS_CHOICES])
    unit = IntChoiceFilter(label=_("责任单位"), empty_label=_("全部单位"))
    action = IntChoiceFilter(label=_("行动"), empty_label=_("全部行动"), min_value=1,
                             max_value=20)
    area = SelectFilter(label=_("领域"), choices=[("", _("全部领域")),
                                                *ReformMeasure.Area.choices])
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    api_help = {"unit": _("责任单位编号（牵头或配合）"), "action": _("行动序号（重点任务）"),
                "status": _("派生状态，按今天计算"), "year": _("工作要点年度")}

    class Meta(ListFilter.Meta):
        model = SupervisedItem

    def setup_form(self, form: FilterForm) -> None:
        form.fields["unit"].queryset = selectors.filter_units(user=self.user)
        form.fields["action"].choices = [("", _("全部行动"))] + [
            (n, _("行动%(n)s") % {"n": n}) for n in range(1, 9)]
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.plan_years(user=self.user)]


class UnitFilter(ListFilter):
    q = django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("单位名称")}))
    kind = SelectFilter(label=_("类别"), choices=[("", _("全部类别")),
                                                *ResponsibleUnit.Kind.choices])

    class Meta(ListFilter.Meta):
        model = ResponsibleUnit


class NoticeFilter(ListFilter):
    state = SelectFilter(label=_("状态"), choices=[("", _("全部状态")),
                                                 *NOTICE_STATE_LABELS.items()])
    unit = IntChoiceFilter(label=_("督办单位"), empty_label=_("全部单位"))

    api_help = {"state": _("open 待答复 / answered 已答复 / overdue 逾期未答复")}

    class Meta(ListFilter.Meta):
        model = SupervisionNotice

    def setup_form(self, form: FilterForm) -> None:
        form.fields["unit"].queryset = selectors.filter_units(user=self.user)
