"""Forms of the voucher pages; amounts are typed in 元 and handed to the services in fen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import MultipleFileField, VersionedFormMixin, style_widgets
from kechuang.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def fen(yuan: Decimal) -> int:
    return int((yuan * 100).to_integral_value())


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class VoucherApplyForm(_Styled):
    face_value_yuan = forms.DecimalField(label=_("申请面额（元）"), max_digits=12,
                                         decimal_places=2, min_value=Decimal("0.01"))
    purpose = forms.CharField(label=_("用途说明"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50,
                                           required=False)
    shareholders = forms.CharField(label=_("主要股东"), max_length=500, required=False,
                                   help_text=_("以逗号分隔；用于识别与服务机构的关联关系"))

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"face_value_fen": fen(d["face_value_yuan"]), "purpose": d["purpose"],
                "legal_representative": d["legal_representative"],
                "shareholders": d["shareholders"]}


class DecisionForm(_Styled):
    reason = forms.CharField(label=_("意见"), max_length=500, required=False)


class ContractForm(_Styled):
    provider = forms.ModelChoiceField(label=_("服务机构"), queryset=None)
    contract_no = forms.CharField(label=_("合同编号"), max_length=60)
    service_kind = forms.ChoiceField(label=_("服务类别"))
    subject = forms.CharField(label=_("服务内容"), max_length=300)
    fee_yuan = forms.DecimalField(label=_("合同金额（元）"), max_digits=14, decimal_places=2,
                                  min_value=0)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    related_declared = forms.BooleanField(label=_("双方存在关联关系"), required=False)

    def __init__(self, *args: Any, providers: Any, kinds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["service_kind"].choices = [(k.code, k.name) for k in kinds]

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["fee_fen"] = fen(d.pop("fee_yuan"))
        d.pop("provider")
        return d


class ClaimForm(_Styled):
    invoice_no = forms.CharField(label=_("发票号码"), max_length=60)
    fee_yuan = forms.DecimalField(label=_("实际服务费（元）"), max_digits=14, decimal_places=2,
                                  min_value=0)
    service_completed_on = forms.DateField(label=_("服务完成日期"), widget=DATE)
    # both files are required; the service checks them (type, content, size) and names the
    # missing one, so the browser's own "required" is not relied on
    payment_proof_files = MultipleFileField(
        label=_("付款凭证"), required=False,
        help_text=_("转账回单、付款凭证的扫描件或照片（PDF、图片、Word、Excel），必传"))
    payment_proof = forms.CharField(label=_("付款凭证说明"), max_length=300, required=False,
                                    help_text=_("付款凭证编号或说明（选填）"))
    completion_evidence_files = MultipleFileField(
        label=_("完成证明"), required=False,
        help_text=_("验收报告、检测报告等服务完成的证明（PDF、图片、Word、Excel），必传"))
    completion_evidence = forms.CharField(label=_("完成证明说明"), max_length=300,
                                          required=False)

    FILE_FIELDS = ("payment_proof_files", "completion_evidence_files")

    def service_data(self) -> dict[str, Any]:
        d = {k: v for k, v in self.cleaned_data.items() if k not in self.FILE_FIELDS}
        d["fee_fen"] = fen(d.pop("fee_yuan"))
        return d

    def service_files(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) or [] for k in self.FILE_FIELDS}


class ListingForm(_Styled):
    services = forms.CharField(label=_("提供的服务类别"), max_length=300,
                               help_text=_("以逗号分隔的服务目录代码，如 testing,rd"))
    qualifications = forms.CharField(label=_("资质"), max_length=500, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50,
                                           required=False)
    shareholders = forms.CharField(label=_("主要股东"), max_length=500, required=False)


class KindForm(_Styled):
    code = forms.SlugField(label=_("代码"), max_length=30)
    name = forms.CharField(label=_("服务类别"), max_length=100)
    ratio = forms.DecimalField(label=_("本类补贴比例"), max_digits=5, decimal_places=4,
                               min_value=Decimal("0.0001"), max_value=1, required=False)


# ---- policy pages (city staff) -----------------------------------------------------------


def yuan_of(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen) / 100


def _money(label: Any, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2,
                              min_value=Decimal("0.01"), **kw)


class _Versioned(VersionedFormMixin, _Styled):
    """A form of an existing row (``instance``) carries its version (optimistic locking)."""

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)


class PolicyForm(_Versioned):
    """A year's policy in 元; the year is fixed once the policy exists."""

    year = forms.IntegerField(label=_("政策年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("政策名称"), max_length=200)
    document = forms.CharField(label=_("政策文件"), max_length=300, required=False)
    ratio = forms.DecimalField(label=_("补贴比例"), max_digits=5, decimal_places=4,
                               min_value=Decimal("0.0001"), max_value=1,
                               help_text=_("服务费中由创新券支付的比例，0 至 1，如 0.5"))
    annual_cap_yuan = _money(_("每家企业年度额度（元）"))
    face_value_yuan = _money(_("单张券面额上限（元）"))
    budget_yuan = _money(_("年度预算（元）"),
                         help_text=_("可在“县区预算分配”中分配给县区，其余由市级使用"))
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE)
    valid_to = forms.DateField(label=_("有效期止"), widget=DATE)
    required_tiers = forms.MultipleChoiceField(
        label=_("申请资格（任一）"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[c for c in Organisation.Tier.choices if c[0]], help_text=_("不选表示不限"))
    in_city_only = forms.BooleanField(label=_("限本市注册企业"), required=False)
    revenue_cap_yuan = forms.DecimalField(label=_("上年销售收入上限（元）"), max_digits=16,
                                          decimal_places=2, min_value=0, required=False,
                                          help_text=_("留空表示不限"))

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = policy_initial(instance)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["required_tiers"].widget.attrs["class"] = ""  # plain check boxes
        if instance is not None:
            del self.fields["year"]

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if d.get("valid_from") and d.get("valid_to") and d["valid_to"] < d["valid_from"]:
            self.add_error("valid_to", _("有效期止不能早于有效期起"))
        return d

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        out = {k: d[k] for k in ("year", "name", "document", "ratio", "valid_from", "valid_to",
                                 "in_city_only", "revenue_cap_yuan", "version") if k in d}
        for k in ("annual_cap", "face_value", "budget"):
            out[f"{k}_fen"] = fen(d[f"{k}_yuan"])
        out["required_tiers"] = ",".join(d["required_tiers"])
        return out


def policy_initial(p: Any) -> dict[str, Any]:
    return {"name": p.name, "document": p.document, "ratio": p.ratio,
            "annual_cap_yuan": yuan_of(p.annual_cap_fen),
            "face_value_yuan": yuan_of(p.face_value_fen), "budget_yuan": yuan_of(p.budget_fen),
            "valid_from": p.valid_from, "valid_to": p.valid_to,
            "required_tiers": sorted(p.tiers), "in_city_only": p.in_city_only,
            "revenue_cap_yuan": p.revenue_cap_yuan}


class KindEditForm(_Versioned):
    """A catalogue entry's name and own ratio (the code is fixed: contracts cite it)."""

    name = forms.CharField(label=_("服务类别"), max_length=100)
    ratio = forms.DecimalField(label=_("本类补贴比例"), max_digits=5, decimal_places=4,
                               min_value=Decimal("0.0001"), max_value=1, required=False,
                               help_text=_("留空则按政策的补贴比例"))

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AllocationForm(_Versioned):
    county = forms.ModelChoiceField(label=_("县区"), queryset=None)
    amount_yuan = forms.DecimalField(label=_("分配额度（元）"), max_digits=14,
                                     decimal_places=2, min_value=0)

    def __init__(self, *args: Any, counties: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if counties is None:
            del self.fields["county"]
        else:
            self.fields["county"].queryset = counties

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["amount_fen"] = fen(d.pop("amount_yuan"))
        return d
