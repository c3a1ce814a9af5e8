"""Forms of the contract pages. Views hand the cleaned data to the services, which evaluate
the §e rules, validate again and audit."""

from __future__ import annotations

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

    def clean(self, value: Any) -> Organisation:
        text = super().clean(value)
        found = selectors.find_organisation(text)
        if found is None:
            raise forms.ValidationError(_("找不到单位“%(t)s”，请先登记该单位"), params={"t": text},
                                        code="organisation")
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

    def __init__(self, *args: Any, instance: TechContract | None = None, **kwargs: Any) -> None:
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                if name in ("seller", "buyer"):
                    initial[name] = getattr(instance, name).credit_code
                elif name != "version":
                    initial[name] = getattr(instance, name)
            initial["version"] = instance.version
        super().__init__(*args, **kwargs)
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
