"""The audit lists' filters, declared once for the page and the export (core/filters.py);
``filters()`` is what the selector and the export job receive."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.audit import selectors
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.core.filters import ListFilter, SelectFilter
from kechuang.core.forms import FilterForm


class DateRangeForm(FilterForm):
    """The end of the range may not come before its start."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data


def _date(label: Any) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _text(label: Any, max_length: int, **attrs: Any) -> django_filters.CharFilter:
    widget = forms.TextInput(attrs=attrs) if attrs else None
    return django_filters.CharFilter(label=label, max_length=max_length,
                                     **({"widget": widget} if widget else {}))


class TypedSelectFilter(django_filters.Filter):
    field_class = forms.TypedChoiceField


class AddressFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


class _AuditFilter(ListFilter):
    class Meta(ListFilter.Meta):
        form = DateRangeForm


class ChangeFilter(_AuditFilter):
    q = _text(_("对象"), 100, placeholder=_("对象名称关键字"), type="search")
    content_type = TypedSelectFilter(label=_("对象类型"), coerce=int, empty_value=None)
    action = SelectFilter(label=_("操作"),
                          choices=[("", _("全部操作")), *ChangeRecord.Action.choices])
    actor = _text(_("操作人"), 150)
    date_from = _date(_("起始日期"))
    date_to = _date(_("截止日期"))
    object_id = _text(_("对象编号"), 64)
    request_id = _text(_("请求编号"), 64)

    class Meta(_AuditFilter.Meta):
        model = ChangeRecord

    def setup_form(self, form: FilterForm) -> None:
        form.fields["content_type"].choices = [("", _("全部类型")),
                                               *selectors.object_types(user=self.user)]


class _EventFilter(_AuditFilter):
    """The sign-in and access event lists' filters; ``kinds`` are the list's event kinds."""

    kinds: ClassVar[list[tuple[str, Any]]] = []
    username = _text(_("用户名"), 150)
    kind = SelectFilter(label=_("事件"))
    ip = AddressFilter(label=_("IP 地址"))
    date_from = _date(_("起始日期"))
    date_to = _date(_("截止日期"))

    def setup_form(self, form: FilterForm) -> None:
        form.fields["kind"].choices = [("", _("全部事件")), *self.kinds]


class AuthEventFilter(_EventFilter):
    kinds = AuthEvent.Kind.choices

    class Meta(_AuditFilter.Meta):
        model = AuthEvent


class AccessEventFilter(_EventFilter):
    kinds = AccessEvent.Kind.choices

    class Meta(_AuditFilter.Meta):
        model = AccessEvent
