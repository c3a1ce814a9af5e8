"""Forms of the reported-value pages: filters, submission (with files), review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import can_report_city_indicator
from kechuang.core.forms import MultipleFileField, style_widgets
from kechuang.core.uploads import max_upload_bytes, size_label
from kechuang.reported import selectors


def indicator_label(obj: Any) -> str:
    """An indicator as the selects show it: plan year, name and unit."""
    unit = f"（{obj.unit}）" if obj.unit else ""
    return f"{obj.action.plan.year} · {obj.name}{unit}"


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return indicator_label(obj)


class ValueForm(forms.Form):
    indicator = IndicatorChoiceField(label=_("指标"), queryset=None)
    county = forms.ModelChoiceField(label=_("县区"), queryset=None, required=False,
                                    empty_label=_("全市（市级数值）"))
    period_end = forms.DateField(label=_("截至日期"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("数值的统计截至日期（累计值），通常为月末"))
    value = forms.DecimalField(label=_("数值"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("说明"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("佐证材料"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = selectors.reported_indicators(user=user, submit=True)
        self.fields["county"].queryset = selectors.submit_counties(user=user)
        self.fields["files"].help_text = _(
            "可多选；PDF、图片（PNG/JPG）、Excel（xlsx）或 Word（docx），单个文件不超过 %(limit)s"
        ) % {"limit": size_label(max_upload_bytes())}
        if not can_report_city_indicator(user):
            # a county clerk reports for their county only; the city's figures are the city's
            self.fields["county"].required = True
            self.fields["county"].empty_label = None
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "files"}


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("审核意见"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SourceForm(forms.Form):
    """The bureau's choice for a counted indicator: the counted figure or the official one."""

    use_reported = forms.BooleanField(
        label=_("以上报的官方统计数为准"), required=False,
        help_text=_("勾选后，工作进展、指标详情和月报显示审核通过的上报数值（标注“上报”），"
                    "不再按业务记录计数；取消勾选恢复按记录计数"))
    reason = forms.CharField(label=_("依据"), max_length=300,
                             help_text=_("如：以市统计局公布数为准（文件名称、日期）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
