"""The R&D lists' filters, declared once for the page and the export (core/filters.py)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter, TriStateFilter
from kechuang.core.forms import FilterForm
from kechuang.orgs.selectors import counties_in_scope
from kechuang.projects import selectors
from kechuang.projects.models import (
    Application,
    Call,
    Disbursement,
    Expert,
    Level,
    Programme,
    ProgressReport,
    Project,
    ReportDue,
    Source,
)


def _search(hint: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": hint}))


def _year() -> IntChoiceFilter:
    return IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)


YEARS = [("", _("全部年度"))] + [(y, str(y)) for y in range(2026, 2019, -1)]


class CallFilter(ListFilter):
    year = _year()
    programme = IntChoiceFilter(label=_("计划类别"), empty_label=_("全部类别"))

    class Meta(ListFilter.Meta):
        model = Call

    def setup_form(self, form: FilterForm) -> None:
        form.fields["year"].choices = YEARS
        form.fields["programme"].queryset = selectors.programmes()


class ProgrammeFilter(ListFilter):
    level = SelectFilter(label=_("类别"), choices=[("", _("全部类别")), *Level.choices])

    class Meta(ListFilter.Meta):
        model = Programme


class ApplicationFilter(ListFilter):
    q = _search(str(_("项目名称或牵头单位")))
    call = IntChoiceFilter(label=_("申报指南"), empty_label=_("全部指南"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    status = SelectFilter(label=_("状态"),
                          choices=[("", _("全部状态")), *Application.Status.choices])

    class Meta(ListFilter.Meta):
        model = Application

    def setup_form(self, form: FilterForm) -> None:
        form.fields["call"].queryset = selectors.call_list(user=self.user)
        form.fields["county"].queryset = counties_in_scope(user=self.user)


class ExpertFilter(ListFilter):
    q = _search(str(_("姓名或专业领域")))
    title = SelectFilter(label=_("职称"), choices=[("", _("全部职称")), *Expert.Title.choices])

    class Meta(ListFilter.Meta):
        model = Expert


class AssignmentFilter(ListFilter):
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")), ("invited", _("待确认")),
                                                   ("accepted", _("已接受")),
                                                   ("declined", _("已谢绝"))])

    class Meta(ListFilter.Meta):
        model = Application


class AcceptanceTaskFilter(ListFilter):
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")), ("invited", _("待确认")),
                                                   ("accepted", _("已接受")),
                                                   ("declined", _("已谢绝"))])

    class Meta(ListFilter.Meta):
        model = Project


class ProjectFilter(ListFilter):
    q = _search(str(_("项目名称、编号或承担单位")))
    year = _year()
    level = SelectFilter(label=_("类别"), choices=[("", _("全部类别")), *Level.choices])
    stage = SelectFilter(label=_("阶段"), choices=[("", _("全部阶段")), *Project.Stage.choices])
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    carried_over = TriStateFilter(label=_("上年度结转"), choices=[
        ("", _("全部")), ("1", _("是")), ("0", _("否"))])

    class Meta(ListFilter.Meta):
        model = Project

    def setup_form(self, form: FilterForm) -> None:
        form.fields["year"].choices = YEARS
        form.fields["county"].queryset = counties_in_scope(user=self.user)


class DisbursementFilter(ListFilter):
    q = _search(str(_("项目名称、编号或凭证号")))
    year = _year()
    source = SelectFilter(label=_("资金来源"), choices=[("", _("全部来源")), *Source.choices])

    class Meta(ListFilter.Meta):
        model = Disbursement

    def setup_form(self, form: FilterForm) -> None:
        form.fields["year"].choices = YEARS


class OverdueReportFilter(ListFilter):
    q = _search(str(_("项目名称、编号或承担单位")))
    kind = SelectFilter(label=_("类型"), choices=[("", _("全部类型")),
                                                  *ProgressReport.Kind.choices])
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))

    class Meta(ListFilter.Meta):
        model = ReportDue

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = counties_in_scope(user=self.user)
