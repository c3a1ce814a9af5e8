"""Form helpers shared by the apps' pages: Bootstrap widget classes and list-filter forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.db import models


def style_widgets(form: forms.BaseForm, *, small: bool = False) -> None:
    """Bootstrap classes on every widget, so templates stay free of per-field markup.

    ``small`` gives the compact ``-sm`` variants used by the filter bars above the lists.
    Hidden inputs are not styled (they are never seen).
    """
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.HiddenInput):
            continue
        if isinstance(w, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(w, forms.Select):
            css = "form-select form-select-sm" if small else "form-select"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()


def filter_value(value: Any) -> Any:
    """One cleaned value as JSON can carry it (the export jobs store filters as JSON)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.time):  # dt.datetime is a dt.date
        return value.isoformat()
    return value


class FilterForm(forms.Form):
    """A list page's filter bar; ``filters()`` is what the selector and the export job receive.

    ``default_filters`` apply when the page is opened without a query (unbound form).
    """

    default_filters: ClassVar[Mapping[str, Any]] = {}

    def filters(self) -> dict[str, Any]:
        """JSON-able values of the fields that validated (bad values are ignored).

        A bad value in one field must not blank the whole list, so the fields that did
        validate still filter; empty values mean "no filter" and are left out.
        """
        if not self.is_bound:
            return dict(self.default_filters)
        self.is_valid()
        out: dict[str, Any] = {}
        for name, value in getattr(self, "cleaned_data", {}).items():
            if value in (None, ""):
                continue
            out[name] = filter_value(value)
        return out
