"""Forms of the R&D pages: the application with its budget grid, the flow's reason, the draw,
the score sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.projects import selectors
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    Application,
    Category,
    ChangeRequest,
    Expert,
    ProgressReport,
    ReviewKind,
    Source,
)


def budget_field(category: str, source: str) -> str:
    return f"budget_{category}_{source}"


class ApplicationForm(VersionedFormMixin, forms.Form):
    call = forms.ModelChoiceField(label=_("申报指南"), queryset=None)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    direction = forms.CharField(label=_("支持方向"), max_length=100, required=False)
    lead = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    partners = forms.ModelMultipleChoiceField(label=_("合作单位"), queryset=None, required=False)
    pi_name = forms.CharField(label=_("项目负责人"), max_length=50)
    team = forms.CharField(label=_("项目组成员"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一人"))
    objectives = forms.CharField(label=_("研究目标"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    targets = forms.CharField(label=_("考核指标"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    total_budget_yuan = forms.DecimalField(label=_("总预算（元）"), max_digits=14,
                                           decimal_places=2, min_value=0)

    def __init__(self, *args: Any, user: Any, application: Application | None = None,
                 **kwargs: Any) -> None:
        self.instance = application  # VersionedFormMixin keeps the version of an edit
        if application is not None:
            kwargs.setdefault("initial", {}).update(self.initial_from(application))
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = selectors.open_calls(user=user)
        self.fields["lead"].queryset = selectors.lead_choices(user=user)
        self.fields["partners"].queryset = selectors.partner_choices()
        self.budget_rows = []
        for cat, cat_label in Category.choices:
            cells = []
            for src, _src_label in Source.choices:
                name = budget_field(cat, src)
                self.fields[name] = forms.DecimalField(
                    label=f"{cat_label}·{_src_label}", required=False, max_digits=14,
                    decimal_places=2, min_value=0)
                cells.append(name)
            self.budget_rows.append((cat_label, cells))
        style_widgets(self)

    @staticmethod
    def initial_from(app: Application) -> dict[str, Any]:
        out: dict[str, Any] = {f: getattr(app, f) for f in (
            "title", "direction", "pi_name", "team", "objectives", "targets",
            "total_budget_yuan", "version")}
        out["call"], out["lead"] = app.call_id, app.lead_id
        out["partners"] = [p.pk for p in app.partners.all()]
        for b in app.budget_lines.all():
            out[budget_field(b.category, b.source)] = b.amount_yuan
        return out

    def budget_grid(self) -> list[tuple[str, list[Any]]]:
        return [(label, [self[name] for name in cells]) for label, cells in self.budget_rows]

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("call", "title", "direction", "lead", "pi_name", "team",
                                      "objectives", "targets", "total_budget_yuan", "version")}

    def budget(self) -> list[dict[str, Any]]:
        return [{"category": c, "source": s, "amount_yuan": self.cleaned_data.get(
            budget_field(c, s)) or Decimal(0)} for c in Category.values for s in Source.values]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("意见/原因"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class DrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("评审类型"), choices=ReviewKind.choices,
                             initial=ReviewKind.TECHNICAL, required=False,
                             help_text=_("财务评审按指南的财务评审专家领域抽取"))
    size = forms.IntegerField(label=_("专家人数"), min_value=1, max_value=15, initial=5)
    reserves = forms.IntegerField(label=_("替补人数"), min_value=0, max_value=10, initial=2)
    titles = forms.MultipleChoiceField(label=_("职称要求"), required=False,
                                       choices=Expert.Title.choices,
                                       widget=forms.CheckboxSelectMultiple)
    max_load = forms.IntegerField(label=_("每位专家本指南评审上限"), min_value=1, required=False)
    seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=0, max_value=2**62,
                              help_text=_("留空由系统生成；填写既有种子可复核抽取结果"))
    overrides = forms.CharField(
        label=_("解除回避"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一位：专家编号 空格 理由（编号见下方“未入选及原因”）；须经批准并留痕"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ReviewKind.TECHNICAL

    def clean_overrides(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for line in self.cleaned_data.get("overrides", "").splitlines():
            if not line.strip():
                continue
            head, _sep, reason = line.strip().partition(" ")
            if not head.isdigit() or not reason.strip():
                raise forms.ValidationError(
                    _("“%(line)s”格式不对：应为 专家编号 空格 理由") % {"line": line.strip()})
            out[int(head)] = reason.strip()
        return out


class ScoreForm(forms.Form):
    """One score per criterion of the call (0–100) and an opinion."""

    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, criteria: list[tuple[str, Decimal]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for i, (name, weight) in enumerate(criteria):
            self.fields[f"score_{i}"] = forms.DecimalField(
                label=f"{name}（{_('权重')} {format(weight.normalize(), 'f')}）", min_value=0,
                max_value=100, decimal_places=2)
        self.order_fields([f"score_{i}" for i in range(len(criteria))] + ["opinion"])
        style_widgets(self)

    def scores(self) -> dict[str, str]:
        return {name: str(self.cleaned_data[f"score_{i}"])
                for i, (name, _w) in enumerate(self.criteria)}


class PaymentForm(forms.Form):
    """Pay from one instalment of the ledger."""

    instalment = forms.IntegerField(widget=forms.HiddenInput)
    amount_yuan = forms.DecimalField(label=_("拨付金额（元）"), max_digits=14, decimal_places=2,
                                     min_value=Decimal("0.01"))
    paid_on = forms.DateField(label=_("拨付日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    voucher_no = forms.CharField(label=_("凭证号"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AttachmentForm(forms.Form):
    """One file for one of the call's required attachments (or a further attachment)."""

    requirement = forms.CharField(label=_("附件名称"), max_length=100, required=False)
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReportForm(forms.Form):
    """A progress or mid-term report with its evidence."""

    kind = forms.ChoiceField(label=_("类型"), choices=ProgressReport.Kind.choices)
    period = forms.CharField(label=_("报告期"), max_length=50)
    summary = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    spent_yuan = forms.DecimalField(label=_("累计支出（元）"), max_digits=14, decimal_places=2,
                                    min_value=0, required=False)
    evidence = forms.FileField(label=_("佐证材料"), required=False,
                               help_text=_("中期检查必传；PDF、Word、Excel 或图片"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ChangeForm(forms.Form):
    """A change request: a new PI, an extension, or one budget move (预算调剂)."""

    kind = forms.ChoiceField(label=_("变更类型"), choices=ChangeRequest.Kind.choices)
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 2}))
    new_pi_name = forms.CharField(label=_("新项目负责人"), max_length=50, required=False)
    new_ends_on = forms.DateField(label=_("延期至"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    move_source = forms.ChoiceField(label=_("调剂资金来源"), required=False,
                                    choices=[("", "—"), *Source.choices])
    move_from = forms.ChoiceField(label=_("调出科目"), required=False,
                                  choices=[("", "—"), *Category.choices])
    move_to = forms.ChoiceField(label=_("调入科目"), required=False,
                                choices=[("", "—"), *Category.choices])
    move_yuan = forms.DecimalField(label=_("调剂金额（元）"), max_digits=14, decimal_places=2,
                                   min_value=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def moves(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        if d.get("kind") != ChangeRequest.Kind.BUDGET or not d.get("move_yuan"):
            return []
        return [{"source": d["move_source"], "from": d["move_from"], "to": d["move_to"],
                 "yuan": str(d["move_yuan"])}]


class AcceptanceForm(forms.Form):
    """The application for acceptance: each 考核指标's result, and the audit report."""

    audit_report = forms.FileField(label=_("财务审计报告（PDF）"))

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.target_rows = []
        for i, target in enumerate(targets):
            self.fields[f"achieved_{i}"] = forms.CharField(label=target, max_length=500,
                                                           required=False)
            self.fields[f"met_{i}"] = forms.BooleanField(label=_("已完成"), required=False)
            self.target_rows.append((target, f"achieved_{i}", f"met_{i}"))
        style_widgets(self)

    def evaluation(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [{"target": t, "achieved": d.get(f"achieved_{i}", ""),
                 "met": d.get(f"met_{i}", False)} for i, t in enumerate(self.targets)]


class AcceptanceOpinionForm(forms.Form):
    """An acceptance expert's opinion: each 考核指标 met / partly / not met, the conclusion
    they recommend, and why."""

    recommendation = forms.ChoiceField(label=_("建议结论"),
                                       choices=Acceptance.Conclusion.choices)
    opinion = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        for i, target in enumerate(targets):
            self.fields[f"rating_{i}"] = forms.ChoiceField(
                label=target, choices=AcceptanceOpinion.Rating.choices,
                widget=forms.RadioSelect)
        self.order_fields([f"rating_{i}" for i in range(len(targets))]
                          + ["recommendation", "opinion"])
        style_widgets(self)

    def ratings(self) -> dict[str, str]:
        return {t: self.cleaned_data.get(f"rating_{i}", "") for i, t in enumerate(self.targets)}


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("验收结论"), choices=Acceptance.Conclusion.choices)
    opinion = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
