"""Forms of the platform, occupant and evaluation pages. Views hand the cleaned data to the
services, which validate again, check the scope and audit."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.carriers import selectors
from kechuang.carriers.models import Evaluation, Level, Occupant, Platform, PlatformKind
from kechuang.core.forms import MultipleFileField, VersionedFormMixin, style_widgets
from kechuang.orgs.models import Organisation
from kechuang.regions.selectors import counties

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationField(forms.CharField):
    """An organisation on record, typed as credit code or exact name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("填写统一社会信用代码或单位全称（须已在系统中登记）"))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        found = selectors.find_organisation(text)
        if found is None:
            raise forms.ValidationError(_("找不到单位“%(t)s”，请先登记该单位"), params={"t": text},
                                        code="organisation")
        return found


class HostsField(forms.CharField):
    """Further host organisations, one per line (credit code or exact name)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value: Any) -> list[Organisation]:
        text = super().clean(value) or ""
        out, missing = [], []
        for part in re.split(r"[\n,，;；]+", text):
            part = part.strip()
            if not part:
                continue
            found = selectors.find_organisation(part)
            if found is None:
                missing.append(part)
            elif found not in out:
                out.append(found)
        if missing:
            raise forms.ValidationError(_("找不到单位：%(t)s，请先登记这些单位"),
                                        params={"t": "、".join(missing)}, code="organisation")
        return out


class PlatformForm(VersionedFormMixin):
    name = forms.CharField(label=_("平台名称"), max_length=200)
    kind = forms.ModelChoiceField(label=_("类别"), queryset=PlatformKind.objects.none())
    lead_host = OrganisationField(label=_("依托单位"))
    co_hosts = HostsField(label=_("其他共建单位"), required=False,
                          help_text=_("每行一个统一社会信用代码或单位全称"))
    county = forms.ModelChoiceField(label=_("所在县区"), queryset=counties(), required=False,
                                    help_text=_("留空为依托单位所在县区"))
    field = forms.CharField(label=_("技术领域"), max_length=100, required=False)
    established_on = forms.DateField(label=_("成立（筹建）日期"), widget=DATE)
    jinchuanggu = forms.BooleanField(label=_("晋创谷·长治载体"), required=False)
    area_sqm = forms.DecimalField(label=_("面积（平方米）"), max_digits=12, decimal_places=2,
                                  min_value=0, required=False)
    capacity = forms.IntegerField(label=_("容量（可入驻主体数）"), min_value=0, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, instance: Platform | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("name", "kind", "county", "field", "established_on", "jinchuanggu",
                         "area_sqm", "capacity", "address", "note"):
                initial[name] = getattr(instance, name)
            initial["lead_host"] = instance.lead_host.credit_code
            initial["co_hosts"] = "\n".join(
                h.credit_code for h in selectors.hosts_of(platform=instance)
                if h.pk != instance.lead_host_id)
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = selectors.kinds()
        if instance is None:
            self.fields["planning"] = forms.BooleanField(label=_("筹建中"), required=False)
            self.fields["level"] = forms.ChoiceField(
                label=_("认定级别"), required=False,
                choices=[("", _("未认定")), *Level.choices])
            self.fields["recognised_on"] = forms.DateField(label=_("认定日期"), widget=DATE,
                                                           required=False)
            self.fields["issuer"] = forms.CharField(label=_("认定部门"), max_length=100,
                                                    required=False)
            self.fields["document_no"] = forms.CharField(label=_("认定文号"), max_length=100,
                                                         required=False)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("level") and not data.get("recognised_on"):
            self.add_error("recognised_on", _("请填写认定日期"))
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = ("name", "kind", "lead_host", "county", "field", "established_on", "jinchuanggu",
                "area_sqm", "capacity", "address", "note", "version")
        return {k: d[k] for k in keys if k in d and not (k == "version" and d[k] is None)}

    def recognition(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("level"):
            return None
        return {"level": d["level"], "recognised_on": d["recognised_on"],
                "issuer": d.get("issuer", ""), "document_no": d.get("document_no", "")}


class RecognitionForm(forms.Form):
    level = forms.ChoiceField(label=_("认定级别"), choices=Level.choices)
    recognised_on = forms.DateField(label=_("认定日期"), widget=DATE)
    issuer = forms.CharField(label=_("认定部门"), max_length=100, required=False)
    document_no = forms.CharField(label=_("认定文号"), max_length=100, required=False)
    document_title = forms.CharField(label=_("文件名称"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class EndForm(forms.Form):
    action = forms.ChoiceField(label=_("办理"), choices=[("revoke", _("撤销")),
                                                       ("delist", _("摘牌"))])
    reason = forms.CharField(label=_("原因"), max_length=500)
    on = forms.DateField(label=_("生效日期"), widget=DATE, required=False,
                         help_text=_("留空为今天"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ConversionForm(forms.Form):
    enterprise = OrganisationField(label=_("法人企业"))
    converted_on = forms.DateField(label=_("转制日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class OccupantForm(VersionedFormMixin):
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=Occupant.Kind.choices)
    organisation = OrganisationField(label=_("对应企业"), required=False,
                                     help_text=_("已在系统中登记的企业填写统一社会信用代码（选填）"))
    field = forms.CharField(label=_("领域"), max_length=100, required=False)
    origin = forms.CharField(label=_("来源"), max_length=100, required=False,
                             help_text=_("如：北京研发、长治转化（双向飞地）"))
    settled_on = forms.DateField(label=_("入驻日期"), widget=DATE,
                                 initial=lambda: timezone.localdate())
    graduated_on = forms.DateField(label=_("毕业日期"), widget=DATE, required=False)
    left_on = forms.DateField(label=_("迁出日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, instance: Occupant | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("name", "kind", "field", "origin", "settled_on", "graduated_on",
                         "left_on", "note"):
                initial[name] = getattr(instance, name)
            initial["organisation"] = (instance.organisation.credit_code
                                       if instance.organisation_id else "")
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        if d.get("version") is None:
            d.pop("version", None)
        return d


class KindForm(forms.ModelForm):
    class Meta:
        model = PlatformKind
        fields = ["code", "name", "carrier", "incubator_or_pilot", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1)
    title = forms.CharField(label=_("名称"), max_length=200,
                            initial=lambda: _("%(y)s年度创新平台绩效评价") % {
                                "y": timezone.localdate().year - 1})
    due_on = forms.DateField(label=_("填报截止日期"), widget=DATE)
    kinds = forms.ModelMultipleChoiceField(label=_("参评平台类别"), required=False,
                                           queryset=PlatformKind.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("不选为全部类别"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].queryset = selectors.kinds()
        style_widgets(self)
        self.fields["kinds"].widget.attrs["class"] = ""


class EvaluationForm(VersionedFormMixin):
    rd_staff = forms.IntegerField(label=_("研发人员（人）"), min_value=0, required=False)
    rd_spend_yuan = forms.DecimalField(label=_("研发投入（元）"), max_digits=16,
                                       decimal_places=2, min_value=0, required=False)
    projects = forms.IntegerField(label=_("承担科研项目（项）"), min_value=0, required=False)
    patents = forms.IntegerField(label=_("授权发明专利（件）"), min_value=0, required=False)
    achievements = forms.IntegerField(label=_("转化科技成果（项）"), min_value=0, required=False)
    services = forms.IntegerField(label=_("服务企业（家次）"), min_value=0, required=False)
    summary = forms.CharField(label=_("年度工作总结"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料"), required=False,
                              help_text=_("审计报告、专利证书、项目文件等（PDF、图片、Excel、Word）"))

    def __init__(self, *args: Any, instance: Evaluation | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in (*Evaluation.FIGURES, "summary"):
                initial[name] = getattr(instance, name)
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        d = {k: v for k, v in self.cleaned_data.items() if k != "files"}
        if d.get("version") is None:
            d.pop("version", None)
        return d


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("评价等级"), choices=Evaluation.Grade.choices[1:])
    score = forms.DecimalField(label=_("得分"), max_digits=5, decimal_places=1, min_value=0,
                               max_value=100, required=False)
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("统计日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)


class ConfirmForm(forms.Form):
    """A button with nothing to fill in (转为运行)."""
