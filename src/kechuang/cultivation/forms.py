"""Forms of the cultivation pages. Views hand ``service_data()`` to the services, which
validate again inside their transaction (model ``clean()``, scope) and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import MultipleFileField, style_widgets
from kechuang.core.params import parse_id
from kechuang.core.uploads import max_upload_bytes, size_label
from kechuang.cultivation.models import (
    CandidateEntry,
    HighTechCertificate,
)
from kechuang.orgs.models import Organisation
from kechuang.policy import credit_code as cc

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseField(forms.CharField):
    """An enterprise of the user's scope, typed as its credit code or its exact name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("企业"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text",
                          _("填写统一社会信用代码或企业全称（须为您管辖范围内的企业）"))
        super().__init__(*args, **kwargs)
        self.queryset = Organisation.objects.none()

    def clean(self, value: Any) -> Organisation:
        text = super().clean(value).strip()
        qs = self.queryset.filter(kind=Organisation.Kind.ENTERPRISE)
        found = None
        if (pk := parse_id(text)) is not None:
            found = qs.filter(pk=pk).first()
        if found is None and cc.is_valid(cc.normalize(text)):
            found = qs.filter(credit_code=cc.normalize(text)).first()
        if found is None:
            matches = list(qs.filter(name=text)[:2])
            found = matches[0] if len(matches) == 1 else None
        if found is None:
            raise forms.ValidationError(
                _("找不到企业“%(t)s”，或该企业不在您的管辖范围内"), params={"t": text},
                code="enterprise")
        return found


class _EnterpriseFormBase(forms.Form):
    enterprise = EnterpriseField()

    def __init__(self, *args: Any, user: Any, enterprise: Organisation | None = None,
                 with_files: bool = True, **kwargs: Any) -> None:
        if enterprise is not None:
            kwargs.setdefault("initial", {})["enterprise"] = enterprise.credit_code
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.restrict(user, "view")
        if with_files:
            self.fields["files"] = MultipleFileField(label=_("证明材料"), required=False)
            self.fields["files"].help_text = _(
                "可多选；PDF、图片（PNG/JPG）、Excel（xlsx）或 Word（docx），单个文件不超过 "
                "%(limit)s") % {"limit": size_label(max_upload_bytes())}
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "files"}

    def files_data(self) -> list[Any]:
        return self.cleaned_data.get("files") or []


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2017, max_value=2100,
                              initial=lambda: timezone.localdate().year)


class RegistrationForm(_EnterpriseFormBase):
    year = _year_field(_("评价年度"))
    registration_no = forms.CharField(label=_("入库登记编号"), max_length=32,
                                      help_text=_("省级科技管理部门赋予的登记编号"))
    registered_on = forms.DateField(label=_("入库日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class CertificateForm(_EnterpriseFormBase):
    certificate_no = forms.CharField(label=_("证书编号"), max_length=20,
                                     help_text=_("如 GR202514000123"))
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE,
                                help_text=_("有效期自发证日期起三年，由系统计算"))
    batch = forms.CharField(label=_("认定批次"), required=False, max_length=50,
                            help_text=_("如“2025年第一批”"))
    kind = forms.ChoiceField(label=_("认定类型"), choices=HighTechCertificate.Kind.choices)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class LeaderForm(_EnterpriseFormBase):
    year = _year_field(_("认定年度"))
    designated_on = forms.DateField(label=_("认定日期"), widget=DATE)
    document_no = forms.CharField(label=_("认定文号"), required=False, max_length=100)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


RECORD_FORMS = {"registration": RegistrationForm, "certificate": CertificateForm,
                "leader": LeaderForm}


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    revoked_on = forms.DateField(label=_("日期"), required=False, widget=DATE,
                                 help_text=_("留空为今天"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class FileForm(forms.Form):
    files = MultipleFileField(label=_("证明材料"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


# ---- candidate pool ----------------------------------------------------------------------


class CandidateForm(forms.Form):
    enterprise = EnterpriseField()
    target_rung = forms.ChoiceField(label=_("培育目标"), choices=CandidateEntry.Rung.choices)
    year = _year_field(_("年度"))
    note = forms.CharField(label=_("培育说明"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, enterprise: Organisation | None = None,
                 **kwargs: Any) -> None:
        if enterprise is not None:
            kwargs.setdefault("initial", {})["enterprise"] = enterprise.credit_code
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.restrict(user, "view")
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("辅导日期"), widget=DATE,
                                 initial=timezone.localdate)
    visitor = forms.CharField(label=_("辅导人员"), max_length=100)
    notes = forms.CharField(label=_("辅导内容"), max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
