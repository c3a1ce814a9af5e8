"""Forms: the what-if figures, the batch run, the results filter."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.assessment.inputs import WHAT_IF_FIELDS, parse_changes, person_message
from kechuang.core.forms import style_widgets
from kechuang.orgs import selectors as org_selectors
from kechuang.orgs.models import EnterpriseAnnualReport
from kechuang.policy.inputs import AnnualFigures


def _plain(value: Any) -> str:
    """A stored figure as the form shows it: 1200000.00 → "1200000", 12.50 → "12.5"."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class WhatIfForm(forms.Form):
    """The year's figures, pre-filled; submitting re-runs the engine and saves nothing.

    Values are parsed by the engine's own parsers (``parse_changes``), so the messages are the
    engine's Chinese ones (shown with the label only, no field key) and amounts stay Decimal.
    ``apply_gap`` (a button on a gap) carries the gap's ``changes`` as JSON; they replace the
    submitted values of those fields.
    """

    def __init__(self, *args: Any, figures: AnnualFigures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.figures = figures
        meta = EnterpriseAnnualReport._meta
        for name in WHAT_IF_FIELDS:
            self.fields[name] = forms.CharField(
                label=meta.get_field(name).verbose_name, required=False, max_length=40,
                initial=_plain(getattr(figures, name)),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        style_widgets(self, small=True)
        if self.is_bound:
            gap = self.data.get("apply_gap")
            if gap:
                self.data = self.data.copy()
                for key, value in _gap_changes(gap).items():
                    self.data[key] = value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = {name: data.get(name, "") for name in WHAT_IF_FIELDS}
        # blank = keep the stored figure
        changes, errors = parse_changes({k: v for k, v in raw.items() if str(v).strip()})
        for exc in errors:
            self.add_error(exc.field if exc.field in self.fields else None,
                           person_message(exc.field, exc.message))
        self.changes = {k: v for k, v in changes.items() if v != getattr(self.figures, k)}
        return data


def _gap_changes(text: str) -> dict[str, str]:
    """The fields of a gap's ``changes`` the form has, as strings (bad JSON: nothing)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(v) for k, v in data.items()
            if k in WHAT_IF_FIELDS and isinstance(v, int | str) and not isinstance(v, bool)}


def gap_button_value(changes: dict[str, Any]) -> str:
    """JSON for an "应用差距建议" button: the gap's changes the what-if form can take."""
    usable = {k: str(v) for k, v in changes.items() if k in WHAT_IF_FIELDS}
    return json.dumps(usable, ensure_ascii=False) if usable else ""


class BatchForm(forms.Form):
    year = forms.TypedChoiceField(label=_("数据年度（年度报表的年度）"), coerce=int)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = org_selectors.report_years(user=user)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        if years:
            self.fields["year"].initial = years[0]
        style_widgets(self)
