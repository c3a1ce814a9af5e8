"""Filters of the audit pages; ``filters()`` is what the selector and the export job receive."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.audit import selectors
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.core.forms import FilterForm, style_widgets


class _Filters(FilterForm):
    date_from = forms.DateField(label=_("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data


class ChangeFilterForm(_Filters):
    q = forms.CharField(label=_("对象"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("对象名称关键字"),
                                                      "type": "search"}))
    content_type = forms.TypedChoiceField(label=_("对象类型"), required=False, coerce=int,
                                          empty_value=None)
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部操作")), *ChangeRecord.Action.choices])
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64)

    field_order = ["q", "content_type", "action", "actor", "date_from", "date_to",
                   "object_id", "request_id"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content_type"].choices = [("", _("全部类型")),
                                               *selectors.object_types(user=user)]
        style_widgets(self, small=True)


class _EventFilters(_Filters):
    """The sign-in and access event lists' filters; ``kinds`` are the list's event kinds."""

    kinds: ClassVar[list[tuple[str, Any]]] = []
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("事件"), required=False)
    ip = forms.GenericIPAddressField(label=_("IP 地址"), required=False)

    field_order = ["username", "kind", "ip", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部事件")), *self.kinds]
        style_widgets(self, small=True)


class AuthEventFilterForm(_EventFilters):
    kinds = AuthEvent.Kind.choices


class AccessEventFilterForm(_EventFilters):
    kinds = AccessEvent.Kind.choices
