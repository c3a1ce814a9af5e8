"""The voucher module's list filters, declared once for the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.vouchers import selectors
from kechuang.vouchers.models import Claim, Provider, Voucher


def _search(placeholder: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("搜索"), max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder}))


class _YearCounty(ListFilter):
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.years()]


class VoucherFilter(_YearCounty):
    q = _search(_("企业名称或券号"))
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")), *Voucher.Status.choices])

    class Meta(ListFilter.Meta):
        model = Voucher


class ClaimFilter(_YearCounty):
    q = _search(_("发票号码、合同编号、企业或服务机构"))
    status = SelectFilter(label=_("状态"), choices=[("", _("全部状态")), *Claim.Status.choices])

    class Meta(ListFilter.Meta):
        model = Claim


class ProviderFilter(ListFilter):
    q = _search(_("服务机构名称"))
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))
    status = SelectFilter(label=_("状态"),
                          choices=[("", _("全部状态")), *Provider.Status.choices])

    class Meta(ListFilter.Meta):
        model = Provider

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = selectors.filter_counties(user=self.user)
