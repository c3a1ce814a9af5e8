"""Forms of the cooperation pages. Views hand the cleaned data to the services, which validate
again, check the scope and audit."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.cooperation import selectors
from kechuang.cooperation.models import (
    Achievement,
    CooperationProject,
    Milestone,
    Outcome,
    Talent,
)
from kechuang.core.forms import MultipleFileField, VersionedFormMixin, style_widgets

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
SPLIT = re.compile(r"[\n,，、;；]+")


class OrgField(forms.CharField):
    """An organisation the user reads, typed as credit code or exact name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("填写统一社会信用代码或单位全称（须已在系统中登记）"))
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        found = selectors.find_organisation(text, user=self.user)
        if found is None:
            raise forms.ValidationError(_("找不到单位“%(t)s”，请先登记该单位"), params={"t": text},
                                        code="organisation")
        return found


class OrgListField(forms.CharField):
    """Several organisations, one a line (or separated by 、/，)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("help_text", _("每行一家：统一社会信用代码或单位全称"))
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> list[Any]:
        text = super().clean(value)
        out, missing = [], []
        for part in (p.strip() for p in SPLIT.split(text or "")):
            if not part:
                continue
            found = selectors.find_organisation(part, user=self.user)
            if found is None:
                missing.append(part)
            elif found not in out:
                out.append(found)
        if missing:
            raise forms.ValidationError(_("找不到单位：%(t)s，请先登记"), params={
                "t": "、".join(missing)}, code="organisation")
        if self.required and not out:
            raise forms.ValidationError(_("请至少填写一家单位"), code="required")
        return out


def _bind_user(form: forms.Form, user: Any) -> None:
    for field in form.fields.values():
        if isinstance(field, (OrgField, OrgListField)):
            field.user = user


def _initial(form_cls: type, instance: Any, kwargs: dict[str, Any]) -> None:
    initial = kwargs.setdefault("initial", {})
    for name in form_cls.base_fields:
        if name == "version" or not hasattr(instance, name):
            continue
        value = getattr(instance, name)
        if name in ("host", "receiver"):
            value = value.credit_code
        elif hasattr(value, "pk"):
            value = value.pk
        initial[name] = value
    initial["version"] = instance.version


class ProjectForm(VersionedFormMixin):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(label=_("合作形式"), choices=CooperationProject.Kind.choices)
    partner = forms.ModelChoiceField(label=_("合作高校/院所（已登记）"), required=False,
                                     queryset=selectors.partner_choices())
    partner_name = forms.CharField(label=_("合作高校/院所名称"), max_length=200, required=False,
                                   help_text=_("未在系统中登记的（如市外高校）直接填写名称"))
    local_partners = OrgListField(label=_("本地合作单位"))
    county = forms.ModelChoiceField(label=_("所在县区"), queryset=None)
    agreement_on = forms.DateField(label=_("协议签订日期"), widget=DATE)
    provincial = forms.BooleanField(label=_("省校合作项目（计划点名）"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=CooperationProject.Status.choices,
                               initial=CooperationProject.Status.BUILDING)
    ended_on = forms.DateField(label=_("终止日期"), widget=DATE, required=False)
    summary = forms.CharField(label=_("建设内容"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, instance: CooperationProject | None = None,
                 **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            _initial(type(self), instance, kwargs)
            kwargs["initial"]["local_partners"] = "\n".join(
                o.credit_code for o in selectors.partners_of(project=instance))
        super().__init__(*args, **kwargs)
        from kechuang.regions.selectors import counties

        self.fields["county"].queryset = counties()
        _bind_user(self, user)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due_on = forms.DateField(label=_("计划完成日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EvidenceForm(forms.Form):
    done_on = forms.DateField(label=_("实际完成日期"), widget=DATE, required=False,
                              help_text=_("留空为今天"))
    note = forms.CharField(label=_("完成情况"), max_length=500, required=False)
    files = MultipleFileField(label=_("佐证材料"), required=False,
                              help_text=_("验收报告、挂牌照片、协议等（PDF、图片、Office 文件）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Outcome.Kind.choices)
    title = forms.CharField(label=_("成果"), max_length=200)
    achieved_on = forms.DateField(label=_("取得日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TalentForm(VersionedFormMixin):
    category = forms.ChoiceField(label=_("类别"), choices=Talent.Category.choices)
    mode = forms.ChoiceField(label=_("引进方式"), choices=Talent.Mode.choices)
    team_name = forms.CharField(label=_("团队名称"), max_length=200, required=False,
                                help_text=_("高端创新团队填写"))
    name = forms.CharField(label=_("姓名（团队负责人）"), max_length=50)
    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False,
                                help_text=_("选填，仅用于去重"))
    members = forms.IntegerField(label=_("团队人数"), min_value=1, max_value=999, initial=1)
    host = OrgField(label=_("依托单位"))
    project = forms.ModelChoiceField(label=_("关联合作项目"), required=False, queryset=None)
    field = forms.CharField(label=_("研究领域"), max_length=100)
    origin = forms.CharField(label=_("来源单位"), max_length=200, required=False)
    started_on = forms.DateField(label=_("落地日期"), widget=DATE)
    ended_on = forms.DateField(label=_("离开日期"), widget=DATE, required=False)
    support = forms.CharField(label=_("支持情况"), max_length=300, required=False)
    support_yuan = forms.DecimalField(label=_("支持资金（元）"), required=False, **MONEY)

    def __init__(self, *args: Any, user: Any, instance: Talent | None = None,
                 **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            _initial(type(self), instance, kwargs)
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = selectors.projects_for_choice(user=user)
        _bind_user(self, user)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AchievementForm(VersionedFormMixin):
    title = forms.CharField(label=_("成果名称"), max_length=200)
    source = forms.CharField(label=_("成果来源"), max_length=200,
                             help_text=_("完成成果的高校、院所或团队"))
    receiver = OrgField(label=_("承接企业"))
    mode = forms.ChoiceField(label=_("转化方式"), choices=Achievement.Mode.choices)
    amount_yuan = forms.DecimalField(label=_("转化金额（元）"), **MONEY)
    transferred_on = forms.DateField(label=_("转化日期"), widget=DATE)
    contract_no = forms.CharField(label=_("技术合同登记编号"), max_length=40, required=False)
    project = forms.ModelChoiceField(label=_("关联合作项目"), required=False, queryset=None)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, instance: Achievement | None = None,
                 **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            _initial(type(self), instance, kwargs)
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = selectors.projects_for_choice(user=user)
        _bind_user(self, user)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


__all__ = ["AchievementForm", "EvidenceForm", "Milestone", "MilestoneForm", "OutcomeForm",
           "ProjectForm", "ReopenForm", "TalentForm"]
