"""Input forms of supervision: units, task assignment, measures, milestones, progress updates,
督办 notices and answers. Milestones are typed one a line: "2025-06-30 印发实施细则"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import bureau_users
from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.regions.selectors import counties
from kechuang.supervision.models import (
    Milestone,
    ReformMeasure,
    ResponsibleUnit,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def parse_milestones(text: str) -> list[tuple[str, dt.date]]:
    """Lines "YYYY-MM-DD 内容" → (title, date); a bad line raises ValidationError."""
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, title = line.partition(" ")
        try:
            due = dt.date.fromisoformat(day.strip())
        except ValueError as exc:
            raise forms.ValidationError(
                _("第%(n)s行：日期须写成 2025-06-30 的格式，后接空格和节点内容") % {"n": n}
            ) from exc
        if not title.strip():
            raise forms.ValidationError(_("第%(n)s行：请在日期后写节点内容") % {"n": n})
        out.append((title.strip()[:200], due))
    return out


MILESTONE_HELP = _("每行一个节点：日期 空格 内容，如“2025-06-30 印发实施细则”；已有节点保留")


class UnitForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ResponsibleUnit
        fields = ["name", "kind", "county", "supervisor", "members", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties()
        self.fields["supervisor"].queryset = bureau_users().order_by("username")
        self.fields["members"].queryset = bureau_users().order_by("username")
        self.fields["members"].help_text = _(
            "县区科技局选该县区的工作人员；科室、市直部门选市局账号")
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("name", "kind", "county", "supervisor", "sort_order",
                                      "version") if k in d}


class _UnitsMixin(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=ResponsibleUnit.objects.none())
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"), required=False, queryset=ResponsibleUnit.objects.none())
    due_date = forms.DateField(label=_("完成时限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    milestones = forms.CharField(label=_("新增进度节点"), required=False, help_text=MILESTONE_HELP,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def setup_units(self, units: Any) -> None:
        self.fields["lead_unit"].queryset = units
        self.fields["cooperating_units"].queryset = units

    def clean_milestones(self) -> list[tuple[str, dt.date]]:
        return parse_milestones(self.cleaned_data.get("milestones", ""))


class AssignForm(_UnitsMixin):
    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_units(units)
        style_widgets(self)


class MeasureForm(VersionedFormMixin, forms.ModelForm, _UnitsMixin):
    class Meta:
        model = ReformMeasure
        fields = ["number", "title", "area", "mechanism", "description", "outputs",
                  "is_example"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "outputs": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_units(units)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("number", "title", "area", "mechanism", "description",
                                      "outputs", "is_example", "version") if k in d}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "milestone_%s")
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MilestoneEditForm(VersionedFormMixin, MilestoneForm):
    """Edit a milestone's content and date (``version``: a concurrent edit is refused)."""

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def _post_clean(self) -> None:  # the service validates (and audits) the whole row
        pass


class UpdateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("填报单位"), queryset=ResponsibleUnit.objects.none())
    reported_on = forms.DateField(label=_("进展日期"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    text = forms.CharField(label=_("进展情况"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    milestone = forms.ModelChoiceField(label=_("达成节点"), required=False,
                                       queryset=Milestone.objects.none(),
                                       empty_label=_("（未达成新节点）"))
    completes = forms.BooleanField(label=_("申报办结（事项已全部完成，须上传佐证材料）"),
                                   required=False)
    files = MultipleFileField(label=_("佐证材料"), required=False,
                              help_text=_("PDF、图片、Word 或 Excel，单个不超过 20 MB"))

    def __init__(self, *args: Any, units: Any, milestones: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "update_%s")  # beside the notice form on one page
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()
        self.fields["milestone"].queryset = milestones
        self.fields["reported_on"].initial = timezone.localdate()
        style_widgets(self)


class NoticeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("督办单位"), queryset=ResponsibleUnit.objects.none())
    text = forms.CharField(label=_("督办事项"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    answer_due = forms.DateField(label=_("答复期限"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "notice_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["answer_due"].initial = timezone.localdate() + dt.timedelta(days=7)
        style_widgets(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
