"""Forms of the R&D pages: the application with its budget grid, the flow's reason, the draw,
the score sheet; the bureau's programme, call and expert forms and the expert's own profile."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.policy import rd_attachments
from kechuang.projects import selectors
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    Application,
    Call,
    Category,
    ChangeRequest,
    Expert,
    Programme,
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


# ---- the bureau's programme, call and expert pages ------------------------------------------

class ProgrammeForm(forms.ModelForm):
    """A programme and its funding rules (shares per source, cap, co-funding ratio)."""

    class Meta:
        model = Programme
        fields = ("name", "level", "share_city_pct", "share_province_pct",
                  "share_enterprise_pct", "cap_city_yuan", "cofund_ratio")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def _post_clean(self) -> None:
        """Validation is the service's (create_object / update_object run full_clean)."""

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in self.Meta.fields}


BLIND_MARK = "匿名"
BLIND_MARKS = frozenset({BLIND_MARK, "anon", "anonymous", "anonymised", "anonymized"})  # the
# English interface's help names ":anon"
_COLON = re.compile(r"[:：]")


def criteria_text(raw: Any) -> str:
    """A call's criteria JSON as the form's lines ("名称:权重")."""
    return "\n".join(f"{c.get('name', '')}:{c.get('weight', 1)}" for c in raw or []
                     if isinstance(c, dict))


def attachments_text(raw: Any) -> str:
    """A call's required attachments JSON as the form's lines ("名称:pdf,jpg[:匿名]")."""
    lines = []
    for a in raw or []:
        if not isinstance(a, dict):
            continue
        types = a.get("types") or []
        line = f"{a.get('name', '')}:{','.join(types) if isinstance(types, list) else types}"
        lines.append(line + (f":{BLIND_MARK}" if a.get("blind_copy") else ""))
    return "\n".join(lines)


def _lines(text: str) -> list[tuple[int, str]]:
    return [(i, line.strip()) for i, line in enumerate((text or "").splitlines(), start=1)
            if line.strip()]


def parse_criteria(text: str) -> list[dict[str, Any]]:
    """"名称:权重" per line → the JSON Call.clean validates; a Chinese error names the line."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, line in _lines(text):
        parts = _COLON.split(line)
        name = parts[0].strip()
        if len(parts) != 2 or not name:
            raise forms.ValidationError(
                _("第 %(i)s 行“%(line)s”格式不对：应为 名称:权重，如“创新性:30”"),
                params={"i": i, "line": line})
        try:
            weight = Decimal(parts[1].strip())
        except InvalidOperation:
            weight = Decimal(0)
        if not weight.is_finite() or weight <= 0:
            raise forms.ValidationError(_("第 %(i)s 行“%(line)s”的权重须为正数"),
                                        params={"i": i, "line": line})
        if name in seen:
            raise forms.ValidationError(_("第 %(i)s 行：评审指标“%(name)s”重复"),
                                        params={"i": i, "name": name})
        seen.add(name)
        out.append({"name": name, "weight": int(weight) if weight == weight.to_integral()
                    else float(weight)})
    return out


def parse_attachments(text: str) -> list[dict[str, Any]]:
    """"名称:pdf,jpg" per line, optionally ":匿名" (the anonymised copy reviewers of a blind
    call get) → the JSON Call.clean validates; a Chinese error names the line."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, line in _lines(text):
        parts = [p.strip() for p in _COLON.split(line)]
        blind = len(parts) == 3 and parts[2].lower() in BLIND_MARKS
        if len(parts) not in (2, 3) or not parts[0] or (len(parts) == 3 and not blind):
            raise forms.ValidationError(
                _("第 %(i)s 行“%(line)s”格式不对：应为 名称:文件类型（逗号分隔），"
                  "须匿名版本的再加“:匿名”，如“可行性研究报告:pdf:匿名”"),
                params={"i": i, "line": line})
        types = [t.strip().lower() for t in re.split(r"[,，/、\s]+", parts[1]) if t.strip()]
        unknown = [t for t in types if t not in rd_attachments.KNOWN_TYPES]
        if not types or unknown:
            raise forms.ValidationError(
                _("第 %(i)s 行“%(line)s”：文件类型须从 %(known)s 中选择"),
                params={"i": i, "line": line,
                        "known": "、".join(rd_attachments.KNOWN_TYPES)})
        if parts[0] in seen:
            raise forms.ValidationError(_("第 %(i)s 行：附件“%(name)s”重复"),
                                        params={"i": i, "name": parts[0]})
        seen.add(parts[0])
        entry: dict[str, Any] = {"name": parts[0], "types": list(dict.fromkeys(types))}
        if blind:
            entry["blind_copy"] = True
        out.append(entry)
    return out


CALL_FIELDS = ("programme", "year", "title", "directions", "fields", "deadline", "pi_limit",
               "blind", "budget_fields", "budget_weight")
LINES = {"rows": 4}


class CallForm(forms.ModelForm):
    """A call (申报指南). The JSON lists are edited as lines: criteria and budget criteria
    "名称:权重", required attachments "名称:pdf,jpg" with an optional ":匿名". Once the call
    is published only the deadline stays open (it may be extended, services.save_call)."""

    criteria_lines = forms.CharField(
        label=_("评审指标及权重"), required=False, widget=forms.Textarea(attrs=LINES),
        help_text=_("每行一项：名称:权重，如“创新性:30”"))
    budget_criteria_lines = forms.CharField(
        label=_("财务评审指标及权重"), required=False, widget=forms.Textarea(attrs=LINES),
        help_text=_("每行一项：名称:权重，如“预算合理性:60”；留空则不设财务评审"))
    attachment_lines = forms.CharField(
        label=_("申报附件要求"), required=False, widget=forms.Textarea(attrs=LINES),
        help_text=_("每行一项：名称:文件类型（逗号分隔），须提供匿名版本的加“:匿名”，"
                    "如“可行性研究报告:pdf:匿名”“营业执照:pdf,jpg”"))

    class Meta:
        model = Call
        fields = CALL_FIELDS
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "directions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {}).update({
                "criteria_lines": criteria_text(instance.criteria),
                "budget_criteria_lines": criteria_text(instance.budget_criteria),
                "attachment_lines": attachments_text(instance.required_attachments)})
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes()
        self.order_fields([*CALL_FIELDS[:7], "criteria_lines", "attachment_lines", "blind",
                           "budget_criteria_lines", "budget_fields", "budget_weight"])
        self.published = bool(instance is not None and instance.published)
        if self.published:  # only the deadline may still move (later)
            for name, field in self.fields.items():
                if name != "deadline":
                    field.disabled = True
        style_widgets(self)

    def _post_clean(self) -> None:
        """Validation is the service's (full_clean with Call.clean)."""

    def clean_criteria_lines(self) -> list[dict[str, Any]]:
        return parse_criteria(self.cleaned_data.get("criteria_lines", ""))

    def clean_budget_criteria_lines(self) -> list[dict[str, Any]]:
        return parse_criteria(self.cleaned_data.get("budget_criteria_lines", ""))

    def clean_attachment_lines(self) -> list[dict[str, Any]]:
        return parse_attachments(self.cleaned_data.get("attachment_lines", ""))

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        if self.published:
            return {"deadline": d.get("deadline")}
        return {**{k: d.get(k) for k in CALL_FIELDS},
                "criteria": d.get("criteria_lines") or [],
                "budget_criteria": d.get("budget_criteria_lines") or [],
                "required_attachments": d.get("attachment_lines") or []}


THIS_YEAR_MAX = 2100


class ExpertForm(forms.Form):
    """An expert's profile. The bureau edits everything; the expert their own fields, title,
    availability (``own=True``: name, organisation and login are the bureau's)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.ChoiceField(label=_("职称"), choices=Expert.Title.choices)
    organisation = forms.ModelChoiceField(label=_("工作单位"), queryset=None, required=False)
    fields = forms.CharField(label=_("专业领域"), max_length=300, help_text=_("用逗号分隔"))
    available = forms.BooleanField(label=_("可参加评审"), required=False)
    user = forms.ModelChoiceField(label=_("登录账号"), queryset=None, required=False,
                                  help_text=_("评审专家角色的账号；专家登录后可自行维护本页信息"))

    OWN = ("title", "fields", "available")

    def __init__(self, *args: Any, expert: Expert | None = None, own: bool = False,
                 **kwargs: Any) -> None:
        if expert is not None:
            kwargs.setdefault("initial", {}).update({
                "name": expert.name, "title": expert.title, "fields": expert.fields,
                "organisation": expert.organisation_id, "available": expert.available,
                "user": expert.user_id})
        else:
            kwargs.setdefault("initial", {}).setdefault("available", True)
        super().__init__(*args, **kwargs)
        self.own = own
        if own:
            for name in list(self.fields):
                if name not in self.OWN:
                    del self.fields[name]
        else:
            self.fields["organisation"].queryset = selectors.partner_choices()
            self.fields["user"].queryset = selectors.expert_accounts(
                keep=expert.user_id if expert else None)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in self.fields}


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1950,
                              max_value=THIS_YEAR_MAX,
                              widget=forms.NumberInput(attrs={"placeholder": "2019"}))


class FormerEmployerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("曾任职单位"), queryset=None, required=False)
    from_year = _year_field(_("起始年份"))
    to_year = _year_field(_("结束年份"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.partner_choices()
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        start, end = d.get("from_year"), d.get("to_year")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("起止年份须同时填写，或都不填（视为近期任职）"))
        if start is not None and end is not None:
            if start > end:
                raise forms.ValidationError(_("起始年份不能晚于结束年份"))
            if end > dt.date.today().year:
                raise forms.ValidationError(_("结束年份不能晚于今年"))
        if start is not None and not d.get("organisation") and not d.get("DELETE"):
            raise forms.ValidationError(_("请选择曾任职单位"))
        return d

    def row(self) -> tuple[Any, dt.date | None, dt.date | None] | None:
        d = self.cleaned_data
        if not d or d.get("DELETE") or not d.get("organisation"):
            return None
        start, end = d.get("from_year"), d.get("to_year")
        return (d["organisation"], dt.date(start, 1, 1) if start else None,
                dt.date(end, 12, 31) if end else None)


class RelationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    person = forms.CharField(label=_("人员"), max_length=50, required=False)
    note = forms.CharField(label=_("关系说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.partner_choices()
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if d.get("note") and not d.get("organisation") and not (d.get("person") or "").strip():
            raise forms.ValidationError(_("利害关系须写明单位或人员"))
        return d

    def row(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d or d.get("DELETE") or not (d.get("organisation") or d.get("person")):
            return None
        return {"organisation": d.get("organisation"), "person": (d.get("person") or "").strip(),
                "note": d.get("note") or ""}


class DeclarationForm(forms.Form):
    application = forms.ModelChoiceField(label=_("项目申报"), queryset=None, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, applications: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        style_widgets(self)

    def row(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d or d.get("DELETE") or not d.get("application"):
            return None
        return {"application": d["application"], "note": d.get("note") or ""}


FormerEmployerFormSet = forms.formset_factory(FormerEmployerForm, extra=2, can_delete=True)
RelationFormSet = forms.formset_factory(RelationForm, extra=1, can_delete=True)
DeclarationFormSet = forms.formset_factory(DeclarationForm, extra=1, can_delete=True)


def profile_formsets(data: Any, *, expert: Expert | None,
                     applications: Any) -> dict[str, forms.BaseFormSet]:
    """The expert's rows as three formsets, prefilled from the profile when editing."""
    if expert is not None:
        former = [{"organisation": f.organisation_id,
                   "from_year": f.started.year if f.started else None,
                   "to_year": f.ended.year if f.ended else None}
                  for f in expert.former_employments.all()]
        relations = [{"organisation": r.organisation_id, "person": r.person, "note": r.note}
                     for r in expert.relations.all()]
        declarations = [{"application": d.application_id, "note": d.note}
                        for d in expert.declarations.all()]
    else:
        former, relations, declarations = [], [], []
    sets = {
        "former": FormerEmployerFormSet(data, initial=former, prefix="former"),
        "relations": RelationFormSet(data, initial=relations, prefix="relations"),
        "declarations": DeclarationFormSet(data, initial=declarations, prefix="declarations",
                                           form_kwargs={"applications": applications})}
    # every row's select from one query per list, not one per row
    orgs = [("", "---------"), *((o.pk, o.name) for o in selectors.partner_choices())]
    apps = [("", "---------"), *((a.pk, a.title) for a in applications)]
    for fs in sets.values():
        for f in fs.forms:
            f.fields["DELETE"].widget.attrs["class"] = "form-check-input"
            if "organisation" in f.fields:
                f.fields["organisation"].widget.choices = orgs
            if "application" in f.fields:
                f.fields["application"].widget.choices = apps
    return sets
