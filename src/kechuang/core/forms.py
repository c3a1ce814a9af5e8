"""Form plumbing shared by apps: the optimistic-locking hidden field."""

from __future__ import annotations

from typing import Any

from django import forms


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
