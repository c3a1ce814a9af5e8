"""Forms for the enterprise and annual-report pages.

ModelForms give the widgets and the model's own validation (credit-code check character,
report invariants); the views pass ``cleaned_data`` to the services, which validate again
inside their transaction and write the change record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import can
from kechuang.core.forms import VersionedFormMixin, style_widgets
from kechuang.orgs import selectors
from kechuang.orgs.industry import DIVISIONS, INDUSTRY_CHOICES, SECTIONS
from kechuang.orgs.models import ChainMembership, Enterprise, EnterpriseAnnualReport, Organisation
from kechuang.orgs.services import ENTERPRISE_LOCKED_FIELDS
from kechuang.policy import credit_code as cc

ABOVE_SCALE_CHOICES = [("", _("全部")), ("1", _("规模以上")), ("0", _("规模以下"))]
SEARCH_HINT = _("企业名称或统一社会信用代码")


def industry_filter_choices() -> list[tuple[str, Any]]:
    """门类 letters and their 大类 codes, grouped by 门类 (one <optgroup> each); built once
    per language."""
    lang = get_language()
    if lang not in _INDUSTRY_FILTER_CHOICES:
        _INDUSTRY_FILTER_CHOICES[lang] = _industry_filter_choices()
    return _INDUSTRY_FILTER_CHOICES[lang]


_INDUSTRY_FILTER_CHOICES: dict[str | None, list[tuple[str, Any]]] = {}


def _industry_filter_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", str(_("全部行业")))]
    whole = str(_("整个门类"))
    for letter, name in SECTIONS.items():
        group = [(letter, f"{letter} {name}（{whole}）")]
        group += [(code, f"{code} {dname}") for code, dname in DIVISIONS.items()
                  if code[0] == letter]
        choices.append((f"{letter} {name}", group))
    return choices


class EnterpriseForm(VersionedFormMixin, forms.ModelForm):
    """Create/edit an enterprise; chain memberships are one role select per industrial chain.

    An enterprise user editing its own profile gets no county, credit code or scale fields
    (the service drops them anyway) and no chain fields (chains are the bureau's call). Nobody
    types the cultivation tier: it follows the registrations, certificates and designations
    (cultivation.services.refresh_tier).
    """

    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40,
                                  help_text=_("18位，可含空格或小写字母，保存时自动规范化"))

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "county", "industry_code", "established_on",
                  "above_scale", "address", "contact_name", "contact_phone"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        adding = self.instance.pk is None
        if "county" in self.fields:
            self.fields["county"].queryset = selectors.counties_in_scope(
                user=user, action="add" if adding else "change")
            self.fields["county"].empty_label = _("请选择县区")
        self.fields["industry_code"].choices = [("", _("请选择行业")), *INDUSTRY_CHOICES]
        if not can(user, "add", Enterprise):  # the enterprise itself: profile fields only
            for name in ENTERPRISE_LOCKED_FIELDS:
                self.fields.pop(name, None)
        self.chain_fields: list[tuple[Any, str]] = []
        if can(user, "change", ChainMembership):
            current = {}
            if not adding:
                current = {m.chain_id: m.role for m in self.instance.chain_memberships.all()}
            role_choices = [("", _("不在该链")), *ChainMembership.Role.choices]
            for chain in selectors.industrial_chains(user=user):
                name = f"chain_{chain.pk}"
                self.fields[name] = forms.ChoiceField(label=chain.name, required=False,
                                                      choices=role_choices,
                                                      initial=current.get(chain.pk, ""))
                self.chain_fields.append((chain, name))
        style_widgets(self)

    @property
    def profile_fields(self) -> list[forms.BoundField]:
        chain_names = {name for _, name in self.chain_fields}
        return [self[n] for n in self.fields if n not in chain_names and n != "version"]

    @property
    def chain_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for _, name in self.chain_fields]

    def clean_credit_code(self) -> str:
        return cc.normalize(self.cleaned_data["credit_code"])

    def clean_established_on(self) -> dt.date | None:
        value = self.cleaned_data.get("established_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("成立日期不能晚于今天（%(today)s）"),
                                  params={"today": timezone.localdate().isoformat()},
                                  code="future")
        return value

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone") or ""
        if not value.strip():
            return ""
        phone = normalize_phone(value)
        if not is_valid_phone(phone):
            raise ValidationError(
                _("联系电话格式不正确：请填写手机号（如 13912345678）或带区号的固定电话"
                  "（如 0355-1234567，分机可写 0355-1234567-801）"), code="phone")
        return phone

    def service_data(self) -> dict[str, Any]:
        """cleaned_data in the shape the services take."""
        chain_names = {name for _, name in self.chain_fields}
        data = {k: v for k, v in self.cleaned_data.items() if k not in chain_names}
        if self.chain_fields:
            data["chain_memberships"] = [(chain, self.cleaned_data[name])
                                         for chain, name in self.chain_fields
                                         if self.cleaned_data.get(name)]
        return data


# Phone numbers as people write them: a mainland mobile (+86 optional, spaced or hyphenated
# in groups), a landline with its area code (010, 02x or 0xxx; parentheses, hyphen, space or
# nothing before the 7–8 digit number; an extension after "-", "转", "ext", "x" or "#"), or a
# 400/800 service number. Anything else (letters, too few or too many digits) is refused.
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_LANDLINE = re.compile(
    rf"(?:(?:\+?86[-\s]?)?(?:\({_AREA}\)|{_AREA})|\+?86[-\s]?\(?(?:10|2\d|[3-9]\d{{2}})\)?)"
    r"[-\s]?[1-9]\d{6,7}"
    r"(?:\s*(?:-|转|ext\.?|x|#)\s*\d{1,6})?", re.IGNORECASE)
_SERVICE = re.compile(r"[48]00[-\s]?\d{3}[-\s]?\d{4}")


def normalize_phone(value: str) -> str:
    """Full-width digits and brackets (typed with a Chinese IME) as ASCII; spaces collapsed."""
    text = unicodedata.normalize("NFKC", value).replace("－", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip()


def is_valid_phone(value: str) -> bool:
    """A mainland mobile, landline (with area code, optional extension) or 400/800 number."""
    phone = normalize_phone(value)
    if _MOBILE.fullmatch(re.sub(r"[\s-]", "", phone)):
        return True
    return bool(_LANDLINE.fullmatch(phone) or _SERVICE.fullmatch(phone))


def default_report_year(existing: Iterable[int], *, today: dt.date) -> int:
    """The year a new report is most likely for: the first one not filed yet.

    Reports are filed for the year just ended; if that one exists, the current year (a
    report being prepared), then the nearest missing year before them.
    """
    filed = set(existing)
    last = today.year - 1
    for year in (last, today.year, *range(last - 1, 1999, -1)):
        if year not in filed:
            return year
    return last


REPORT_SECTIONS = [
    (_("人员"), ["year", "employees", "st_staff"]),
    (_("收入与资产"), ["revenue_yuan", "total_income_yuan", "high_tech_revenue_yuan",
                   "total_costs_yuan", "total_assets_yuan", "net_assets_yuan"]),
    (_("研发费用（六类）"), ["rd_expense_yuan", "rd_domestic_yuan", "rd_personnel_yuan",
                       "rd_direct_input_yuan", "rd_depreciation_yuan", "rd_amortization_yuan",
                       "rd_design_yuan", "rd_other_yuan", "rd_entrusted_domestic_yuan",
                       "rd_entrusted_overseas_yuan", "rd_reserve_fund_yuan"]),
    (_("知识产权与成果"), ["ip_class_1_count", "ip_class_2_count", "achievements_converted",
                      "has_rd_activity"]),
]


class AnnualReportForm(VersionedFormMixin, forms.ModelForm):
    """One enterprise's figures for one year, in the four sections of the paper form."""

    class Meta:
        model = EnterpriseAnnualReport
        fields = [name for _, names in REPORT_SECTIONS for name in names]

    def __init__(self, *args: Any, enterprise: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.instance.enterprise = enterprise
        if self.instance.pk is None:  # the first year without a report, not a taken one
            self.fields["year"].initial = default_report_year(
                selectors.report_years_of(enterprise), today=timezone.localdate())
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        style_widgets(self)

    @property
    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[n] for n in names]) for title, names in REPORT_SECTIONS]

    def validate_unique(self) -> None:
        super().validate_unique()
        # the form has no enterprise field, so Django skips the (enterprise, year) constraint
        if "year" in self._errors or self.cleaned_data.get("year") is None:
            return
        keep = {"enterprise", "year"}
        exclude = {f.name for f in self.instance._meta.fields} - keep
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError:
            self.add_error("year", _("该企业%(year)s年度的报表已存在，请编辑原报表") % {
                "year": self.cleaned_data["year"]})

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
