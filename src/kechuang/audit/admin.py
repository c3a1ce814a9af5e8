"""The audit trail in the Django admin: readable by the audit administrator, never editable.

Snapshots (before/after) are not shown here: they hold personal data, which the audit pages
show masked with an audited "显示" per field. The admin links to that page instead.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None  # no "delete selected"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "source", "action", "content_type", "object_id",
                    "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "actor_name", "object_id", "request_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)
    exclude = ("before", "after")
    readonly_fields = ("changes_page",)

    @admin.display(description=_("变更内容"))
    def changes_page(self, obj: ChangeRecord) -> str:
        url = reverse("audit:change_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("在审计日志中查看（个人信息脱敏）"))


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip", "method", "path", "status")
    list_filter = ("kind",)
    search_fields = ("username", "ip", "path", "request_id")
    date_hierarchy = "at"
