"""Input forms; views hand the cleaned data to the services (which validate again and audit)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.rdinput import selectors
from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsModel, RdReserveFund

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ModelForm(VersionedFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def _post_clean(self) -> None:  # the service validates the whole row (and its scope)
        pass


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(FilesField, self).clean(d, initial) for d in items]


class FiscalForm(_ModelForm):
    files = FilesField(label=_("财政部门文件（PDF、图片或 Excel）"), required=False,
                       widget=MultiFileInput())

    class Meta:
        model = FiscalReport
        fields = ["county", "year", "budget_wan", "actual_wan", "document", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = selectors.fileable_counties(user=user)
        if self.instance.pk:
            for name in ("county", "year"):
                self.fields[name].disabled = True

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("files", None)
        return data


class ReserveForm(_ModelForm):
    class Meta:
        model = RdReserveFund
        fields = ["enterprise", "year", "provision_yuan", "used_yuan", "system_document",
                  "approved_on", "note"]
        widgets = {"approved_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.reserve_enterprises(user=user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True


class IntensityForm(_ModelForm):
    class Meta:
        model = IntensityFigure
        fields = ["year", "official_pct", "official_source", "province_pct", "province_source",
                  "rd_expenditure_yuan", "gdp_yuan", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
        self.fields["rd_expenditure_yuan"].help_text = _(
            "留空时，平台估算按本年度企业年报研发费用合计计算（注明填报企业数）；"
            "填写时以填写的金额为准")


class PointsModelForm(_ModelForm):
    spec = forms.CharField(label=_("模型配置（JSON）"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("indicators 指标列表、weights 各阶段权重（“*”表示所有阶段，"
                                       "每阶段权重之和为 1）、stages 阶段表、tiers 榜单"))

    class Meta:
        model = PointsModel
        fields = ["name", "description", "example", "spec"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["spec"] = json.dumps(self.instance.spec, ensure_ascii=False, indent=2)

    def clean_spec(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["spec"])
        except ValueError as exc:
            raise forms.ValidationError(_("不是有效的 JSON：%(e)s"), params={"e": exc}) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("模型配置应为 JSON 对象"))
        return value


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("数据年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("审核意见"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
