"""The reported-value list's filters, declared once for the page, API and export
(core/filters.py says how each reads them)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.core.filters import IntChoiceField, IntChoiceFilter, ListFilter, SelectFilter
from kechuang.core.forms import FilterForm
from kechuang.core.params import parse_id
from kechuang.reported import selectors
from kechuang.reported.forms import indicator_label
from kechuang.reported.models import ReportedValue

COUNTY_OR_CITY = _("应为县区编号或 city")


class IndicatorChoiceField(IntChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return indicator_label(obj)


class IndicatorFilter(django_filters.Filter):
    field_class = IndicatorChoiceField


class CountyOrCityField(forms.ChoiceField):
    """A county's id, or ``city`` for the city-level rows (their county is empty)."""

    blank_message = COUNTY_OR_CITY
    openapi_schema = {"type": "string", "pattern": r"^(city|[1-9][0-9]{0,17})$",
                      "maxLength": 20}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strict_choices = True

    def to_python(self, value: Any) -> str:
        text = "" if value in self.empty_values else str(value)
        if text and text != selectors.CITY and parse_id(text) is None:
            raise ValidationError(COUNTY_OR_CITY, code="invalid")
        return text

    def validate(self, value: Any) -> None:
        if value and self.strict_choices:
            super().validate(value)


class CountyOrCityFilter(django_filters.Filter):
    field_class = CountyOrCityField


class ValueFilter(ListFilter):
    indicator = IndicatorFilter(label=_("指标"), empty_label=_("全部指标"))
    county = CountyOrCityFilter(label=_("县区"))
    status = SelectFilter(label=_("状态"),
                          choices=[("", _("全部状态")), *ReportedValue.Status.choices])
    year = IntChoiceFilter(label=_("年度"), empty_label=_("全部年度"), min_value=2000,
                           max_value=2100)

    api_help = {"indicator": _("指标编号"), "county": _("县区编号；city 表示全市数值")}

    class Meta(ListFilter.Meta):
        model = ReportedValue

    def setup_form(self, form: FilterForm) -> None:
        user = self.user
        form.fields["indicator"].queryset = selectors.reported_indicators(user=user)
        form.fields["county"].choices = [("", _("全部")), (selectors.CITY, _("全市"))] + [
            (str(c.pk), c.name) for c in selectors.filter_counties(user=user)]
        form.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in selectors.value_years(user=user)]
