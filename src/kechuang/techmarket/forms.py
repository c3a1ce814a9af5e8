"""Forms of the contract pages. Views hand the cleaned data to the services, which evaluate
the §e rules, validate again and audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.orgs.models import Organisation
from kechuang.policy.tech_contracts import COST_KINDS
from kechuang.techmarket import selectors
from kechuang.techmarket.models import TechContract

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class PartyField(forms.CharField):
    """A contract party: any organisation on record, typed as credit code or exact name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("填写统一社会信用代码或单位全称（须已在系统中登记）"))
        super().__init__(*args, **kwargs)

    user: Any = None  # set by the form: names and ids are looked up among what it may see

    def clean(self, value: Any) -> Organisation:
        text = super().clean(value)
        found = selectors.find_organisation(text, user=self.user)
        if found is None:
            raise forms.ValidationError(
                _("找不到单位“%(t)s”：请填写完整的统一社会信用代码（对方单位须已在系统中登记）"),
                params={"t": text}, code="organisation")
        return found


class ContractForm(VersionedFormMixin):
    contract_type = forms.ChoiceField(label=_("合同类型"), choices=TechContract.Type.choices)
    sub_type = forms.ChoiceField(label=_("子类"), required=False,
                                 choices=TechContract.SubType.choices,
                                 help_text=_("技术开发分委托/合作；技术服务含培训、中介"))
    subject = forms.CharField(label=_("合同名称（标的）"), max_length=300)
    seller = PartyField(label=_("卖方"))
    buyer = PartyField(label=_("买方"))
    import_contract = forms.BooleanField(label=_("技术进口合同（由境内买方登记）"),
                                         required=False)
    turnover_yuan = forms.DecimalField(label=_("成交额（元）"), **MONEY)
    disputed = forms.BooleanField(label=_("有争议的合同"), required=False)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE, required=False)
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE,
                                 initial=lambda: timezone.localdate())
    registration_office = forms.CharField(label=_("登记机构"), max_length=100, required=False)

    def __init__(self, *args: Any, instance: TechContract | None = None, user: Any = None,
                 **kwargs: Any) -> None:
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                if name in ("seller", "buyer"):
                    initial[name] = getattr(instance, name).credit_code
                elif name != "version":
                    initial[name] = getattr(instance, name)
            initial["version"] = instance.version
        super().__init__(*args, **kwargs)
        for name in ("seller", "buyer"):
            self.fields[name].user = user
        if instance is not None:
            self.fields["corrected_on"] = forms.DateField(
                label=_("补正日期"), widget=DATE, required=False,
                help_text=_("留空为今天；认定期限自补正之日重新起算"))
        style_widgets(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "corrected_on"}


class CostForm(forms.Form):
    description = forms.CharField(label=_("费用名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=list(COST_KINDS.items()),
                             initial="materials")
    amount_yuan = forms.DecimalField(label=_("金额（元）"), required=False, **MONEY)
    reasonable_quantity = forms.BooleanField(label=_("合理数量（不扣除）"), required=False)
    quantity = forms.IntegerField(label=_("数量"), min_value=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("amount_yuan") is not None and not data.get("description"):
            self.add_error("description", _("请填写费用名称"))
        if data.get("description") and data.get("amount_yuan") is None:
            self.add_error("amount_yuan", _("请填写金额"))
        return data


CostFormSet = forms.formset_factory(CostForm, extra=3, max_num=20)


def cost_rows(formset: Any) -> list[dict[str, Any]]:
    return [f.cleaned_data for f in formset.forms
            if f.cleaned_data and f.cleaned_data.get("description")]


class RegisterForm(forms.Form):
    registration_no = forms.CharField(label=_("登记编号"), max_length=40)
    registered_on = forms.DateField(label=_("登记日期"), widget=DATE, required=False,
                                    help_text=_("留空为今天"))
    note = forms.CharField(label=_("认定意见"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReasonForm(forms.Form):
    """不予登记 / 注销登记: a reason and the date it takes effect."""

    reason = forms.CharField(label=_("原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("生效日期"), widget=DATE, required=False,
                         help_text=_("留空为今天"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ChangeForm(ReasonForm):
    turnover_yuan = forms.DecimalField(label=_("变更后成交额（元）"), **MONEY)


class GdpForm(forms.Form):
    """A GDP figure as the statistics bureau published it (县区 empty: the whole city)."""

    county = forms.ModelChoiceField(label=_("县区"), queryset=None, required=False,
                                    empty_label=_("全市"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    gdp_yi = forms.DecimalField(label=_("地区生产总值（亿元）"), max_digits=12,
                                decimal_places=2, min_value=Decimal("0.01"))
    source = forms.CharField(label=_("数据来源"), max_length=300,
                             help_text=_("如：2024年长治市国民经济和社会发展统计公报"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kechuang.regions.selectors import counties

        self.fields["county"].queryset = counties()
        style_widgets(self)


class IndustryForm(forms.Form):
    code = forms.CharField(label=_("行业代码"), max_length=3,
                           help_text=_("GB/T 4754 大类，如 I65"))
    included = forms.TypedChoiceField(label=_("操作"), coerce=lambda v: v == "1",
                                      choices=[("1", _("计入科技服务业")),
                                               ("0", _("不计入"))])
    note = forms.CharField(label=_("依据"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ConversionForm(forms.Form):
    platform_name = forms.CharField(label=_("平台名称"), max_length=200)
    enterprise = PartyField(label=_("新设法人企业"))
    converted_on = forms.DateField(label=_("注册日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].user = user
        style_widgets(self)


class TaxForm(forms.Form):
    """The reader's own figures for the tax links (nothing is stored)."""

    income = forms.DecimalField(label=_("本纳税年度技术转让所得（元）"), required=False,
                                max_digits=16, decimal_places=2,
                                help_text=_("收入减成本、税费后的所得，不是合同成交额"))
    rate = forms.DecimalField(label=_("企业所得税税率"), required=False, max_digits=4,
                              decimal_places=2, min_value=0, max_value=1,
                              help_text=_("如 0.25；0.15 等优惠税率与减免的叠加未核实，不自动组合"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AttachmentForm(forms.Form):
    files = forms.FileField(label=_("合同附件"), required=False,
                            help_text=_("合同文本、附件或登记证明（PDF、图片、Word、Excel）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
