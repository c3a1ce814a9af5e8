"""The cultivation lists' filters (registrations, certificates, leader designations, the
candidate pool), declared once for the page, API and export (core/filters.py says how each
reads them)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.cultivation.models import CandidateEntry, HighTechCertificate, TechSmeRegistration
from kechuang.cultivation.selectors import record_years
from kechuang.orgs.forms import SEARCH_HINT
from kechuang.orgs.selectors import counties_in_scope

CERTIFICATE_STATUSES = [("valid", _("有效")), ("expired", _("已过期")), ("revoked", _("已取消"))]
SEARCH_HINTS = {"registration": _("企业名称、信用代码或登记编号"),
                "certificate": _("企业名称、信用代码或证书编号"),
                "leader": _("企业名称、信用代码或文号")}


def _search(**attrs: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("搜索"), max_length=100,
                                     widget=forms.TextInput(attrs={**attrs, "type": "search"}))


def _year() -> IntChoiceFilter:
    return IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)


def _county() -> IntChoiceFilter:
    return IntChoiceFilter(label=_("县区"), empty_label=_("全部县区"))


class RecordFilter(ListFilter):
    """One filter set for the three record lists; ``kind`` (the URL's) narrows the page's
    status choices and offers the certificate kind on the certificates page."""

    q = _search()
    county = _county()
    year = _year()
    status = SelectFilter(label=_("状态"), choices=[
        ("", _("全部状态")), (TechSmeRegistration.Status.REGISTERED,
                              TechSmeRegistration.Status.REGISTERED.label),
        *CERTIFICATE_STATUSES])
    kind = SelectFilter(label=_("认定类型"),
                        choices=[("", _("全部类型")), *HighTechCertificate.Kind.choices])

    page_only = ("kind",)
    api_help = {"q": _("企业名称、信用代码或编号"), "county": _("县区编号")}

    class Meta(ListFilter.Meta):
        model = TechSmeRegistration

    def setup_form(self, form: FilterForm) -> None:
        kind = self.context["kind"]
        form.fields["q"].widget.attrs["placeholder"] = SEARCH_HINTS[kind]
        form.fields["county"].queryset = counties_in_scope(user=self.user)
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in record_years(user=self.user, kind=kind)]
        if kind == "registration":
            form.fields["status"].choices = [("", _("全部状态")),
                                             *TechSmeRegistration.Status.choices]
        elif kind == "certificate":
            form.fields["status"].choices = [("", _("全部状态")), *CERTIFICATE_STATUSES]
        else:
            del form.fields["status"]
        if kind != "certificate":
            del form.fields["kind"]


class CandidateFilter(ListFilter):
    """The candidate pool: the active entries unless the query asks for another status."""

    q = _search(placeholder=SEARCH_HINT)
    county = _county()
    year = _year()
    target_rung = SelectFilter(label=_("培育目标"),
                               choices=[("", _("全部目标")), *CandidateEntry.Rung.choices])
    status = SelectFilter(label=_("状态"),
                          choices=[*CandidateEntry.Status.choices, ("all", _("全部状态"))])

    defaults = {"status": CandidateEntry.Status.ACTIVE}
    page_only = ("q",)
    api_help = {
        "county": _("县区编号"),
        "target_rung": "；".join(f"{v} {label}" for v, label in CandidateEntry.Rung.choices),
        "status": _("默认 active（培育中）；all 为全部"),
    }

    class Meta(ListFilter.Meta):
        model = CandidateEntry

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = counties_in_scope(user=self.user)
        this_year = timezone.localdate().year
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in range(this_year + 1, this_year - 4, -1)]
