"""Forms of the plan pages: plan, action, task and indicator edits, county shares, import.

ModelForms give the widgets and the model's own validation; the views hand
``service_data()`` to ``plans.services``, which validates again inside its transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang import metrics
from kechuang.core.forms import style_widgets
from kechuang.plans.models import Action, Indicator, Plan, PlanTask

MAX_UPLOAD = 2 * 1024 * 1024  # a plan's text is a few dozen KB at most


def metric_choices(current: str = "") -> list[tuple[str, str]]:
    choices = [("", str(_("按指标代码自动匹配")))] + list(metrics.choices())
    if current and current not in dict(choices):
        choices.append((current, str(_("%(key)s（未注册）") % {"key": current})))
    return choices


class ServiceDataMixin:
    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PlanForm(ServiceDataMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "aim", "on_track_ratio", "at_risk_ratio", "zone_attribution"]
        widgets = {"aim": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ActionForm(ServiceDataMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class TaskForm(ServiceDataMixin, forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["text", "responsible_unit", "due_date", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}),
                   "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class IndicatorForm(ServiceDataMixin, forms.ModelForm):
    metric = forms.ChoiceField(label=_("计算口径"), required=False,
                               help_text=_("系统据此自动计算当前值；为空时按指标代码匹配"))

    class Meta:
        model = Indicator
        fields = ["key", "name", "unit", "target", "comparison", "reference",
                  "reference_value", "reference_value_note", "direction", "scope", "source",
                  "metric", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices(self.instance.metric)
        style_widgets(self)

    def validate_unique(self) -> None:
        """The plan-wide key check is the service's (the form has no action)."""


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("目标年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AllocationForm(forms.Form):
    """One number per county of the plan's region; an empty box means no share."""

    def __init__(self, *args: Any, counties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counties = counties
        for county in counties:
            self.fields[f"county_{county.pk}"] = forms.DecimalField(
                label=county.name, required=False, min_value=0, max_digits=16,
                decimal_places=4,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm "
                                                         "text-end kc-share",
                                                "step": "any", "min": "0"}))

    def rows(self) -> list[tuple[Any, Any]]:
        return [(c, self[f"county_{c.pk}"]) for c in self.counties]

    def shares(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"county_{c.pk}"] for c in self.counties
                if self.cleaned_data.get(f"county_{c.pk}") is not None}


class ImportTextForm(forms.Form):
    """Step 1: the plan's text, pasted or as a .txt file (UTF-8 or GB18030)."""

    text = forms.CharField(label=_("粘贴工作要点文本"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 12}))
    file = forms.FileField(label=_("或上传文本文件（.txt，UTF-8 或 GB18030 编码）"),
                           required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith(".txt"):
            raise forms.ValidationError(_("请上传 .txt 文本文件（Word 文档请先另存为纯文本）"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（不超过 2 MB）"))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("请粘贴文本或上传文件"))
        return data


class DraftPlanForm(forms.Form):
    """Step 2: the plan's head and its action names; ``token`` carries the signed source."""

    title = forms.CharField(label=_("标题"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    aim = forms.CharField(label=_("总体要求"), required=False,
                          widget=forms.Textarea(attrs={"rows": 3}))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, actions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_numbers = [int(a["number"]) for a in actions]
        for a in actions:
            self.fields[f"action_{a['number']}"] = forms.CharField(
                label=_("行动%(n)s") % {"n": a["number"]}, max_length=200,
                initial=a["name"])
        style_widgets(self)

    def action_fields(self) -> list[Any]:
        return [self[f"action_{n}"] for n in self.action_numbers]


class DraftIndicatorForm(forms.Form):
    """One extracted target as an editable indicator row."""

    include = forms.BooleanField(label=_("导入"), required=False, initial=True)
    action = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.SlugField(label=_("指标代码"), max_length=60)
    name = forms.CharField(label=_("名称"), max_length=200)
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    target = forms.DecimalField(label=_("目标值"), required=False, max_digits=16,
                                decimal_places=4)
    comparison = forms.ChoiceField(label=_("比较方式"), choices=Indicator.Comparison.choices)
    direction = forms.ChoiceField(label=_("方向"), choices=Indicator.Direction.choices,
                                  required=False)
    scope = forms.ChoiceField(label=_("范围"), choices=Indicator.Scope.choices)
    source = forms.ChoiceField(label=_("数据来源"), choices=Indicator.Source.choices)
    metric = forms.ChoiceField(label=_("计算口径"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False,
                           widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()
        style_widgets(self, small=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("include") and data.get("target") is None
                and not data.get("direction")):
            self.add_error("target", _("目标值、方向至少填写一项"))
        return data


class BaseDraftIndicatorFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if not form.cleaned_data.get("include"):
                continue
            key = form.cleaned_data["key"]
            if key in seen:
                form.add_error("key", _("指标代码重复"))
            seen.add(key)


DraftIndicatorFormSet = forms.formset_factory(DraftIndicatorForm,
                                              formset=BaseDraftIndicatorFormSet, extra=0)
