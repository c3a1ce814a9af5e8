"""The account list's filters (role, county, state, name), declared once."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.core.filters import IntChoiceFilter, ListFilter, SelectFilter, TriStateFilter
from kechuang.core.forms import FilterForm
from kechuang.regions.models import Region


class UserFilter(ListFilter):
    q = django_filters.CharFilter(label=_("用户名或姓名"), max_length=100,
                                  widget=forms.TextInput(attrs={"type": "search"}))
    role = SelectFilter(label=_("角色"), choices=[("", _("全部")), *Role.choices])
    county = IntChoiceFilter(label=_("县区"), empty_label=_("全部"))
    active = TriStateFilter(label=_("状态"),
                            choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))])

    class Meta(ListFilter.Meta):
        model = User

    def setup_form(self, form: FilterForm) -> None:
        form.fields["county"].queryset = Region.objects.filter(level="county").order_by(
            "sort_order", "code")
