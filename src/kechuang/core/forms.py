"""Form plumbing shared by the apps' pages: Bootstrap widget classes, list-filter forms, the
optimistic-locking hidden field and the several-files upload field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.db import models

from kechuang.core.uploads import EVIDENCE_EXTENSIONS


class VersionedFormMixin(forms.Form):
    """A hidden ``version`` field holding the row's version when the page was rendered.

    The services pass it to ``core.services.update_object``, which refuses the save when
    another user has saved the row since (``ConflictError``, shown as a form error). The
    template renders it with ``{{ form.version }}``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            del self.fields["version"]  # a new row has no version to compare
        else:
            self.fields["version"].initial = instance.version



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
    fixed_defaults: Mapping[str, Any] = {}  # also when bound, where the query leaves them out

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
        return {**self.fixed_defaults, **out}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(f".{e}" for e in sorted(EVIDENCE_EXTENSIONS))}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
