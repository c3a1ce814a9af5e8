"""The shared form helpers: filters() of the list pages and the Bootstrap widget classes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django import forms

from kechuang.audit.forms import AuthEventFilterForm
from kechuang.core.forms import FilterForm, filter_value, style_widgets
from kechuang.cultivation.filters import CandidateFilter
from kechuang.orgs.filters import EnterpriseFilter, ReportFilter
from kechuang.regions.models import Region

pytestmark = pytest.mark.django_db


class _AllKinds(FilterForm):
    county = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    day = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)
    n = forms.IntegerField(required=False)
    q = forms.CharField(required=False)
    flag = forms.BooleanField(required=False)


def test_filters_take_pk_isoformat_and_plain_values(county_a):
    form = _AllKinds({"county": str(county_a.pk), "day": "2025-03-31",
                      "at": "2025-03-31 08:30", "n": "7", "q": "长治"})
    out = form.filters()
    assert out["county"] == county_a.pk and isinstance(out["county"], int)
    assert out["day"] == "2025-03-31"
    assert out["at"].startswith("2025-03-31T08:30")
    assert out["n"] == 7 and out["q"] == "长治"
    json.dumps(out)  # the export job stores them as JSON


def test_filters_drop_bad_and_empty_values_but_keep_the_good_ones(county_a):
    form = _AllKinds({"county": "999999", "day": "2025-02-30", "n": "x", "q": "", "at": ""})
    assert form.filters() == {"flag": False}
    form = _AllKinds({"county": str(county_a.pk), "day": "not a date"})
    assert form.filters() == {"county": county_a.pk, "flag": False}


def test_unbound_form_returns_a_copy_of_its_defaults():
    assert _AllKinds().filters() == {}

    class WithDefaults(_AllKinds):
        default_filters = {"q": "x"}

    out = WithDefaults().filters()
    assert out == {"q": "x"}
    out["q"] = "changed"
    assert WithDefaults.default_filters == {"q": "x"}


def test_filter_value():
    assert filter_value(dt.date(2025, 1, 2)) == "2025-01-02"
    assert filter_value(dt.time(9, 5)) == "09:05:00"
    assert filter_value(3) == 3 and filter_value("a") == "a"


def test_app_filter_forms_use_the_shared_filters(users, county_a):
    user = users["city_staff"]
    form = EnterpriseFilter.page_form({"county": str(county_a.pk), "tier": "bogus", "q": "甲"},
                                      user=user)
    assert form.filters() == {"county": county_a.pk, "q": "甲"}
    assert EnterpriseFilter.page_form(user=user).filters() == {}
    assert ReportFilter.page_form({"county": str(county_a.pk)}, user=user).filters() == {
        "county": county_a.pk}
    assert CandidateFilter.page_form(user=user).filters() == {"status": "active"}
    assert CandidateFilter.page_form({"county": str(county_a.pk)}, user=user).filters() == {
        "county": county_a.pk, "status": "active"}


def test_audit_filters_give_dates_as_iso_strings_and_drop_an_inverted_range():
    form = AuthEventFilterForm({"date_from": "2025-01-01", "date_to": "2025-01-31",
                                "ip": "not-an-ip"})
    assert form.filters() == {"date_from": "2025-01-01", "date_to": "2025-01-31"}
    form = AuthEventFilterForm({"date_from": "2025-02-01", "date_to": "2025-01-31"})
    assert form.filters() == {"date_from": "2025-02-01"}


def test_style_widgets_classes():
    class F(forms.Form):
        text = forms.CharField(widget=forms.TextInput(attrs={"class": "mine"}))
        pick = forms.ChoiceField(choices=[("a", "a")])
        tick = forms.BooleanField()

    form = F()
    style_widgets(form)
    assert form.fields["text"].widget.attrs["class"] == "mine form-control"
    assert form.fields["pick"].widget.attrs["class"] == "form-select"
    assert form.fields["tick"].widget.attrs["class"] == "form-check-input"
    small = F()
    style_widgets(small, small=True)
    assert small.fields["text"].widget.attrs["class"] == "mine form-control form-control-sm"
    assert small.fields["pick"].widget.attrs["class"] == "form-select form-select-sm"
    assert small.fields["tick"].widget.attrs["class"] == "form-check-input"


def test_audit_filter_bar_is_small():
    form = AuthEventFilterForm()
    assert form.fields["kind"].widget.attrs["class"] == "form-select form-select-sm"
    assert form.fields["date_from"].widget.attrs["class"] == "form-control form-control-sm"
