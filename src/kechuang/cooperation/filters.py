"""The filters of the three lists, declared once for the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.cooperation import selectors
from kechuang.cooperation.models import Achievement, CooperationProject, Talent
from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter, TriStateFilter
from kechuang.core.forms import FilterForm


def _search(placeholder: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder}))


class ProjectFilter(ListFilter):
    q = _search(_("项目、高校或本地合作单位"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    kind = SelectFilter(label=_("合作形式"),
                        choices=[("", _("全部形式")), *CooperationProject.Kind.choices])
    status = SelectFilter(label=_("状态"),
                          choices=[("", _("全部状态")), *CooperationProject.Status.choices])
    schedule = SelectFilter(label=_("建设进度"), choices=[
        ("", _("全部进度")), (selectors.ON_SCHEDULE, _("按计划推进")),
        (selectors.BEHIND, _("滞后"))])
    provincial = TriStateFilter(label=_("省校合作"), choices=[
        ("", _("全部")), ("1", _("省校合作")), ("0", _("其他"))])

    api_help = {"q": _("项目名称、合作高校或本地合作单位名称"), "county": _("县区编号"),
                "schedule": _("on：按计划推进；behind：有逾期节点")}

    class Meta(ListFilter.Meta):
        model = CooperationProject

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)


class TalentFilter(ListFilter):
    q = _search(_("团队、领域、依托单位"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    category = SelectFilter(label=_("类别"),
                            choices=[("", _("全部类别")), *Talent.Category.choices])
    mode = SelectFilter(label=_("引进方式"), choices=[
        ("", _("全部方式")), ("flexible", _("柔性引才（全部）")), *Talent.Mode.choices])
    year = IntChoiceFilter(label=_("落地年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    api_help = {"q": _("团队名称、研究领域、依托单位或来源单位"),
                "county": _("依托单位所在县区编号"),
                "mode": _("flexible：全部柔性引才方式")}

    class Meta(ListFilter.Meta):
        model = Talent

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.talent_counties(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.talent_years(user=self.user)]


class AchievementFilter(ListFilter):
    q = _search(_("成果、来源、承接企业或合同登记编号"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    mode = SelectFilter(label=_("转化方式"), choices=[("", _("全部方式")),
                                                  *Achievement.Mode.choices])
    year = IntChoiceFilter(label=_("转化年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    api_help = {"q": _("成果名称、来源、承接企业或技术合同登记编号"),
                "county": _("承接企业所在县区编号")}

    class Meta(ListFilter.Meta):
        model = Achievement

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.achievement_counties(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.achievement_years(user=self.user)]
