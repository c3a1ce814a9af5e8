"""Forms of the voucher pages; amounts are typed in 元 and handed to the services in fen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import MultipleFileField, style_widgets

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
